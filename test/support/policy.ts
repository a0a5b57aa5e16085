/**
 * One rule on hand-written inputs, in-process (checkResource, checkStack): the unit tests of
 * each rule, with props wrapped in `unknownCheckingProxy` as the server wraps them. Whole
 * programs go through the pack's real Analyzer server instead (evaluatePack).
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { DeclaredResource } from "../../plan/src/engine/mockEngine";
import { PolicyPackConfigFile } from "../../plan/src/analyzer/packConfig";
import { AnalyzedResource, PolicyPackProcess } from "../../plan/src/analyzer/client";
import { toWire, UNKNOWN_VALUE } from "../../plan/src/analyzer/wire";

/** The string the engine sends for an unknown value. */
export const UNKNOWN = UNKNOWN_VALUE;

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  urn?: string;
  message: string;
}

export interface Verdicts {
  violations: Violation[];
  /** Policies that could not run on some resource because a value was unknown. */
  skippedUnknown: { policy: string; urn?: string }[];
}

class NotApplicable extends Error {}

/** `--policy-pack-config` format: `{"all": "mandatory", "<policy>": "advisory" | {enforcementLevel, ...knobs}}`. */
export type PackConfig = PolicyPackConfigFile;

/** Runs one resource policy on one resource; returns its messages (empty when compliant or not applicable). */
export function checkResource(policy: ResourceValidationPolicy, r: { type: string; name: string; urn?: string; props: Record<string, unknown> }, knobs?: Record<string, unknown>): string[] {
  const messages: string[] = [];
  const urn = r.urn ?? `urn:pulumi:test::test::${r.type}::${r.name}`;
  const args: any = {
    type: r.type,
    name: r.name,
    urn,
    props: unknownCheckingProxy(toWire(r.props) as Record<string, unknown>),
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => knobs ?? {}, // the rules fill in their schema's defaults themselves
    notApplicable: () => {
      throw new NotApplicable();
    },
  };
  for (const validate of [policy.validateResource].flat().filter(Boolean)) {
    try {
      validate!(args, (message: string) => messages.push(message));
    } catch (e) {
      if (e instanceof NotApplicable) return [];
      throw e;
    }
  }
  return messages;
}

export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** Stack policies see resources with their dependencies resolved to the other resources, as the server builds them. */
export function checkStack(policy: StackValidationPolicy, resources: StackResource[], knobs?: Record<string, unknown>): { message: string; urn?: string }[] {
  const out: { message: string; urn?: string }[] = [];
  const policyResources = resources.map((r) => ({ ...r, props: unknownCheckingProxy(toWire(r.props) as Record<string, unknown>), opts: {}, isType: () => false, asType: () => undefined, dependencies: [] as unknown[], propertyDependencies: {} as Record<string, unknown[]> }));
  const byUrn = new Map(policyResources.map((r) => [r.urn, r]));
  resources.forEach((r, i) => {
    policyResources[i].dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter(Boolean);
    policyResources[i].propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)).filter(Boolean)]));
  });
  const args: any = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: () => knobs ?? {}, // the rules fill in their schema's defaults themselves
    notApplicable: () => {
      throw new NotApplicable();
    },
  };
  try {
    policy.validateStack(args, (message: string, urn?: string) => out.push({ message, urn }));
  } catch (e) {
    if (e instanceof NotApplicable) return [];
    throw e;
  }
  return out;
}

/**
 * All rules over a declared stack through the real Analyzer protocol: the pack's own server
 * (started once by the caller) configured with the policy config as the CLI sends it, each
 * resource analyzed, then the stack. A rule that reads a value unknown at preview is reported
 * by the server itself ("can't run … during preview"); those are `skippedUnknown`.
 */
export async function evaluatePack(pack: PolicyPackProcess, resources: DeclaredResource[], packConfig: PackConfig = {}): Promise<Verdicts> {
  await pack.configure(await pack.info(), packConfig);
  const custom: AnalyzedResource[] = resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:"))
    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies }));
  const diagnostics = (await Promise.all(custom.map((r) => pack.analyze(r)))).flat();
  diagnostics.push(...(await pack.analyzeStack(custom)));
  const verdicts: Verdicts = { violations: [], skippedUnknown: [] };
  for (const d of diagnostics) {
    if (/^can't run .* during preview: /.test(d.message)) verdicts.skippedUnknown.push({ policy: d.policy, urn: d.urn });
    else verdicts.violations.push({ policy: d.policy, level: d.level as EnforcementLevel, urn: d.urn, message: d.message });
  }
  return verdicts;
}

export const mandatory = (v: Verdicts) => v.violations.filter((x) => x.level === "mandatory");
