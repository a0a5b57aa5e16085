/**
 * The plan as a command never hangs and leaves nothing running: a program that never
 * finishes (busy, or idle waiting) is stopped by the supervisor's timeout; a finished plan ends even when its program
 * left a timer; a signal stops the plan and its policy pack. (Other failures:
 * plan/test/planLifecycle.test.ts; its own file, so that the two run in parallel.)
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import { fixture } from "./support/fixtures";
import { CWD, leftovers, newTag, processesTagged, RUN, runPlan, TAG_VARIABLE } from "./support/lifecycle";

describe("the plan as a command: never hangs, nothing left running", function () {
  this.timeout(120_000);

  it("a program that never finishes is stopped by --timeout: exit 2, a message, no process left", () => {
    const started = Date.now();
    const tag = newTag();
    // Without --quiet (one run: a busy loop holds a core until the timeout), so that it also
    // says what it waits for before it gives up.
    const r = spawnSync(process.execPath, [...RUN, "--program", fixture("busy-loop"), "--stack", "test", "--timeout", "1.5"], { cwd: CWD, encoding: "utf8", timeout: 30_000, env: { ...process.env, [TAG_VARIABLE]: tag } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /plan: still waiting for the program after 0\.2 s \(it has not returned, or left work pending\); --timeout 1\.5 stops it\n(.|\n)*the program did not finish within 1\.5 s \(--timeout\); stopped/);
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(leftovers(fixture("busy-loop")), []);
    assert.deepEqual(processesTagged(tag), []);
  });

  it("--quiet: a program that waits forever (an output that never resolves) is stopped by --timeout just the same: exit 2, the message and nothing else, no process left", () => {
    const tag = newTag();
    const r = runPlan(["--program", fixture("never-settles"), "--stack", "test", "--timeout", "1.5"], tag);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "plan: the program did not finish within 1.5 s (--timeout); stopped\n", "quiet: no notice, only why it stopped");
    assert.equal(r.stdout, "");
    assert.deepEqual(leftovers(fixture("never-settles")), []);
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
});
