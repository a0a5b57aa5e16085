/**
 * The guard rails a plan was judged by (the policy pack's code, each policy's level and
 * knob values), and how a pull request's own rails differ from the ones in force: every rule
 * added or removed, level changed, knob changed, and whether each change loosens or
 * tightens. A pull request is judged by its base branch's rails (scripts/pr-plan.sh); its
 * own rails are planned for information, and a change that loosens them, or that cannot
 * be ranked (the pack's code), fails the check: a change must not relax what judges it.
 *
 * Which way a knob loosens is the knob's own metadata (`loosens`, policies/lib/rule.ts),
 * read from the rails in force. Levels rank disabled < advisory < mandatory = remediate.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { HOURLY_USD, hourlyPrice } from "ml-pipeline-policies";

/** A policy as a plan records it: its level and its knobs' effective values, with the way each loosens. */
export interface RailPolicy {
  name: string;
  level: string;
  /** Each knob's value (the config's, else the schema default; absent: unset) and its `loosens` direction. */
  knobs: Record<string, { value?: unknown; loosens?: string }>;
}

export interface GuardRails {
  /** sha256 of the pack's source (policies/ without config/, bin/, node_modules/). */
  codeHash: string;
  policies: RailPolicy[];
}

export type Effect = "loosens" | "tightens" | "unranked";

export interface RailChange {
  policy: string;
  /** "rule", "level", "code" or the knob's name. */
  what: string;
  before: unknown;
  after: unknown;
  effect: Effect;
  why: string;
}

const SKIPPED_DIRS = new Set(["node_modules", "bin", "config", ".git"]);
// A pack's top-level tests are not what it runs (this repository's architecture check forbids
// the pack's code to import them), so editing only tests changes no rule. Only at the top: a
// folder named test/ among the rules' sources is code like any other.
const SKIPPED_TOP_DIRS = new Set(["test", "__tests__"]);

/** sha256 over the pack's source files (paths and contents), so that any edit of a rule's code shows. */
export function packCodeHash(packDir: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !(dir === packDir && SKIPPED_TOP_DIRS.has(entry.name))) walk(path.join(dir, entry.name));
      } else if (/\.(ts|js|json|ya?ml)$/.test(entry.name) && !entry.name.endsWith(".d.ts") && entry.name !== "package-lock.json" && entry.name !== "tsconfig.tsbuildinfo") {
        files.push(path.join(dir, entry.name));
      }
    }
  };
  walk(packDir);
  const hash = crypto.createHash("sha256");
  for (const f of files.sort()) hash.update(path.relative(packDir, f)).update("\0").update(fs.readFileSync(f)).update("\0");
  return hash.digest("hex");
}

/** The effective knobs of one policy: the config's values over the schema's defaults, each with its direction. */
export function railKnobs(schema: { properties?: Record<string, any> } | undefined, configured: unknown): RailPolicy["knobs"] {
  const given = configured && typeof configured === "object" ? (configured as Record<string, unknown>) : {};
  const out: RailPolicy["knobs"] = {};
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const value = name in given ? given[name] : prop?.default;
    out[name] = { ...(value === undefined ? {} : { value }), ...(typeof prop?.loosens === "string" ? { loosens: prop.loosens } : {}) };
  }
  return out;
}

const LEVEL_RANK: Record<string, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };
const PRICING_KNOBS = ["prices", "region", "regionFactor"];
/** A value in a form where order does not count: lists of strings as sets, objects by sorted keys. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? [...v].sort() : v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** How one knob's change moves its rule, by the direction the rails in force give it. */
function knobEffect(loosens: string | undefined, before: unknown, after: unknown): { effect: Effect; why: string } {
  switch (loosens) {
    case "higher":
    case "lower": {
      // A map of quantities (the cost rules' usage assumption): any entry moved its loosening way (or dropped) loosens.
      if ((before && typeof before === "object") || (after && typeof after === "object")) {
        const a = (before ?? {}) as Record<string, number>;
        const b = (after ?? {}) as Record<string, number>;
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
        const moved = keys.filter((k) => (loosens === "lower" ? (b[k] ?? 0) < (a[k] ?? 0) : (b[k] ?? Infinity) > (a[k] ?? Infinity)));
        return { effect: moved.length > 0 ? "loosens" : "tightens", why: moved.length > 0 ? `${moved.join(", ")} ${loosens === "lower" ? "lower or removed" : "higher or removed"}` : `no entry ${loosens === "lower" ? "lower" : "higher"}` };
      }
      // An unset limit is no limit: the loosest "higher" value.
      const num = (v: unknown) => (typeof v === "number" ? v : loosens === "higher" ? Infinity : -Infinity);
      const up = num(after) > num(before);
      const loosened = loosens === "higher" ? up : !up;
      return { effect: loosened ? "loosens" : "tightens", why: `${loosens === "higher" ? "a higher" : "a lower"} value lets more through` };
    }
    case "true":
    case "false": {
      // Anything but the tight value (a requirement on, a permission off), unset included, loosens.
      const tight = loosens === "false";
      return { effect: after === tight ? "tightens" : "loosens", why: loosens === "false" ? "a requirement turned off loosens" : "a permission turned on loosens" };
    }
    case "wider":
    case "narrower": {
      // Entries that are objects (a rule's suppressions) compare by content: a renewed one is a new entry.
      const key = (x: unknown) => (typeof x === "string" ? x : JSON.stringify(canonical(x)));
      const a = new Set(Array.isArray(before) ? before.map(key) : []);
      const b = new Set(Array.isArray(after) ? after.map(key) : []);
      const added = [...b].filter((x) => !a.has(x));
      const removed = [...a].filter((x) => !b.has(x));
      const grows = loosens === "wider" ? added : removed;
      const detail = [added.length ? `adds ${added.join(", ")}` : "", removed.length ? `removes ${removed.join(", ")}` : ""].filter(Boolean).join("; ");
      return { effect: grows.length > 0 ? "loosens" : "tightens", why: `${detail} (${loosens === "wider" ? "an allow-list or exemption list that grows loosens" : "a list of requirements that shrinks loosens"})` };
    }
    default:
      return { effect: "unranked", why: "the rails in force give this knob no direction" };
  }
}

