/**
 * docs/configuration.md's reference tables, one per section of the stack config: every key
 * of the zod schema (stacks/configSchema.ts, read through zod's JSON Schema) with its type
 * and allowed values, its default per profile (stacks/defaults.ts, resolved as
 * stacks/load.ts resolves them), what the shipped stack files set, and its description
 * (the schema's `.describe()`). A key without a description is an error, not an empty cell.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { z } from "zod";
import { stackConfigSchema } from "../../stacks/configSchema";
import { KindDefaults, PROFILE_DEFAULTS } from "../../stacks/defaults";
import { cell, GeneratedBlock, PROJECT_DIR } from "./generated";

type Profile = keyof typeof PROFILE_DEFAULTS;
const PROFILES = Object.keys(PROFILE_DEFAULTS) as Profile[];

/** The subset of JSON Schema that zod emits for this schema. */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  not?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
}

/**
 * The schema as JSON Schema, input side (what a stack file writes). A key refused on a
 * variant (`z.undefined()`: serverless endpoints have no instance type) becomes `{not: {}}`,
 * "never valid", so that it is not mistaken for a setting.
 */
export function stackConfigJsonSchema(): JsonSchema {
  return z.toJSONSchema(stackConfigSchema, {
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      if ((ctx.zodSchema as unknown as { _zod: { def: { type: string } } })._zod.def.type === "undefined") ctx.jsonSchema.not = {};
    },
  }) as JsonSchema;
}

/** One row of a table: a key, and on which variants of its section (`kind`) it exists. */
export interface ConfigRow {
  path: string[];
  /** The `kind`s that have this key; undefined outside a section with variants, or when every variant has it. */
  variants?: string[];
  /** Every `kind` of the section, when it has variants. */
  allVariants?: string[];
  schema: JsonSchema;
  description: string;
  /** A described object: a row of its own, its keys follow. */
  object?: boolean;
}

const isRefused = (s: JsonSchema) => s.not !== undefined && Object.keys(s.not).length === 0;
const isObject = (s: JsonSchema) => s.type === "object" && s.properties !== undefined;
const variantKind = (s: JsonSchema) => (isObject(s) ? s.properties!.kind?.const : undefined);

function rowsOf(schema: JsonSchema, at: string[], out: ConfigRow[]): void {
  if (isRefused(schema)) return;
  if (schema.oneOf && schema.oneOf.every((o) => typeof variantKind(o) === "string")) {
    out.push(...variantRows(schema.oneOf, at));
  } else if (isObject(schema)) {
    if (at.length > 0 && schema.description) out.push({ path: at, schema, description: schema.description, object: true });
    for (const [k, v] of Object.entries(schema.properties!)) rowsOf(v, [...at, k], out);
  } else {
    if (!schema.description) throw new Error(`stacks/configSchema.ts: ${at.join(".")} has no description (.describe())`);
    out.push({ path: at, schema, description: schema.description });
  }
}

/**
 * A section with variants (`kind`): one row for `kind`, naming what each one is; then each
 * key once, tagged with the variants that have it unless all do.
 */
function variantRows(options: JsonSchema[], at: string[]): ConfigRow[] {
  const kinds = options.map((o) => variantKind(o) as string);
  const kindRow: ConfigRow = {
    path: [...at, "kind"],
    schema: { enum: kinds },
    description: options.map((o, i) => `\`${kinds[i]}\`: ${o.properties!.kind.description ?? missing([...at, "kind"])}.`).join(" "),
  };
  const merged = new Map<string, ConfigRow>();
  options.forEach((option, i) => {
    const rows: ConfigRow[] = [];
    const { kind: _kind, ...rest } = option.properties!;
    for (const [k, v] of Object.entries(rest)) rowsOf(v, [...at, k], rows);
    for (const row of rows) {
      // The same key with the same schema on several variants is one row (endpoint.modelDataKey).
      const id = `${row.path.join(".")}\0${JSON.stringify(row.schema)}`;
      const seen = merged.get(id);
      if (seen) seen.variants!.push(kinds[i]);
      else merged.set(id, { ...row, variants: [kinds[i]], allVariants: kinds });
    }
  });
  const rows = [...merged.values()].map((r) => (r.variants!.length === kinds.length ? { ...r, variants: undefined } : r));
  return [{ ...kindRow, allVariants: kinds }, ...rows];
}

