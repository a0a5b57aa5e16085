/**
 * scripts/pr-plan.sh, run as the PR workflow runs it: the base branch's plan is compared with
 * the PR's even when the base has violations (its plan exits 1 and still writes JSON); only a
 * base that cannot plan (exit 2) leaves the PR's plan alone. (The guard rails a pull request is
 * judged by: test/prPlanScriptLoosens.test.ts and test/prPlanScriptTightens.test.ts, one
 * scenario per file so that they run in parallel.)
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlanCli } from "../plan/test/support/plan";
import { Plan } from "../plan/src/plan";
import { fakeBase, prPlan } from "./support/prPlan";
import { PROJECT_DIR } from "./support/stacks";

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

  it("a pull request whose stacks.yaml cannot be read is an error (exit 2) with the list's own message, and nothing is planned", () => {
    // This checkout is the base (only read); the pull request's checkout needs only its list.
    const pr = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-checkout-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
    try {
      fs.writeFileSync(path.join(pr, "stacks.yaml"), "stacks:\n  - name: [not a name]\n    policyConfig: defaults\n");
      const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "pr-plan.sh"), PROJECT_DIR, out], { cwd: pr, encoding: "utf8" });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /stacks\.0\.name: \["not a name"\] is not a stack name/);
      assert.match(r.stderr, /pr-plan: the pull request's stacks\.yaml cannot be read \(see above\)/);
      assert.deepEqual(fs.readdirSync(out), [], "nothing planned, no comment");
    } finally {
      for (const d of [pr, out]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