/** The price table's knobs together: compared by the hourly price each instance type gets. */
function pricingEffect(before: RailPolicy["knobs"], after: RailPolicy["knobs"]): { effect: Effect; why: string } | undefined {
  const opts = (k: RailPolicy["knobs"]) => ({
    prices: (k.prices?.value as Record<string, number>) ?? {},
    ...(typeof k.region?.value === "string" ? { region: k.region.value } : {}),
    ...(typeof k.regionFactor?.value === "number" ? { regionFactor: k.regionFactor.value } : {}),
  });
  const a = opts(before);
  const b = opts(after);
  const types = [...new Set([...Object.keys(HOURLY_USD), ...Object.keys(a.prices), ...Object.keys(b.prices)])];
  const cheaper: string[] = [];
  const dearer: string[] = [];
  for (const t of types) {
    const p = hourlyPrice(t, a);
    const q = hourlyPrice(t, b);
    // The cost rules report an unpriced type as a violation: pricing it (at any price) lets it through, dropping its price stops it.
    if (p === q) continue;
    if (p === undefined || (q !== undefined && q < p)) cheaper.push(t);
    else dearer.push(t);
  }
  if (cheaper.length === 0 && dearer.length === 0) return undefined; // the same prices, written differently
  if (cheaper.length > 0) return { effect: "loosens", why: `cheaper estimates for ${cheaper.slice(0, 5).join(", ")}${cheaper.length > 5 ? ` and ${cheaper.length - 5} more` : ""} let more through the cost limits` };
  return { effect: "tightens", why: `dearer estimates for ${dearer.slice(0, 5).join(", ")}${dearer.length > 5 ? ` and ${dearer.length - 5} more` : ""}` };
}

/** Every difference between the rails in force and the proposed ones, ranked. */
export function compareGuardRails(inForce: GuardRails, proposed: GuardRails): RailChange[] {
  const changes: RailChange[] = [];
  if (inForce.codeHash !== proposed.codeHash) {
    changes.push({ policy: "(pack)", what: "code", before: inForce.codeHash.slice(0, 12), after: proposed.codeHash.slice(0, 12), effect: "unranked", why: "the rules' code changed: no plan can rank that; the platform team reviews it (CODEOWNERS)" });
  }
  const byName = new Map(proposed.policies.map((p) => [p.name, p]));
  for (const old of inForce.policies) {
    const now = byName.get(old.name);
    if (!now) {
      changes.push({ policy: old.name, what: "rule", before: old.level, after: "removed", effect: "loosens", why: "a rule removed checks nothing" });
      continue;
    }
    if (old.level !== now.level) {
      const loosened = (LEVEL_RANK[now.level] ?? 0) < (LEVEL_RANK[old.level] ?? 0);
      const equalRank = (LEVEL_RANK[now.level] ?? 0) === (LEVEL_RANK[old.level] ?? 0);
      const why = loosened ? "a lower level no longer fails the check" : equalRank ? "remediate changes resources instead of failing: neither looser nor tighter" : "a higher level";
      changes.push({ policy: old.name, what: "level", before: old.level, after: now.level, effect: loosened ? "loosens" : equalRank ? "unranked" : "tightens", why });
    }
    const knobs = [...new Set([...Object.keys(old.knobs), ...Object.keys(now.knobs)])];
    const pricing = knobs.filter((k) => PRICING_KNOBS.includes(k) && !same(old.knobs[k]?.value, now.knobs[k]?.value));
    const priced = pricing.length > 0 ? pricingEffect(old.knobs, now.knobs) : undefined;
    if (priced) for (const k of pricing) changes.push({ policy: old.name, what: k, before: old.knobs[k]?.value, after: now.knobs[k]?.value, ...priced });
    for (const k of knobs) {
      if (PRICING_KNOBS.includes(k) || same(old.knobs[k]?.value, now.knobs[k]?.value)) continue;
      if (!(k in old.knobs)) {
        changes.push({ policy: old.name, what: k, before: undefined, after: now.knobs[k].value, effect: "unranked", why: "a knob the rails in force do not have" });
        continue;
      }
      const { effect, why } = knobEffect(old.knobs[k].loosens, old.knobs[k].value, now.knobs[k]?.value);
      changes.push({ policy: old.name, what: k, before: old.knobs[k].value, after: now.knobs[k]?.value, effect, why });
    }
  }
  const known = new Set(inForce.policies.map((p) => p.name));
  for (const p of proposed.policies) {
    if (!known.has(p.name)) changes.push({ policy: p.name, what: "rule", before: "absent", after: p.level, effect: p.level === "disabled" ? "unranked" : "tightens", why: "a new rule checks more" });
  }
  return changes;
}

