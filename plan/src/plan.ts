/**
 * The offline plan: evaluates a Pulumi TypeScript program for one stack under the SDK's
 * mock engine, runs the real policy pack over what it declares through the Analyzer
 * gRPC protocol (as `pulumi preview --policy-pack` does), estimates its monthly cost and
 * draws its state machines. A plan of what the program declares, not a diff against
 * the cloud: nothing is read from or sent to AWS.
 */
import * as fs from "fs";
import * as path from "path";
import { runProgram, ProgramError, DeclaredResource } from "./engine/mockEngine";
import { ConfigValueLine, configValueLines, providerConfigWarnings, readStackFiles, repositoryRootOf } from "./engine/stackFiles";
import { AnalyzedResource, Diagnostic, packLauncher, PolicyPackProcess, startingPackLine } from "./analyzer/client";
import { PolicyPackConfigFile, policyConfigProblems } from "./analyzer/packConfig";
import { COMPUTED, REDACTED, SecretValue, toWire, UNKNOWN_VALUE } from "./analyzer/wire";
import { ensurePackBuilt, PlanInputError } from "./packBuild";
import { packCodeHash, railKnobs, RailPolicy } from "./guardRails";

export { PlanInputError };
export type SpawnedPack = ReturnType<typeof PolicyPackProcess.spawn>;
import { CostEstimate, CostOptions, covers, estimateMonthlyCost, holds, parseSuppressed, Suppression, todayUtc, TYPES } from "ml-pipeline-policies";
import { mermaid } from "./diagram";
import { ChangeOptions } from "./replacement";

/** The fields of a plan resource that are left out when empty: its options and its inputs' dependencies. */
function optionalFields(r: DeclaredResource): Pick<PlanResource, "options" | "propertyDependencies"> {
  const options = changeOptions(r.options);
  const dependencies = Object.entries(r.propertyDependencies).filter(([, d]) => d.length > 0);
  return { ...(options ? { options } : {}), ...(dependencies.length > 0 ? { propertyDependencies: Object.fromEntries(dependencies) } : {}) };
}

/** The options of a declared resource that `--compare` needs, without the unset ones. */
function changeOptions(o: DeclaredResource["options"]): ChangeOptions | undefined {
  const picked: ChangeOptions = {
    ...(o.protect ? { protect: true } : {}),
    ...(o.ignoreChanges?.length ? { ignoreChanges: o.ignoreChanges } : {}),
    ...(o.replaceOnChanges?.length ? { replaceOnChanges: o.replaceOnChanges } : {}),
    ...(o.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
  };
  return Object.keys(picked).length > 0 ? picked : undefined;
}

const PLAN_NOTE =
  "Offline plan: what the program declares for this stack under Pulumi's mock engine, with the policy pack's verdicts and an estimated worst-case monthly cost. It is not a diff against the cloud: no AWS account or Pulumi state was read.";


export interface PlanOptions {
  stack: string;
  /** Directory with Pulumi.yaml and Pulumi.<stack>.yaml. */
  programDir: string;
  /** Directory of the policy pack (PulumiPolicy.yaml). */
  policyPackDir: string;
  /** `--policy-pack-config` file; undefined: none. */
  policyConfigFile?: string;
  /** Simulate the first preview of a new stack (computed outputs unknown). */
  firstPreview: boolean;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Warnings about the inputs (stderr in the CLI, shown even with --quiet). */
  warn?: (line: string) => void;
  /** The pack, if the caller spawned it already (to overlap its start with loading this module). */
  pack?: SpawnedPack;
  /**
   * A second pack and config that judge the same evaluation (a pull request's own guard rails,
   * `--proposed-policy-pack`): the program runs once, and each pack sees the resources as declared.
   */
  proposed?: { policyPackDir: string; policyConfigFile?: string; pack?: SpawnedPack };
  /**
   * The program's stack list (stacks.yaml) for this stack, when it has one: its account (null:
   * not pinned) must be what the stack file pins with `aws:allowedAccountIds`, and is the
   * account the plan's mocks answer with.
   */
  listed?: { account: string | null; listFile: string };
}

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  /** A custom resource (a provider's); false for a component, which no provider diffs or replaces. Absent in plans from before it was recorded (read as custom). */
  custom?: boolean;
  /** Inputs as declared; values computed at deploy time read `<computed>`. */
  props: Record<string, unknown>;
  /** The resource options that decide what a change does (`--compare`), when the program set any. */
  options?: ChangeOptions;
  /** Per input, the resources its value comes from (`bucket: b.id` → b's URN), when any: a replaced one makes the value unknown (`--compare`). */
  propertyDependencies?: Record<string, string[]>;
  /** Where the program declares it (path relative to the working directory, `/`-separated), when in the program's own files. */
  source?: { file: string; line: number; column: number };
}

