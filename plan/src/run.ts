/**
 * `npm run plan`: the plan's supervisor. It runs the plan (cli.ts) in a child process of
 * its own process group and owns its lifetime, so that nothing outlives it:
 *  - a program that never settles or busy-loops is stopped after `--timeout` seconds
 *    (default 120; a 50-pipeline stack plans in under 20 s): exit 2 with a message, after a
 *    notice at a tenth of it (at most 10 s) that the plan is still waiting for the program;
 *  - SIGINT/SIGTERM stop the plan and its policy pack together (the pack is in the group);
 *  - the plan's own exit status passes through (0, 1, 2); a plan killed by a signal is 2.
 * The supervisor loads nothing but Node's own modules, so it adds little to the plan's time.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const DEFAULT_TIMEOUT_SECONDS = 120;
const TRANSPILE = path.join(__dirname, "..", "transpile.js");

/**
 * This process's Node options for the plan: the TypeScript hook once, however the supervisor
 * was started (`node -r …/transpile.js run.ts`, or the package's bin, which registers it itself).
 */
function nodeOptionsWithTranspile(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "-r" || argv[i] === "--require") && /transpile\.js$/.test(argv[i + 1] ?? "")) {
      i++;
      continue;
    }
    out.push(argv[i]);
  }
  return [...out, "-r", TRANSPILE];
}

function timeoutSeconds(argv: string[]): number | string {
  const i = argv.findIndex((a) => a === "--timeout" || a.startsWith("--timeout="));
  if (i < 0) return DEFAULT_TIMEOUT_SECONDS;
  const raw = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : `--timeout "${raw ?? ""}" is not a number of seconds > 0`;
}

/**
 * Whether a process of the group still runs. SIGKILL takes effect a few milliseconds after
 * kill() returns, and a killed process whose parent already ended stays a zombie until init
 * reaps it (a second, in some containers): on Linux, read the group's members from /proc and
 * count only those not yet dead; elsewhere, ask the kernel about the group.
 */
function groupRunning(pgid: number): boolean {
  if (!fs.existsSync("/proc/self/stat")) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // After the command name in parentheses: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/** Resolves once nothing of the group runs, or after `limitMs` (a process the kernel has not ended by then is not waited for). */
function groupEnded(pgid: number, limitMs = 2000): Promise<void> {
  const until = Date.now() + limitMs;
  return new Promise((resolve) => {
    const poll = () => (!groupRunning(pgid) || Date.now() > until ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

function supervise(argv: string[]): void {
  const timeout = timeoutSeconds(argv);
  if (typeof timeout === "string") {
    process.stderr.write(`plan: ${timeout}\n`);
    process.exitCode = 2;
    return;
  }
  const child = spawn(process.execPath, [...nodeOptionsWithTranspile(), path.join(__dirname, "cli.ts"), ...argv], { stdio: "inherit", detached: true });
  let stopped: string | undefined;
  const stopGroup = (why: string) => {
    stopped ??= why;
    try {
      process.kill(-child.pid!, "SIGKILL"); // the plan and its policy pack
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => stopGroup(`the program did not finish within ${timeout} s (--timeout); stopped`), timeout * 1000);
  // Nothing on the terminal for minutes reads as a hang: say what the plan waits for, once.
  const quiet = argv.includes("--quiet");
  const notice = setTimeout(
    () => quiet || process.stderr.write(`plan: still waiting for the program after ${Math.round(Math.min(timeout / 10, 10) * 10) / 10} s (it has not returned, or left work pending); --timeout ${timeout} stops it\n`),
    Math.min(timeout / 10, 10) * 1000,
  );
  const onSignal = (signal: NodeJS.Signals) => stopGroup(`stopped by ${signal}`);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", () => stopGroup("supervisor exited"));
  child.on("exit", (code, signal) => {
    clearTimeout(timer);
    clearTimeout(notice);
    stopGroup("plan ended"); // whatever the plan left in its group (it should leave nothing)
    if (stopped && stopped !== "plan ended") process.stderr.write(`plan: ${stopped}\n`);
    process.exitCode = code ?? 2;
    if (signal && code === null) process.exitCode = 2;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // The supervisor ends after its group: the policy pack is killed, not merely signalled.
    void groupEnded(child.pid!);
  });
}

supervise(process.argv.slice(2));
