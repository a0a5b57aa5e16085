/**
 * Turns a stack's raw Pulumi config into a validated, fully defaulted `StackConfig`,
 * or one `ConfigError` that lists every problem with its key, value and what is allowed.
 * Pure: no Pulumi runtime here, so it is tested directly.
 */
import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { PROFILE_DEFAULTS, KindDefaults } from "./defaults";
import { StackConfig, stackConfigSchema } from "./configSchema";
import { XGBOOST_REGISTRIES } from "./algorithmImages";
import { EVALUATION_METRICS } from "./evaluationMetrics";
import { trainDistribution } from "./trainingDistribution";
import { tuningProblems } from "./xgboostTuning";

/** Polls of a DynamoDB export a run may make: about a dozen history events each, well inside Step Functions' 25,000 with the rest of a run. */
const MAX_EXPORT_POLLS = 1000;

/** The structured keys a stack file may set under the project's namespace. */
const OBJECT_KEYS = ["dataBucket", "ingestion", "preprocessing", "training", "endpoint", "schedule", "monitoring", "registry", "tags"] as const;
/** The plain string keys. */
const STRING_KEYS = ["profile", "namePrefix"] as const;

export interface RawStackConfig {
  /** Pulumi project name: the namespace of the config keys (`<project>:endpoint`). */
  project: string;
  /** Stack name; `dev` and `prod` also choose the profile when none is set. */
  stack: string;
  /** `aws:region` of the stack, if set. */
  region: string | undefined;
  /** Every `<project>:<key>` value of the stack as Pulumi hands it over (objects as JSON text). */
  values: Record<string, string | undefined>;
}

/** One problem in the stack config. */
export interface ConfigProblem {
  /** Full config key with path, e.g. `ml-pipeline:endpoint.memorySizeMb`. */
  key: string;
  /** The offending value as JSON, or `(missing)`. */
  value: string;
  /** What is wrong and what is allowed. */
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p.key} = ${p.value}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else in `over` replaces `base`. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function withKindDefaults(section: KindDefaults, user: unknown): unknown {
  const kind = isPlainObject(user) && typeof user.kind === "string" ? user.kind : section.defaultKind;
  const defaults = section.byKind[kind];
  // An unknown kind gets no defaults, so the schema reports the kind itself.
  return deepMerge(defaults ? { kind, ...defaults } : { kind }, user);
}

