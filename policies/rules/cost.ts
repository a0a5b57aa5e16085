/** Cost rules: a worst-case monthly estimate per stack, and an hourly ceiling per instance. */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CostOptions, estimateMonthlyCost, hourlyPrice } from "../cost/estimator";
import { PRICE_TABLE_DATE } from "../cost/prices";
import { configOf, describe, forTypes, TYPES } from "../lib/resources";
import { instanceRequests, INVALID_DEFINITION, jobsOf, jobSubject } from "../lib/sageMakerJobs";

const priceKnobs = {
  prices: { type: "object" as const, additionalProperties: { type: "number" as const }, default: {}, description: "USD/hour overrides or additions to the price table, by instance type" },
  region: { type: "string" as const, default: "us-east-1", description: "Region whose prices apply" },
  regionFactor: { type: "number" as const, description: "Overrides the region's price factor relative to us-east-1" },
};

export interface MonthlyCostConfig extends CostOptions {
  maxMonthlyUsd: number;
}

export const monthlyCostLimit: StackValidationPolicy = {
  name: "monthly-cost-limit",
  description: `Fails a stack whose worst-case monthly cost (endpoint instance-hours at the autoscaling maximum, scheduled training/processing runs × max runtime × on-demand price, serverless usage) exceeds maxMonthlyUsd. Prices: us-east-1 on-demand table dated ${PRICE_TABLE_DATE}, overridable. Estimates, not quotes.`,
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxMonthlyUsd: { type: "number", default: 1000, minimum: 0, description: "Worst-case monthly budget of the stack (USD)" },
      ...priceKnobs,
      unscheduledRunsPerMonth: { type: "integer", default: 4, minimum: 0, description: "Runs a month of a workflow no schedule starts" },
      serverlessMonthlyInvocations: { type: "integer", default: 100000, minimum: 0 },
      serverlessDurationMs: { type: "integer", default: 100, minimum: 1 },
      transformHoursPerRun: { type: "number", default: 1, minimum: 0 },
    },
  },
  validateStack: (args, report) => {
    const c = configOf<MonthlyCostConfig>(args, monthlyCostLimit.configSchema);
    const estimate = estimateMonthlyCost(
      args.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props })),
      c,
    );
    for (const u of estimate.unpriced) {
      report(`No price for ${u.instanceType} (${u.where}), so the cost limit cannot be verified; add it to the policy config "prices" (USD/hour).`, u.urn);
    }
    if (estimate.monthlyUsd > c.maxMonthlyUsd) {
      const top = [...estimate.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3);
      report(
        `Estimated worst-case monthly cost $${estimate.monthlyUsd.toFixed(2)} exceeds maxMonthlyUsd $${c.maxMonthlyUsd}. Largest: ${top
          .map((l) => `${l.urn.split("::").pop()} $${l.monthlyUsd.toFixed(2)} (${l.basis})`)
          .join("; ")}. Reduce instance types, counts, autoscaling maximum or schedule, or raise maxMonthlyUsd.`,
      );
    }
  },
};

interface HourlyConfig {
  maxHourlyUsd: number;
  prices: Record<string, number>;
  region: string;
  regionFactor?: number;
}

export const instanceHourlyLimit: ResourceValidationPolicy = {
  name: "instance-hourly-price-limit",
  description: "No SageMaker instance (endpoint variant, job in a Step Functions definition, native training job) costs more per hour than maxHourlyUsd.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { maxHourlyUsd: { type: "number", default: 5, minimum: 0, description: "Ceiling per instance-hour (USD)" }, ...priceKnobs } },
  validateResource: forTypes([...TYPES.endpointConfig, ...TYPES.stateMachine, ...TYPES.trainingJob], (props, args, report) => {
    const c = configOf<HourlyConfig>(args, instanceHourlyLimit.configSchema);
    /** `subject` names the resource and the place in it, e.g. `EndpointConfiguration "x" variant primary`. */
    const check = (type: unknown, subject: string) => {
      if (typeof type !== "string") return;
      const price = hourlyPrice(type, c);
      if (price !== undefined && price > c.maxHourlyUsd) {
        report(`${subject}: ${type} costs about $${price.toFixed(3)}/hour, above maxHourlyUsd $${c.maxHourlyUsd}; choose a smaller type or raise maxHourlyUsd.`);
      }
    };
    if (TYPES.endpointConfig.includes(args.type as never)) {
      for (const v of props.productionVariants ?? []) check(v.instanceType, `${describe(args)} variant ${v.variantName}`);
      return;
    }
    const tasks = jobsOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return;
    for (const t of tasks) for (const r of instanceRequests(t)) check(r.instanceType, `${jobSubject(describe(args), t)} ${r.where}`);
  }),
};

export const costPolicies = [monthlyCostLimit, instanceHourlyLimit];
