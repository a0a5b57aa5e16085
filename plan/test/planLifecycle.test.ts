/**
 * The plan as a command never hangs and leaves nothing running: every failure before,
 * during or after the program exits 2 with a message; a program that never finishes is
 * stopped by the supervisor's timeout; a signal stops the plan and its policy pack.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fixture, PLAN_DIR, POLICY_PACK_DIR } from "./support/fixtures";

const RUN = ["-r", path.join(PLAN_DIR, "transpile.js"), path.join(PLAN_DIR, "src", "run.ts")];
/** The plans' working directory, so their default --program: a program of the plan's own (it has no stack "staging"). */
const CWD = fixture("unprotected-program");

/** Processes still running whose command line mentions this fixture or a policy pack started for it. */
function leftovers(marker: string): string[] {
  const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  return ps.filter((l) => l.includes(marker) && !l.includes("ps -eo"));
}
/**
 * Every plan a test starts carries a tag in its environment, which its policy pack and
 * program inherit; a process still running with the tag is one this plan left behind (other
 * plans running at the same time, in another test worker, carry other tags).
 */
let tags = 0;
const newTag = () => `${process.pid}-${++tags}-${Date.now()}`;
const TAG_VARIABLE = "ML_PIPELINE_PLAN_TEST_TAG";

/** Processes (other than this one) whose environment carries the tag: /proc/<pid>/environ. */
function processesTagged(tag: string): string[] {
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

function runPlan(args: string[], tag: string, timeoutMs = 60_000) {
  return spawnSync(process.execPath, [...RUN, ...args, "--quiet"], { cwd: CWD, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, [TAG_VARIABLE]: tag } });
}

describe("the plan as a command: never hangs, nothing left running", function () {
  this.timeout(120_000);

  it("a policy pack started directly ends when the process that started it is killed outright (SIGKILL, no supervisor)", async () => {
    const tag = newTag();
    const client = path.join(PLAN_DIR, "src", "analyzer", "client.ts");
    const starter = spawn(
      process.execPath,
      ["-r", path.join(PLAN_DIR, "transpile.js"), "-e", `require(${JSON.stringify(client)}).PolicyPackProcess.start(${JSON.stringify(POLICY_PACK_DIR)}, 60000, "direct").then(() => console.log("ready"))`],
      { env: { ...process.env, [TAG_VARIABLE]: tag }, stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => starter.stdout!.on("data", (d) => String(d).includes("ready") && resolve()));
    assert.equal(processesTagged(tag).length, 2, "the starter and its pack");
    starter.kill("SIGKILL");
    await new Promise((r) => starter.on("exit", r));
    for (let i = 0; i < 50 && processesTagged(tag).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesTagged(tag), []);
  });

  it("the leftover check finds a process that carries the tag (it can fail)", async () => {
    const tag = newTag();
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { env: { ...process.env, [TAG_VARIABLE]: tag }, stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(processesTagged(tag).length, 1);
    } finally {
      sleeper.kill("SIGKILL");
    }
    await new Promise((r) => sleeper.on("exit", r));
    assert.deepEqual(processesTagged(tag), []);
  });

  it("a program that never finishes is stopped by --timeout: exit 2, a message, no process left", () => {
    const started = Date.now();
    const tag = newTag();
    const r = runPlan(["--program", fixture("busy-loop"), "--stack", "test", "--timeout", "1.5"], tag);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /the program did not finish within 1.5 s \(--timeout\); stopped/);
    // Without --quiet, it says what it waits for before it gives up.
    const loud = spawnSync(process.execPath, [...RUN, "--program", fixture("busy-loop"), "--stack", "test", "--timeout", "2"], { cwd: CWD, encoding: "utf8", timeout: 30_000 });
    assert.equal(loud.status, 2);
    assert.match(loud.stderr, /plan: still waiting for the program after 0\.2 s \(it has not returned, or left work pending\); --timeout 2 stops it\n(.|\n)*did not finish within 2 s/);
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(leftovers(fixture("busy-loop")), []);
    assert.deepEqual(processesTagged(tag), []);
  });

  it("a program that leaves a timer running: the finished plan ends at once with its own status, not at the timeout", () => {
    const started = Date.now();
    const tag = newTag();
    const r = runPlan(["--program", fixture("leaves-timer"), "--stack", "test", "--timeout", "60"], tag);
    assert.equal(r.status, 1, r.stderr); // its topic's key is AWS-managed: a violation, reported as such
    assert.match(r.stdout, /^Offline plan for leaves-timer \/ test/, "the whole plan was written before it ended");
    assert.doesNotMatch(r.stderr, /did not finish/);
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    assert.deepEqual(processesTagged(tag), []);
  });

  it("SIGTERM stops the plan and its policy pack: exit 2, no process left", async () => {
    const tag = newTag();
    const child = spawn(process.execPath, [...RUN, "--program", fixture("busy-loop"), "--stack", "test"], { cwd: CWD, stdio: "pipe", env: { ...process.env, [TAG_VARIABLE]: tag } });
    // Signal once the pack has been started and the program is being evaluated.
    await new Promise<void>((resolve) => {
      let seen = "";
      child.stderr!.on("data", (chunk) => {
        seen += chunk;
        if (seen.includes("plan: evaluating")) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // into the busy loop
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(leftovers(fixture("busy-loop")), []);
    assert.deepEqual(processesTagged(tag), []);
  });

  const failures: [string, string[], RegExp][] = [
    ["a program that calls process.exit", ["--program", fixture("exits-process"), "--stack", "test"], /the program called process.exit\(0\)[^\n]*\n {4}at index\.ts:4:\d+ \(in /],
    ["a program that throws from a timer", ["--program", fixture("throws-from-timer"), "--stack", "test"], /boom from a timer/],
    ["an unknown stack", ["--stack", "staging"], /no stack file Pulumi.staging.yaml/],
    ["a program directory that does not exist", ["--program", "/nonexistent/program", "--stack", "dev"], /no Pulumi.yaml in \/nonexistent\/program/],
    ["a --timeout that is not a number", ["--stack", "dev", "--timeout", "soon"], /--timeout "soon" is not a number of seconds/],
  ];
  for (const [what, args, message] of failures) {
    it(`${what}: exit 2 with a message, no process left`, () => {
      const tag = newTag();
      const r = runPlan(args, tag);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      // No stack trace: at most the one line naming where in the program's own files it happened.
      const frames = r.stderr.split("\n").filter((l) => /^\s+at /.test(l));
      assert.ok(frames.length <= 1 && frames.every((l) => /^ {4}at [\w./-]+\.ts:\d+:\d+ \(in .*\)$/.test(l)), r.stderr);
      assert.deepEqual(processesTagged(tag), []);
    });
  }
});