/** A config value as the stack file wrote it: structured values arrive as JSON text. */
function asWritten(value: string | undefined): unknown {
  if (value === undefined || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function keyOf(project: string, path: PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === "region") return "aws:region";
  return `${project}:${head}` + rest.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("");
}

/** Validates and defaults a stack's config; throws `ConfigError` listing every problem. */
export function resolveStackConfig(raw: RawStackConfig): StackConfig {
  const problems: ConfigProblem[] = [];
  const known = new Set<string>([...OBJECT_KEYS, ...STRING_KEYS]);
  for (const key of Object.keys(raw.values)) {
    if (!known.has(key) && raw.values[key] !== undefined) {
      problems.push({
        key: `${raw.project}:${key}`,
        value: show(asWritten(raw.values[key])),
        message: `unknown config key; ${hint(key, [...STRING_KEYS, ...OBJECT_KEYS])}allowed: ${[...STRING_KEYS, ...OBJECT_KEYS].join(", ")}`,
      });
    }
  }

  const user: Record<string, unknown> = {};
  for (const key of OBJECT_KEYS) {
    const text = raw.values[key];
    if (text === undefined) continue;
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      parsed = text; // a plain scalar in YAML: let the schema say it is not an object
    }
    user[key] = parsed;
  }
  for (const key of STRING_KEYS) if (raw.values[key] !== undefined) user[key] = raw.values[key];

  const profileName = (user.profile ?? (raw.stack === "dev" || raw.stack === "prod" ? raw.stack : undefined)) as string | undefined;
  if (profileName === undefined) {
    problems.push({
      key: `${raw.project}:profile`,
      value: "(missing)",
      message: `required for stack "${raw.stack}" (only stacks named dev or prod imply it); allowed: dev, prod`,
    });
  } else if (profileName !== "dev" && profileName !== "prod") {
    problems.push({ key: `${raw.project}:profile`, value: show(profileName), message: "allowed: dev, prod" });
  }
  if (raw.region === undefined) {
    problems.push({ key: "aws:region", value: "(missing)", message: "required: the AWS region to deploy to, e.g. us-east-1" });
  }
  if (problems.length > 0) throw new ConfigError(raw.stack, problems);

  const d = PROFILE_DEFAULTS[profileName as "dev" | "prod"];
  const candidate = {
    profile: profileName,
    namePrefix: user.namePrefix ?? `${raw.project}-${raw.stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
    region: raw.region,
    dataBucket: deepMerge(d.dataBucket, user.dataBucket),
    // Not an object: left as it is, for the schema to name.
    ingestion: user.ingestion === undefined || isPlainObject(user.ingestion) ? { ...user.ingestion, source: withKindDefaults(d.ingestion.source, user.ingestion?.source) } : user.ingestion,
    preprocessing: withKindDefaults(d.preprocessing, user.preprocessing),
    training: deepMerge(d.training, user.training),
    endpoint: withKindDefaults(d.endpoint, user.endpoint),
    schedule: deepMerge(d.schedule, user.schedule),
    monitoring: deepMerge(d.monitoring, user.monitoring),
    registry:
      user.registry === undefined || isPlainObject(user.registry)
        ? { approval: d.registry.approval, shareWith: d.registry.shareWith, ...user.registry, source: withKindDefaults(d.registry.source, user.registry?.source) }
        : user.registry,
    tags: deepMerge(d.tags, user.tags),
  };

  const result = stackConfigSchema.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(describeIssue(raw.project, candidate, issue));
    throw new ConfigError(raw.stack, problems);
  }
  const config = result.data;

  // Cross-key rules that need the region: built-in images exist only in known regions.
  const needsBuiltinImage =
    config.training.image === undefined || (config.preprocessing.kind === "processing" && config.preprocessing.image === undefined);
  if (needsBuiltinImage && !(config.region in XGBOOST_REGISTRIES)) {
    problems.push({
      key: "aws:region",
      value: show(config.region),
      message: `no built-in SageMaker image registry known here; set training.image (and preprocessing.image) or use one of ${Object.keys(XGBOOST_REGISTRIES).join(", ")}`,
    });
  }
  // Drift monitoring reads the endpoint's captured requests: serverless endpoints have none (AWS).
  if (config.monitoring.drift.enabled) {
    const driftKey = keyOf(raw.project, ["monitoring", "drift", "enabled"]);
    if (config.endpoint.kind === "serverless") {
      problems.push({ key: driftKey, value: "true", message: "serverless endpoints do not support data capture (AWS), which drift monitoring reads; use endpoint.kind instance, or set monitoring.drift.enabled: false" });
    } else if (!(config.region in XGBOOST_REGISTRIES)) {
      problems.push({ key: driftKey, value: "true", message: `the drift job runs on the scikit-learn processing image, whose registry is not known for ${config.region}; use one of ${Object.keys(XGBOOST_REGISTRIES).join(", ")}, or set monitoring.drift.enabled: false` });
    } else if (!config.endpoint.dataCapture.enabled) {
      problems.push({ key: driftKey, value: "true", message: "drift monitoring reads the endpoint's captured requests; set endpoint.dataCapture.enabled: true, or monitoring.drift.enabled: false" });
    }
  }
  // Labels arriving start an evaluation through the bucket's EventBridge notifications, which the new-data trigger owns.
  if (config.monitoring.evaluation.onNewLabels && !(config.monitoring.evaluation.enabled && config.schedule.onNewData.enabled)) {
    problems.push({
      key: keyOf(raw.project, ["monitoring", "evaluation", "onNewLabels"]),
      value: "true",
      message: "evaluating when labels arrive needs monitoring.evaluation.enabled: true and schedule.onNewData.enabled: true (its marker, and the bucket's EventBridge notifications, which that trigger declares)",
    });
  }
  // Scheduled evaluation computes the gate's metric itself (monitoring/evaluate.py), from the served model's predictions.
  if (config.monitoring.evaluation.enabled) {
    const metric = config.training.objective.metric;
    const name = metric.split(":").pop()!;
    if (!(EVALUATION_METRICS as readonly string[]).includes(name)) {
      problems.push({ key: keyOf(raw.project, ["monitoring", "evaluation", "enabled"]), value: "true", message: `scheduled evaluation computes training.objective.metric (${metric}) from the served model's predictions and supports ${EVALUATION_METRICS.join(", ")}; use one of them as the gate's metric, or set monitoring.evaluation.enabled: false` });
    } else if (!(config.region in XGBOOST_REGISTRIES)) {
      problems.push({ key: keyOf(raw.project, ["monitoring", "evaluation", "enabled"]), value: "true", message: `the evaluation job runs on the scikit-learn processing image, whose registry is not known for ${config.region}; use one of ${Object.keys(XGBOOST_REGISTRIES).join(", ")}, or set monitoring.evaluation.enabled: false` });
    }
  }
  // A DynamoDB source: the state machine calls DynamoDB in its own region (an aws-sdk task
  // has no region of its own), and new data arrives in the table, not under raw/.
  const source = config.ingestion.source;
  if (source.kind === "dynamodb") {
    const tableRegion = source.tableArn.split(":")[3];
    if (tableRegion !== config.region) {
      problems.push({
        key: keyOf(raw.project, ["ingestion", "source", "tableArn"]),
        value: show(source.tableArn),
        message: `the table is in ${tableRegion}, the stack in ${config.region}: the workflow calls DynamoDB in the stack's region; export from a table there (a global table's replica, say)`,
      });
    }
    // Each poll writes about a dozen events to the execution's history, which Step Functions caps
    // at 25,000 events (an uncatchable failure past it: Step Functions quotas, "Maximum execution history size").
    const polls = Math.ceil((source.timeoutMinutes * 60) / source.pollSeconds);
    if (polls > MAX_EXPORT_POLLS) {
      problems.push({
        key: keyOf(raw.project, ["ingestion", "source", "pollSeconds"]),
        value: show(source.pollSeconds),
        message: `with timeoutMinutes ${source.timeoutMinutes} that is ${polls} polls of the export, and a run may poll at most ${MAX_EXPORT_POLLS} times (Step Functions keeps at most 25,000 events of an execution's history); poll less often (at least every ${Math.ceil((source.timeoutMinutes * 60) / MAX_EXPORT_POLLS)} seconds) or lower timeoutMinutes`,
      });
    }
    // The processing job gets the mapping in its environment: a value has at most 256 characters (CreateProcessingJob API reference, Environment).
    const mapping = JSON.stringify({ label: source.label, features: source.features });
    if (config.preprocessing.kind === "processing" && mapping.length > 256) {
      problems.push({
        key: keyOf(raw.project, ["ingestion", "source", "features"]),
        value: `(${source.features.length} attributes)`,
        message: `a processing job receives the attribute mapping as an environment value, which SageMaker limits to 256 characters, and this one has ${mapping.length}; use fewer or shorter attribute names, or preprocessing.kind lambda or glue`,
      });
    }
    if (config.schedule.onNewData.enabled) {
      problems.push({
        key: keyOf(raw.project, ["schedule", "onNewData", "enabled"]),
        value: "true",
        message: "the new-data trigger watches raw/ for a marker, and a DynamoDB source writes its data into the table: retrain on schedule.expression instead (schedule.onNewData.enabled: false)",
      });
    }
  }
  problems.push(...registryProblems(raw.project, config, user));
  // Hyperparameter tuning: what the algorithm tunes, its objective, and SageMaker's name and strategy rules.
  for (const p of tuningProblems(config)) {
    const path = ["training", ...p.path];
    problems.push({ key: keyOf(raw.project, path), value: show(valueAt(config, path)), message: p.message });
  }
  // Distributed training: what the algorithm supports and whether every instance gets data.
  for (const p of trainDistribution(config).problems) {
    const path = ["training", ...p.path];
    problems.push({ key: keyOf(raw.project, path), value: show(valueAt(config, path)), message: p.message });
  }
  if (problems.length > 0) throw new ConfigError(raw.stack, problems);
  return config;
}

