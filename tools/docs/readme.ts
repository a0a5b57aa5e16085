/**
 * The README's generated parts: the policy pack's rule table, rendered from the rules'
 * own metadata (policies/rules/*.ts) and the per-stack policy configs. `npm run docs`
 * rewrites it; test/readme.test.ts fails when the README and the metadata disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { allRules, counterpartsText, Knob } from "ml-pipeline-policies";
import { PolicyPackConfigFile, policySettings } from "../../plan/src/analyzer/packConfig";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const README = path.join(PROJECT_DIR, "README.md");
const BEGIN = "<!-- rules-table:begin (generated from policies/rules by `npm run docs`) -->";
const END = "<!-- rules-table:end -->";

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

export function rulesTable(): string {
  const dev = stackConfig("dev");
  const prod = stackConfig("prod");
  const rows = allRules.map((rule) => {
    const p = rule.policy;
    const kind = "validateStack" in p ? " (stack)" : "";
    const knobs = Object.entries(rule.knobs).map(([name, k]) => `\`${name}\`${defaultText(k)}`).join(", ") || "—";
    return `| \`${p.name}\`${kind} | ${rule.summary} | ${knobs} | ${counterpartsText(rule.counterparts)} | ${stackColumn(rule, dev)} | ${stackColumn(rule, prod)} |`;
  });
  return [BEGIN, "| rule | what it enforces | knobs (default) | counterparts | dev | prod |", "|---|---|---|---|---|---|", ...rows, END].join("\n");
}

/** The README with its rule table regenerated. */
export function readmeWithRulesTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  return readme.slice(0, start) + rulesTable() + readme.slice(end + END.length);
}

if (require.main === module) {
  fs.writeFileSync(README, readmeWithRulesTable(fs.readFileSync(README, "utf8")));
  process.stdout.write("README.md: rule table regenerated\n");
}