function missing(at: string[]): never {
  throw new Error(`stacks/configSchema.ts: ${at.join(".")} has no description (.describe())`);
}

/** Every row, top-level keys first, then one group per section. */
export function configRows(): { section: string | undefined; description?: string; rows: ConfigRow[] }[] {
  const root = stackConfigJsonSchema();
  const top: ConfigRow[] = [];
  const sections: { section: string; description?: string; rows: ConfigRow[] }[] = [];
  for (const [key, schema] of Object.entries(root.properties!)) {
    const isSection = isObject(schema) || (schema.oneOf !== undefined && schema.oneOf.every(isObject));
    if (!isSection) {
      rowsOf(schema, [key], top);
      continue;
    }
    const rows: ConfigRow[] = [];
    rowsOf(schema.oneOf ? schema : { ...schema, description: undefined }, [key], rows);
    sections.push({ section: key, description: schema.description, rows });
  }
  return [{ section: undefined, rows: top }, ...sections];
}

// ---- defaults ----------------------------------------------------------------------

const NO_DEFAULT = Symbol("no default");

function at(value: unknown, keys: string[]): unknown {
  let cur = value;
  for (const k of keys) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const isKindDefaults = (d: unknown): d is KindDefaults => typeof d === "object" && d !== null && "defaultKind" in d && "byKind" in d;

/**
 * A key's default in a profile, for a variant of its section: what stacks/load.ts merges a
 * stack file over (`{kind, ...byKind[kind]}` for a section with variants). The keys that
 * load.ts resolves itself (profile, namePrefix, region) have no entry in PROFILE_DEFAULTS:
 * NO_DEFAULT.
 */
export function profileDefault(profile: Profile, keys: string[], variant?: string): unknown {
  if (!(keys[0] in PROFILE_DEFAULTS[profile])) return NO_DEFAULT;
  // Down the keys to the section with variants, if any (`preprocessing`, `ingestion.source`).
  let d: unknown = PROFILE_DEFAULTS[profile];
  for (let i = 0; i < keys.length; i++) {
    d = at(d, [keys[i]]);
    if (!isKindDefaults(d)) continue;
    const rest = keys.slice(i + 1);
    if (rest.length === 1 && rest[0] === "kind") return d.defaultKind;
    return at(d.byKind[variant ?? d.defaultKind], rest);
  }
  return d;
}

/** What load.ts works out for the keys it resolves itself, in words. */
const RESOLVED_BY_LOAD: Record<string, string> = {
  profile: "the stack's name",
  namePrefix: "`<project>-<stack>`",
  region: "none: required",
};

function project(): string {
  return String(YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).name);
}

