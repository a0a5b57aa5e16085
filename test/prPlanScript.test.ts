/**
 * scripts/pr-plan.sh, run as the PR workflow runs it: the base branch's plan is compared with
 * the PR's even when the base has violations (its plan exits 1 and still writes JSON); only a
 * base that cannot plan (exit 2) leaves the PR's plan alone.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./support/stacks";
import { runPlanCli } from "../plan/test/support/plan";
import { Plan } from "../plan/src/plan";

/** A base checkout whose `npm run plan` prints `plan` and exits with `code` (what the base branch's own plan would do). */
function fakeBase(plan: Plan | null, code: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-base-"));
  fs.mkdirSync(path.join(dir, "plan", "src"), { recursive: true });
  fs.writeFileSync(path.join(dir, "plan", "src", "cli.ts"), "");
  fs.writeFileSync(path.join(dir, "plan.json"), plan ? JSON.stringify(plan) : "");
  fs.writeFileSync(path.join(dir, "fake-plan.js"), `process.stdout.write(require("fs").readFileSync(__dirname + "/plan.json", "utf8")); process.exitCode = ${code};\n`);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "base", private: true, scripts: { plan: "node fake-plan.js" } }));
  return dir;
}

function prPlan(base: string): { status: number | null; stderr: string; comment: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
  const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "pr-plan.sh"), base, out, "dev"], { cwd: PROJECT_DIR, encoding: "utf8" });
  const comment = fs.readFileSync(path.join(out, "plan-comment.md"), "utf8");
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(base, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr, comment };
}

describe("scripts/pr-plan.sh", function () {
  this.timeout(120_000);
  let dev: Plan;
  before(async () => {
    dev = JSON.parse((await runPlanCli("--stack", "dev", "--json", "--quiet")).stdout) as Plan;
  });

  it("compares with a base branch that has violations, and names what the PR fixes", () => {
    const violation = { policy: "sagemaker-instance-types", level: "mandatory", urn: dev.resources.find((r) => r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!.urn, message: "ml.p4d.24xlarge is not allowed" };
    const base = { ...dev, violations: [violation], summary: { ...dev.summary, mandatory: 1 } };
    const r = prPlan(fakeBase(base, 1));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.comment, /vs base/);
    assert.match(r.comment, /Violations since the base branch: 0 new, 1 fixed/);
    assert.match(r.comment, /✔️ fixed: \*\*mandatory\*\* `sagemaker-instance-types`/);
  });

  it("shows the PR's plan alone when the base cannot plan (exit 2)", () => {
    const r = prPlan(fakeBase(null, 2));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /base plan for dev unavailable \(exit 2\)/);
    assert.doesNotMatch(r.comment, /vs base/);
  });
});

/**
 * A copy of this project as a checkout (a base branch, or a pull request's), without git and
 * with this project's node_modules linked in (and the pack's build, so an unchanged pack is not rebuilt).
 */
function checkoutCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-checkout-"));
  fs.cpSync(PROJECT_DIR, dir, { recursive: true, preserveTimestamps: true, filter: (src) => !/[/\\](node_modules|\.git)([/\\]|$)/.test(src.slice(PROJECT_DIR.length)) });
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

function editJson(file: string, edit: (o: any) => void) {
  const o = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o, null, 2));
}

