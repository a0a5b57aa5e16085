/** Differences between two plans (for example the base branch's and the pull request's). */
import * as crypto from "crypto";
import { Plan, PlanResource, PlanViolation } from "./plan";
import { COMPUTED } from "./analyzer/wire";
import { childPath } from "./propertyPath";
import { ChangeAction, ChangeVerdict, classifyChange, PropertyChange, settleVerdict } from "./replacement";

export type { PropertyChange, ChangeAction };

/** A resource in both plans whose inputs differ, and what the engine would do about it. */
export interface ChangedResource {
  urn: string;
  type: string;
  /** update in place, replace, or maybe-replace (AWS's schema does not say). */
  action: ChangeAction;
  changes: ChangeVerdict["changes"];
  /** Differences its `ignoreChanges` option keeps from being deployed. */
  ignored: PropertyChange[];
  /** Why `pulumi up` would stop at this resource, if it would. */
  refused?: string;
  /** Replaced by deleting it first (`deleteBeforeReplace`). */
  deleteFirst?: true;
}

export interface PlanComparison {
  added: { urn: string; type: string }[];
  removed: { urn: string; type: string }[];
  /** Resources with changes the engine acts on. */
  changed: ChangedResource[];
  /** Resources whose only differences are ones their `ignoreChanges` hides. */
  unchangedIgnoring: { urn: string; type: string; ignored: PropertyChange[] }[];
  newViolations: PlanViolation[];
  fixedViolations: PlanViolation[];
  cost: {
    beforeUsd: number;
    afterUsd: number;
    deltaUsd: number;
    deltaPercent: number | null;
    /** Per resource with a cost in either plan: its monthly cost before and after (null: not in that plan). */
    lines: { urn: string; beforeUsd: number | null; afterUsd: number | null; basis: string }[];
  };
}

/** Monthly cost per resource (a resource may have more than one cost line). */
function costByUrn(plan: Pick<Plan, "cost">): Map<string, { usd: number; basis: string }> {
  const out = new Map<string, { usd: number; basis: string }>();
  for (const l of plan.cost.lines) {
    const prev = out.get(l.urn);
    out.set(l.urn, prev ? { usd: prev.usd + l.monthlyUsd, basis: `${prev.basis}; ${l.basis}` } : { usd: l.monthlyUsd, basis: l.basis });
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * An IAM policy document's statements keyed by Sid (without one, by their content), as a
 * reviewer reads them: the order of statements means nothing to IAM, so a reordered list is
 * no change, and an inserted statement is one added statement, not every later index changed.
 */
function byStatement(doc: unknown): unknown {
  if (!isObject(doc) || !Array.isArray(doc.Statement)) return doc;
  const keyed: Record<string, unknown> = {};
  for (const statement of doc.Statement) {
    const sid = isObject(statement) && typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : undefined;
    let key = sid !== undefined ? `Sid ${sid}` : `statement ${crypto.createHash("sha256").update(JSON.stringify(statement)).digest("hex").slice(0, 8)}`;
    for (let n = 2; key in keyed; n++) key = `${key.replace(/ \(\d+\)$/, "")} (${n})`;
    keyed[key] = statement;
  }
  return { ...doc, Statement: keyed };
}

/** Leaf-level differences; JSON strings that hold documents (policies, definitions) are compared as documents. */
function diffValues(before: unknown, after: unknown, path = ""): PropertyChange[] {
  const parse = (v: unknown) => {
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    }
    return v;
  };
  const a = byStatement(parse(before));
  const b = byStatement(parse(after));
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: PropertyChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...diffValues(a[i], b[i], childPath(path, i)));
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: PropertyChange[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) out.push(...diffValues(a[k], b[k], childPath(path, k)));
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path || "(value)", before: a, after: b }];
}

const short = (urn: string) => urn.split("::").pop()!;

function verdictOf(old: PlanResource, r: PlanResource, differences: PropertyChange[]): ChangeVerdict {
  try {
    // A component has no provider: its inputs change in place (its children are judged on their own).
    if (r.custom === false) return { action: "update", changes: differences.map((d) => ({ ...d, effect: "update" as const })), ignored: [] };
    return classifyChange(r.type, differences, old.options, r.options);
  } catch (e) {
    throw new Error(`${r.urn}: ${(e as Error).message}`);
  }
}

/**
 * What the engine does with each resource in both plans. A replaced resource's outputs are
 * unknown until it is created again (a new auto-name, a new ARN), so every input that takes
 * its value from one becomes unknown too, and is judged like any change: this is how a new
 * model replaces the endpoint configuration that names it. Followed until nothing changes.
 */
