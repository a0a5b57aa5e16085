/**
 * Worst-case monthly cost of Glue jobs: runs a month × workers × DPUs per worker ×
 * timeout × the DPU-hour price. Runs come from the workflows that start the job
 * (`glue:startJobRun` in a definition, counted per workflow run), the job's scheduled
 * triggers, or the usage default when nothing in the stack starts it. A run may override
 * workers and timeout; an override set at run time cannot be bounded and is reported.
 */
import { GLUE_DPUS_PER_WORKER, GLUE_MAX_TIMEOUT_MINUTES, GlueSparkWorkerType } from "../facts/glue";
import { runsPerMonth } from "../facts/scheduleExpression";
import { definitionTasks, GlueRunTask } from "../lib/jobsInDefinitions";
import { asArray, numeric, TYPES } from "../lib/resources";
import { CostOptions } from "./knobs";
import { GLUE_DPU_HOUR_USD, regionFactor, roundUsd as round } from "./prices";
import type { CostEstimate, CostResource } from "./types";

/** The provider's default timeout for Glue jobs (minutes) when the job sets none. */
const DEFAULT_TIMEOUT_MINUTES = 2880;

/** USD per worker-hour: the policy config's `prices["glue:<type>"]`, else DPUs × the DPU-hour price (G types). */
export function glueWorkerHourly(workerType: string, opts: CostOptions): number | undefined {
  const factor = regionFactor(opts);
  const override = opts.prices[`glue:${workerType}`];
  if (override !== undefined) return override * factor;
  if (!workerType.startsWith("G.")) return undefined; // R (M-DPU) prices are not in the table
  const dpus = GLUE_DPUS_PER_WORKER[workerType as GlueSparkWorkerType];
  return dpus === undefined ? undefined : dpus * GLUE_DPU_HOUR_USD * factor;
}

type Estimate = Pick<CostEstimate, "lines" | "unpriced" | "unbounded">;

export function glueJobCosts(resources: CostResource[], opts: CostOptions, workflowRuns: (sm: CostResource) => { runs: number; basis: string }): Estimate {
  const out: Estimate = { lines: [], unpriced: [], unbounded: [] };
  // Every state machine's Glue runs, once.
  const starters: { sm: CostResource; run: GlueRunTask }[] = [];
  for (const sm of resources.filter((r) => TYPES.stateMachine.includes(r.type as never) && typeof r.props.definition === "string")) {
    let runs: GlueRunTask[];
    try {
      runs = definitionTasks(sm.props.definition).glueRuns;
    } catch {
      continue; // the workflow's own line reports an invalid definition
    }
    for (const run of runs) {
      if (run.atRunTime.length > 0) out.unbounded.push({ urn: sm.urn, where: run.state, why: `StartJobRun ${run.atRunTime.join(", ")} ${run.atRunTime.length > 1 ? "are" : "is"} set at run time (a JSONPath)` });
      starters.push({ sm, run });
    }
  }

  for (const job of resources.filter((r) => TYPES.glueJob.includes(r.type as never))) {
    const name = job.props.name;
    const mine = starters.filter((s) => s.run.jobName !== undefined && s.run.jobName === name);
    const triggers = resources.filter(
      (t) => TYPES.glueTrigger.includes(t.type as never) && t.props.type === "SCHEDULED" && typeof t.props.schedule === "string" && asArray<any>(t.props.actions).some((a) => a?.jobName === name),
    );
    const sources: { runs: number; basis: string; overrides: Record<string, any> }[] = [];
    for (const { sm, run } of mine) {
      const { runs, basis } = workflowRuns(sm);
      sources.push({ runs, basis: `${runs} runs/month of ${sm.name} (${basis})`, overrides: run.parameters });
    }
    for (const t of triggers) {
      try {
        const runs = runsPerMonth(t.props.schedule);
        sources.push({ runs, basis: `${runs} runs/month from trigger ${t.name} ${t.props.schedule}`, overrides: {} });
      } catch {
        out.unbounded.push({ urn: t.urn, where: "schedule", why: `the schedule expression ${t.props.schedule} is not one the estimator can count` });
      }
    }
    if (sources.length === 0) sources.push({ runs: opts.unscheduledRunsPerMonth, basis: `${opts.unscheduledRunsPerMonth} runs/month (nothing in the stack starts it)`, overrides: {} });

    let monthly = 0;
    const basis: string[] = [];
    for (const source of sources) {
      const workerType = typeof source.overrides.WorkerType === "string" ? source.overrides.WorkerType : job.props.workerType;
      const workers = numeric(source.overrides.NumberOfWorkers ?? job.props.numberOfWorkers ?? 10);
      const minutes = Math.min(numeric(source.overrides.Timeout ?? job.props.timeout ?? DEFAULT_TIMEOUT_MINUTES), GLUE_MAX_TIMEOUT_MINUTES);
      if (typeof workerType !== "string") {
        // Sized in DPUs instead of workers: Python shell jobs (0.0625 by default, API model) and Glue 1.0-era Spark jobs (10 by default).
        const dpus = numeric(source.overrides.MaxCapacity ?? job.props.maxCapacity ?? (job.props.command?.name === "pythonshell" ? 0.0625 : 10));
        monthly += source.runs * dpus * GLUE_DPU_HOUR_USD * regionFactor(opts) * (minutes / 60);
        basis.push(`${source.basis} × ${dpus} DPU × ${round(minutes / 60)} h timeout`);
        continue;
      }
      const hourly = glueWorkerHourly(workerType, opts);
      if (hourly === undefined) {
        out.unpriced.push({ urn: job.urn, instanceType: `glue:${workerType}`, where: "workerType" });
        continue;
      }
      monthly += source.runs * workers * hourly * (minutes / 60);
      basis.push(`${source.basis} × ${workers} × ${workerType} (${GLUE_DPUS_PER_WORKER[workerType as GlueSparkWorkerType] ?? "?"} DPU) × ${round(minutes / 60)} h timeout`);
    }
    if (basis.length > 0) out.lines.push({ urn: job.urn, monthlyUsd: round(monthly), basis: basis.join("; ") });
  }
  return out;
}
