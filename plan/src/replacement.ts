/**
 * What `pulumi preview` would do with a changed resource: update it in place or replace it,
 * and what it would refuse. The engine asks the provider (its Diff), then applies the
 * program's `ignoreChanges` before and `replaceOnChanges` after, and refuses to replace a
 * resource that is protected (pkg/resource/deploy/step_generator.go). Offline there is no
 * provider: which inputs force a replacement comes from AWS's resource schemas
 * (replacementFacts.generated.ts), and an input they do not cover is reported as a possible
 * replacement, never as a safe update.
 */
import { REPLACEMENT_FACTS } from "./replacementFacts.generated";
import { parsePropertyPath, pathContains, PathElement, PropertyPathError } from "./propertyPath";

export interface PropertyChange {
  /** Engine-style path, e.g. `productionVariants[0].instanceType`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Resource options that decide what a change does (recorded by the plan as the program set them). */
export interface ChangeOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  deleteBeforeReplace?: boolean;
}

export type ChangeAction = "update" | "replace" | "maybe-replace";

export interface ChangeVerdict {
  action: ChangeAction;
  /** Changes the engine acts on, each with what it does and why. */
  changes: (PropertyChange & { effect: ChangeAction; why?: string })[];
  /** Changes `ignoreChanges` hides from the provider: not deployed. */
  ignored: PropertyChange[];
  /** Set when the engine would stop: a protected resource cannot be replaced. */
  refused?: string;
  /** A replacement the engine carries out by deleting first (`deleteBeforeReplace`): a gap without the resource. */
  deleteFirst?: true;
}

const split = (s: string) => (s ? s.split(" ") : []);

function parseAll(paths: string[] | undefined, option: string): PathElement[][] {
  return (paths ?? []).map((p) => {
    try {
      return parsePropertyPath(p);
    } catch (e) {
      // The engine fails the update on a malformed path; the plan says which.
      throw new PropertyPathError(`${option}: ${(e as Error).message}`);
    }
  });
}

/** How a change to one top-level input of `type` is carried out, by AWS's schema. */
function providerEffect(type: string, input: string): { effect: ChangeAction; why?: string } {
  const facts = REPLACEMENT_FACTS[type];
  if (!facts) return { effect: "maybe-replace", why: `no replacement facts for ${type}` };
  if (split(facts.replace).includes(input)) return { effect: "replace", why: `${facts.cfn}: changing it requires replacement` };
  if (split(facts.maybe).includes(input)) return { effect: "maybe-replace", why: `${facts.cfn}: some changes to it require replacement or are refused` };
  if (split(facts.update).includes(input)) return { effect: "update" };
  return { effect: "maybe-replace", why: `${facts.cfn} has no counterpart for it` };
}

export function classifyChange(type: string, changes: PropertyChange[], before: ChangeOptions = {}, after: ChangeOptions = {}): ChangeVerdict {
  const ignore = parseAll(after.ignoreChanges, "ignoreChanges");
  const replaceOn = parseAll(after.replaceOnChanges, "replaceOnChanges");
  const verdict: ChangeVerdict = { action: "update", changes: [], ignored: [] };
  for (const change of changes) {
    const path = parsePropertyPath(change.path);
    if (ignore.some((p) => pathContains(p, path))) {
      verdict.ignored.push(change);
      continue;
    }
    let { effect, why } = providerEffect(type, String(path[0]));
    if (effect !== "replace" && replaceOn.some((p) => pathContains(p, path))) ({ effect, why } = { effect: "replace", why: "the resource's replaceOnChanges option" });
    verdict.changes.push({ ...change, effect, ...(why ? { why } : {}) });
  }
  return settleVerdict(verdict, before, after);
}

/** The resource's action from its changes' effects, and what the engine does about it (refuses it, deletes first). */
export function settleVerdict(verdict: ChangeVerdict, before: ChangeOptions = {}, after: ChangeOptions = {}): ChangeVerdict {
  delete verdict.refused;
  delete verdict.deleteFirst;
  const effects = new Set(verdict.changes.map((c) => c.effect));
  verdict.action = effects.has("replace") ? "replace" : effects.has("maybe-replace") ? "maybe-replace" : "update";
  if (verdict.action !== "update" && after.deleteBeforeReplace) verdict.deleteFirst = true;
  // The engine refuses only when the resource was protected and still is (unprotecting and
  // replacing in one update is allowed).
  if (verdict.action !== "update" && before.protect && after.protect) {
    verdict.refused = `pulumi up ${verdict.action === "replace" ? "would fail" : "would fail if it replaces this"}: a protected resource cannot be replaced (unprotect it in one update, then change it)`;
  }
  return verdict;
}
