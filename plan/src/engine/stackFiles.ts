/**
 * Reads a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` into the config
 * map the engine hands a program: `<namespace>:<key>` → string, objects as JSON text,
 * keys without a namespace under the project's. Project-level `config:` (defaults,
 * values, required keys, types) is applied the way the CLI applies it; see
 * `applyProjectConfig`.
 */
import * as fs from "fs";
import * as path from "path";
import { closest, distance } from "fastest-levenshtein";
import { isMap, isScalar, isSeq, LineCounter, Node, parse, parseDocument } from "yaml";

export interface StackFiles {
  project: string;
  config: Record<string, string>;
  /** Keys whose values are secrets (`secure:` in the stack file, given through PULUMI_CONFIG). */
  secretKeys: string[];
}

/**
 * `PULUMI_CONFIG`: the JSON object of `<namespace>:<key>` → value the Pulumi CLI hands a
 * program. Values given there override the stack file's; it is how a `secure:` value
 * reaches an offline plan, which cannot decrypt it.
 */
function pulumiConfigEnv(raw: string | undefined, project: string): Record<string, string> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(`PULUMI_CONFIG is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("PULUMI_CONFIG must be a JSON object of \"<namespace>:<key>\": value");
  // Keys without a namespace are the project's, as in an ESC environment's `pulumiConfig`
  // (so `esc env open <env> pulumiConfig` output can be passed as it is).
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The candidate a misspelt word most likely meant: within a third of its length in edits (at least one). */
export function nearest(word: string, candidates: string[]): string | undefined {
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Keys of the AWS provider's namespace the provider does not have (`aws:regoin`): the provider
 * would ignore them and the program run without the intended setting. The provider's keys are
 * the ones its SDK declares (@pulumi/aws/config/vars.d.ts, the program's copy, else the plan's).
 */
export function providerConfigWarnings(config: Record<string, string>, programDir: string): string[] {
  const keys = Object.keys(config).filter((k) => k.startsWith("aws:")).map((k) => k.slice(4));
  if (keys.length === 0) return [];
  let vars: string;
  try {
    const sdk = path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [programDir, __dirname] }));
    vars = fs.readFileSync(path.join(sdk, "config", "vars.d.ts"), "utf8");
  } catch {
    return [];
  }
  const known = [...vars.matchAll(/^export declare const (\w+)\b/gm)].map((m) => m[1]);
  if (known.length === 0) return [];
  return keys
    .filter((k) => !known.includes(k))
    .map((k) => {
      const best = nearest(k, known);
      const near = best ? `; did you mean aws:${best}?` : "";
      return `warning: aws:${k} is not a configuration key of the AWS provider, which ignores it${near}`;
    });
}

/** A YAML file's contents; a syntax error names the file and where in it, as `pulumi` does. */
export function parseYamlFile(file: string): unknown {
  try {
    return parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const message = (e as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new Error(`${path.basename(file)}${pos ? `:${pos.line}:${pos.col}` : ""}: ${message} (in ${file})`);
  }
}

/** No stack file: the stacks the program does have, and the closest name when one is close. */
function missingStackMessage(programDir: string, stack: string): string {
  const stacks = fs
    .readdirSync(programDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  if (stacks.length === 0) return `no stack file Pulumi.${stack}.yaml in ${programDir}, and no stack file at all: create Pulumi.<stack>.yaml`;
  const best = nearest(stack, stacks);
  const near = best ? ` (did you mean "${best}"?)` : "";
  return `no stack file Pulumi.${stack}.yaml in ${programDir}; its stacks: ${stacks.join(", ")}${near}`;
}

export function readStackFiles(programDir: string, stack: string, env: NodeJS.ProcessEnv = process.env): StackFiles {
  const projectFile = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new Error(`no Pulumi.yaml in ${programDir}`);
  const projectDoc = (parseYamlFile(projectFile) ?? {}) as { name?: string; config?: unknown };
  const project = projectDoc.name;
  if (typeof project !== "string") throw new Error(`${projectFile} has no project name`);
  const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) throw new Error(missingStackMessage(programDir, stack));
  const doc = (parseYamlFile(stackFile) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
  const given = pulumiConfigEnv(env.PULUMI_CONFIG, project);
  if (doc.environment !== undefined && env.PULUMI_CONFIG === undefined) {
    // Values an ESC environment exports (pulumiConfig) would be missing, and the plan would
    // judge a different stack from the one `pulumi up` deploys.
    const names = (Array.isArray(doc.environment) ? doc.environment : [doc.environment]).map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    throw new Error(
      `Pulumi.${stack}.yaml imports the ESC environment ${names.join(", ")}, which the offline plan cannot open. ` +
        `Pass the values it exports with PULUMI_CONFIG, e.g. PULUMI_CONFIG="$(esc env open <org>/${names[0]} pulumiConfig)".`,
    );
  }
  const full = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const secretKeys = Object.entries(doc.config ?? {})
    .filter(([, v]) => v !== null && typeof v === "object" && "secure" in (v as object))
    .map(([k]) => full(k));
  // Secrets the environment provides are not read from the file (which holds ciphertext).
  const fromFile = Object.fromEntries(Object.entries(doc.config ?? {}).filter(([k]) => !(full(k) in given)));
  const merged = { ...toConfigMap(project, fromFile, stackFile), ...given };
  const present = new Set([...Object.keys(merged), ...secretKeys]);
  // A value given through PULUMI_CONFIG is how a secret reaches the plan, so it counts as encrypted.
  const config = applyProjectConfig(project, stack, projectDoc.config, merged, present, [...secretKeys, ...Object.keys(given)]);
  // A key the project declares secret is a secret to the program too, however it arrived.
  const declaredSecret = Object.entries((projectDoc.config ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v === "object" && (v as { secret?: unknown }).secret === true)
    .map(([k]) => full(k))
    .filter((k) => k in config && !secretKeys.includes(k));
  return { project, config, secretKeys: [...secretKeys, ...declaredSecret] };
}

/** An entry of `Pulumi.yaml`'s `config:` once shorthand is rewritten (the CLI's `ProjectConfigType`). */
interface ProjectConfigType {
  type?: string;
  items?: { type: string; items?: ProjectConfigType["items"] };
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

const PROJECT_CONFIG_ATTRIBUTES = ["type", "description", "items", "default", "value", "secret"];

/**
 * Merges `Pulumi.yaml`'s `config:` into a stack's config as `pulumi preview` does
 * (pulumi/pulumi sdk/go/common/workspace: RewriteShorthandConfigValues, mergeConfig,
 * validateStackConfigValues, ValidateConfigValue):
 * - a shorthand `key: value` is a default for the project's keys and a value for another
 *   namespace's (`aws:region: us-west-2`);
 * - a stack's own value wins over both;
 * - a project key declared without default or value must be set by the stack
 *   ("Stack 'dev' is missing configuration value 'x'");
 * - a typed key's stack value must have that type, and a `secret: true` key must be
 *   `secure:` in the stack file.
 * `present` is every key the stack sets, including secrets that were not decrypted.
 */
export function applyProjectConfig(
  project: string,
  stack: string,
  declared: unknown,
  stackConfig: Record<string, string>,
  present: Set<string> = new Set(Object.keys(stackConfig)),
  secretKeys: string[] = [],
): Record<string, string> {
  if (declared === undefined || declared === null) return stackConfig;
  if (typeof declared !== "object" || Array.isArray(declared)) {
    throw new Error(`Pulumi.yaml: config must be a map of configuration keys (got ${JSON.stringify(declared)})`);
  }
  const out = { ...stackConfig };
  const missing: string[] = [];
  for (const [rawKey, entry] of Object.entries(declared as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
    const full = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const ownKey = full.startsWith(`${project}:`);
    let type: ProjectConfigType;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      type = ownKey ? { default: entry } : { value: entry };
    } else {
      const unknownAttributes = Object.keys(entry).filter((a) => !PROJECT_CONFIG_ATTRIBUTES.includes(a));
      if (unknownAttributes.length > 0) {
        throw new Error(`Pulumi.yaml: config key '${rawKey}' has ${unknownAttributes.map((a) => `'${a}'`).join(", ")}; allowed: ${PROJECT_CONFIG_ATTRIBUTES.join(", ")}`);
      }
      type = entry as ProjectConfigType;
      if (!ownKey && type.default !== undefined) {
        throw new Error(`Pulumi.yaml: config key '${rawKey}' is not namespaced by the project and cannot have a default; use 'value' instead of 'default'`);
      }
    }
    if (!present.has(full)) {
      const given = type.default ?? type.value;
      if (given === undefined) {
        if (ownKey) missing.push(rawKey);
        continue;
      }
      out[full] = typeof given === "string" ? given : typeof given === "object" ? JSON.stringify(given) : String(given);
      continue;
    }
    if (type.secret && !secretKeys.includes(full)) {
      throw new Error(`Stack '${stack}' with configuration key '${rawKey}' must be encrypted as it's secret (pulumi config set --secret ${rawKey})`);
    }
    if (type.type !== undefined && full in stackConfig && !matchesConfigType(type.type, type.items, stackValue(stackConfig[full]))) {
      throw new Error(`Stack '${stack}' with configuration key '${rawKey}' must be of type '${typeName(type.type, type.items)}' (got ${stackConfig[full]})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${missing.map((k) => `'${k}'`).join(", ")}, declared in Pulumi.yaml without a default; set ${missing.length > 1 ? "them" : "it"} in Pulumi.${stack}.yaml`);
  }
  return out;
}