export interface PlanViolation {
  policy: string;
  level: string;
  urn?: string;
  message: string;
  /** The policy's severity and its tags (this pack's: the Checkov and cdk-nag checks it answers), where the pack sets them. */
  severity?: string;
  tags?: string[];
}

/** A finding a suppression in the policy config covers: reported as suppressed, with the suppression's reason (and the finding). */
export interface PlanSuppressed {
  policy: string;
  /** The level the policy ran at: what the finding would have been. */
  level: string;
  urn: string;
  /** The suppression's reason, owner and expiry, then the finding itself. */
  reason: string;
}

/** A suppression in the policy config that suppressed nothing in this plan (no finding on a resource it covers): a warning. */
export interface PlanUnusedSuppression {
  policy: string;
  resource: string;
  reason: string;
  /** Past its `expires` day: it suppresses nothing any more, and what it covered is reported again. */
  expired: boolean;
}

/** A resource a policy at level "remediate" changed before analysis, and which properties. */
export interface PlanRemediation {
  policy: string;
  urn: string;
  properties: string[];
}

export interface Plan {
  kind: "ml-pipeline/offline-plan";
  version: 1;
  note: string;
  stack: string;
  project: string;
  program: string;
  firstPreview: boolean;
  policyPack: {
    name: string;
    version: string;
    config: string | null;
    /** sha256 of the pack's source (guardRails.ts): a pull request's plan shows whether the rules' code changed. */
    codeHash?: string;
    /** Every policy of the pack with its description, the level this plan ran it at and its knobs' effective values (with the way each loosens). */
    policies: { name: string; description: string; level: string; knobs?: RailPolicy["knobs"]; severity?: string; remediation?: string; tags?: string[]; framework?: { name: string; version: string; reference: string; specification: string } }[];
  };
  /** The account the stack deploys into, as its stack list says (null: not pinned); absent without a list. */
  account?: string | null;
  /** The repository that holds the program (its nearest `.git` folder up), relative to the working directory: SARIF's paths are relative to it. */
  repositoryRoot?: string;
  /** The stack file's string values a finding may quote, with their lines: SARIF points a finding that quotes one there. */
  stackConfigValues?: ConfigValueLine[];
  resources: PlanResource[];
  violations: PlanViolation[];
  /** Findings the policy config's suppressions cover (absent in plans from before suppressions). */
  suppressed?: PlanSuppressed[];
  /** Suppressions that covered no finding: stale exceptions to remove. */
  unusedSuppressions?: PlanUnusedSuppression[];
  /** Changes policies at level "remediate" made before analysis (what will be deployed). */
  remediations: PlanRemediation[];
  cost: {
    monthlyUsd: number;
    currency: "USD";
    estimate: true;
    /** Whose prices: the policy config's monthly-cost-limit region, else the stack's aws:region (absent in plans from before it was recorded). */
    region?: string;
    lines: CostEstimate["lines"];
    unpriced: CostEstimate["unpriced"];
    unbounded: CostEstimate["unbounded"];
    /** Which resource types the estimate prices, which are free, which it does not price and why. */
    coverage?: CostEstimate["coverage"];
  };
  diagrams: { urn: string; mermaid: string }[];
  /** `resources`: every declared resource (components included); `checked`: the custom ones the policies judged. */
  summary: { resources: number; checked: number; mandatory: number; advisory: number; suppressed?: number };
  timingsMs: Record<string, number>;
}

