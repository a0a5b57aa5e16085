/**
 * scripts/pr-plan.sh judges a pull request by the base branch's guard rails: a pull request
 * that tightens its own rails passes, and says so. (Its own file, so that it runs in parallel
 * with the other scenarios of test/prPlanScript*.test.ts.)
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
