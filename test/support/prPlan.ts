/**
 * scripts/pr-plan.sh as the PR workflow runs it, for the tests that run it
 * (test/prPlanScript*.test.ts, one scenario per file so that they run in parallel): a base
 * checkout faked or copied from this project, a pull request's checkout copied from it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./stacks";
import { Plan } from "../../plan/src/plan";

/** A base checkout whose `npm run plan` prints `plan` and exits with `code` (what the base branch's own plan would do). */
export function fakeBase(plan: Plan | null, code: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-base-"));
  fs.mkdirSync(path.join(dir, "plan", "src"), { recursive: true });
  fs.writeFileSync(path.join(dir, "plan", "src", "cli.ts"), "");
  fs.writeFileSync(path.join(dir, "plan.json"), plan ? JSON.stringify(plan) : "");
  fs.writeFileSync(path.join(dir, "fake-plan.js"), `process.stdout.write(require("fs").readFileSync(__dirname + "/plan.json", "utf8")); process.exitCode = ${code};\n`);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "base", private: true, scripts: { plan: "node fake-plan.js" } }));
  return dir;
}

/** This project's pull request planned against `base` (removed afterwards): the script's status, stderr and comment. */
export function prPlan(base: string): { status: number | null; stderr: string; comment: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
  const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "pr-plan.sh"), base, out, "dev"], { cwd: PROJECT_DIR, encoding: "utf8" });
  const comment = fs.readFileSync(path.join(out, "plan-comment.md"), "utf8");
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(base, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr, comment };
}

/**
 * A copy of this project as a checkout (a base branch, or a pull request's), without git and
 * with this project's node_modules linked in (and the pack's build, so an unchanged pack is not rebuilt).
 */
export function checkoutCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-checkout-"));
  fs.cpSync(PROJECT_DIR, dir, { recursive: true, preserveTimestamps: true, filter: (src) => !/[/\\](node_modules|\.git)([/\\]|$)/.test(src.slice(PROJECT_DIR.length)) });
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export function editJson(file: string, edit: (o: any) => void) {
  const o = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o, null, 2));
}

/** The base checkout of the guard-rails tests: the rails in force hold a relative cost limit, as a platform team might set it. */
export function guardRailsBase(): string {
  const base = checkoutCopy();
  editJson(path.join(base, "policies", "config", "dev.json"), (c) => (c["monthly-cost-limit"].maxIncreasePercent = 20));
  return base;
}

/** The base branch's copy of the script, run from the PR's checkout (as pr-plan.yml runs it): its status, stderr, comment, and dev's plan and SARIF. */
export function runGuardRails(base: string, pr: string, stacks = ["dev"]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
  try {
    const r = spawnSync("bash", [path.join(base, "scripts", "pr-plan.sh"), base, out, ...stacks], { cwd: pr, encoding: "utf8" });
    const judged = JSON.parse(fs.readFileSync(path.join(out, "pr-dev.json"), "utf8"));
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "pr-dev.sarif"), "utf8"));
    return { status: r.status, stderr: r.stderr, comment: fs.readFileSync(path.join(out, "plan-comment.md"), "utf8"), judged, sarif };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
