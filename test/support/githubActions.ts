/**
 * A workflow's steps run here as a GitHub runner runs them, for what can run without GitHub:
 * `run:` scripts under GitHub's default Linux shell (`bash --noprofile --norc -eo pipefail`,
 * GitHub docs, "Workflow syntax": jobs.<job_id>.steps[*].shell), with the step's `env:`
 * after its `${{ }}` expressions are resolved from the given contexts, `$GITHUB_OUTPUT` read
 * back as the step's outputs, and the cloud CLIs (`pulumi`, `aws`) replaced by stubs that
 * record how they were called.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./stacks";

/** The contexts an expression may read: `matrix`, `vars`, `secrets`, `needs`, … */
export type Contexts = Record<string, unknown>;

/**
 * The value of `${{ a.b.c }}` (a property path; the workflows' env values use nothing else).
 * `fromJSON(x)` is resolved too, for matrices. Anything else is refused rather than guessed.
 */
export function expression(text: string, contexts: Contexts): unknown {
  const from = /^fromJSON\((.+)\)$/.exec(text.trim());
  if (from) return JSON.parse(String(expression(from[1], contexts)));
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(text.trim())) throw new Error(`expression not supported by the test runner: ${text}`);
  return text
    .trim()
    .split(".")
    .reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), contexts);
}

/** A string with every `${{ … }}` replaced, as GitHub does (undefined and null become ""). */
export function interpolate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => {
    const v = expression(e, contexts);
    return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

export interface StepRun {
  status: number;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Each call of a stubbed CLI: its name, arguments and the PULUMI_EXPERIMENTAL it saw. */
  calls: { cli: string; args: string[]; experimental: string }[];
}

/** Runs one `run:` step; `account` is what the `aws` stub answers to `sts get-caller-identity`. */
/** The commit the simulated run is of (GITHUB_SHA), and what `pulumi stack history --json` answers by default: a successful update of it. */
export const RUN_SHA = "0123456789abcdef0123456789abcdef01234567";
const UPDATED_AT_RUN_SHA = JSON.stringify([{ kind: "update", result: "succeeded", environment: { "git.head": RUN_SHA } }]);

export function runStep(step: { run: string; env?: Record<string, string> }, contexts: Contexts, cwd: string, account = "123456789012", history = UPDATED_AT_RUN_SHA): StepRun {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gha-step-"));
  try {
    const bin = path.join(scratch, "bin");
    fs.mkdirSync(bin);
    const log = path.join(scratch, "calls");
    for (const cli of ["pulumi", "aws"]) {
      // Each call logged as NUL-separated fields (name, PULUMI_EXPERIMENTAL, argument count,
      // arguments): any argument survives, and no interpreter starts per call.
      // aws answers get-caller-identity with the account; pulumi answers `stack history` with STUB_HISTORY.
      const body =
        `printf '%s\\0' ${cli} "\${PULUMI_EXPERIMENTAL-}" "$#" "$@" >> "$STUB_LOG"\n` +
        (cli === "aws" ? `echo "$STUB_ACCOUNT"\n` : `case "$*" in *"stack history"*) echo "$STUB_HISTORY";; esac\n`);
      fs.writeFileSync(path.join(bin, cli), `#!/usr/bin/env bash\n${body}`, { mode: 0o755 });
    }
    const output = path.join(scratch, "output");
    fs.writeFileSync(output, "");
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, STUB_LOG: log, STUB_ACCOUNT: account, STUB_HISTORY: history, GITHUB_SHA: RUN_SHA, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: path.join(scratch, "summary") },
    });
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const calls: StepRun["calls"] = [];
    const fields = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\0").slice(0, -1) : [];
    for (let i = 0; i < fields.length; ) {
      const [cli, experimental, count] = fields.slice(i, i + 3);
      calls.push({ cli, experimental, args: fields.slice(i + 3, i + 3 + Number(count)) });
      i += 3 + Number(count);
    }
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, outputs, calls };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A step's `if:` as the workflows write them: a property path, true when the value is truthy. */
export function stepRuns(step: { if?: string }, contexts: Contexts): boolean {
  return step.if === undefined || Boolean(expression(step.if.replace(/^\$\{\{(.*)\}\}$/, "$1"), contexts));
}

