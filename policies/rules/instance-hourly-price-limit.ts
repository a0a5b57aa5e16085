/** No SageMaker instance costs more per hour than the ceiling. */
import { hourlyPrice } from "../cost/estimator";
import { PRICE_KNOBS } from "../cost/knobs";
import { asArray, describe, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { instanceRequests, INVALID_DEFINITION, invalidDefinitionMessage, jobsOf, jobSubject } from "../lib/jobsInDefinitions";

export const rule = resourceRule({
  name: "instance-hourly-price-limit",
  severity: "medium",
  remediation: "Choose a smaller instance type, or raise maxHourlyUsd in the policy config for this stack with a reason.",
  description: "No SageMaker instance (endpoint variant, job in a Step Functions definition, native training job, notebook instance) costs more per hour than maxHourlyUsd.",
  summary: "no instance above `maxHourlyUsd` per hour (variants, jobs in definitions, native training jobs, notebook instances)",
  counterparts: { note: "none exists" },
  knobs: { maxHourlyUsd: knob.number(5, "Ceiling per instance-hour (USD)", "higher"), ...PRICE_KNOBS },
  types: [...TYPES.endpointConfig, ...TYPES.stateMachine, ...TYPES.trainingJob, ...TYPES.notebookInstance],
  validate: (props, args, report, c) => {
    /** `subject` names the resource and the place in it, e.g. `EndpointConfiguration "x" variant primary`. */
    const check = (type: unknown, subject: string) => {
      if (typeof type !== "string") return;
      const price = hourlyPrice(type, c);
      if (price !== undefined && price > c.maxHourlyUsd) {
        report(`${subject}: ${type} costs about $${price.toFixed(3)}/hour, above maxHourlyUsd $${c.maxHourlyUsd}; choose a smaller type or raise maxHourlyUsd.`);
      }
    };
    if (TYPES.notebookInstance.includes(args.type as never)) return check(props.instanceType, describe(args));
    if (TYPES.endpointConfig.includes(args.type as never)) {
      for (const v of asArray<any>(props.productionVariants)) if (v) check(v.instanceType, `${describe(args)} variant ${v.variantName}`);
      return;
    }
    const tasks = jobsOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return report(invalidDefinitionMessage(describe(args), "instance-hourly-price-limit"));
    for (const t of tasks) for (const r of instanceRequests(t)) check(r.instanceType, `${jobSubject(describe(args), t)} ${r.where}`);
  },
});
