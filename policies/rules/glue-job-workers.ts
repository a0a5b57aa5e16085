/**
 * Glue jobs run on allowed worker types, at most maxWorkers of them, with a timeout: on
 * the job resources and on every run a Step Functions definition starts
 * (`glue:startJobRun`), whose overrides of workers and timeout are read like the job's.
 */
import { describe, shown, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { definitionTasks, GlueRunTask } from "../lib/jobsInDefinitions";
import { GLUE_SPARK_WORKER_TYPES } from "../facts/glue";

interface Limits {
  allowedWorkerTypes: string[];
  maxWorkers: number;
  maxTimeoutMinutes: number;
}

/** One job's or one run's settings, as the checks read them. */
interface WorkerSettings {
  workerType?: unknown;
  numberOfWorkers?: unknown;
  timeout?: unknown;
  maxCapacity?: unknown;
}

function checkSettings(s: WorkerSettings, limits: Limits, subject: string, report: (m: string) => void, requireTimeout: boolean) {
  if (s.maxCapacity !== undefined && s.workerType === undefined) {
    report(`${subject} sizes the job by maxCapacity (${shown(s.maxCapacity)} DPUs); set workerType and numberOfWorkers instead (Glue 2.0 and later), so the worker type can be checked.`);
  }
  if (s.workerType !== undefined) {
    const allowed = `allowed: ${limits.allowedWorkerTypes.join(", ")} (policy config allowedWorkerTypes)`;
    if (typeof s.workerType !== "string") {
      // Glue's API takes one worker type name (a string); a list or an object is not one.
      const kind = Array.isArray(s.workerType) ? "a list" : typeof s.workerType === "object" ? "an object" : `a ${typeof s.workerType}`;
      report(`${subject} sets workerType to ${kind} (${shown(s.workerType)}), not a worker type name; ${allowed}.`);
    } else if (!limits.allowedWorkerTypes.includes(s.workerType)) {
      report(`${subject} uses worker type ${s.workerType}; ${allowed}.`);
    }
  }
  if (typeof s.numberOfWorkers === "number" && s.numberOfWorkers > limits.maxWorkers) {
    report(`${subject} asks for ${s.numberOfWorkers} workers; at most ${limits.maxWorkers} are allowed (policy config maxWorkers).`);
  }
  if (s.timeout === undefined) {
    if (requireTimeout) report(`${subject} has no timeout: Glue's default lets a stuck run bill for up to 48 hours; set timeout (minutes, at most ${limits.maxTimeoutMinutes}).`);
  } else if (typeof s.timeout === "number" && s.timeout > limits.maxTimeoutMinutes) {
    report(`${subject} has a timeout of ${s.timeout} minutes; at most ${limits.maxTimeoutMinutes} are allowed (policy config maxTimeoutMinutes).`);
  }
}

function checkRun(run: GlueRunTask, limits: Limits, resource: string, report: (m: string) => void) {
  const subject = `${resource} state ${run.state} (glue:startJobRun)`;
  for (const key of run.atRunTime.filter((k) => k !== "SecurityConfiguration")) {
    report(`${subject} sets ${key} at run time (a JSONPath), so the workers and timeout it runs with cannot be checked; write it literally.`);
  }
  const p = run.parameters;
  checkSettings({ workerType: p.WorkerType, numberOfWorkers: p.NumberOfWorkers, timeout: p.Timeout, maxCapacity: p.MaxCapacity ?? p.AllocatedCapacity }, limits, subject, report, false);
}

export const rule = resourceRule({
  name: "glue-job-workers",
  severity: "low",
  remediation: "Set a timeout, a worker type the rule allows and a numberOfWorkers within maxWorkers (or raise the knobs in the policy config with a reason).",
  description:
    "AWS Glue jobs use allowed worker types, at most maxWorkers workers and a timeout of at most maxTimeoutMinutes, sized by worker type rather than maxCapacity; runs that Step Functions definitions start (glue:startJobRun, optimized or aws-sdk) may not override workers or timeout beyond that, nor set them at run time, nor name the job at run time.",
  summary: "Glue jobs and the runs Step Functions starts: allowed worker type, ≤ `maxWorkers`, a timeout ≤ `maxTimeoutMinutes`, nothing set at run time",
  counterparts: { note: "none exists (Checkov and cdk-nag do not size Glue jobs)" },
  knobs: {
    allowedWorkerTypes: knob.stringList(["G.1X", "G.2X", "G.4X", "G.8X"], `Glue worker types allowed (Spark types: ${GLUE_SPARK_WORKER_TYPES.join(", ")})`, "wider"),
    maxWorkers: knob.integer(50, "Most workers a Glue job or run may use", "higher", 2),
    maxTimeoutMinutes: knob.integer(1440, "Longest timeout a Glue job or run may have (minutes)", "higher", 1),
  },
  types: [...TYPES.glueJob, ...TYPES.stateMachine],
  validate: (props, args, report, c) => {
    if (TYPES.glueJob.includes(args.type as never)) {
      // Python shell jobs have no workers: they are sized by maxCapacity (0.0625 or 1 DPU, API model); only their timeout applies.
      if (props.command?.name === "pythonshell") return checkSettings({ timeout: props.timeout }, c, describe(args), report, true);
      return checkSettings({ workerType: props.workerType, numberOfWorkers: props.numberOfWorkers, timeout: props.timeout, maxCapacity: props.maxCapacity }, c, describe(args), report, true);
    }
    if (typeof props.definition !== "string") return;
    let runs: GlueRunTask[];
    try {
      runs = definitionTasks(props.definition).glueRuns;
    } catch (e) {
      if (e instanceof SyntaxError) return report(`${describe(args)}: the definition is not valid JSON, so glue-job-workers cannot check the Glue runs it starts; fix the definition.`);
      throw e;
    }
    for (const run of runs) checkRun(run, c, describe(args), report);
  },
});
