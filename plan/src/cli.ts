/**
 * `npm run plan -- -s <stack> [--program <dir>] [--policy-pack-config <file>]
 *   [--first-preview] [-j | --markdown] [--compare <previous.json> [--diff] [--expect-no-changes]]
 *   [--proposed <own-rails.json> | --proposed-policy-pack <dir> [--proposed-policy-pack-config <file>]]
 *   [--sarif <file>] [--fail-on-advisory] [--no-diagrams]`
 * Where `pulumi preview` has a flag of the same meaning, it has the same name.
 *
 * Exit status: 0 no mandatory violation; 1 at least one (or a refused replacement, guard rails
 * a pull request loosens, a cost increase over the rails' threshold, an advisory one with
 * --fail-on-advisory, a change with --expect-no-changes); 2 usage, config or program error.
 */
import "./compileCache"; // first: caches the compiled code of everything loaded after it
// Before anything loads the Pulumi SDK: what it loads for closure serialization and code packaging (the TypeScript compiler, npm's Arborist), on first use only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("./lazySdkModules.js") as { installLazySdkModules(): void }).installLazySdkModules();
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { packLauncher, PolicyPackProcess, startingPackLine } from "./analyzer/client";
import { ensurePackBuilt, PlanInputError } from "./packBuild";
import { asPlan, comparePlans, PlanComparison, refusedReplacements } from "./compare";
import { renderMarkdown, renderText, suppressionWarning } from "./render";
import { toSarif } from "./sarif";
import { typeErrors } from "./typeCheck";
import { readStackFiles } from "./engine/stackFiles";
import { ListedStack, listedPolicyConfig, listedStack, readStackList, STACK_LIST_FILE } from "./stackList";

/** The pack this plan is built with (its cost estimate prints the cost table): the default pack to judge by. */
const DEFAULT_POLICY_PACK_DIR = path.dirname(require.resolve("ml-pipeline-policies/package.json"));