/** Every string held by a secret (at least 4 characters: shorter ones would redact ordinary words). */
function secretStrings(values: unknown[]): string[] {
  const out = new Set<string>();
  const collect = (v: unknown, inSecret: boolean): void => {
    if (v instanceof SecretValue) return collect(v.value, true);
    if (typeof v === "string") {
      if (inSecret && v.length >= 4) out.add(v);
      return;
    }
    if (Array.isArray(v)) return v.forEach((x) => collect(x, inSecret));
    if (v && typeof v === "object") Object.values(v).forEach((x) => collect(x, inSecret));
  };
  values.forEach((v) => collect(v, false));
  return [...out].sort((a, b) => b.length - a.length);
}

function redactIn(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
}

function planProps(value: unknown): any {
  // Secrets first: the plan prints `[secret]` where Pulumi would, in every format.
  const redact = (v: unknown): unknown => {
    if (v instanceof SecretValue) return REDACTED;
    if (Array.isArray(v)) return v.map(redact);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
    return v;
  };
  const wire = toWire(redact(value));
  const replace = (v: unknown): unknown => {
    if (v === UNKNOWN_VALUE) return COMPUTED;
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(wire);
}

/** The config's suppressions (each policy's `suppressions` knob) that covered no suppressed finding. */
function unusedSuppressionsOf(config: PolicyPackConfigFile, suppressed: PlanSuppressed[], resources: { urn: string; name: string }[]): PlanUnusedSuppression[] {
  const unused: PlanUnusedSuppression[] = [];
  const today = todayUtc();
  for (const [policy, entry] of Object.entries(config)) {
    const list = entry && typeof entry === "object" ? (entry as { suppressions?: unknown }).suppressions : undefined;
    if (!Array.isArray(list)) continue;
    for (const s of list as Suppression[]) {
      const used = suppressed.some((x) => x.policy === policy && resources.some((r) => r.urn === x.urn && covers(s.resource, r)));
      if (!used) unused.push({ policy, resource: s.resource, reason: s.reason, expired: !holds(s, today) });
    }
  }
  return unused;
}

/**
 * Why a listed stack's account and its stack file's pin disagree, or undefined. The list says
 * which account a stack deploys into; `aws:allowedAccountIds` in Pulumi.<stack>.yaml is how the
 * AWS provider refuses any other account's credentials, so `pulumi up` itself enforces it.
 */
export function accountPinProblem(stack: string, account: string | null, allowedAccountIds: string | undefined, listFile: string): string | undefined {
  let pinned: string[] | undefined;
  if (allowedAccountIds !== undefined) {
    try {
      const parsed = JSON.parse(allowedAccountIds);
      pinned = Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
    } catch {
      pinned = [allowedAccountIds];
    }
  }
  const file = path.basename(listFile);
  if (account === null) {
    return pinned ? `Pulumi.${stack}.yaml pins aws:allowedAccountIds ${JSON.stringify(pinned)}, but ${file} names no account for ${stack}: set its account to the one it deploys into, so that the workflows check it too` : undefined;
  }
  if (!pinned) return `${file} says ${stack} deploys into account ${account}, and Pulumi.${stack}.yaml does not pin it: add aws:allowedAccountIds: ["${account}"], so that pulumi up refuses any other account's credentials`;
  if (pinned.length !== 1 || pinned[0] !== account) return `${file} says ${stack} deploys into account ${account}, but Pulumi.${stack}.yaml pins aws:allowedAccountIds ${JSON.stringify(pinned)}: make them the same one account`;
  return undefined;
}

/** Cost knobs from the policy config's `monthly-cost-limit` entry, so plan and policy agree. */
function costOptions(config: PolicyPackConfigFile): Partial<CostOptions> {
  const entry = config["monthly-cost-limit"];
  if (!entry || typeof entry === "string") return {};
  const { enforcementLevel: _level, maxMonthlyUsd: _max, maxIncreasePercent: _pct, maxIncreaseUsd: _usd, ...knobs } = entry as Record<string, unknown>;
  void [_level, _max, _pct, _usd];
  return knobs as Partial<CostOptions>;
}

export async function buildPlan(opts: PlanOptions): Promise<Plan> {
  return (await buildPlans(opts)).plan;
}

/** A policy config file's contents ({} for none); an unreadable one is an input error. */
function readPolicyConfig(file: string | undefined): PolicyPackConfigFile {
  if (!file) return {};
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PlanInputError(`cannot read the policy config ${file}: ${(e as Error).message}`);
  }
}