/** What deploy.yml does for each stack, run here: the list it reads, and each job's calls of pulumi and aws per stack. */
export interface DeploySimulation {
  /** The `stacks` job's outputs: every stack, and those with approval. */
  all: { name: string; account: string | null; policyConfig: string; approval: boolean }[];
  approved: DeploySimulation["all"];
  /** Per job (`preview`, `deploy`) and stack: the steps' combined status (first failure) and calls. */
  runs: { job: string; stack: string; status: number; stderr: string; calls: StepRun["calls"] }[];
}

/**
 * deploy.yml's jobs run here in `cwd` (a checkout): the `stacks` job's list step for real (the
 * plan's --list-stacks), then every `run:` step of `preview` and `deploy` per matrix value
 * (installs skipped), with pulumi and aws stubbed; `account` is the role's account: by default
 * each environment's role is in the account its stack deploys into (or the mock's, unpinned).
 */
export function simulateDeploy(workflow: any, cwd: string, account: string | ((stack: { name: string; account?: string | null }) => string) = (s) => s.account ?? "123456789012"): DeploySimulation {
  const list = runStep(workflow.jobs.stacks.steps.find((s: any) => s.id === "list"), {}, cwd);
  if (list.status !== 0) throw new Error(`the stacks job's list step failed: ${list.stderr}`);
  const needs = { stacks: { outputs: list.outputs } };
  const runs: DeploySimulation["runs"] = [];
  for (const job of ["preview", "deploy"]) {
    const spec = workflow.jobs[job];
    const matrixValues = expression(String(spec.strategy.matrix.stack).replace(/^\$\{\{(.*)\}\}$/, "$1"), { needs }) as { name: string; account?: string | null }[];
    for (const stack of matrixValues) {
      const roleAccount = typeof account === "string" ? account : account(stack);
      const contexts = { matrix: { stack }, vars: { PULUMI_ORG: "acme", AWS_ROLE_ARN: `arn:aws:iam::${roleAccount}:role/deploy` }, secrets: { PULUMI_ACCESS_TOKEN: "" }, needs };
      const record = { job, stack: stack.name, status: 0, stderr: "", calls: [] as StepRun["calls"] };
      for (const step of spec.steps.filter((s: any) => s.run && !/^npm (ci|test)$/.test(s.run.trim()) && stepRuns(s, contexts))) {
        const r = runStep(step, contexts, cwd, roleAccount);
        record.calls.push(...r.calls);
        record.stderr += r.stdout + r.stderr;
        if (r.status !== 0) {
          record.status = r.status;
          break;
        }
      }
      runs.push(record);
    }
  }
  return { all: JSON.parse(list.outputs.all), approved: JSON.parse(list.outputs.approved), runs };
}

/**
 * The README's "Promotion across accounts" step that lists staging in stacks.yaml, done in a
 * scratch checkout as a team would: its yaml block, before prod's entry.
 */
export function listStagingAsReadmeSays(dir: string): void {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  const start = readme.indexOf("## Promotion across accounts\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const entry = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (start < 0 || !entry?.includes("  - name: staging\n")) throw new Error("README, \"Promotion across accounts\": no stacks.yaml entry for staging");
  const list = fs.readFileSync(path.join(dir, "stacks.yaml"), "utf8");
  if (list.includes("  - name: staging\n") || !list.includes("  - name: prod\n")) throw new Error("stacks.yaml: expected prod's entry and none for staging");
  fs.writeFileSync(path.join(dir, "stacks.yaml"), list.replace("  - name: prod\n", `${entry}  - name: prod\n`));
}

/** The repository as a user has it: the program (its entry re-exports this one's), its stacks, list, policy configs and scripts. */
export function scratchCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "add-stack-"));
  fs.writeFileSync(path.join(dir, "index.ts"), `import program = require(${JSON.stringify(path.join(PROJECT_DIR, "index"))});\nexport = program;\n`);
  for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f) || f === "stacks.yaml" || f === "package.json")) fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  fs.cpSync(path.join(PROJECT_DIR, "policies", "config"), path.join(dir, "policies", "config"), { recursive: true });
  fs.cpSync(path.join(PROJECT_DIR, "scripts"), path.join(dir, "scripts"), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

