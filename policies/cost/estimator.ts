/**
 * Worst-case monthly cost of a stack, from what the program declares. Used by the
 * `monthly-cost-limit` policy and by the offline plan's cost table.
 *
 *  - Real-time endpoints: instance-hours for the month at the autoscaling maximum
 *    (`maxCapacity` of the variant's scalable target), else the initial count.
 *  - Serverless endpoints: expected invocations × duration × memory (from the
 *    resource's `ml-pipeline:expected-*` tags, else the policy config's defaults).
 *  - Workflows: runs per month from the schedule that starts them (rate/cron), or the
 *    config's `unscheduledRunsPerMonth`; per run, each SageMaker job's maximum runtime ×
 *    instance count × on-demand price (no spot discount assumed), plus transitions.
 *  - Lambda functions invoked by a workflow: timeout × memory per run.
 *  - Glue jobs: runs × workers × DPUs per worker × timeout × the DPU-hour price (glueJobs.ts).
 */
import { HOURLY_USD, HOURS_PER_MONTH, UNIT_PRICES, regionFactor, roundUsd as round } from "./prices";
import {
  DefinitionTasks,
  definitionTasks,
  instanceRequests,
  literalMaxRuntime,
  maxRuntimeAtRunTime,
  maxRuntimeSeconds,
  maxTuningJobs,
  monitoringScheduleJob,
  monitoringScheduleOf,
  SageMakerTask,
  stateCount,
} from "../lib/jobsInDefinitions";
import { runsPerMonth } from "../facts/scheduleExpression";
import { asArray, numeric, TYPES } from "../lib/resources";
import { COST_DEFAULTS, CostOptions } from "./knobs";
import { glueJobCosts } from "./glueJobs";
import { costCoverage, FIXED_MONTHLY_USD, provisionedCapacityUsd, USAGE_PRICES } from "./coverage";
import type { CostEstimate, CostLine, CostResource } from "./types";

export type { CostEstimate, CostLine, CostOptions, CostResource };

export const EXPECTED_INVOCATIONS_TAG = "ml-pipeline:expected-monthly-invocations";
export const EXPECTED_DURATION_TAG = "ml-pipeline:expected-duration-ms";


export function hourlyPrice(instanceType: string, options: Partial<CostOptions> = {}): number | undefined {
  const opts = { ...COST_DEFAULTS, ...options };
  const base = opts.prices[instanceType] ?? HOURLY_USD[instanceType];
  if (base === undefined) return undefined;
  return base * regionFactor(opts);
}

/** The Task states of a definition that export a DynamoDB table (nested ones in Parallel and Map branches too). */
function dynamoDbExports(definition: string): number {
  return (definition.match(/"Resource"\s*:\s*"arn:[\w-]+:states:::aws-sdk:dynamodb:exportTableToPointInTime"/g) ?? []).length;
}

/**
 * Whether a schedule/rule target ARN points at a state machine, by its name: the
 * state machine's own `arn` is an output, unknown at preview, and reading it would
 * stop the policy there.
 */
function targetsStateMachine(targetArn: unknown, sm: CostResource): boolean {
  const name = sm.props.name;
  return typeof targetArn === "string" && typeof name === "string" && targetArn.endsWith(`:stateMachine:${name}`);
}

function workflowRuns(sm: CostResource, resources: CostResource[], opts: CostOptions): { runs: number; basis: string } {
  const schedules = resources.filter((r) => TYPES.schedule.includes(r.type as never) && targetsStateMachine(r.props.target?.arn, sm) && r.props.state !== "DISABLED");
  const ruleNames = resources
    .filter((r) => TYPES.eventTarget.includes(r.type as never) && targetsStateMachine(r.props.arn, sm))
    .map((r) => r.props.rule);
  const rules = resources.filter((r) => TYPES.eventRule.includes(r.type as never) && ruleNames.includes(r.props.name) && typeof r.props.scheduleExpression === "string");
  const expressions = [...schedules.map((s) => s.props.scheduleExpression), ...rules.map((r) => r.props.scheduleExpression)].filter((e): e is string => typeof e === "string");
  if (expressions.length === 0) {
    const runs = opts.unscheduledRunsPerMonth;
    return { runs, basis: `${runs} manual runs/month (no schedule)` };
  }
  const runs = expressions.reduce((sum, e) => {
    try {
      return sum + runsPerMonth(e);
    } catch {
      return sum;
    }
  }, 0);
  return { runs, basis: `${runs} runs/month from ${expressions.join(" + ")}` };
}

const MONITORING_APIS: string[] = ["createDataQualityJobDefinition", "createMonitoringSchedule", "updateMonitoringSchedule"];

/**
 * Monitoring a workflow sets up: each schedule it creates or updates (one line per schedule
 * name) × runs a month of its expression × the job it runs: inline, or the costliest
 * data-quality job definition the same workflow creates (the schedule runs one at a time).
 */
