/**
 * The policy pack's README (policies/README.md): its rule table and its knob table,
 * rendered from the rules' own metadata (policies/rules/*.ts) and the per-stack policy
 * configs. `npm run docs` rewrites them; test/docs.test.ts fails when the README and the
 * metadata disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { allRules, counterpartsText, Knob, Loosens } from "ml-pipeline-policies";
import { PolicyPackConfigFile, policySettings } from "../../plan/src/analyzer/packConfig";
import { cell, GeneratedBlock, PROJECT_DIR } from "./generated";

export const POLICIES_README = "policies/README.md";

function defaultText(k: Knob<unknown>): string {
  if (!("default" in k)) return "";
  const d = k.default;
  if (Array.isArray(d)) return ` (${d.length} types)`;
  if (d && typeof d === "object") return ` (${JSON.stringify(d)})`;
  return ` (${String(d)})`;
}

function stackConfig(stack: string): PolicyPackConfigFile {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "config", `${stack}.json`), "utf8"));
}

/** The level of a rule in a stack's config, and the knobs that config sets. */
function stackColumn(rule: (typeof allRules)[number], file: PolicyPackConfigFile): string {
  const { level } = policySettings(rule.policy, file);
  const entry = file[rule.policy.name];
  const set = entry && typeof entry === "object" ? Object.entries(entry).filter(([k]) => k !== "enforcementLevel") : [];
  return [level, ...set.map(([k, v]) => `${k} ${JSON.stringify(v)}`)].join(", ");
}

/** The knob every rule has (its suppressions), documented once, after each rule's own. */
const COMMON_KNOB = "suppressions";
const ownKnobs = (rule: (typeof allRules)[number]) => Object.entries(rule.knobs).filter(([name]) => name !== COMMON_KNOB);

export function rulesTable(): string {
  const dev = stackConfig("dev");
  const prod = stackConfig("prod");
  const rows = allRules.map((rule) => {
    const p = rule.policy;
    const kind = "validateStack" in p ? " (stack)" : "";
    const knobs = ownKnobs(rule).map(([name, k]) => `\`${name}\`${defaultText(k)}`).join(", ") || "—";
    return `| \`${p.name}\`${kind} | ${p.severity ?? "—"} | ${rule.summary} Fix: ${p.remediationSteps ?? "—"} | ${knobs} | ${counterpartsText(rule.counterparts)} | ${stackColumn(rule, dev)} | ${stackColumn(rule, prod)} |`;
  });
  return ["| rule | severity | what it enforces, and how to fix a finding | knobs (default) | counterparts | dev | prod |", "|---|---|---|---|---|---|---|", ...rows].join("\n");
}

/** Which change of a knob loosens its rule, in words (the other way tightens). */
const LOOSENS: Record<Loosens, string> = {
  higher: "raised",
  lower: "lowered",
  true: "turned on",
  false: "turned off",
  wider: "grown",
  narrower: "shrunk",
  pricing: "any instance type's price falls",
};

function knobDefault(k: Knob<unknown>): string {
  if (!("default" in k)) return k.loosens === "higher" ? "unset: no limit" : "unset";
  const d = k.default;
  // Long lists (every instance type SageMaker accepts for a use) by their size; short ones in full.
  if (Array.isArray(d) && d.length > 6) return `${d.length} types`;
  return `\`${JSON.stringify(d)}\``;
}

/** Every knob of every rule: its type, default, which change loosens the rule, and what it does. */
export function knobsTable(): string {
  const rows = allRules.flatMap((rule) =>
    ownKnobs(rule).map(([name, k]) => {
      const type = k.type === "array" ? "list of strings" : k.type === "object" ? "map of instance type to USD/hour" : k.type;
      return `| ${[`\`${rule.policy.name}\``, `\`${name}\``, type, knobDefault(k), LOOSENS[k.loosens], k.description ?? ""].map(cell).join(" | ")} |`;
    }),
  );
  // The same knob on every rule: one row.
  const common = allRules[0].knobs[COMMON_KNOB];
  if (!allRules.every((r) => JSON.stringify(r.knobs[COMMON_KNOB]) === JSON.stringify(common))) throw new Error(`every rule must take the same ${COMMON_KNOB} knob`);
  rows.push(`| ${["every rule", `\`${COMMON_KNOB}\``, "list of `{resource, reason, owner?, expires?}`", knobDefault(common), LOOSENS[common.loosens], `${common.description ?? ""} See [Suppressions](#suppressions).`].map(cell).join(" | ")} |`);
  return ["| rule | knob | type | default | loosens when | what it does |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

export const rulesBlock: GeneratedBlock = { file: POLICIES_README, name: "rules-table", source: "policies/rules", render: rulesTable };
export const knobsBlock: GeneratedBlock = { file: POLICIES_README, name: "knobs-table", source: "policies/rules", render: knobsTable };
