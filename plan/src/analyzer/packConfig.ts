/** A `--policy-pack-config` file, read as the Pulumi CLI reads it. */
import { dottedPath, valueAtPointer } from "../jsonPointer";

/**
 * The pack's `schemaDefaults`, loaded on first use: the pack's public entry loads the Pulumi
 * SDK (its rules need @pulumi/policy), and the CLI imports this module (through the pack
 * client) before it starts the pack, which must not wait for the SDK to load.
 */
function schemaDefaults(schema: { properties?: Record<string, unknown> } | undefined): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("ml-pipeline-policies") as typeof import("ml-pipeline-policies")).schemaDefaults(schema);
}

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
export const LEVELS: Level[] = ["advisory", "mandatory", "disabled", "remediate"]; // proto enum order

/** `--policy-pack-config` file contents. */
export type PolicyPackConfigFile = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

/**
 * One policy's settings from a `--policy-pack-config` file, read as the CLI reads it:
 * the level is the policy's own entry, else the file's `all`, else the policy's
 * default; the knobs are merged over the schema's defaults.
 */
export function policySettings(
  policy: { name: string; enforcementLevel?: Level; configSchema?: { properties?: Record<string, unknown> } },
  file: PolicyPackConfigFile,
): { level: Level; config: Record<string, unknown> } {
  const all = file.all;
  const allLevel = typeof all === "string" ? all : (all?.enforcementLevel as Level | undefined);
  const entry = file[policy.name];
  const { enforcementLevel, ...knobs } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
  return {
    level: (enforcementLevel as Level | undefined) ?? allLevel ?? policy.enforcementLevel ?? "advisory",
    config: { ...schemaDefaults(policy.configSchema), ...knobs },
  };
}


/** What the CLI checks a `--policy-pack-config` file against, per policy: its level, and its knobs against its `configSchema`. */
export interface PolicySchemaInfo {
  name: string;
  configSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

/**
 * The problems of a `--policy-pack-config` file, found the way the Pulumi CLI finds them
 * before it runs anything: the file is an object; each key is `all` or a policy of the
 * pack; each value is a level or an object whose `enforcementLevel` is a level and whose
 * knobs satisfy the policy's `configSchema` (JSON Schema, checked with ajv). Each problem
 * names the policy, the knob, the value and what is expected.
 */
export function policyConfigProblems(file: unknown, policies: PolicySchemaInfo[]): string[] {
  if (!file || typeof file !== "object" || Array.isArray(file)) return ["the policy config must be a JSON object of policy names to levels or settings"];
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  const levelProblem = (where: string, level: unknown) =>
    typeof level === "string" && (LEVELS as string[]).includes(level) ? undefined : `${where}: enforcement level ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`;
  for (const [name, value] of Object.entries(file as Record<string, unknown>)) {
    const policy = byName.get(name);
    if (name !== "all" && !policy) {
      problems.push(`"${name}" is not a policy of this pack (policies: ${[...byName.keys()].join(", ")})`);
      continue;
    }
    if (typeof value === "string" || value === null || typeof value !== "object" || Array.isArray(value)) {
      const p = levelProblem(`"${name}"`, value);
      if (p) problems.push(p);
      continue;
    }
    const { enforcementLevel, ...knobs } = value as Record<string, unknown>;
    if (enforcementLevel !== undefined) {
      const p = levelProblem(`"${name}".enforcementLevel`, enforcementLevel);
      if (p) problems.push(p);
    }
    if (name === "all") continue;
    // JSON reads 1e999 as Infinity, which a schema's "number" accepts and a JSON plan writes as null.
    const infinite = Object.entries(knobs).filter(([, v]) => hasInfinity(v));
    for (const [k] of infinite) problems.push(`"${name}".${k} holds a number too large to be finite (JSON reads it as Infinity): must be a finite number`);
    if (infinite.length > 0) continue;
    const schema = { type: "object", properties: policy!.configSchema?.properties ?? {}, required: policy!.configSchema?.required ?? [], additionalProperties: false };
    const validate = compiledSchema(schema);
    if (validate(knobs)) continue;
    for (const error of validate.errors ?? []) {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      const knob = dottedPath(error.instancePath) || extra || "";
      let shown: string;
      if (error.keyword === "additionalProperties" && error.instancePath === "") {
        shown = `is not a setting of this policy (settings: ${Object.keys(schema.properties).join(", ") || "none"})`;
      } else if (error.keyword === "additionalProperties") {
        // Inside a knob (a suppression's fields): the field, and the ones allowed there.
        const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        shown = `has "${extra}", which is not a field here (fields: ${allowed.join(", ") || "none"})`;
      } else {
        shown = `${JSON.stringify(valueAtPointer(knobs, error.instancePath))}: ${error.message}`;
      }
      problems.push(`"${name}".${knob} ${shown}`);
    }
  }
  return problems;
}

/**
 * ajv's validator of a knob schema, compiled once per process for each distinct schema:
 * compiling generates code (about half a millisecond a schema, 26 per pack), and a process
 * that plans many times (the tests, a pull request's two packs) checks the same schemas again.
 */
const validators = new Map<string, import("ajv").ValidateFunction>();
let ajv: import("ajv").default | undefined;
function compiledSchema(schema: object): import("ajv").ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require("ajv").default as typeof import("ajv").default;
    ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true });
    validate = ajv.compile(JSON.parse(key));
    validators.set(key, validate);
  }
  return validate;
}

function hasInfinity(v: unknown): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (v && typeof v === "object") return Object.values(v).some(hasInfinity);
  return false;
}