/** Keys that configure training: a promoted stack has none of it. */
const TRAINING_KEYS = ["ingestion", "preprocessing", "training", "schedule"] as const;

/**
 * A promoted stack trains nothing and deploys what an earlier stage's account registered;
 * a local stack may share its versions with such stages.
 */
function registryProblems(project: string, config: StackConfig, user: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { source, shareWith } = config.registry;
  const stages = shareWith.map((c) => c.stage);
  const repeated = stages.find((stage, i) => stages.indexOf(stage) !== i);
  if (repeated !== undefined) {
    problems.push({ key: keyOf(project, ["registry", "shareWith"]), value: show(repeated), message: "each stage deploys from one stack: list a stage once" });
  }
  if (source.kind !== "promoted") return problems;
  const groupRegion = source.groupArn.split(":")[3];
  if (groupRegion !== config.region) {
    problems.push({
      key: keyOf(project, ["registry", "source", "groupArn"]),
      value: show(source.groupArn),
      message: `the group is in ${groupRegion}, the stack in ${config.region}: the workflow calls SageMaker in its own region (an AWS SDK task has no region of its own); promote from a source stack in ${config.region}`,
    });
  }
  if (source.after.includes(source.stage)) {
    problems.push({ key: keyOf(project, ["registry", "source", "after"]), value: show(source.after), message: `a stage cannot come after itself (${source.stage}); list the stages that deploy a version before this one` });
  }
  if (shareWith.length > 0) {
    problems.push({ key: keyOf(project, ["registry", "shareWith"]), value: show(shareWith), message: "a promoted stack shares nothing: the source stack lists every stage in its own registry.shareWith" });
  }
  const approval = (user.registry as { approval?: unknown } | undefined)?.approval;
  if (approval !== undefined) {
    problems.push({
      key: keyOf(project, ["registry", "approval"]),
      value: show(approval),
      message: `a promoted stack registers nothing, so approves nothing: a person approves a version for ${source.stage} in the source account (its ModelLifeCycle stage ${source.stage}, status Approved); remove it here`,
    });
  }
  for (const key of TRAINING_KEYS) {
    if (user[key] !== undefined) {
      problems.push({ key: keyOf(project, [key]), value: show(user[key]), message: "a promoted stack trains nothing (registry.source.kind promoted): set it in the source stack, and remove it here" });
    }
  }
  // Their baselines and registered metrics live in the source account; copying them with the model is not built yet.
  for (const check of ["drift", "evaluation"] as const) {
    if (config.monitoring[check].enabled) {
      problems.push({
        key: keyOf(project, ["monitoring", check, "enabled"]),
        value: "true",
        message: `a promoted stack does not run ${check === "drift" ? "drift checks" : "scheduled evaluation"} yet (the version's ${check === "drift" ? "drift profile" : "registered metrics"} stay in the source account): set monitoring.${check}.enabled: false, and run it in the source stack`,
      });
    }
  }
  return problems;
}