/** The plan, and with `opts.proposed` the same evaluation judged by the proposed pack and config. */
export async function buildPlans(opts: PlanOptions): Promise<{ plan: Plan; proposed?: Plan }> {
  const progress = opts.progress ?? (() => undefined);
  if (!opts.pack) ensurePackBuilt(opts.policyPackDir, progress);
  if (opts.proposed && !opts.proposed.pack) ensurePackBuilt(opts.proposed.policyPackDir, progress);
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  let files;
  try {
    files = readStackFiles(opts.programDir, opts.stack);
  } catch (e) {
    throw new PlanInputError((e as Error).message);
  }
  for (const w of providerConfigWarnings(files.config, opts.programDir)) (opts.warn ?? progress)(w);
  if (opts.listed) {
    const problem = accountPinProblem(opts.stack, opts.listed.account, files.config["aws:allowedAccountIds"], opts.listed.listFile);
    if (problem) throw new PlanInputError(problem);
  }
  const policyConfig = readPolicyConfig(opts.policyConfigFile);
  const proposedConfig = opts.proposed ? readPolicyConfig(opts.proposed.policyConfigFile) : undefined;

  // Two cores: the packs start while the program runs.
  const spawn = (dir: string, given: SpawnedPack | undefined): SpawnedPack => {
    if (given) return given;
    const launcher = packLauncher(dir);
    progress(startingPackLine(dir, launcher));
    return PolicyPackProcess.spawn(dir, undefined, launcher);
  };
  const spawned = spawn(opts.policyPackDir, opts.pack);
  const spawnedProposed = opts.proposed ? spawn(opts.proposed.policyPackDir, opts.proposed.pack) : undefined;

  progress(`evaluating ${files.project} for stack ${opts.stack} under the mock engine${opts.firstPreview ? " (first preview: computed outputs unknown)" : ""}`);
  let declared: DeclaredResource[];
  const run = (stackTraces: boolean, quiet: boolean) =>
    runProgram({ programDir: opts.programDir, project: files.project, stack: opts.stack, config: files.config, ...(opts.listed?.account ? { accountId: opts.listed.account } : {}), secretKeys: files.secretKeys, firstPreview: opts.firstPreview, stackTraces, programOutput: opts.progress && !quiet ? (line) => opts.progress!(`program: ${line}`) : () => undefined });
  try {
    declared = (await run(false, false)).resources;
  } catch (e) {
    spawned.kill();
    spawnedProposed?.kill();
    if (!(e instanceof ProgramError)) throw e;
    let location = e.location;
    if (e.threw && !location) {
      // The program ran without stack traces (for speed): run it once more with them, to say
      // where it threw, as pulumi preview does. Its output was shown the first time.
      try {
        await run(true, true);
      } catch (again) {
        if (again instanceof ProgramError && again.message === e.message) location = again.location;
      }
    }
    throw new PlanInputError(location ? `${e.message}\n    at ${location} (in ${opts.programDir})` : e.message);
  }
  timings.program = Date.now() - t0;

  // What the evaluation says of the program, the same whichever pack judges it.
  const judged: Evaluation = {
    project: files.project,
    region: files.config["aws:region"],
    declared,
    t0,
    timings,
    about: {
      program: path.relative(process.cwd(), opts.programDir) || ".",
      repositoryRoot: path.relative(process.cwd(), repositoryRootOf(opts.programDir)) || ".",
      ...(opts.listed ? { account: opts.listed.account } : {}),
      stackConfigValues: configValueLines(path.join(opts.programDir, `Pulumi.${opts.stack}.yaml`)),
    },
  };
  // Each pack gets its own copy of the records: a policy at "remediate" replaces a record's inputs.
  const [plan, proposed] = await Promise.all([
    judge(opts, judged, { spawned, policyPackDir: opts.policyPackDir, policyConfigFile: opts.policyConfigFile, policyConfig, warns: true }),
    opts.proposed
      ? judge(opts, judged, { spawned: spawnedProposed!, policyPackDir: opts.proposed.policyPackDir, policyConfigFile: opts.proposed.policyConfigFile, policyConfig: proposedConfig!, warns: false })
      : undefined,
  ]);
  return { plan, ...(proposed ? { proposed } : {}) };
}