function monitoringCosts(
  sm: CostResource,
  tasks: SageMakerTask[],
  price: (urn: string, type: unknown, where: string) => number | undefined,
  unbounded: CostEstimate["unbounded"],
): CostLine[] {
  const jobCost = (task: SageMakerTask, inline?: Record<string, any>): { usd: number; basis: string } | undefined => {
    const hours = ((inline ? literalMaxRuntime(inline) : maxRuntimeSeconds(task)) ?? 3600) / 3600; // the API's default maximum is one hour
    let usd = 0;
    const basis: string[] = [];
    for (const req of instanceRequests(task)) {
      const hourly = price(sm.urn, req.instanceType, `${task.state}.${req.where}`);
      if (hourly === undefined) return undefined;
      const count = req.instanceCount ?? 1;
      usd += count * hourly * hours;
      basis.push(`${count} × ${req.instanceType} × ${round(hours)} h max`);
    }
    return { usd, basis: basis.join(" + ") };
  };
  const definitions = tasks.filter((t) => t.api === "createDataQualityJobDefinition").map((t) => jobCost(t)).filter((c): c is { usd: number; basis: string } => c !== undefined);
  const byName = new Map<string, SageMakerTask>();
  for (const t of tasks.filter((x) => x.api !== "createDataQualityJobDefinition")) {
    const name = typeof t.parameters.MonitoringScheduleName === "string" ? t.parameters.MonitoringScheduleName : t.state;
    if (!byName.has(name)) byName.set(name, t);
  }
  const lines: CostLine[] = [];
  for (const [name, t] of byName) {
    const { expression } = monitoringScheduleOf(t);
    if (expression === undefined) {
      unbounded.push({ urn: sm.urn, where: t.state, why: "the monitoring schedule's expression is set at run time (a JSONPath)" });
      continue;
    }
    let runs: number;
    try {
      runs = runsPerMonth(expression);
    } catch {
      unbounded.push({ urn: sm.urn, where: t.state, why: `the schedule expression ${expression} is not one the estimator can count` });
      continue;
    }
    const inline = monitoringScheduleJob(t);
    const job = inline ? jobCost(t, inline) : [...definitions].sort((a, b) => b.usd - a.usd)[0];
    if (!job) {
      if (!inline && definitions.length === 0) unbounded.push({ urn: sm.urn, where: t.state, why: "the schedule runs a job definition the workflow does not create, whose cost the estimator cannot see" });
      continue;
    }
    lines.push({ urn: sm.urn, monthlyUsd: round(runs * job.usd), basis: `monitoring schedule ${name}: ${runs} runs/month from ${expression} × ${job.basis}` });
  }
  return lines;
}

