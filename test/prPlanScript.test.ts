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
import { runPlanCli } from "./support/plan";
import { Plan } from "../tools/plan/plan";

/** A base checkout whose `npm run plan` prints `plan` and exits with `code` (what the base branch's own plan would do). */
function fakeBase(plan: Plan | null, code: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-base-"));
  fs.mkdirSync(path.join(dir, "tools", "plan"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tools", "plan", "cli.ts"), "");
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
