/** Human renderings of a plan: a terminal report and a pull-request comment. */
import { Plan, PlanResource } from "./plan";
import { PlanComparison } from "./compare";

const short = (urn?: string) => (urn ? urn.split("::").pop()! : "(stack)");
const usd = (n: number) => `$${n.toFixed(2)}`;
const typeName = (t: string) => t.split(":").pop()!;

/** Resources as a tree by component (parent URN). */
function resourceTree(resources: PlanResource[]): string[] {
  const children = new Map<string | undefined, PlanResource[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(`${indent}${last ? "└─" : "├─"} ${r.name}  (${r.type})`);
      walk(r.urn, indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  return lines;
}

function costRows(plan: Plan): string[][] {
  return [...plan.cost.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd).map((l) => [short(l.urn), usd(l.monthlyUsd), l.basis]);
}

export function renderText(plan: Plan, comparison?: PlanComparison): string {
  const out: string[] = [];
  out.push(`Offline plan for ${plan.project} / ${plan.stack}${plan.firstPreview ? " (first preview)" : ""}`);
  out.push(plan.note, "");
  out.push(`Resources (${plan.summary.resources}), by component:`);
  out.push(...resourceTree(plan.resources).map((l) => `  ${l}`), "");
  out.push(`Policy verdicts (${plan.policyPack.name}@${plan.policyPack.version}${plan.policyPack.config ? `, config ${plan.policyPack.config}` : ", no config file"}): ${plan.summary.mandatory} mandatory, ${plan.summary.advisory} advisory`);
  for (const v of plan.violations) out.push(`  [${v.level}] ${v.policy} — ${short(v.urn)}: ${v.message}`);
  for (const r of plan.remediations ?? []) out.push(`  [remediated] ${r.policy} — ${short(r.urn)}: set ${r.properties.join(", ")}`);
  out.push("", `Estimated worst-case monthly cost: ${usd(plan.cost.monthlyUsd)} (estimate, us-east-1 on-demand prices unless configured)`);
  for (const [r, c, basis] of costRows(plan)) out.push(`  ${c.padStart(10)}  ${r}: ${basis}`);
  for (const u of plan.cost.unpriced) out.push(`  (no price for ${u.instanceType} at ${short(u.urn)} ${u.where}: not counted)`);
  for (const u of plan.cost.unbounded ?? []) out.push(`  (${short(u.urn)} ${u.where}: ${u.why}: not bounded)`);
  if (comparison) out.push("", ...comparisonLines(comparison));
  for (const d of plan.diagrams) out.push("", `State machine ${short(d.urn)} (Mermaid):`, d.mermaid);
  return out.join("\n") + "\n";
}

function comparisonLines(c: PlanComparison): string[] {
  const out = [`Compared with the previous plan: ${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed; cost ${c.cost.deltaUsd >= 0 ? "+" : ""}${usd(c.cost.deltaUsd)}${c.cost.deltaPercent === null ? "" : ` (${c.cost.deltaPercent >= 0 ? "+" : ""}${c.cost.deltaPercent}%)`}`];
  for (const r of c.added) out.push(`  + ${short(r.urn)} (${typeName(r.type)})`);
  for (const r of c.removed) out.push(`  - ${short(r.urn)} (${typeName(r.type)})`);
  for (const r of c.changed) {
    out.push(`  ~ ${short(r.urn)} (${typeName(r.type)})`);
    for (const ch of r.changes.slice(0, 20)) out.push(`      ${ch.path}: ${JSON.stringify(ch.before)} → ${JSON.stringify(ch.after)}`);
    if (r.changes.length > 20) out.push(`      … ${r.changes.length - 20} more`);
  }
  for (const v of c.newViolations) out.push(`  new violation [${v.level}] ${v.policy} — ${short(v.urn)}`);
  for (const v of c.fixedViolations) out.push(`  fixed [${v.level}] ${v.policy} — ${short(v.urn)}`);
  return out;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A pull-request comment: summary, violations first, cost, resource changes, diagram. */
export function renderMarkdown(plan: Plan, comparison?: PlanComparison): string {
  const out: string[] = [];
  const status = plan.summary.mandatory > 0 ? "❌" : "✅";
  const delta = comparison
    ? `, ${comparison.cost.deltaUsd >= 0 ? "+" : ""}${usd(comparison.cost.deltaUsd)}${comparison.cost.deltaPercent === null ? "" : ` (${comparison.cost.deltaPercent >= 0 ? "+" : ""}${comparison.cost.deltaPercent}%)`} vs base`
    : "";
  out.push(`<!-- ml-pipeline-plan:${plan.stack} -->`);
  out.push(`### ${status} \`${plan.stack}\`: ${plan.summary.mandatory} mandatory and ${plan.summary.advisory} advisory policy violations · ${plan.summary.resources} resources · est. ${usd(plan.cost.monthlyUsd)}/month${delta}`);
  out.push("", `> ${plan.note}`, "");
  if ((plan.remediations ?? []).length > 0) {
    out.push("#### Remediated by policy (deployed as changed)", "", "| policy | resource | properties |", "|---|---|---|");
    for (const r of plan.remediations) out.push(`| \`${r.policy}\` | \`${short(r.urn)}\` | ${r.properties.map((p) => `\`${p}\``).join(", ")} |`);
    out.push("");
  }
  if (plan.violations.length > 0) {
    out.push("#### Policy violations", "", "| level | policy | resource | message |", "|---|---|---|---|");
    for (const v of [...plan.violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
      out.push(`| ${v.level} | \`${v.policy}\` | \`${short(v.urn)}\` | ${cell(v.message)} |`);
    }
    out.push("");
  }
  if (comparison && (comparison.newViolations.length || comparison.fixedViolations.length)) {
    out.push(`New violations: ${comparison.newViolations.length} · fixed: ${comparison.fixedViolations.length}`, "");
  }
  out.push("#### Estimated monthly cost (worst case)", "", "| resource | USD/month | basis |", "|---|---:|---|");
  for (const [r, c, basis] of costRows(plan)) out.push(`| \`${r}\` | ${c} | ${cell(basis)} |`);
  out.push(`| **total** | **${usd(plan.cost.monthlyUsd)}** | estimate, us-east-1 on-demand unless configured |`, "");
  if (comparison) {
    out.push("#### Resource changes", "");
    if (comparison.added.length + comparison.removed.length + comparison.changed.length === 0) out.push("No resource changes.");
    for (const r of comparison.added) out.push(`- ➕ \`${short(r.urn)}\` (${typeName(r.type)})`);
    for (const r of comparison.removed) out.push(`- ➖ \`${short(r.urn)}\` (${typeName(r.type)})`);
    for (const r of comparison.changed) {
      out.push(`- ✏️ \`${short(r.urn)}\` (${typeName(r.type)})`);
      for (const ch of r.changes.slice(0, 10)) out.push(`  - \`${ch.path}\`: \`${cell(JSON.stringify(ch.before) ?? "undefined")}\` → \`${cell(JSON.stringify(ch.after) ?? "undefined")}\``);
      if (r.changes.length > 10) out.push(`  - … ${r.changes.length - 10} more`);
    }
    out.push("");
  } else {
    out.push("<details><summary>Resources</summary>", "", "```", ...resourceTree(plan.resources), "```", "</details>", "");
  }
  for (const d of plan.diagrams) out.push(`<details><summary>State machine <code>${short(d.urn)}</code></summary>`, "", "```mermaid", d.mermaid, "```", "</details>", "");
  return out.join("\n");
}
