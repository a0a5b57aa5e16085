/** Human renderings of a plan: a terminal report and a pull-request comment. */
import { nodeId } from "./diagram";
import { Plan, PlanResource } from "./plan";
import { ChangeAction, PlanComparison, refusedReplacements } from "./compare";
import { CostIncreaseCheck, RailsReport } from "./guardRails";

/** How `pulumi preview` marks each kind of change (`+-` is its replacement sign). */
const ACTION: Record<ChangeAction, { sign: string; words: string; emoji: string }> = {
  update: { sign: "~", words: "update in place", emoji: "✏️" },
  replace: { sign: "+-", words: "replace", emoji: "🔁" },
  "maybe-replace": { sign: "~?", words: "update, or replace (AWS's schema does not say for every change)", emoji: "⚠️" },
};

const effectNote = (ch: { effect: ChangeAction; why?: string }) =>
  ch.effect === "replace" ? `  [forces replacement: ${ch.why}]` : ch.effect === "maybe-replace" ? `  [may force replacement: ${ch.why}]` : "";

function changeCounts(c: PlanComparison): string {
  const n = (a: ChangeAction) => c.changed.filter((r) => r.action === a).length;
  return `${c.changed.length} changed (${n("replace")} replaced, ${n("maybe-replace")} possibly replaced)`;
}

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

/** `diff`: every changed property of every changed resource (`--diff`), not the first 20 of each. */
/** Whose prices the estimate uses. */
const priceRegion = (plan: Plan) => plan.cost.region ?? "us-east-1";

/** What the estimate covers, in a line: how many types it prices, how many are free, and what it leaves out and why. */
export function coverageLine(plan: Plan): string | undefined {
  const c = plan.cost.coverage;
  if (!c) return undefined;
  const types = (n: number) => `${n} resource type${n === 1 ? "" : "s"}`;
  const left = c.notPriced.map((x) => `${typeName(x.type)} (${x.why})`).join("; ");
  return `Covers ${types(c.priced.length)} priced, ${types(c.free.length)} free; not priced: ${c.notPriced.length === 0 ? "none" : left}.`;
}

/** A suppression that suppressed nothing, as a warning line. */
export function suppressionWarning(u: NonNullable<Plan["unusedSuppressions"]>[number]): string {
  return u.expired
    ? `the suppression of ${u.policy} for "${u.resource}" has expired ("${u.reason}"): what it covered is reported again; renew it with a new date, or remove it`
    : `the suppression of ${u.policy} for "${u.resource}" suppressed nothing (no finding on a resource it covers): remove it`;
}

export function renderText(plan: Plan, comparison?: PlanComparison, options: { diff?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`Offline plan for ${plan.project} / ${plan.stack}${plan.firstPreview ? " (first preview)" : ""}${plan.account ? `, account ${plan.account} (its stacks.yaml; pinned by aws:allowedAccountIds)` : ""}`);
  out.push(plan.note, "");
  out.push(`Resources (${plan.summary.resources}), by component:`);
  out.push(...resourceTree(plan.resources).map((l) => `  ${l}`), "");
  out.push(`Policy verdicts (${plan.policyPack.name}@${plan.policyPack.version}${plan.policyPack.config ? `, config ${plan.policyPack.config}` : ", no config file"}): ${plan.summary.mandatory} mandatory, ${plan.summary.advisory} advisory`);
  for (const v of plan.violations) out.push(`  [${v.level}] ${v.policy} — ${short(v.urn)}: ${v.message}`);
  for (const r of plan.remediations ?? []) out.push(`  [remediated] ${r.policy} — ${short(r.urn)}: set ${r.properties.join(", ")}`);
  for (const x of plan.suppressed ?? []) out.push(`  [suppressed ${x.level}] ${x.policy} — ${short(x.urn)}: ${x.reason}`);
  for (const u of plan.unusedSuppressions ?? []) out.push(`  (${suppressionWarning(u)})`);
  out.push("", `Estimated worst-case monthly cost: ${usd(plan.cost.monthlyUsd)} (estimate, ${priceRegion(plan)} on-demand prices)`);
  for (const [r, c, basis] of costRows(plan)) out.push(`  ${c.padStart(10)}  ${r}: ${basis}`);
  const covered = coverageLine(plan);
  if (covered) out.push(`  ${covered}`);
  for (const u of plan.cost.unpriced) out.push(`  (no price for ${u.instanceType} at ${short(u.urn)} ${u.where}: not counted)`);
  for (const u of plan.cost.unbounded ?? []) out.push(`  (${short(u.urn)} ${u.where}: ${u.why}: not bounded)`);
  if (comparison) out.push("", ...comparisonLines(comparison, options.diff ? Infinity : 20));
  for (const d of plan.diagrams) out.push("", `State machine ${short(d.urn)} (Mermaid):`, d.mermaid);
  return out.join("\n") + "\n";
}

