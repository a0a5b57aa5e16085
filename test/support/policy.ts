/**
 * Whole programs through the pack's real Analyzer server (evaluatePack). The pack's own tests
 * run one rule on hand-written inputs in-process instead (policies/test/support/check.ts).
 */
import { EnforcementLevel } from "@pulumi/policy";
import { DeclaredResource } from "../../plan/src/engine/mockEngine";
import { PolicyPackConfigFile } from "../../plan/src/analyzer/packConfig";
import { AnalyzedResource, PolicyPackProcess } from "../../plan/src/analyzer/client";

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

/** `--policy-pack-config` format: `{"all": "mandatory", "<policy>": "advisory" | {enforcementLevel, ...knobs}}`. */
export type PackConfig = PolicyPackConfigFile;

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
