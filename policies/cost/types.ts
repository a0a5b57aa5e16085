/** The shapes the cost estimate is made of, shared by the estimator and its Glue part. */

export interface CostResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, any>;
}

export interface CostLine {
  urn: string;
  monthlyUsd: number;
  /** How the figure was derived, for humans. */
  basis: string;
}

export interface CostEstimate {
  monthlyUsd: number;
  lines: CostLine[];
  /** Instance types with no price: the estimate is incomplete without them. */
  unpriced: { urn: string; instanceType: string; where: string }[];
  /** What cannot be bounded from the program (a count or runtime set at run time, an API the estimator does not read): the estimate is incomplete without it. */
  unbounded: { urn: string; where: string; why: string }[];
  /** Which types the estimate prices, which are free, which it does not price and why (cost/coverage.ts). */
  coverage?: CostCoverage;
}

/** What the estimate covers, per resource type. */
export interface CostCoverage {
  /** Types with a cost line: what the estimate prices. */
  priced: { type: string; count: number }[];
  /** Types that cost nothing by themselves. */
  free: { type: string; count: number }[];
  /** Types the estimate does not price, and why (usage it cannot see, or a type it does not know). */
  notPriced: { type: string; count: number; why: string }[];
}