/** How the plan starts its policy pack (PolicyPackProcess.spawn; a caller running many plans in one process may reuse packs). */
export type SpawnPack = typeof PolicyPackProcess.spawn;

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }, spawnPack: SpawnPack = PolicyPackProcess.spawn): Promise<number> {
  const program = new Command("plan")
    .description("Offline plan of a Pulumi TypeScript program: resources, policy verdicts (real pack over the Analyzer protocol), estimated monthly cost, state machine diagrams. Needs no cloud account.")
    .option("-s, --stack <name>", "stack to plan", "dev")
    .option("--program <dir>", "Pulumi TypeScript program (directory with Pulumi.yaml and Pulumi.<stack>.yaml)", process.cwd())
    .option("--policy-pack <dir>", "policy pack directory (default: the ml-pipeline-policies pack this plan depends on)", DEFAULT_POLICY_PACK_DIR)
    .option("--policy-pack-config <file>", "policy pack config, as pulumi preview's --policy-pack-config; default: the stack's policyConfig in the program's stacks.yaml, else <policy-pack>/config/<stack>.json when present")
    .option("--policy-config <file>", "the same as --policy-pack-config (this tool's earlier name)")
    .option("--first-preview", "simulate the first preview of a new stack (computed outputs unknown)", false)
    .option("-j, --json", "print one JSON object", false)
    .option("--markdown", "print a pull-request comment", false)
    .option("--compare <file>", "compare with an earlier --json plan")
    .option("--diff", "with --compare: every changed property of every changed resource, not the first 20 of each (as pulumi preview --diff shows the full diff)", false)
    .option("--expect-no-changes", "with --compare: exit 1 when any resource is added, removed or changed, as pulumi preview --expect-no-changes fails on changes", false)
    .option("--proposed <file>", "the same program's --json plan under a pull request's own policy pack and config: list how they differ from the ones this plan is judged by, and fail when they loosen them")
    .option("--proposed-policy-pack <dir>", "as --proposed, without a second plan: the same evaluation of the program is also judged by this pack (a pull request's own)")
    .option("--proposed-policy-pack-config <file>", "the config of --proposed-policy-pack (default: the stack's policyConfig in the program's stacks.yaml, else <proposed-policy-pack>/config/<stack>.json when present)")
    .option("--sarif <file>", "also write the violations as SARIF 2.1.0 (GitHub code scanning) to this file")
    .option("--markdown-file <file>", "also write the pull-request comment (as --markdown prints it) to this file")
    .option("--type-check", "type-check the program first, as pulumi preview does (its tsconfig.json, else its entry with strict options); a type error is exit 2", false)
    .option("--fail-on-advisory", "exit 1 on advisory violations too, not only mandatory ones", false)
    .option("--no-diagrams", "leave the state machine diagrams out of the output")
    .option("--list-stacks", "print the stacks of the program's stacks.yaml, one per line (with --json: one line of JSON, each stack's name, account, policyConfig and approval), and exit", false)
    .option("--quiet", "no progress on stderr", false)
    .option("--timeout <seconds>", "stop a program that does not finish within this many seconds (enforced by npm run plan's supervisor, plan/src/run.ts)", "120")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  let opts;
  try {
    program.parse(argv, { from: "user" });
    opts = program.opts<{
      stack: string;
      program: string;
      policyPack: string;
      policyPackConfig?: string;
      policyConfig?: string;
      firstPreview: boolean;
      json: boolean;
      markdown: boolean;
      compare?: string;
      expectNoChanges: boolean;
      diff: boolean;
      proposed?: string;
      proposedPolicyPack?: string;
      proposedPolicyPackConfig?: string;
      sarif?: string;
      markdownFile?: string;
      failOnAdvisory: boolean;
      typeCheck: boolean;
      diagrams: boolean;
      listStacks: boolean;
      quiet: boolean;
    }>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  if (opts.listStacks) return listStacks(path.resolve(opts.program), opts.json, io);
  if (opts.json && opts.markdown) {
    io.stderr.write("plan: choose one of --json and --markdown\n");
    return 2;
  }
  if (opts.policyPackConfig && opts.policyConfig && path.resolve(opts.policyPackConfig) !== path.resolve(opts.policyConfig)) {
    io.stderr.write("plan: --policy-config is another name for --policy-pack-config; give one of them\n");
    return 2;
  }
  if (opts.diff && !opts.compare) {
    io.stderr.write("plan: --diff needs --compare <previous.json>: the plan has nothing to diff against\n");
    return 2;
  }
  if (opts.expectNoChanges && !opts.compare) {
    io.stderr.write("plan: --expect-no-changes needs --compare <previous.json>: the plan has nothing to compare with\n");
    return 2;
  }
  if (opts.proposed && opts.proposedPolicyPack) {
    io.stderr.write("plan: --proposed reads a plan of the proposed rails, --proposed-policy-pack makes one: give one of them\n");
    return 2;
  }
  if (opts.proposedPolicyPackConfig && !opts.proposedPolicyPack) {
    io.stderr.write("plan: --proposed-policy-pack-config needs --proposed-policy-pack <dir>\n");
    return 2;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.stack)) {
    io.stderr.write(`plan: --stack "${opts.stack}" is not a stack name (letters, digits, _ . -)\n`);
    return 2;
  }
  const policyPackDir = path.resolve(opts.policyPack);
  const givenPolicyConfig = opts.policyPackConfig ?? opts.policyConfig;
  // The program's stacks.yaml, when it has one, lists every stack and the policy config each is
  // judged by: an unlisted stack is an error, and a listed one never falls back to the defaults
  // unless the list says `policyConfig: defaults`.
  const programDir = path.resolve(opts.program);
  let listed: ListedStack | undefined;
  try {
    const list = readStackList(programDir);
    // A stack without a stack file is reported by the plan itself, with the stacks that have one.
    if (list && fs.existsSync(path.join(programDir, `Pulumi.${opts.stack}.yaml`))) listed = listedStack(list, opts.stack, programDir);
  } catch (e) {
    io.stderr.write(`plan: ${(e as Error).message}\n`);
    return 2;
  }
  /** A pack's config: the flag's file, else the listed stack's, else the pack's own `config/<stack>.json` when present. */
  const configFor = (given: string | undefined, packDir: string) => {
    if (given) return path.resolve(given);
    if (listed) return listedPolicyConfig(listed, programDir);
    const byStack = path.join(packDir, "config", `${opts.stack}.json`);
    return fs.existsSync(byStack) ? byStack : undefined;
  };
  const policyConfigFile = configFor(givenPolicyConfig, policyPackDir);
  const proposedRails = opts.proposedPolicyPack
    ? { policyPackDir: path.resolve(opts.proposedPolicyPack), policyConfigFile: configFor(opts.proposedPolicyPackConfig, path.resolve(opts.proposedPolicyPack)) }
    : undefined;
  /** An earlier --json plan named by a flag; null (after saying why) when it cannot be read as one. */
  const planFile = (flag: string, file: string | undefined) => {
    if (!file) return undefined;
    try {
      return asPlan(JSON.parse(fs.readFileSync(file, "utf8")), file);
    } catch (e) {
      io.stderr.write(`plan: ${flag}: ${(e as Error).message}\n`);
      return null;
    }
  };
  const previous = planFile("--compare", opts.compare);
  if (previous === null) return 2;
  let proposed = planFile("--proposed", opts.proposed);
  if (proposed === null) return 2;

  const progress = opts.quiet ? undefined : (line: string) => io.stderr.write(`plan: ${line}\n`);
  if (opts.typeCheck) {
    // Before anything runs, as pulumi does: a program that does not type-check is not planned.
    progress?.("type-checking the program (--type-check)");
    const errors = typeErrors(programDir);
    if (errors.length > 0) {
      io.stderr.write(`plan: the program does not type-check (--type-check):\n${errors.map((e) => `  ${e}`).join("\n")}\n`);
      return 2;
    }
  } else {
    progress?.("type-check skipped (the plan transpiles without checking types; --type-check checks them, as pulumi preview does)");
  }
  let plan;
  const packs: ReturnType<typeof PolicyPackProcess.spawn>[] = [];
  try {
    // Spawn the packs before loading the Pulumi SDK here: the processes load in parallel.
    const startPack = (dir: string) => {
      ensurePackBuilt(dir, progress ?? (() => undefined));
      // Before the first pack starts: stack files the plan cannot read (no Pulumi.yaml, no
      // Pulumi.<stack>.yaml, …) are an input error, and a pack started for them would only be
      // killed. The plan reads them again (they are small).
      if (packs.length === 0) {
        try {
          readStackFiles(programDir, opts.stack);
        } catch (e) {
          throw new PlanInputError((e as Error).message);
        }
      }
      const launcher = packLauncher(dir);
      progress?.(startingPackLine(dir, launcher));
      const spawned = spawnPack(dir, undefined, launcher);
      packs.push(spawned);
      return spawned;
    };
    const pack = startPack(policyPackDir);
    const proposedOpts = proposedRails ? { ...proposedRails, pack: startPack(proposedRails.policyPackDir) } : undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildPlans } = require("./plan") as typeof import("./plan");
    const plans = await buildPlans({
      stack: opts.stack,
      programDir,
      policyPackDir,
      policyConfigFile,
      firstPreview: opts.firstPreview,
      progress,
      warn: (line) => io.stderr.write(`plan: ${line}\n`),
      pack,
      proposed: proposedOpts,
      ...(listed ? { listed: { account: listed.account, listFile: path.join(programDir, STACK_LIST_FILE) } } : {}),
    });
    plan = plans.plan;
    if (plans.proposed) proposed = plans.proposed;
  } catch (e) {
    // An input error found before the plan took the packs over (a missing stack file, say)
    // must not leave a pack process running.
    for (const p of packs) p.kill();
    if (e instanceof PlanInputError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    io.stderr.write(`plan: failed: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
  // Stale exceptions are said even with --quiet: a suppression that covers nothing hides nothing, and should go.
  for (const u of plan.unusedSuppressions ?? []) io.stderr.write(`plan: warning: ${suppressionWarning(u)}\n`);
  // Left out of every output: the JSON too, so that what a file holds is what was shown.
  if (!opts.diagrams) plan = { ...plan, diagrams: [] };
  let comparison: PlanComparison | undefined;
  try {
    comparison = previous ? comparePlans(previous, plan) : undefined;
    // Comparing different stacks is allowed (prod against dev, say), but every name differs: say so.
    if (previous && (previous.stack !== plan.stack || previous.project !== plan.project)) {
      io.stderr.write(`plan: --compare: the earlier plan is of ${previous.project}/${previous.stack}, this one of ${plan.project}/${plan.stack}; the differences include everything that differs between the two stacks\n`);
    }
  } catch (e) {
    // A malformed ignoreChanges/replaceOnChanges path: the engine stops on it too.
    io.stderr.write(`plan: --compare: ${(e as Error).message}\n`);
    return 2;
  }
  if (opts.sarif) {
    try {
      fs.writeFileSync(opts.sarif, JSON.stringify(toSarif(plan), null, 2) + "\n");
    } catch (e) {
      io.stderr.write(`plan: --sarif: cannot write ${opts.sarif}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  // A pull request is judged by the rails in force; its own are compared with them, and its cost increase with their thresholds.
  // (Loaded here, not at the top: it loads the pack's public entry, and so the Pulumi SDK, which must not delay the packs' start.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { costIncreaseCheck, railsReport } = require("./guardRails") as typeof import("./guardRails");
  const rails = proposed ? railsReport(plan, proposed) : undefined;
  const costCheck = comparison ? costIncreaseCheck(plan, comparison.cost) : undefined;
  const verdicts = { rails, costCheck };
  if (opts.markdownFile) {
    try {
      fs.writeFileSync(opts.markdownFile, renderMarkdown(plan, comparison, undefined, verdicts));
    } catch (e) {
      io.stderr.write(`plan: --markdown-file: cannot write ${opts.markdownFile}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (opts.json) io.stdout.write(JSON.stringify({ ...plan, ...(comparison ? { comparison } : {}), ...(rails ? { guardRails: rails } : {}), ...(costCheck ? { costIncrease: costCheck } : {}) }, null, 2) + "\n");
  else if (opts.markdown) io.stdout.write(renderMarkdown(plan, comparison, undefined, verdicts));
  else io.stdout.write(renderText(plan, comparison, { diff: opts.diff }));
  // As `pulumi preview` fails on a protected resource it would replace, so does the plan.
  const refused = comparison ? refusedReplacements(comparison) : [];
  for (const r of refused) io.stderr.write(`plan: ${r.urn}: ${r.refused}\n`);
  for (const c of rails?.changes.filter((x) => x.effect !== "tightens") ?? []) io.stderr.write(`plan: guard rails: ${c.policy} ${c.what} ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)} ${c.effect} (${c.why})\n`);
  for (const v of rails?.hiddenViolations ?? []) io.stderr.write(`plan: guard rails: the pull request's own rails would hide ${v.level} ${v.policy} on ${v.urn}\n`);
  if (costCheck?.exceeded) io.stderr.write(`plan: cost increase over the base branch: ${costCheck.why}\n`);
  progress?.(`done in ${plan.timingsMs.total} ms: ${plan.summary.mandatory} mandatory violation(s)${comparison ? `, ${refused.length} refused replacement(s)` : ""}${rails ? `, guard rails ${rails.loosened ? "loosened" : "not loosened"}` : ""}`);
  const changes = comparison ? comparison.added.length + comparison.removed.length + comparison.changed.length : 0;
  if (opts.expectNoChanges && changes > 0) io.stderr.write(`plan: --expect-no-changes: ${changes} resource(s) added, removed or changed\n`);
  if (opts.failOnAdvisory && plan.summary.advisory > 0) io.stderr.write(`plan: --fail-on-advisory: ${plan.summary.advisory} advisory violation(s)\n`);
  const failed =
    plan.summary.mandatory > 0 ||
    refused.length > 0 ||
    rails?.loosened ||
    (costCheck?.exceeded && costCheck.enforced) ||
    (opts.failOnAdvisory && plan.summary.advisory > 0) ||
    (opts.expectNoChanges && changes > 0);
  return failed ? 1 : 0;
}

if (require.main === module) {
  // A program that throws from a timer or callback outside its run fails the plan, with a message (never exit 1, which means violations).
  process.on("uncaughtException", (e) => {
    process.stderr.write(`plan: the program failed outside its run: ${(e as Error).message ?? e}\n`);
    process.exit(2);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      // The plan is complete. Whatever the program left running (an interval, an open socket)
      // must not hold it until the supervisor's timeout, which would report a finished plan as
      // unfinished and turn its status into 2: end once the output is written.
      process.exitCode = code;
      process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    },
    (e) => {
      process.stderr.write(`plan: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

/** `--list-stacks`: the program's stacks.yaml, validated, for workflows and scripts (exit 2 when there is none or it is invalid). */
function listStacks(programDir: string, json: boolean, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): number {
  let list;
  try {
    list = readStackList(programDir);
  } catch (e) {
    io.stderr.write(`plan: ${(e as Error).message}\n`);
    return 2;
  }
  if (!list) {
    io.stderr.write(`plan: --list-stacks: ${programDir} has no ${STACK_LIST_FILE} (the list of its stacks and their policy configs; see the plan's README)\n`);
    return 2;
  }
  io.stdout.write(json ? JSON.stringify(list) + "\n" : list.map((s) => `${s.name}\n`).join(""));
  return 0;
}
