/**
 * The plan as a command never hangs and leaves nothing running: every failure before,
 * during or after the program exits 2 with a message, and a pack whose starter is killed
 * outright ends too. (A program that never finishes, stopped by the supervisor's timeout,
 * and signals: plan/test/planTimeouts.test.ts.)
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { fixture, PLAN_DIR, POLICY_PACK_DIR } from "./support/fixtures";
import { newTag, processesTagged, runPlan, TAG_VARIABLE } from "./support/lifecycle";

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