export function estimateMonthlyCost(resources: CostResource[], options: Partial<CostOptions> = {}): CostEstimate {
  const opts: CostOptions = { ...COST_DEFAULTS, ...options };
  const lines: CostLine[] = [];
  const unpriced: CostEstimate["unpriced"] = [];
  const unbounded: CostEstimate["unbounded"] = [];
  const price = (urn: string, type: unknown, where: string, whyMissing = "the instance type is set at run time (a JSONPath)"): number | undefined => {
    if (typeof type !== "string") {
      unbounded.push({ urn, where, why: whyMissing });
      return undefined;
    }
    const p = hourlyPrice(type, opts);
    if (p === undefined) unpriced.push({ urn, instanceType: type, where });
    return p;
  };

  const targets = resources.filter((r) => TYPES.scalingTarget.includes(r.type as never) && r.props.serviceNamespace === "sagemaker");
  const endpointConfigs = resources.filter((r) => TYPES.endpointConfig.includes(r.type as never));

  for (const ec of endpointConfigs) {
    let monthly = 0;
    const basis: string[] = [];
    for (const v of asArray<any>(ec.props.productionVariants)) {
      if (!v || typeof v !== "object") continue;
      if (v.serverlessConfig) {
        const tags = ec.props.tags ?? {};
        const invocations = numeric(tags[EXPECTED_INVOCATIONS_TAG] ?? opts.serverlessMonthlyInvocations);
        const ms = numeric(tags[EXPECTED_DURATION_TAG] ?? opts.serverlessDurationMs);
        const gb = numeric(v.serverlessConfig.memorySizeInMb) / 1024;
        const cost = invocations * (ms / 1000) * gb * UNIT_PRICES.serverlessPerGbSecond;
        monthly += cost;
        basis.push(`serverless ${v.variantName}: ${invocations} invocations × ${ms} ms × ${gb} GB`);
        continue;
      }
      const hourly = price(ec.urn, v.instanceType, `productionVariants.${v.variantName}`, "the variant names no instance type");
      if (hourly === undefined) continue;
      const target = targets.find((t) => typeof t.props.resourceId === "string" && t.props.resourceId.endsWith(`/variant/${v.variantName}`));
      const count = numeric(target?.props.maxCapacity ?? v.initialInstanceCount ?? 1);
      monthly += count * hourly * HOURS_PER_MONTH;
      basis.push(`${count} × ${v.instanceType} × ${HOURS_PER_MONTH} h${target ? " (autoscaling max)" : ""}`);
    }
    lines.push({ urn: ec.urn, monthlyUsd: round(monthly), basis: basis.join("; ") });
  }

  // Model Monitor jobs: runs per month of the schedules that use the definition, × its maximum runtime.
  for (const dq of resources.filter((r) => TYPES.dataQualityJobDefinition.includes(r.type as never))) {
    const cluster = dq.props.jobResources?.clusterConfig ?? {};
    const schedules = resources.filter((r) => TYPES.monitoringSchedule.includes(r.type as never) && r.props.monitoringScheduleConfig?.monitoringJobDefinitionName === dq.props.name);
    const expressions = schedules.map((s) => s.props.monitoringScheduleConfig?.scheduleConfig?.scheduleExpression).filter((e): e is string => typeof e === "string");
    if (expressions.length === 0) continue; // a definition no schedule runs costs nothing
    let runs = 0;
    for (const e of expressions) {
      try {
        runs += runsPerMonth(e);
      } catch {
        unbounded.push({ urn: dq.urn, where: "monitoring schedule", why: `the schedule expression ${e} is not one the estimator can count` });
      }
    }
    const hourly = price(dq.urn, cluster.instanceType, "jobResources.clusterConfig");
    if (hourly === undefined) continue;
    const hours = numeric(dq.props.stoppingCondition?.maxRuntimeInSeconds ?? 3600) / 3600; // the API's default maximum is one hour
    const count = numeric(cluster.instanceCount ?? 1);
    lines.push({ urn: dq.urn, monthlyUsd: round(runs * count * hourly * hours), basis: `${runs} monitoring runs × ${count} × ${cluster.instanceType} × ${round(hours)} h max` });
  }

  // Notebook instances run until someone stops them: a full month, at their hourly price.
  for (const nb of resources.filter((r) => TYPES.notebookInstance.includes(r.type as never))) {
    const hourly = price(nb.urn, nb.props.instanceType, "instanceType", "the notebook names no instance type");
    if (hourly !== undefined) lines.push({ urn: nb.urn, monthlyUsd: round(hourly * HOURS_PER_MONTH), basis: `${nb.props.instanceType} notebook × ${HOURS_PER_MONTH} h` });
  }

  for (const sm of resources.filter((r) => TYPES.stateMachine.includes(r.type as never))) {
    if (typeof sm.props.definition !== "string") continue;
    let found: DefinitionTasks;
    try {
      found = definitionTasks(sm.props.definition);
    } catch {
      unbounded.push({ urn: sm.urn, where: "definition", why: "the definition is not valid JSON" });
      continue;
    }
    const tasks = found.jobs;
    for (const t of found.unchecked) unbounded.push({ urn: sm.urn, where: t.state, why: `sagemaker:${t.api} is not costed by the estimator` });
    const { runs, basis: runBasis } = workflowRuns(sm, resources, opts);
    let perRun = 0;
    const basis: string[] = [runBasis];
    // Monitoring runs on its schedule, not per workflow run: counted apart (monitoringCosts).
    const monitoring = tasks.filter((t) => MONITORING_APIS.includes(t.api));
    lines.push(...monitoringCosts(sm, monitoring, price, unbounded));
    // A model package only names the types it may be served on: it runs nothing.
    for (const task of tasks.filter((t) => !MONITORING_APIS.includes(t.api) && t.api !== "createModelPackage")) {
      if (task.api === "createEndpointConfig") {
        // Hosting is counted from the endpoint configuration resources; a workflow that
        // deploys before any is declared (day one) is counted here instead.
        if (endpointConfigs.length > 0) continue;
        for (const req of instanceRequests(task)) {
          const hourly = price(sm.urn, req.instanceType, `${task.state}.${req.where}`);
          if (hourly === undefined) continue;
          const count = req.instanceCount ?? 1;
          lines.push({ urn: sm.urn, monthlyUsd: round(count * hourly * HOURS_PER_MONTH), basis: `${task.state}: ${count} × ${req.instanceType} hosting × ${HOURS_PER_MONTH} h (endpoint the workflow deploys)` });
        }
        continue;
      }
      if (task.api !== "createTransformJob" && maxRuntimeAtRunTime(task)) unbounded.push({ urn: sm.urn, where: task.state, why: "MaxRuntimeInSeconds is set at run time (a JSONPath)" });
      const hours = task.api === "createTransformJob" ? opts.transformHoursPerRun : (maxRuntimeSeconds(task) ?? 86_400) / 3600;
      const tuningJobs = task.api === "createHyperParameterTuningJob" ? maxTuningJobs(task) : 1;
      if (tuningJobs === undefined) unbounded.push({ urn: sm.urn, where: task.state, why: "the tuning job's number of training jobs is not a literal MaxNumberOfTrainingJobs (a JSONPath, or none)" });
      const jobs = tuningJobs ?? 1;
      for (const req of instanceRequests(task)) {
        if (req.instanceCountAtRunTime) unbounded.push({ urn: sm.urn, where: `${task.state}.${req.where}`, why: "the instance count is set at run time (a JSONPath)" });
        const hourly = price(sm.urn, req.instanceType, `${task.state}.${req.where}`);
        if (hourly === undefined) continue;
        const count = req.instanceCount ?? 1;
        perRun += jobs * count * hourly * hours;
        basis.push(`${task.state}: ${jobs > 1 ? `${jobs} jobs × ` : ""}${count} × ${req.instanceType} × ${round(hours)} h max`);
      }
    }
    // A DynamoDB export (aws-sdk:dynamodb:exportTableToPointInTime) is billed by the table's size,
    // which the program does not declare: the usage knob says how much a run exports.
    const exports = dynamoDbExports(sm.props.definition as string);
    if (exports > 0) {
      perRun += exports * opts.dynamoDbExportGbPerRun * UNIT_PRICES.dynamoDbExportPerGb * regionFactor(opts);
      basis.push(`${exports > 1 ? `${exports} ` : ""}DynamoDB export of ${opts.dynamoDbExportGbPerRun} GB (dynamoDbExportGbPerRun)`);
    }
    const transitions = stateCount(sm.props.definition) * 2; // loops revisit states; 2× bounds a typical run
    perRun += transitions * UNIT_PRICES.stepFunctionsPerTransition;
    lines.push({ urn: sm.urn, monthlyUsd: round(runs * perRun), basis: basis.join("; ") });

    // Lambda functions the workflow invokes, by ARN or name.
    const definitionText = sm.props.definition as string;
    for (const fn of resources.filter((r) => TYPES.lambda.includes(r.type as never))) {
      const name = fn.props.name;
      if (typeof name !== "string" || !definitionText.includes(`:function:${name}`)) continue;
      const gbSeconds = (numeric(fn.props.memorySize ?? 128) / 1024) * numeric(fn.props.timeout ?? 3);
      lines.push({ urn: fn.urn, monthlyUsd: round(runs * gbSeconds * UNIT_PRICES.lambdaPerGbSecond), basis: `${runs} runs × ${fn.props.timeout ?? 3} s timeout × ${fn.props.memorySize ?? 128} MB` });
    }
  }

  const glue = glueJobCosts(resources, opts, (sm) => workflowRuns(sm, resources, opts));
  lines.push(...glue.lines);
  unpriced.push(...glue.unpriced);
  unbounded.push(...glue.unbounded);

  // DynamoDB tables with provisioned capacity: a fixed hourly charge the program declares.
  const provisionedTables = new Set<string>();
  for (const r of resources.filter((x) => x.type === "aws:dynamodb/table:Table")) {
    const provisioned = provisionedCapacityUsd(r.props);
    if (!provisioned) continue;
    provisionedTables.add(r.urn);
    lines.push({ urn: r.urn, monthlyUsd: round(provisioned.usd * regionFactor(opts)), basis: provisioned.basis });
  }

  // Usage the policy config assumes (its `usage` knob), for the types billed by usage (a provisioned table is priced above).
  for (const r of resources) {
    const quantity = opts.usage[r.type];
    const unit = USAGE_PRICES[r.type];
    if (quantity === undefined || !unit || provisionedTables.has(r.urn)) continue;
    lines.push({ urn: r.urn, monthlyUsd: round(quantity * unit.usd * regionFactor(opts)), basis: `${quantity} ${unit.unit} × $${unit.usd} (usage assumed by the policy config)` });
  }

  // What everyday resources cost by existing (keys, alarms, dashboards, custom metrics, secrets).
  for (const r of resources) {
    const fixed = FIXED_MONTHLY_USD[r.type];
    if (!fixed) continue;
    const count = fixed.count?.(r.props) ?? 1;
    lines.push({ urn: r.urn, monthlyUsd: round(count * fixed.usd * regionFactor(opts)), basis: `${count > 1 ? `${count} × ` : ""}${fixed.unit} × $${fixed.usd}/month` });
  }

  const monthlyUsd = round(lines.reduce((s, l) => s + l.monthlyUsd, 0));
  return { monthlyUsd, lines, unpriced, unbounded, coverage: costCoverage(resources, lines) };
}