/** The program evaluated once, for every pack that judges it. */
interface Evaluation {
  project: string;
  region?: string;
  declared: DeclaredResource[];
  t0: number;
  timings: Record<string, number>;
  /** The plan's fields that describe the program and its stack, not a pack's verdicts. */
  about: Pick<Plan, "program" | "repositoryRoot" | "account" | "stackConfigValues">;
}

/**
 * The evaluated program judged by one pack and config: the plan. `warns`: this judge's warnings
 * about the inputs are said (the proposed rails, for information, say none).
 */
async function judge(
  opts: PlanOptions,
  evaluated: Evaluation,
  rails: { spawned: SpawnedPack; policyPackDir: string; policyConfigFile: string | undefined; policyConfig: PolicyPackConfigFile; warns: boolean },
): Promise<Plan> {
  const { spawned, policyPackDir, policyConfigFile, policyConfig } = rails;
  const progress = opts.progress ?? (() => undefined);
  const warn = rails.warns ? (opts.warn ?? progress) : () => undefined;
  const declared = evaluated.declared.map((r) => ({ ...r }));
  const t0 = evaluated.t0;
  const timings = { ...evaluated.timings };
  let pack: PolicyPackProcess;
  try {
    pack = await spawned.connect();
  } catch (e) {
    throw new PlanInputError(`the policy pack did not start: ${(e as Error).message}`);
  }
  timings.packStart = pack.startMs;
  try {
    const info = await pack.info();
    // As the CLI does before it runs anything: a wrong knob is an error, never a silently disabled check.
    const problems = policyConfigProblems(policyConfig, info.policies);
    if (problems.length > 0) throw new PlanInputError(`the policy config ${policyConfigFile ?? ""} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const levels = await pack.configure(info, policyConfig);
    await pack.configureStack(evaluated.project, opts.stack, true);
    const custom = declared.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
    progress(`checking ${custom.length} cloud resources (of ${declared.filter((r) => r.type !== "pulumi:pulumi:Stack").length} declared; components hold no settings to judge) against ${info.policies.length} policies over the Analyzer protocol`);
    // As the engine does: policies at level "remediate" change a resource's inputs before any
    // policy judges it; what they changed is what gets deployed, so the plan shows that.
    const remediations: PlanRemediation[] = [];
    if (Object.values(levels).includes("remediate")) {
      for (const r of custom) {
        for (const fix of await pack.remediate({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs })) {
          const changed = Object.keys({ ...r.inputs, ...fix.props }).filter((k) => JSON.stringify(toWire(r.inputs[k])) !== JSON.stringify(fix.props[k]));
          remediations.push({ policy: fix.policy, urn: r.urn, properties: changed });
          r.inputs = { ...r.inputs, ...Object.fromEntries(changed.map((k) => [k, fix.props[k]])) };
        }
      }
    }
    const analyzed: AnalyzedResource[] = custom.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies }));
    const t1 = Date.now();
    const perResource = await Promise.all(analyzed.map((r) => pack.analyzeResource(r)));
    const stack = await pack.analyzeStackWithReasons(analyzed);
    const diagnostics: Diagnostic[] = [...perResource.flatMap((x) => x.diagnostics), ...stack.diagnostics];
    // A suppression comes back as the policy declaring itself not applicable, with the reason (a line per resource).
    const suppressedRaw = [...perResource.flatMap((x) => x.notApplicable), ...stack.notApplicable].flatMap((n) => parseSuppressed(n.reason).map((s) => ({ policy: n.policy, ...s })));
    timings.policies = Date.now() - t1;

    const resources: PlanResource[] = declared
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        custom: r.custom,
        props: planProps(r.inputs),
        ...optionalFields(r),
        ...(r.source ? { source: { ...r.source, file: path.relative(process.cwd(), r.source.file).split(path.sep).join("/") } } : {}),
      }));
    // Prices of the stack's region (aws:region) unless the policy config names one; a config that
    // names another is what the cost rule judges by, so say that the two disagree.
    const configured = costOptions(policyConfig);
    const pricing = { ...configured, ...(configured.region === undefined && evaluated.region ? { region: evaluated.region } : {}) };
    if (configured.region !== undefined && evaluated.region && configured.region !== evaluated.region) {
      warn(`warning: the policy config prices ${configured.region} (monthly-cost-limit region) but the stack deploys to ${evaluated.region} (aws:region): the cost limit is judged at ${configured.region}'s prices`);
    } else if (configured.region === undefined && evaluated.region && evaluated.region !== "us-east-1") {
      warn(`warning: the estimate uses ${evaluated.region}'s prices (aws:region), but the pack's cost rules price us-east-1 unless the policy config sets monthly-cost-limit's region: set it to ${evaluated.region}`);
    }
    const cost = estimateMonthlyCost(
      custom.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs })),
      pricing,
    );
    // A definition that is unknown or a secret ("[secret]" in the output) has no diagram to draw.
    const diagrams = resources
      .filter((r) => TYPES.stateMachine.includes(r.type as never) && typeof r.props.definition === "string" && r.props.definition !== COMPUTED && r.props.definition !== REDACTED)
      .flatMap((r) => {
        try {
          return [{ urn: r.urn, mermaid: mermaid(JSON.parse(r.props.definition as string)) }];
        } catch {
          return [];
        }
      });
    // A policy may quote a value in its message; a secret one must not reach the output.
    const secrets = secretStrings(custom.map((r) => r.inputs));
    const meta = new Map(info.policies.map((p) => [p.name, { ...(p.severity ? { severity: p.severity } : {}), ...(p.tags ? { tags: p.tags } : {}) }]));
    const violations = diagnostics.map((d) => ({ policy: d.policy, level: d.level, urn: d.urn, message: redactIn(d.message, secrets), ...meta.get(d.policy) }));
    const levelOf = (policy: string) => levels[policy] ?? info.policies.find((p) => p.name === policy)?.enforcementLevel ?? "advisory";
    const suppressed: PlanSuppressed[] = suppressedRaw.map((n) => ({ policy: n.policy, level: levelOf(n.policy), urn: n.urn, reason: redactIn(n.reason, secrets) }));
    // A policy that could not run to its end (a value unknown at preview) may have dropped what it
    // would have suppressed: its suppressions are not called unused.
    const deferredPolicies = new Set(violations.filter((v) => /can't run policy .* during preview/.test(v.message)).map((v) => v.policy));
    const unusedSuppressions = unusedSuppressionsOf(policyConfig, suppressed, custom).filter((u) => !deferredPolicies.has(u.policy));
    timings.total = Date.now() - t0;
    return {
      kind: "ml-pipeline/offline-plan",
      version: 1,
      note: PLAN_NOTE,
      stack: opts.stack,
      project: evaluated.project,
      ...evaluated.about,
      firstPreview: opts.firstPreview,
      policyPack: {
        name: info.name,
        version: info.version,
        config: policyConfigFile ? path.relative(process.cwd(), policyConfigFile) || policyConfigFile : null,
        codeHash: packCodeHash(policyPackDir),
        policies: info.policies.map((p) => ({
          name: p.name,
          description: p.description,
          level: levels[p.name] ?? p.enforcementLevel,
          knobs: railKnobs(p.configSchema, policyConfig[p.name]),
          ...(p.severity ? { severity: p.severity } : {}),
          ...(p.remediationSteps ? { remediation: p.remediationSteps } : {}),
          ...(p.tags ? { tags: p.tags } : {}),
          ...(p.framework ? { framework: p.framework } : {}),
        })),
      },
      resources,
      violations,
      suppressed,
      unusedSuppressions,
      remediations,
      cost: { monthlyUsd: cost.monthlyUsd, currency: "USD", estimate: true, region: pricing.region ?? "us-east-1", lines: cost.lines, unpriced: cost.unpriced, unbounded: cost.unbounded, ...(cost.coverage ? { coverage: cost.coverage } : {}) },
      diagrams,
      summary: {
        resources: resources.length,
        checked: custom.length,
        mandatory: violations.filter((v) => v.level === "mandatory").length,
        advisory: violations.filter((v) => v.level === "advisory").length,
        suppressed: suppressed.length,
      },
      timingsMs: timings,
    };
  } finally {
    pack.stop();
  }
}