function comparisonLines(c: PlanComparison, perResource: number): string[] {
  const out = [`Compared with the previous plan: ${c.added.length} added, ${c.removed.length} removed, ${changeCounts(c)}; cost ${c.cost.deltaUsd >= 0 ? "+" : ""}${usd(c.cost.deltaUsd)}${c.cost.deltaPercent === null ? "" : ` (${c.cost.deltaPercent >= 0 ? "+" : ""}${c.cost.deltaPercent}%)`}`];
  for (const r of c.added) out.push(`  + ${short(r.urn)} (${typeName(r.type)})`);
  for (const r of c.removed) out.push(`  - ${short(r.urn)} (${typeName(r.type)})`);
  for (const r of c.changed) {
    out.push(`  ${ACTION[r.action].sign} ${short(r.urn)} (${typeName(r.type)}): ${ACTION[r.action].words}`);
    if (r.refused) out.push(`      ! ${r.refused}`);
    if (r.deleteFirst) out.push("      ! deleted before its replacement is created (deleteBeforeReplace): a gap without it");
    for (const ch of r.changes.slice(0, perResource)) out.push(`      ${ch.path}: ${JSON.stringify(ch.before)} → ${JSON.stringify(ch.after)}${effectNote(ch)}`);
    if (r.changes.length > perResource) out.push(`      … ${r.changes.length - perResource} more (--diff shows all)`);
    for (const ch of r.ignored) out.push(`      ${ch.path}: ignored (ignoreChanges)`);
  }
  for (const r of c.unchangedIgnoring) out.push(`  = ${short(r.urn)} (${typeName(r.type)}): unchanged; ignoreChanges hides ${r.ignored.map((ch) => ch.path).join(", ")}`);
  for (const v of c.newViolations) out.push(`  new violation [${v.level}] ${v.policy} — ${short(v.urn)}`);
  for (const v of c.fixedViolations) out.push(`  fixed [${v.level}] ${v.policy} — ${short(v.urn)}`);
  return out;
}

/** States of a state machine's definition that a comparison adds or changes (from its `definition.States.<name>` paths). */
export function changedStates(c: PlanComparison, urn: string): string[] {
  const r = c.changed.find((x) => x.urn === urn);
  if (!r) return [];
  const names = new Set<string>();
  for (const ch of r.changes) {
    const m = /^definition\.States(?:\.([A-Za-z_$][\w$-]*)|\["((?:[^"\\]|\\.)*)"\])/.exec(ch.path);
    const name = m?.[1] ?? (m?.[2] !== undefined ? JSON.parse(`"${m[2]}"`) : undefined);
    if (name) names.add(nodeId(name)); // the diagram's node id for the state
  }
  return [...names].sort();
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * GitHub rejects a comment over 65,536 characters; `scripts/pr-plan.sh` puts two stacks in one
 * comment, so each stack's part stays under half of it by default.
 */
export const MARKDOWN_MAX_CHARS = 30_000;

const signed = (n: number) => `${n >= 0 ? "+" : "−"}${usd(Math.abs(n))}`;
const violationLine = (v: { level: string; policy: string; urn?: string; message: string }) => `**${v.level}** \`${v.policy}\` — \`${short(v.urn)}\`: ${cell(v.message)}`;

/**
 * A pull-request comment: summary, violations first (each new and fixed one named), cost per
 * resource (before → after when compared), resource changes, diagrams. Sections are dropped
 * from the least useful up, then violation rows, to stay within `maxChars`; what was left out
 * is said, with a pointer to the full plan (the workflow's `offline-plan` artifact).
 */
