/** A stack's worst-case monthly cost stays within its budget. */
import { estimateMonthlyCost } from "../cost/estimator";
import { PRICE_KNOBS, USAGE_KNOBS } from "../cost/knobs";
import { PRICE_TABLE_DATE } from "../cost/prices";
import { knob, stackRule } from "../lib/rule";

export const rule = stackRule({
  name: "monthly-cost-limit",
  severity: "medium",
  remediation: "Lower instance counts, autoscaling maxima, job runtimes or schedules, or raise the stack's limit in the policy config with a reason; declare usage where it is unbounded.",
  description: `Fails a stack whose worst-case monthly cost (endpoint instance-hours at the autoscaling maximum, scheduled training/processing runs × max runtime × on-demand price, serverless usage) exceeds maxMonthlyUsd. Prices: us-east-1 on-demand table dated ${PRICE_TABLE_DATE}, overridable. Estimates, not quotes.`,
  summary: "worst-case monthly estimate ≤ `maxMonthlyUsd`; an unpriced instance type is reported, not guessed",
  counterparts: { note: "Infracost has no SageMaker" },
  knobs: {
    maxMonthlyUsd: knob.number(1000, "Worst-case monthly budget of the stack (USD)", "higher"),
    // Relative thresholds, as Infracost offers: a change against its base needs the base, so the
    // offline plan's --compare applies them (a pull request against its base branch); a preview has none.
    maxIncreasePercent: knob.optionalNumber("Largest increase of the worst-case monthly cost over the base branch, in percent (offline plan --compare)", "higher"),
    maxIncreaseUsd: knob.optionalNumber("Largest increase of the worst-case monthly cost over the base branch, in USD (offline plan --compare)", "higher"),
    ...PRICE_KNOBS,
    ...USAGE_KNOBS,
  },
  validate: (args, report, c) => {
    // A suppressed "no price" or "cannot be bounded" finding would leave its resource out of the
    // budget in silence: the budget takes no exceptions (raise maxMonthlyUsd, or price the type).
    const suppressions = (c as { suppressions?: unknown[] }).suppressions ?? [];
    if (suppressions.length > 0) {
      report(`monthly-cost-limit takes no suppressions (${suppressions.length} given): a suppressed finding would leave its resource's cost out of the budget; price the type ("prices"), state its usage ("usage") or raise maxMonthlyUsd instead.`);
    }
    const estimate = estimateMonthlyCost(
      args.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.props })),
      c,
    );
    for (const u of estimate.unbounded) {
      report(`The cost of ${u.where} cannot be bounded: ${u.why}; write it literally so the cost limit can be verified.`, u.urn);
    }
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
});
