/**
 * One rule on hand-written inputs, in-process (checkResource, checkStack): the unit tests of
 * each rule, with props wrapped in `unknownCheckingProxy` as the pack's Analyzer server wraps
 * them. Only `@pulumi/policy` and the pack: the pack's tests need neither the plan nor the
 * program. (Whole programs through the pack's real Analyzer server are the repository's
 * tests: test/policyPack.test.ts.)
 */
import { ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";

/**
 * The string the engine sends for a value unknown during preview: Pulumi's
 * `UnknownStringValue` (pulumi/pulumi, sdk/go/common/resource/plugin/rpc.go).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A rule as `allRules` holds it, its policy as the resource or stack policy it is. */
export const resourcePolicy = (r: { policy: unknown }) => r.policy as ResourceValidationPolicy;
export const stackPolicy = (r: { policy: unknown }) => r.policy as StackValidationPolicy;

/**
 * Props as a policy pack receives them: the engine sends them as a protobuf Struct, plain
 * JSON data, so undefined members are dropped and undefined array items become null. The
 * tests' props are plain data (objects, arrays, strings, numbers, booleans, null, and
 * UNKNOWN for a value unknown until deploy), for which a JSON round trip does exactly that.
 * (JSON also turns a non-finite number into null; only fast-check's arbitrary objects in
 * failClosed.test.ts hold one, where null is as odd a value.)
 */
const onTheWire = (props: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(props));

class NotApplicable extends Error {}

/** Runs one resource policy on one resource; returns its messages (empty when compliant or not applicable). */
export function checkResource(policy: ResourceValidationPolicy, r: { type: string; name: string; urn?: string; props: Record<string, unknown> }, knobs?: Record<string, unknown>): string[] {
  const messages: string[] = [];
  const urn = r.urn ?? `urn:pulumi:test::test::${r.type}::${r.name}`;
  const args: any = {
    type: r.type,
    name: r.name,
    urn,
    props: unknownCheckingProxy(onTheWire(r.props)),
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
export function checkStack(policy: StackValidationPolicy, resources: StackResource[], knobs?: Record<string, unknown>, out: { message: string; urn?: string }[] = []): { message: string; urn?: string }[] {
  // `out` may be the caller's, to see what was reported before a policy threw (a value unknown at preview).
  const policyResources = resources.map((r) => ({ ...r, props: unknownCheckingProxy(onTheWire(r.props)), opts: {}, isType: () => false, asType: () => undefined, dependencies: [] as unknown[], propertyDependencies: {} as Record<string, unknown[]> }));
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