export function renderMarkdown(plan: Plan, comparison?: PlanComparison, maxChars = MARKDOWN_MAX_CHARS, verdicts: { rails?: RailsReport; costCheck?: CostIncreaseCheck } = {}): string {
  const refused = comparison ? refusedReplacements(comparison).length : 0;
  const { rails, costCheck } = verdicts;
  const costFails = Boolean(costCheck?.exceeded && costCheck.enforced);
  const status = plan.summary.mandatory > 0 || refused > 0 || rails?.loosened || costFails ? "❌" : "✅";
  const delta = comparison
    ? `, ${signed(comparison.cost.deltaUsd)}${comparison.cost.deltaPercent === null ? "" : ` (${comparison.cost.deltaPercent >= 0 ? "+" : ""}${comparison.cost.deltaPercent}%)`} vs base`
    : "";
  const header = [
    `<!-- ml-pipeline-plan:${plan.stack} -->`,
    `### ${status} \`${plan.stack}\`: ${plan.summary.mandatory} mandatory and ${plan.summary.advisory} advisory policy violations${refused > 0 ? ` · ${refused} replacement${refused === 1 ? "" : "s"} pulumi up would refuse` : ""}${rails?.loosened ? " · guard rails loosened" : ""}${costFails ? " · cost increase over the limit" : ""} · ${plan.summary.resources} resources (${plan.summary.checked ?? plan.summary.resources} checked by policy) · est. ${usd(plan.cost.monthlyUsd)}/month${delta}`,
    "",
    `> ${plan.note}`,
    "",
  ];

  // What judges the change, and how the change would alter it: never cut for size.
  const guard: string[] = [];
  if (rails) {
    guard.push(
      `#### Policy changes: this change's own pack and config against the ones it is judged by (${plan.policyPack.config ?? "no config file"}): ${rails.changes.length === 0 ? "none" : `${rails.changes.filter((c) => c.effect === "loosens").length} loosen, ${rails.changes.filter((c) => c.effect === "unranked").length} cannot be ranked, ${rails.changes.filter((c) => c.effect === "tightens").length} tighten`}`,
      "",
    );
    if (rails.changes.length > 0) {
      guard.push("| policy | what | in force | proposed | effect | why |", "|---|---|---|---|---|---|");
      const shown = (v: unknown) => (v === undefined ? "unset" : `\`${cell(JSON.stringify(v)).slice(0, 120)}\``);
      const mark = { loosens: "⚠️ loosens", unranked: "⚠️ cannot be ranked", tightens: "tightens" } as const;
      for (const c of rails.changes) guard.push(`| \`${c.policy}\` | ${c.what} | ${shown(c.before)} | ${shown(c.after)} | ${mark[c.effect]} | ${cell(c.why)} |`);
      guard.push("");
    }
    for (const v of rails.hiddenViolations) guard.push(`- ⚠️ its own rails would hide: ${violationLine(v)}`);
    if (rails.hiddenViolations.length) guard.push("");
    if (rails.loosened) guard.push("_The guard rails a change is judged by come from the base branch; this change loosens them (or changes them in a way no plan can rank), so the check fails until a platform owner reviews it (see CODEOWNERS)._", "");
  }
  if (costCheck) {
    const limits = [costCheck.maxIncreasePercent !== undefined ? `${costCheck.maxIncreasePercent}%` : "", costCheck.maxIncreaseUsd !== undefined ? usd(costCheck.maxIncreaseUsd) : ""].filter(Boolean).join(" and ");
    guard.push(`#### Cost increase over the base branch: ${signed(costCheck.deltaUsd)}${costCheck.deltaPercent === null ? "" : ` (${costCheck.deltaPercent >= 0 ? "+" : ""}${costCheck.deltaPercent}%)`} against a limit of ${limits}: ${costCheck.exceeded ? `${costCheck.enforced ? "❌" : "⚠️ (advisory)"} ${cell(costCheck.why ?? "")}` : "within it"}`, "");
  }

  const remediations: string[] = [];
  if ((plan.remediations ?? []).length > 0) {
    remediations.push("#### Remediated by policy (deployed as changed)", "", "| policy | resource | properties |", "|---|---|---|");
    for (const r of plan.remediations) remediations.push(`| \`${r.policy}\` | \`${short(r.urn)}\` | ${r.properties.map((p) => `\`${p}\``).join(", ")} |`);
    remediations.push("");
  }

  // Suppressed findings are listed where nothing is cut: an exception is a guard-rail decision.
  const suppressions: string[] = [];
  if ((plan.suppressed ?? []).length + (plan.unusedSuppressions ?? []).length > 0) {
    suppressions.push(`#### Suppressed findings (${(plan.suppressed ?? []).length})`, "");
    if ((plan.suppressed ?? []).length > 0) suppressions.push("| would be | policy | resource | reason and finding |", "|---|---|---|---|");
    for (const x of plan.suppressed ?? []) suppressions.push(`| ${x.level} | \`${x.policy}\` | \`${short(x.urn)}\` | ${cell(x.reason)} |`);
    for (const u of plan.unusedSuppressions ?? []) suppressions.push(`- ⚠️ ${cell(suppressionWarning(u))}`);
    suppressions.push("");
  }

  const changes: string[] = [];
  // Replacements are what a reviewer must not miss: named here, where nothing is cut for size.
  const replaced = comparison ? comparison.changed.filter((r) => r.action !== "update") : [];
  if (replaced.length > 0) {
    changes.push(`#### Replacements since the base branch: ${replaced.filter((r) => r.action === "replace").length} replaced, ${replaced.filter((r) => r.action === "maybe-replace").length} possibly`, "");
    for (const r of replaced) {
      const cause = r.changes.filter((ch) => ch.effect !== "update").map((ch) => `\`${ch.path}\``);
      changes.push(`- ${ACTION[r.action].emoji} \`${short(r.urn)}\` (${typeName(r.type)}): ${r.action === "replace" ? "replaced" : "possibly replaced"}, because of ${cause.slice(0, 5).join(", ")}${cause.length > 5 ? ` and ${cause.length - 5} more` : ""}${r.refused ? ` — ⛔ ${cell(r.refused)}` : ""}`);
    }
    changes.push("");
  }
  if (comparison && (comparison.newViolations.length || comparison.fixedViolations.length)) {
    changes.push(`#### Violations since the base branch: ${comparison.newViolations.length} new, ${comparison.fixedViolations.length} fixed`, "");
    for (const v of comparison.newViolations) changes.push(`- 🆕 ${violationLine(v)}`);
    for (const v of comparison.fixedViolations) changes.push(`- ✔️ fixed: ${violationLine(v)}`);
    changes.push("");
  }

  const violationRows = [...plan.violations]
    .sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))
    .map((v) => `| ${v.level} | \`${v.policy}\` | \`${short(v.urn)}\` | ${cell(v.message)} |`);
  const violations = (rows: string[]) =>
    plan.violations.length === 0
      ? []
      : [
          "#### Policy violations",
          "",
          "| level | policy | resource | message |",
          "|---|---|---|---|",
          ...rows,
          ...(rows.length < violationRows.length ? [`| … | ${violationRows.length - rows.length} more | | see the full plan |`] : []),
          "",
        ];

  const cost: string[] = ["#### Estimated monthly cost (worst case)", ""];
  if (comparison) {
    cost.push("| resource | base | this change | Δ | basis |", "|---|---:|---:|---:|---|");
    for (const l of comparison.cost.lines) {
      const d = (l.afterUsd ?? 0) - (l.beforeUsd ?? 0);
      cost.push(`| \`${short(l.urn)}\` | ${l.beforeUsd === null ? "—" : usd(l.beforeUsd)} | ${l.afterUsd === null ? "—" : usd(l.afterUsd)} | ${Math.abs(d) < 0.005 ? "" : signed(d)} | ${cell(l.basis)} |`);
    }
    cost.push(`| **total** | **${usd(comparison.cost.beforeUsd)}** | **${usd(comparison.cost.afterUsd)}** | **${signed(comparison.cost.deltaUsd)}** | estimate, ${priceRegion(plan)} on-demand |`, "");
  } else {
    cost.push("| resource | USD/month | basis |", "|---|---:|---|");
    for (const [r, c, basis] of costRows(plan)) cost.push(`| \`${r}\` | ${c} | ${cell(basis)} |`);
    cost.push(`| **total** | **${usd(plan.cost.monthlyUsd)}** | estimate, ${priceRegion(plan)} on-demand |`, "");
  }
  const covered = coverageLine(plan);
  if (covered) cost.push(`_${covered}_`, "");

  const resources: string[] = [];
  if (comparison) {
    resources.push("#### Resource changes", "");
    if (comparison.added.length + comparison.removed.length + comparison.changed.length === 0) resources.push("No resource changes.");
    else resources.push(`${comparison.added.length} added, ${comparison.removed.length} removed, ${changeCounts(comparison)}.`, "");
    for (const r of comparison.added) resources.push(`- ➕ \`${short(r.urn)}\` (${typeName(r.type)})`);
    for (const r of comparison.removed) resources.push(`- ➖ \`${short(r.urn)}\` (${typeName(r.type)})`);
    for (const r of comparison.changed) {
      resources.push(`- ${ACTION[r.action].emoji} **${ACTION[r.action].words}** \`${short(r.urn)}\` (${typeName(r.type)})`);
      if (r.refused) resources.push(`  - ⛔ ${cell(r.refused)}`);
      if (r.deleteFirst) resources.push("  - deleted before its replacement is created (`deleteBeforeReplace`): a gap without it");
      for (const ch of r.changes.slice(0, 10)) resources.push(`  - \`${ch.path}\`: \`${cell(JSON.stringify(ch.before) ?? "undefined")}\` → \`${cell(JSON.stringify(ch.after) ?? "undefined")}\`${cell(effectNote(ch))}`);
      if (r.changes.length > 10) resources.push(`  - … ${r.changes.length - 10} more`);
      for (const ch of r.ignored) resources.push(`  - \`${ch.path}\`: ignored (\`ignoreChanges\`)`);
    }
    for (const r of comparison.unchangedIgnoring) resources.push(`- unchanged \`${short(r.urn)}\` (${typeName(r.type)}): \`ignoreChanges\` hides ${r.ignored.map((ch) => `\`${ch.path}\``).join(", ")}`);
    resources.push("");
  } else {
    resources.push("<details><summary>Resources</summary>", "", "```", ...resourceTree(plan.resources), "```", "</details>", "");
  }

  const diagrams: string[] = [];
  for (const d of plan.diagrams) {
    // The states this change adds or changes, highlighted where a reviewer looks.
    const touched = comparison ? changedStates(comparison, d.urn) : [];
    const mermaid = touched.length > 0 ? `${d.mermaid}\n  classDef changed fill:#fff3b0,stroke:#d97706,stroke-width:2px\n  class ${touched.join(",")} changed` : d.mermaid;
    const note = touched.length > 0 ? ` (changed here: ${touched.map((n) => `<code>${n}</code>`).join(", ")})` : "";
    diagrams.push(`<details><summary>State machine <code>${short(d.urn)}</code>${note}</summary>`, "", "```mermaid", mermaid, "```", "</details>", "");
  }

  // A stack the change leaves as it was: one line instead of its cost table, resources and
  // diagrams, which the base branch's plan already showed (its violations, if any, stay listed).
  const unchanged =
    comparison !== undefined &&
    comparison.added.length + comparison.removed.length + comparison.changed.length === 0 &&
    comparison.newViolations.length + comparison.fixedViolations.length === 0 &&
    Math.abs(comparison.cost.deltaUsd) < 0.005;
  if (unchanged) changes.push("_No change to this stack since the base branch: its resources, cost and state machines are as there._", "");
  // Most useful first; under the budget, the tail sections go first, then violation rows.
  const optional: [string, string[]][] = unchanged
    ? []
    : [
        ["cost table", cost],
        ["resource changes", resources],
        ["state machine diagrams", diagrams],
      ];
  const compose = (kept: number, rows: number, omitted: string[]) =>
    [
      ...header,
      ...guard,
      ...remediations,
      ...suppressions,
      ...changes,
      ...violations(violationRows.slice(0, rows)),
      ...optional.slice(0, kept).flatMap(([, lines]) => lines),
      ...(omitted.length > 0 ? [`_Left out to fit a GitHub comment: ${omitted.join(", ")}. The full plan is in the workflow run's \`offline-plan\` artifact (\`--json\`)._`, ""] : []),
    ].join("\n");
  let kept = optional.length;
  let rows = violationRows.length;
  const omitted = () => [...optional.slice(kept).map(([name]) => name).reverse(), ...(rows < violationRows.length ? [`${violationRows.length - rows} violation rows`] : [])];
  let text = compose(kept, rows, omitted());
  while (text.length > maxChars && kept > 0) text = compose(--kept, rows, omitted());
  while (text.length > maxChars && rows > 0) {
    rows = Math.max(0, rows - Math.max(1, Math.ceil((text.length - maxChars) / 200)));
    text = compose(kept, rows, omitted());
  }
  // Header, remediations and the named changes alone can still be too long (thousands of them).
  return text.length > maxChars ? `${text.slice(0, maxChars - 120)}\n\n_… truncated to fit a GitHub comment; the full plan is in the \`offline-plan\` artifact._\n` : text;
}
