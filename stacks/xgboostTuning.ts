/**
 * Hyperparameter tuning of the built-in XGBoost: what AWS documents it can tune, the metrics
 * it reports for a tuning objective, and the cross-key checks of `training.tuning`. Pure.
 *
 * Sources:
 *  - "Tune an XGBoost Model", Amazon SageMaker developer guide (xgboost-tuning.md, the
 *    "Tunable XGBoost Hyperparameters" and "Evaluation Metrics" tables; read 2026-12).
 *  - The SageMaker API model (@aws-sdk/client-sagemaker, botocore service-2.json 2017-07-24):
 *    HyperParameterTuningJobName is 1-32 characters; Grid takes categorical ranges only and
 *    MaxNumberOfTrainingJobs, when given, must be its number of combinations; Hyperband needs
 *    TrainingJobEarlyStoppingType Off; at most 30 ranges in all; 1-30 values per categorical range.
 *  - "Limits for hyperparameter tuning" (automatic-model-tuning-limits.md): 10 parallel training
 *    jobs per tuning job and 750 training jobs per tuning job by default.
 */
import type { StackConfig } from "./configSchema";

/** The tunable hyperparameters of the built-in XGBoost, with their type and the range AWS recommends. */
export const XGBOOST_TUNABLE: Readonly<Record<string, { type: "continuous" | "integer"; min: number; max: number }>> = {
  alpha: { type: "continuous", min: 0, max: 1000 },
  colsample_bylevel: { type: "continuous", min: 0.1, max: 1 },
  colsample_bynode: { type: "continuous", min: 0.1, max: 1 },
  colsample_bytree: { type: "continuous", min: 0.5, max: 1 },
  eta: { type: "continuous", min: 0.1, max: 0.5 },
  gamma: { type: "continuous", min: 0, max: 5 },
  lambda: { type: "continuous", min: 0, max: 1000 },
  max_delta_step: { type: "integer", min: 0, max: 10 },
  max_depth: { type: "integer", min: 0, max: 10 },
  min_child_weight: { type: "continuous", min: 0, max: 120 },
  num_round: { type: "integer", min: 1, max: 4000 },
  subsample: { type: "continuous", min: 0.5, max: 1 },
};

/** The metrics the built-in XGBoost reports for a tuning objective, with the direction that is better. */
export const XGBOOST_TUNING_METRICS: Readonly<Record<string, "Maximize" | "Minimize">> = {
  "validation:accuracy": "Maximize",
  "validation:auc": "Maximize",
  "validation:f1": "Maximize",
  "validation:map": "Maximize",
  "validation:ndcg": "Maximize",
  "validation:error": "Minimize",
  "validation:logloss": "Minimize",
  "validation:mae": "Minimize",
  "validation:merror": "Minimize",
  "validation:mlogloss": "Minimize",
  "validation:mse": "Minimize",
  "validation:rmse": "Minimize",
};

/** SageMaker's limit on a tuning job's name, and the part the run adds to the prefix (`-hp-` and 12 hex digits). */
export const TUNING_JOB_NAME_MAX = 32;
export const TUNING_JOB_NAME_SUFFIX = 16;
export const MAX_TUNING_RANGES = 30;

/** SageMaker's ResourceLimits.MaxRuntimeInSeconds range for a tuning job (API model: 120 to 15,768,000). */
export const TUNING_MAX_RUNTIME_SECONDS = 15_768_000;
/** Per round of parallel jobs, beyond the jobs' own bound: provisioning, image pull, the tuner choosing the next ones. */
export const TUNING_ROUND_OVERHEAD_SECONDS = 600;

/**
 * How long a tuning job may run: its rounds of parallel jobs (maxTrainingJobs over
 * maxParallelTrainingJobs), each the job's own bound (with spot, its wait) plus the round's
 * overhead. Sent as ResourceLimits.MaxRuntimeInSeconds, so SageMaker enforces it, and the
 * Tune state's timeout is this plus slack.
 */