/** Whether the proposed rails may not be judged by themselves: anything that loosens or cannot be ranked. */
export const loosens = (changes: RailChange[]) => changes.some((c) => c.effect !== "tightens");

/** What a pull request's own rails would change, against the plan judged by the rails in force. */
export interface RailsReport {
  /** Its own pack and config against the ones the plan was judged by, change by change. */
  changes: RailChange[];
  /** Violations the rails in force report on this program that its own rails would not. */
  hiddenViolations: { policy: string; level: string; urn?: string; message: string }[];
  /** Anything loosens or cannot be ranked, or a violation would be hidden: the check fails. */
  loosened: boolean;
}

type RailsOf = { policyPack: { codeHash?: string; policies: { name: string; level: string; knobs?: RailPolicy["knobs"] }[] } };
type ViolationsOf = { violations: { policy: string; level: string; urn?: string; message: string }[] };

const railsOf = (p: RailsOf): GuardRails => ({ codeHash: p.policyPack.codeHash ?? "", policies: p.policyPack.policies.map((x) => ({ name: x.name, level: x.level, knobs: x.knobs ?? {} })) });

export function railsReport(judged: RailsOf & ViolationsOf, own: RailsOf & ViolationsOf): RailsReport {
  const changes = compareGuardRails(railsOf(judged), railsOf(own));
  const key = (v: { policy: string; urn?: string; message: string }) => `${v.policy} ${v.urn} ${v.message}`;
  const ownKeys = new Set(own.violations.map(key));
  const hiddenViolations = judged.violations.filter((v) => !ownKeys.has(key(v)));
  return { changes, hiddenViolations, loosened: loosens(changes) || hiddenViolations.length > 0 };
}

/** The relative cost thresholds of the rails in force (monthly-cost-limit's maxIncreasePercent / maxIncreaseUsd) against a cost change. */
export interface CostIncreaseCheck {
  /** Whether exceeding fails the check: monthly-cost-limit is mandatory (or remediate); advisory only reports. */
  enforced: boolean;
  deltaUsd: number;
  deltaPercent: number | null;
  maxIncreasePercent?: number;
  maxIncreaseUsd?: number;
  exceeded: boolean;
  why?: string;
}

export function costIncreaseCheck(judged: RailsOf, cost: { beforeUsd: number; deltaUsd: number; deltaPercent: number | null }): CostIncreaseCheck | undefined {
  const policy = judged.policyPack.policies.find((p) => p.name === "monthly-cost-limit");
  if (!policy || policy.level === "disabled") return undefined;
  const num = (k: string) => (typeof policy.knobs?.[k]?.value === "number" ? (policy.knobs[k].value as number) : undefined);
  const maxIncreasePercent = num("maxIncreasePercent");
  const maxIncreaseUsd = num("maxIncreaseUsd");
  if (maxIncreasePercent === undefined && maxIncreaseUsd === undefined) return undefined;
  const reasons: string[] = [];
  // From nothing to something has no percentage; the absolute limit still applies.
  if (maxIncreasePercent !== undefined && cost.deltaPercent !== null && cost.deltaPercent > maxIncreasePercent) reasons.push(`+${cost.deltaPercent}% is over maxIncreasePercent ${maxIncreasePercent}%`);
  if (maxIncreasePercent !== undefined && cost.deltaPercent === null && cost.beforeUsd === 0 && cost.deltaUsd > 0) reasons.push(`any increase from $0 is over maxIncreasePercent ${maxIncreasePercent}%`);
  if (maxIncreaseUsd !== undefined && cost.deltaUsd > maxIncreaseUsd) reasons.push(`+$${cost.deltaUsd.toFixed(2)} is over maxIncreaseUsd $${maxIncreaseUsd}`);
  return { enforced: policy.level !== "advisory", deltaUsd: cost.deltaUsd, deltaPercent: cost.deltaPercent, ...(maxIncreasePercent !== undefined ? { maxIncreasePercent } : {}), ...(maxIncreaseUsd !== undefined ? { maxIncreaseUsd } : {}), exceeded: reasons.length > 0, ...(reasons.length ? { why: reasons.join("; ") } : {}) };
}
