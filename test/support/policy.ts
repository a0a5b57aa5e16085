/**
 * Runs the pack's rules the way the analyzer server does, in-process: resource
 * policies per resource with its inputs, stack policies once with all resources;
 * props wrapped in `unknownCheckingProxy`, config defaults from each `configSchema`,
 * unknown values skipped with an advisory. (The gRPC path itself is tested separately
 * against the real pack.)
 */
import { EnforcementLevel, Policy, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { allPolicies } from "../../policies/rules";
import { DeclaredResource } from "../../plan/src/engine/mockEngine";
import { PolicyPackConfigFile, policySettings } from "../../plan/src/analyzer/packConfig";
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

const isStackPolicy = (p: Policy): p is StackValidationPolicy => "validateStack" in p;

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

/** All rules over a declared stack, as the engine would run them. */
export function evaluatePack(resources: DeclaredResource[], packConfig: PackConfig = {}): Verdicts {
  const custom = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
  const verdicts: Verdicts = { violations: [], skippedUnknown: [] };
  for (const policy of allPolicies) {
    const { level, config: knobs } = policySettings(policy, packConfig);
    if (level === "disabled") continue;
    if (isStackPolicy(policy)) {
      try {
        for (const v of checkStack(policy, custom.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies })), knobs)) verdicts.violations.push({ policy: policy.name, level, ...v });
      } catch (e) {
        if (e instanceof UnknownValueError) verdicts.skippedUnknown.push({ policy: policy.name });
        else throw e;
      }
      continue;
    }
    for (const r of custom) {
      try {
        for (const message of checkResource(policy as ResourceValidationPolicy, { ...r, props: r.inputs }, knobs)) verdicts.violations.push({ policy: policy.name, level, urn: r.urn, message });
      } catch (e) {
        if (e instanceof UnknownValueError) verdicts.skippedUnknown.push({ policy: policy.name, urn: r.urn });
        else throw e;
      }
    }
  }
  return verdicts;
}

export const mandatory = (v: Verdicts) => v.violations.filter((x) => x.level === "mandatory");
