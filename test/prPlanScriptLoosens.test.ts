/**
 * scripts/pr-plan.sh judges a pull request by the base branch's guard rails: a pull request
 * that loosens its own rails fails the check, each change named. (Its own file, so that it
 * runs in parallel with the other scenarios of test/prPlanScript*.test.ts.)
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkoutCopy, editJson, guardRailsBase, runGuardRails } from "./support/prPlan";

describe("scripts/pr-plan.sh: a pull request is judged by the base branch's guard rails", function () {
  this.timeout(240_000);
  let base = "";
  before(() => {
    base = guardRailsBase();
  });
  after(() => base && fs.rmSync(base, { recursive: true, force: true }));
  const run = (pr: string, stacks?: string[]) => runGuardRails(base, pr, stacks);

  it("loosening its own rails (a higher cost limit, a rule lowered to advisory, a rule's code edited, GPUs allowed, a stack dropped from the list) fails the check and names each change; the GPU job its own rails allow is judged by the base's", () => {
    const pr = checkoutCopy();
    try {
      editJson(path.join(pr, "policies", "config", "dev.json"), (c) => {
        c["monthly-cost-limit"].maxMonthlyUsd = 100000; // (a)
        c["sagemaker-network-isolation"].enforcementLevel = "advisory"; // (b)
        c["sagemaker-job-instance-types"].allowGpu = true;
        c["instance-hourly-price-limit"].maxHourlyUsd = 0.9; // (d) tightens, alongside
      });
      // (c) a rule that accepts everything, in its source and in its build: the PR's checkout
      // as pr-plan.yml has it after `npm ci` (whose prepare script builds the pack). The
      // plan's own rebuild of a stale pack: plan/test/packBuild.test.ts.
      for (const file of [path.join("rules", "sns-topic-kms.ts"), path.join("bin", "rules", "sns-topic-kms.js")]) {
        const rule = path.join(pr, "policies", file);
        const edited = fs.readFileSync(rule, "utf8").replace(/validate: \(props, args, report\) => \{/, "validate: (props, args, report) => {\n    return;");
        assert.match(edited, /=> \{\n    return;/, `${file}: the edit applies`);
        fs.writeFileSync(rule, edited);
      }
      const built = new Date(Date.now() + 1000);
      fs.utimesSync(path.join(pr, "policies", "bin", ".tsbuildinfo"), built, built);
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
});