/** What the shipped stack file of a profile's stack (Pulumi.dev.yaml, Pulumi.prod.yaml) sets for a key. */
function stackFileValue(profile: Profile, keys: string[]): unknown {
  const file = path.join(PROJECT_DIR, `Pulumi.${profile}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const config = (YAML.parse(fs.readFileSync(file, "utf8"))?.config ?? {}) as Record<string, unknown>;
  const [section, ...rest] = keys;
  const top = section === "region" ? config["aws:region"] : config[`${project()}:${section}`];
  return at(top, rest);
}

function value(v: unknown): string {
  if (v === undefined) return "absent";
  if (typeof v === "string") return `\`${v}\``;
  return `\`${JSON.stringify(v)}\``;
}

function defaultCell(profile: Profile, row: ConfigRow): string {
  const key = row.path.join(".");
  const variants = row.variants ?? row.allVariants ?? [undefined];
  let text: string;
  if (key in RESOLVED_BY_LOAD) {
    text = RESOLVED_BY_LOAD[key];
  } else {
    const byVariant = variants.map((v) => profileDefault(profile, row.path, v));
    if (byVariant.includes(NO_DEFAULT)) throw new Error(`${key}: no default in stacks/defaults.ts, and not a key stacks/load.ts resolves`);
    const shown = byVariant.map((d) => (row.object && d !== undefined ? "—" : value(d)));
    text = shown.every((s) => s === shown[0]) ? shown[0] : shown.map((s, i) => `${variants[i]}: ${s}`).join("; ");
  }
  if (row.object) return text;
  const set = stackFileValue(profile, row.path);
  const defaults = variants.map((v) => profileDefault(profile, row.path, v));
  if (set !== undefined && !defaults.some((d) => JSON.stringify(d) === JSON.stringify(set))) text += ` (Pulumi.${profile}.yaml sets ${value(set)})`;
  return text;
}

// ---- types ---------------------------------------------------------------------------

const num = (n: number) => (Math.abs(n) >= 10_000 ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : String(n));

function range(min: number | undefined, max: number | undefined, unit = ""): string {
  if (min !== undefined && max !== undefined) return `${num(min)}–${num(max)}${unit}`;
  if (min !== undefined) return `≥ ${num(min)}${unit}`;
  if (max !== undefined) return `≤ ${num(max)}${unit}`;
  return "";
}

const PLURALS: Record<string, string> = { string: "strings", integer: "integers", number: "numbers", "e-mail address": "e-mail addresses" };
const plural = (type: string) => PLURALS[type] ?? type;

/** A key's type and allowed values, in words. */
export function typeText(s: JsonSchema): string {
  if (s.anyOf) {
    const nonNull = s.anyOf.filter((o) => o.type !== "null");
    if (nonNull.length < s.anyOf.length) return `${typeText(nonNull.length === 1 ? nonNull[0] : { anyOf: nonNull })} or \`null\``;
    if (s.anyOf.every((o) => o.const !== undefined)) return `one of ${s.anyOf.map((o) => value(o.const)).join(", ")}`;
    return s.anyOf.map(typeText).join(" or ");
  }
  if (s.enum) return s.enum.map(value).join(", ");
  if (s.const !== undefined) return value(s.const);
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) return type.slice(0, -1).join(", ") + ` or ${type[type.length - 1]}`;
  switch (type[0]) {
    case "integer":
    case "number": {
      const lower = s.exclusiveMinimum !== undefined ? `> ${num(s.exclusiveMinimum)}` : undefined;
      const bounds = lower ? [lower, s.maximum !== undefined ? `≤ ${num(s.maximum)}` : ""].filter(Boolean).join(", ") : range(s.minimum, s.maximum);
      return bounds ? `${type[0]}, ${bounds}` : type[0];
    }
    case "string": {
      if (s.format === "email") return "e-mail address";
      const length = range(s.minLength, s.maxLength, " characters");
      return length ? `string, ${length}` : "string";
    }
    case "boolean":
      return "boolean";
    case "array": {
      const count = range(s.minItems, s.maxItems, " items");
      return `list of ${s.items ? plural(typeText(s.items)) : "any"}${count ? `, ${count}` : ""}`;
    }
    case "object":
      if (s.properties) return `\`{${Object.keys(s.properties).join(", ")}}\``;
      if (typeof s.additionalProperties === "object") return `map of string to ${typeText(s.additionalProperties)}`;
      return "object";
    default:
      return "any";
  }
}

// ---- the tables ----------------------------------------------------------------------

function keyCell(row: ConfigRow): string {
  const key = row.path.join(".") === "region" ? "aws:region" : row.path.join(".");
  return `\`${key}\`${row.variants ? ` (${row.variants.join(", ")})` : ""}`;
}

export function configurationTables(): string {
  const out: string[] = [];
  for (const group of configRows()) {
    out.push("", `### ${group.section ?? "Top-level keys"}`, "");
    if (group.description) out.push(group.description, "");
    out.push(`| key | type, allowed values | ${PROFILES.map((p) => `${p} default`).join(" | ")} | description |`, `|---|---|${PROFILES.map(() => "---|").join("")}---|`);
    for (const row of group.rows) {
      const type = row.object ? "object" : typeText(row.schema);
      out.push(`| ${[keyCell(row), type, ...PROFILES.map((p) => defaultCell(p, row)), row.description].map(cell).join(" | ")} |`);
    }
  }
  return out.join("\n").trimStart();
}

export const CONFIGURATION_PAGE = "docs/configuration.md";

export const configurationBlock: GeneratedBlock = {
  file: CONFIGURATION_PAGE,
  name: "configuration-reference",
  source: "stacks/configSchema.ts and stacks/defaults.ts",
  render: configurationTables,
};