function judgeChanges(a: Map<string, PlanResource>, b: Map<string, PlanResource>): Map<string, ChangeVerdict> {
  const differences = new Map<string, PropertyChange[]>();
  const verdicts = new Map<string, ChangeVerdict>();
  for (const r of b.values()) {
    const old = a.get(r.urn);
    if (!old) continue;
    const d = diffValues(old.props, r.props);
    if (d.length === 0) continue;
    differences.set(r.urn, d);
    verdicts.set(r.urn, verdictOf(old, r, d));
  }
  const propagated = new Set<string>();
  // Per resource, the inputs made unknown by an upstream replacement: why, and whether that one was only possible.
  const causes = new Map<string, Map<string, { cause: string; possible: boolean }>>();
  for (let pending = true; pending; ) {
    pending = false;
    for (const [urn, verdict] of verdicts) {
      // Keyed by the action too: a possible replacement that turns certain is passed on again.
      if (verdict.action === "update" || propagated.has(`${urn} ${verdict.action}`)) continue;
      propagated.add(`${urn} ${verdict.action}`);
      for (const r of b.values()) {
        const old = a.get(r.urn);
        if (!old || r.custom === false) continue;
        const inputs = Object.entries(r.propertyDependencies ?? {}).filter(([, deps]) => deps.includes(urn)).map(([input]) => input);
        const own = differences.get(r.urn) ?? [];
        // Inputs that already differ are judged as they differ; the others become unknown.
        const unknown = inputs.filter((input) => !own.some((c) => c.path === input || c.path.startsWith(`${input}.`) || c.path.startsWith(`${input}[`)));
        if (unknown.length === 0) continue;
        const mine = causes.get(r.urn) ?? new Map<string, { cause: string; possible: boolean }>();
        causes.set(r.urn, mine);
        for (const input of unknown) mine.set(input, { cause: `its value comes from \`${short(urn)}\`, which is ${verdict.action === "replace" ? "replaced" : "possibly replaced"}`, possible: verdict.action === "maybe-replace" });
        const next = [...own, ...unknown.map((input) => ({ path: input, before: old.props[input], after: COMPUTED }))];
        differences.set(r.urn, next);
        const v = verdictOf(old, r, next);
        for (const c of v.changes) {
          const upstream = mine.get(c.path);
          if (!upstream) continue;
          // A possible replacement upstream makes a replacement here possible, not certain.
          if (upstream.possible && c.effect === "replace") c.effect = "maybe-replace";
          c.why = c.why ? `${c.why}; ${upstream.cause}` : upstream.cause;
        }
        verdicts.set(r.urn, settleVerdict(v, old.options, r.options));
        pending = true;
      }
    }
  }
  return verdicts;
}

/** Replacements `pulumi up` would refuse (protected resources): they fail the plan like a mandatory violation. */
export function refusedReplacements(c: PlanComparison): ChangedResource[] {
  return c.changed.filter((r) => r.refused && r.action === "replace");
}

const violationKey = (v: PlanViolation) => `${v.policy}\u0000${v.urn ?? ""}\u0000${v.message}`;

export function comparePlans(before: Pick<Plan, "resources" | "violations" | "cost">, after: Pick<Plan, "resources" | "violations" | "cost">): PlanComparison {
  const byUrn = (rs: PlanResource[]) => new Map(rs.map((r) => [r.urn, r]));
  const a = byUrn(before.resources);
  const b = byUrn(after.resources);
  const added = [...b.values()].filter((r) => !a.has(r.urn)).map((r) => ({ urn: r.urn, type: r.type }));
  const removed = [...a.values()].filter((r) => !b.has(r.urn)).map((r) => ({ urn: r.urn, type: r.type }));
  const verdicts = judgeChanges(a, b);
  const changed: ChangedResource[] = [];
  const unchangedIgnoring: PlanComparison["unchangedIgnoring"] = [];
  for (const r of b.values()) {
    const verdict = verdicts.get(r.urn);
    if (!verdict) continue;
    if (verdict.changes.length === 0) unchangedIgnoring.push({ urn: r.urn, type: r.type, ignored: verdict.ignored });
    else changed.push({ urn: r.urn, type: r.type, ...verdict });
  }
  const beforeKeys = new Set(before.violations.map(violationKey));
  const afterKeys = new Set(after.violations.map(violationKey));
  const beforeUsd = before.cost.monthlyUsd;
  const afterUsd = after.cost.monthlyUsd;
  const deltaUsd = Math.round((afterUsd - beforeUsd) * 100) / 100;
  return {
    added,
    removed,
    changed,
    unchangedIgnoring,
    newViolations: after.violations.filter((v) => !beforeKeys.has(violationKey(v))),
    fixedViolations: before.violations.filter((v) => !afterKeys.has(violationKey(v))),
    cost: {
      beforeUsd,
      afterUsd,
      deltaUsd,
      deltaPercent: beforeUsd === 0 ? null : Math.round((deltaUsd / beforeUsd) * 1000) / 10,
      lines: costLines(before, after),
    },
  };
}

function costLines(before: Pick<Plan, "cost">, after: Pick<Plan, "cost">): PlanComparison["cost"]["lines"] {
  const a = costByUrn(before);
  const b = costByUrn(after);
  return [...new Set([...b.keys(), ...a.keys()])]
    .map((urn) => ({ urn, beforeUsd: a.get(urn)?.usd ?? null, afterUsd: b.get(urn)?.usd ?? null, basis: (b.get(urn) ?? a.get(urn))!.basis }))
    .sort((x, y) => (y.afterUsd ?? y.beforeUsd ?? 0) - (x.afterUsd ?? x.beforeUsd ?? 0));
}

/** Checks that a parsed file is a plan written by `--json`. */
export function asPlan(value: unknown, file: string): Plan {
  const v = value as Partial<Plan>;
  if (!v || v.kind !== "ml-pipeline/offline-plan" || !Array.isArray(v.resources) || !Array.isArray(v.violations) || typeof v.cost?.monthlyUsd !== "number") {
    throw new Error(`${file} is not a plan written by --json (expected kind "ml-pipeline/offline-plan" with resources, violations and cost)`);
  }
  return v as Plan;
}