describe("scripts/pr-plan.sh: a pull request is judged by the base branch's guard rails", function () {
  this.timeout(240_000);
  let base = "";
  before(() => {
    base = checkoutCopy();
    // The rails in force hold a relative cost limit, as a platform team might set it.
    editJson(path.join(base, "policies", "config", "dev.json"), (c) => (c["monthly-cost-limit"].maxIncreasePercent = 20));
  });
  after(() => base && fs.rmSync(base, { recursive: true, force: true }));

  function run(pr: string, stacks = ["dev"]) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
    try {
      // As pr-plan.yml runs it: the base branch's copy of the script, from the PR's checkout.
      const r = spawnSync("bash", [path.join(base, "scripts", "pr-plan.sh"), base, out, ...stacks], { cwd: pr, encoding: "utf8" });
      const judged = JSON.parse(fs.readFileSync(path.join(out, "pr-dev.json"), "utf8"));
      const sarif = JSON.parse(fs.readFileSync(path.join(out, "pr-dev.sarif"), "utf8"));
      return { status: r.status, stderr: r.stderr, comment: fs.readFileSync(path.join(out, "plan-comment.md"), "utf8"), judged, sarif };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }

  it("loosening its own rails (a higher cost limit, a rule lowered to advisory, a rule's code edited, GPUs allowed, a stack dropped from the list) fails the check and names each change; the GPU job its own rails allow is judged by the base's", () => {
    const pr = checkoutCopy();
    try {
      editJson(path.join(pr, "policies", "config", "dev.json"), (c) => {
        c["monthly-cost-limit"].maxMonthlyUsd = 100000; // (a)
        c["sagemaker-network-isolation"].enforcementLevel = "advisory"; // (b)
        c["sagemaker-job-instance-types"].allowGpu = true;
        c["instance-hourly-price-limit"].maxHourlyUsd = 0.9; // (d) tightens, alongside
      });
      const rule = path.join(pr, "policies", "rules", "sns-topic-kms.ts"); // (c) a rule that accepts everything
      fs.writeFileSync(rule, fs.readFileSync(rule, "utf8").replace(/validate: \(props, args, report\) => \{/, "validate: (props, args, report) => {\n    return;"));
      fs.appendFileSync(path.join(pr, "Pulumi.dev.yaml"), "  ml-pipeline:training:\n    instanceType: ml.g4dn.xlarge\n");
      // And the PR's own plan tool taught never to see a loosening: the verdict is the base tool's.
      const tool = path.join(pr, "plan", "src", "guardRails.ts");
      fs.writeFileSync(tool, fs.readFileSync(tool, "utf8").replace("loosened: loosens(changes) || hiddenViolations.length > 0", "loosened: false"));
      // (e) prod leaves the stack list, so no pull request would judge it again: the list is judged by the base's.
      const list = path.join(pr, "stacks.yaml");
      fs.writeFileSync(list, fs.readFileSync(list, "utf8").replace(/  - name: prod\n[\s\S]*$/, ""));
      const r = run(pr, []); // the stacks of the PR's list: dev
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.comment, /### stacks\.yaml\n\n- ❌ `prod`: removed from stacks\.yaml, so no pull request would judge it again: loosens the guard rails/);
      assert.doesNotMatch(r.comment, /### .* `prod`/, "a stack the PR drops is not planned");
      assert.match(r.comment, /### ❌ `dev`: 1 mandatory .* · guard rails loosened · cost increase over the limit/);
      assert.match(r.comment, /\| `monthly-cost-limit` \| maxMonthlyUsd \| `150` \| `100000` \| ⚠️ loosens \|/);
      assert.match(r.comment, /\| `sagemaker-network-isolation` \| level \| `"mandatory"` \| `"advisory"` \| ⚠️ loosens \|/);
      assert.match(r.comment, /\| `sagemaker-job-instance-types` \| allowGpu \| `false` \| `true` \| ⚠️ loosens \|/);
      assert.match(r.comment, /\| `\(pack\)` \| code \| .* \| ⚠️ cannot be ranked \|/);
      assert.match(r.comment, /\| `instance-hourly-price-limit` \| maxHourlyUsd \| `1` \| `0.9` \| tightens \|/);
      // The GPU training job: a violation under the rails in force, which its own would hide.
      assert.match(r.comment, /⚠️ its own rails would hide: \*\*mandatory\*\* `sagemaker-job-instance-types`/);
      assert.ok(r.judged.violations.some((v: any) => v.policy === "sagemaker-job-instance-types"), "judged by the base's rails");
      assert.match(r.comment, /#### Cost increase over the base branch: \+\$[\d.]+ \(\+\d+(\.\d)?%\) against a limit of 20%: ❌/);
      assert.equal(r.judged.guardRails.loosened, true);
      // The base's tool ran from the PR's checkout: paths (and so SARIF locations) are the PR's.
      assert.equal(r.judged.program, ".");
      assert.ok(r.sarif.runs[0].results.length > 0);
      for (const result of r.sarif.runs[0].results) for (const loc of result.locations ?? []) assert.doesNotMatch(loc.physicalLocation.artifactLocation.uri, /^\.\.\//, "a path inside the PR's checkout");
    } finally {
      fs.rmSync(pr, { recursive: true, force: true });
    }
  });

  it("tightening its own rails passes, and says so", () => {
    const pr = checkoutCopy();
    try {
      editJson(path.join(pr, "policies", "config", "dev.json"), (c) => {
        c["monthly-cost-limit"].maxMonthlyUsd = 120;
        c["monthly-cost-limit"].maxIncreasePercent = 20;
      });
      const r = run(pr);
      assert.equal(r.status, 0, r.stderr + r.comment.slice(0, 2000));
      assert.match(r.comment, /### ✅ `dev`/);
      // It says what it is doing while it plans (each plan is quiet itself), and evaluates each
      // branch's program once: the PR's own rails judge the same evaluation as the rails in force.
      const said = r.stderr.split("\n").filter((l) => l.startsWith("pr-plan: "));
      assert.deepEqual(said, ["pr-plan: dev: planning the base branch", "pr-plan: dev: planning the pull request under the guard rails in force (and its own, for the comparison)"]);
      assert.match(r.comment, /against the ones it is judged by .*: 0 loosen, 0 cannot be ranked, 1 tighten/);
      assert.match(r.comment, /\| `monthly-cost-limit` \| maxMonthlyUsd \| `150` \| `120` \| tightens \|/);
      assert.match(r.comment, /#### Cost increase over the base branch: \+\$0\.00 \(\+0%\) against a limit of 20%: within it/);
    } finally {
      fs.rmSync(pr, { recursive: true, force: true });
    }
  });
});