export function tuningRuntimeSeconds(t: Pick<StackConfig["training"], "tuning" | "spot" | "maxRuntimeSeconds">): number {
  const perJob = t.spot.enabled ? t.spot.maxWaitSeconds : t.maxRuntimeSeconds;
  const rounds = Math.ceil(t.tuning.maxTrainingJobs / t.tuning.maxParallelTrainingJobs);
  return rounds * (perJob + TUNING_ROUND_OVERHEAD_SECONDS);
}

/** A problem with `training.tuning` (path below `training`), worded for `ConfigError`. */
export interface TuningProblem {
  path: string[];
  message: string;
}

/** How many training jobs a Grid search runs: the product of its categorical ranges' sizes. */
export function gridCombinations(tuning: NonNullable<StackConfig["training"]["tuning"]>): number {
  return Object.values(tuning.ranges.categorical ?? {}).reduce((n, values) => n * values.length, 1);
}

/** The cross-key checks of an enabled `training.tuning`; empty when it is off or fine. */
export function tuningProblems(config: Pick<StackConfig, "training" | "namePrefix">): TuningProblem[] {
  const t = config.training;
  const tuning = t.tuning;
  if (!tuning?.enabled) return [];
  const problems: TuningProblem[] = [];
  const at = (...path: string[]) => ["tuning", ...path];
  const { continuous = {}, integer = {}, categorical = {} } = tuning.ranges;
  const names = [...Object.keys(continuous), ...Object.keys(integer), ...Object.keys(categorical)];
  if (names.length === 0) problems.push({ path: at("ranges"), message: "tuning needs at least one range (continuous, integer or categorical) to search" });
  if (names.length > MAX_TUNING_RANGES) problems.push({ path: at("ranges"), message: `${names.length} ranges; SageMaker searches at most ${MAX_TUNING_RANGES} hyperparameters in all` });
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) problems.push({ path: at("ranges"), message: `${[...new Set(twice)].join(", ")} given in more than one kind of range` });

  const prefix = config.namePrefix ?? "";
  if (prefix.length > TUNING_JOB_NAME_MAX - TUNING_JOB_NAME_SUFFIX) {
    problems.push({
      path: at("enabled"),
      message: `tuning job names are at most ${TUNING_JOB_NAME_MAX} characters (<namePrefix>-hp-<12 hex digits>), so tuning needs a namePrefix of at most ${TUNING_JOB_NAME_MAX - TUNING_JOB_NAME_SUFFIX}; "${prefix}" has ${prefix.length}: set a shorter namePrefix`,
    });
  }
  const runtime = tuningRuntimeSeconds(t);
  if (runtime > TUNING_MAX_RUNTIME_SECONDS) {
    problems.push({
      path: at("maxTrainingJobs"),
      message: `${Math.ceil(tuning.maxTrainingJobs / tuning.maxParallelTrainingJobs)} rounds of jobs of up to ${t.spot.enabled ? t.spot.maxWaitSeconds : t.maxRuntimeSeconds} s (plus ${TUNING_ROUND_OVERHEAD_SECONDS} s each) may run ${runtime} s, beyond SageMaker's ${TUNING_MAX_RUNTIME_SECONDS} s for a tuning job; lower maxTrainingJobs or the jobs' runtime, or run more in parallel`,
    });
  }
  if (tuning.maxParallelTrainingJobs > tuning.maxTrainingJobs) {
    problems.push({ path: at("maxParallelTrainingJobs"), message: `more parallel jobs than jobs in all (maxTrainingJobs ${tuning.maxTrainingJobs})` });
  }
  if (tuning.strategy === "Grid") {
    const numeric = [...Object.keys(continuous), ...Object.keys(integer)];
    if (numeric.length > 0) problems.push({ path: at("ranges"), message: `the Grid strategy searches categorical ranges only; ${numeric.join(", ")} ${numeric.length > 1 ? "are" : "is"} continuous or integer` });
    const combinations = gridCombinations(tuning);
    if (numeric.length === 0 && combinations !== tuning.maxTrainingJobs) {
      problems.push({ path: at("maxTrainingJobs"), message: `a Grid search runs every combination: set maxTrainingJobs to ${combinations} (SageMaker refuses any other number)` });
    }
  }
  if (tuning.strategy === "Hyperband") {
    if (tuning.earlyStopping !== "Off") problems.push({ path: at("earlyStopping"), message: "the Hyperband strategy stops jobs itself: SageMaker requires earlyStopping Off with it" });
    if (!tuning.hyperband) problems.push({ path: at("hyperband"), message: "the Hyperband strategy needs hyperband.maxResource (the built-in XGBoost's num_round is not a resource SageMaker infers)" });
  } else if (tuning.hyperband) {
    problems.push({ path: at("hyperband"), message: `hyperband settings apply to the Hyperband strategy only (strategy is ${tuning.strategy})` });
  }

  if (t.image === undefined) {
    // The built-in XGBoost: only what AWS documents as tunable, of its type, within the recommended range.
    const check = (kind: "continuous" | "integer", name: string, range: { min: number; max: number }) => {
      const known = XGBOOST_TUNABLE[name];
      if (!known) {
        problems.push({ path: at("ranges", kind, name), message: `not a tunable hyperparameter of the built-in XGBoost; tunable: ${Object.keys(XGBOOST_TUNABLE).join(", ")}` });
        return;
      }
      if (known.type !== kind) {
        problems.push({ path: at("ranges", kind, name), message: `${name} is tuned as a${known.type === "integer" ? "n integer" : " continuous"} range, not ${kind}` });
        return;
      }
      if (range.min < known.min || range.max > known.max) {
        problems.push({ path: at("ranges", kind, name), message: `[${range.min}, ${range.max}] is outside the range AWS documents for ${name}: [${known.min}, ${known.max}]` });
      }
    };
    for (const [name, range] of Object.entries(continuous)) check("continuous", name, range);
    for (const [name, range] of Object.entries(integer)) check("integer", name, range);
    for (const name of Object.keys(categorical)) {
      if (!XGBOOST_TUNABLE[name]) problems.push({ path: at("ranges", "categorical", name), message: `not a tunable hyperparameter of the built-in XGBoost; tunable: ${Object.keys(XGBOOST_TUNABLE).join(", ")}` });
    }
    const direction = XGBOOST_TUNING_METRICS[t.objective.metric];
    if (!direction) {
      problems.push({ path: ["objective", "metric"], message: `tuning optimizes the gate's metric, and the built-in XGBoost reports these for tuning: ${Object.keys(XGBOOST_TUNING_METRICS).join(", ")}` });
    } else if (direction !== t.objective.goal) {
      problems.push({ path: ["objective", "goal"], message: `${t.objective.metric} is better when ${direction === "Maximize" ? "higher" : "lower"}: tuning would ${t.objective.goal === "Maximize" ? "maximize" : "minimize"} it the wrong way; use ${direction}` });
    }
  } else if (!t.metricDefinitions.some((m) => m.name === t.objective.metric)) {
    // A custom image: SageMaker reads the objective from the log by a metric definition.
    problems.push({ path: ["metricDefinitions"], message: `tuning a custom image optimizes the gate's metric ${t.objective.metric}, which needs a metric definition of that name` });
  }
  for (const [kind, ranges] of [["continuous", continuous], ["integer", integer]] as const) {
    for (const [name, range] of Object.entries(ranges) as [string, { min: number; max: number; scaling?: string }][]) {
      const where = at("ranges", kind, name);
      if (range.min > range.max) problems.push({ path: where, message: `min ${range.min} is greater than max ${range.max}` });
      // ContinuousParameterRange/IntegerParameterRange (API reference): logarithmic scaling needs
      // values above 0; reverse logarithmic, continuous ranges within [0, 1).
      if (range.scaling === "Logarithmic" && range.min <= 0) problems.push({ path: where, message: `Logarithmic scaling needs every value above 0; min is ${range.min}` });
      if (range.scaling === "ReverseLogarithmic" && (range.min < 0 || range.max >= 1)) problems.push({ path: where, message: `ReverseLogarithmic scaling needs 0 <= min and max < 1; got [${range.min}, ${range.max}]` });
    }
  }
  if (tuning.hyperband && tuning.hyperband.minResource > tuning.hyperband.maxResource) {
    problems.push({ path: at("hyperband"), message: `minResource ${tuning.hyperband.minResource} is greater than maxResource ${tuning.hyperband.maxResource}` });
  }
  return problems;
}
