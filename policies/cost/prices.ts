/**
 * SageMaker on-demand prices, us-east-1, USD per instance-hour, and the other unit
 * prices the estimate uses. ESTIMATES, not quotes.
 *
 * Source: public price tables read 2025-26 (not AWS's Price List API, which this
 * project cannot reach when it is built); `derived` entries scale the listed price of
 * the same family linearly by size, which matches how SageMaker prices these families
 * but was not read from a table. Override any of them in the policy config
 * (`prices: {"ml.m5.large": 0.115}`); a type with no price is reported, not guessed.
 */
export const PRICE_TABLE_DATE = "2025-26";

/** Listed in public tables. */
const LISTED: Record<string, number> = {
  "ml.t2.medium": 0.065, // hosting; tables show 0.056-0.065, the higher figure keeps the estimate pessimistic
  "ml.m5.large": 0.115,
  "ml.m5.xlarge": 0.23,
  "ml.m5.2xlarge": 0.461,
  "ml.c5.xlarge": 0.204,
  "ml.c5.2xlarge": 0.408,
  "ml.g4dn.xlarge": 0.7364,
  "ml.g5.xlarge": 1.408,
  "ml.p3.2xlarge": 3.825,
};

/** Linear in size within a family (a 2xlarge is twice an xlarge). */
const SIZE_FACTOR: Record<string, number> = { large: 0.5, xlarge: 1, "2xlarge": 2, "4xlarge": 4, "8xlarge": 8, "9xlarge": 9, "12xlarge": 12, "16xlarge": 16, "18xlarge": 18, "24xlarge": 24 };
const DERIVED_FROM: Record<string, { base: string; sizes: string[] }> = {
  "ml.m5": { base: "ml.m5.xlarge", sizes: ["4xlarge", "12xlarge", "24xlarge"] },
  "ml.c5": { base: "ml.c5.xlarge", sizes: ["large", "4xlarge", "9xlarge", "18xlarge"] },
  "ml.p3": { base: "ml.p3.2xlarge", sizes: ["8xlarge", "16xlarge"] },
};

function derived(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [family, { base, sizes }] of Object.entries(DERIVED_FROM)) {
    const baseSize = base.split(".")[2];
    for (const size of sizes) out[`${family}.${size}`] = Math.round(((LISTED[base] * SIZE_FACTOR[size]) / SIZE_FACTOR[baseSize]) * 10000) / 10000;
  }
  return out;
}

export const HOURLY_USD: Readonly<Record<string, number>> = { ...derived(), ...LISTED };

export const UNIT_PRICES = {
  /** Serverless inference, per GB-second of memory while processing (*unverified*). */
  serverlessPerGbSecond: 0.00002,
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda, per GB-second (x86 list price; arm64 is cheaper, so this is an upper bound). */
  lambdaPerGbSecond: 0.0000166667,
  /** DynamoDB export to S3 (a full export), per GB of table data (DynamoDB pricing page, "Export to Amazon S3", us-east-1; *unverified* here). */
  dynamoDbExportPerGb: 0.1,
};

/**
 * AWS Glue Spark jobs (Glue 2.0 and later), USD per DPU-hour, billed per second with a
 * one-minute minimum. Source: the AWS Glue pricing page's own example (a 6-DPU job for
 * 15 minutes at $0.44 per DPU-hour costs $0.66), read 2026. Memory-optimized R workers
 * are billed per M-DPU at a price not read here: they are reported unpriced unless the
 * policy config's `prices` gives `glue:R.1X` etc. (USD per worker-hour).
 */
export const GLUE_DPU_HOUR_USD = 0.44;

/**
 * Regional price factors relative to us-east-1: approximations of the public tables
 * (*unverified*); regions not listed use 1.25, which errs high. Override per stack with
 * the policy config `regionFactor`.
 */
export const REGION_FACTOR: Readonly<Record<string, number>> = {
  "us-east-1": 1,
  "us-east-2": 1,
  "us-west-2": 1,
  "us-west-1": 1.17,
  "eu-west-1": 1.1,
  "eu-central-1": 1.2,
  "eu-west-2": 1.17,
  "ap-northeast-1": 1.28,
  "ap-southeast-1": 1.25,
  "ap-southeast-2": 1.25,
};
export const UNLISTED_REGION_FACTOR = 1.25;

/** The price factor that applies: the config's override, else the region's, else the unlisted regions'. */
export function regionFactor(opts: { region: string; regionFactor?: number }): number {
  return opts.regionFactor ?? REGION_FACTOR[opts.region] ?? UNLISTED_REGION_FACTOR;
}

/** A dollar figure to the cent, as every estimate line shows it. */
export const roundUsd = (usd: number): number => Math.round(usd * 100) / 100;

/** Hours in the month the estimates use (AWS's convention). */
export const HOURS_PER_MONTH = 730;