/** Primitives reach a program as text; objects and arrays as JSON (what the CLI validates). */
function stackValue(text: string): unknown {
  if (!/^[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function typeName(type: string, items?: ProjectConfigType["items"]): string {
  return items ? `array<${typeName(items.type, items.items)}>` : type;
}

function matchesConfigType(type: string, items: ProjectConfigType["items"], value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    default:
      return Array.isArray(value) && items !== undefined && value.every((item) => matchesConfigType(items.type, items.items, item));
  }
}

/** The path of a `secure:` value nested inside a structured config value (`pulumi config set --path --secret` writes them), if any. */
function nestedSecret(value: unknown, at = ""): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nestedSecret(value[i], `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if ("secure" in (value as object) && Object.keys(value as object).length === 1) return at;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const found = nestedSecret(v, `${at}.${k}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `{ "ml-pipeline:endpoint": {...} }` → `{ "ml-pipeline:endpoint": "{...}" }`, as the CLI does. */
export function toConfigMap(project: string, values: Record<string, unknown>, file = "the stack file"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      throw new Error(`${full} is a secret (secure:) in ${file}; the offline plan cannot decrypt it. Pass the value with PULUMI_CONFIG='{"${full}":"<value>"}'.`);
    }
    // A secret inside a structured value would reach the program as {"secure": "v1:…"}: a silently wrong value.
    const inner = nestedSecret(value);
    if (inner !== undefined) {
      throw new Error(`${full}${inner} is a secret (secure:) inside ${full} in ${file}; the offline plan cannot decrypt it. Pass the whole value of ${full} with PULUMI_CONFIG='{"${full}":"<its JSON, decrypted>"}'.`);
    }
    out[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** A value a stack file sets, where: the line a finding about it can point at. */
export interface ConfigValueLine {
  /** The config key and the path inside it (`ml-pipeline:training.instanceType`). */
  key: string;
  value: string;
  /** 1-based line of the value in the stack file. */
  line: number;
}

/**
 * The string values of a stack file that a finding could quote (at least 4 characters, a
 * letter among them: instance types, ARNs, expressions; not `true` or `2`), with their lines.
 * Secrets (`secure:` values) are left out.
 */
export function configValueLines(stackFile: string): ConfigValueLine[] {
  let text: string;
  try {
    text = fs.readFileSync(stackFile, "utf8");
  } catch {
    return [];
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const out: ConfigValueLine[] = [];
  const walk = (node: Node | null | undefined, key: string): void => {
    if (!node) return;
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === "string" && v.length >= 4 && /[A-Za-z]/.test(v) && node.range && !/(^|\.)secure$/.test(key)) out.push({ key, value: v, line: lineCounter.linePos(node.range[0]).line });
      return;
    }
    if (isMap(node)) for (const pair of node.items) walk(pair.value as Node, key ? `${key}.${keyOf(pair)}` : keyOf(pair));
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node, `${key}[${i}]`));
  };
  const config = doc.contents && isMap(doc.contents) ? doc.contents.items.find((p) => keyOf(p) === "config")?.value : undefined;
  if (config && isMap(config)) for (const pair of config.items) walk(pair.value as Node, keyOf(pair));
  return out;
}

/** A YAML map entry's key as text. */
const keyOf = (pair: { key: unknown }) => String((pair.key as { value?: unknown } | null)?.value ?? pair.key);

/** The repository that holds a directory: the nearest folder up from it with a `.git`; the directory itself when none has one. */
export function repositoryRootOf(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}
