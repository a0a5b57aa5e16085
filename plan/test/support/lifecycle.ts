/**
 * The plan started as a command (its supervisor, run.ts), and what it may leave running: for
 * plan/test/planLifecycle.test.ts and plan/test/planTimeouts.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fixture, PLAN_DIR } from "./fixtures";

/** `node` arguments that start the plan as its command does: the supervisor (run.ts) through the TypeScript hook. */
export const RUN = ["-r", path.join(PLAN_DIR, "transpile.js"), path.join(PLAN_DIR, "src", "run.ts")];
/** The plans' working directory, so their default --program: a program of the plan's own (it has no stack "staging"). */
export const CWD = fixture("unprotected-program");

/** Processes still running whose command line mentions this fixture or a policy pack started for it. */
export function leftovers(marker: string): string[] {
  const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  return ps.filter((l) => l.includes(marker) && !l.includes("ps -eo"));
}
/**
 * Every plan a test starts carries a tag in its environment, which its policy pack and
 * program inherit; a process still running with the tag is one this plan left behind (other
 * plans running at the same time, in another test worker, carry other tags).
 */
let tags = 0;
export const newTag = () => `${process.pid}-${++tags}-${Date.now()}`;
export const TAG_VARIABLE = "ML_PIPELINE_PLAN_TEST_TAG";

/** Processes (other than this one) whose environment carries the tag: /proc/<pid>/environ. */
export function processesTagged(tag: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${TAG_VARIABLE}=${tag}`)) found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** The plan as a command, --quiet, carrying `tag`, from CWD. */
export function runPlan(args: string[], tag: string, timeoutMs = 60_000) {
  return spawnSync(process.execPath, [...RUN, ...args, "--quiet"], { cwd: CWD, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, [TAG_VARIABLE]: tag } });
}