/** The keys an object of the schema takes at this path (every variant's, for a union of kinds). */
function keysAt(schema: z.ZodType, path: string[]): string[] {
  const def = (schema as unknown as { _zod: { def: any } })._zod.def;
  switch (def.type) {
    case "object":
      if (path.length === 0) return Object.keys(def.shape);
      return def.shape[path[0]] ? keysAt(def.shape[path[0]], path.slice(1)) : [];
    case "optional":
    case "nullable":
    case "default":
      return keysAt(def.innerType, path);
    case "pipe":
      return keysAt(def.in, path);
    case "union":
      return [...new Set(def.options.flatMap((o: z.ZodType) => keysAt(o, path)))] as string[];
    case "record":
      return path.length === 0 ? [] : keysAt(def.valueType, path.slice(1));
    case "array":
      return path.length === 0 ? [] : keysAt(def.element, path.slice(1));
    default:
      return [];
  }
}

/** "did you mean …? " when a known key is close to the misspelt one, else nothing. */
const hint = (key: string, known: string[]) => {
  const h = suggestion(key, known);
  return h ? `did you mean "${h}"? ` : "";
};

/** The known key a misspelt one most likely meant: within a third of its length in edits (at least one). */
function suggestion(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, known);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function describeIssue(project: string, candidate: unknown, issue: z.core.$ZodIssue): ConfigProblem {
  let path = issue.path;
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    // Point at the unknown key itself.
    path = [...issue.path, issue.keys[0]];
    const known = keysAt(stackConfigSchema, issue.path.map(String));
    message =
      `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(", ")}` : ""}; ` +
      issue.keys.map((k) => hint(k, known)).join("") +
      `${known.length > 0 && known.length <= 12 ? `allowed here: ${known.join(", ")}; ` : ""}docs/configuration.md lists every key`;
  } else if (issue.code === "invalid_key") {
    // A bad record key (tags): show the key, and the inner reason.
    return { key: keyOf(project, issue.path), value: show(issue.path[issue.path.length - 1]), message: issue.issues[0]?.message ?? message };
  }
  return { key: keyOf(project, path), value: show(valueAt(candidate, path)), message };
}

/**
 * The stack config as Pulumi hands it to the program (`<project>:<key>` values and
 * `aws:region`), validated. A ConfigError becomes a RunError: Pulumi prints its message
 * alone, without a stack trace, and nothing is declared.
 */
export function stackConfigFromPulumi(project: string, stack: string): StackConfig {
  const prefix = `${project}:`;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) values[key.slice(prefix.length)] = value;
  }
  try {
    return resolveStackConfig({ project, stack, region: new pulumi.Config("aws").get("region"), values });
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
