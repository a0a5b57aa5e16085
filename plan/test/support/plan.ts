/** The plan's CLI run in this process (`main` with captured output). */
import * as fs from "fs";
import * as path from "path";
import { main, SpawnPack } from "../../src/cli";
import { PolicyPackProcess } from "../../src/analyzer/client";

export { fixture } from "./fixtures";

/**
 * Policy pack processes kept between the plans of one test process, by pack directory and
 * build: a plan configures the pack it gets (levels, knobs, stack) before it analyzes
 * anything, so a pack that served one plan serves the next exactly as a fresh one would,
 * without the second or so of CPU a start costs. Only packs started directly are kept: their
 * stdin is this process's pipe, so they end with it (test/planLifecycle.test.ts starts the
 * plan as a command, with a pack of its own). The plan itself always starts its own.
 */
const idle = new Map<string, PolicyPackProcess[]>();

export const pooledSpawn: SpawnPack = (packDir, timeoutMs, launcher) => {
  if (launcher !== "direct") return PolicyPackProcess.spawn(packDir, timeoutMs, launcher);
  const main = path.join(packDir, JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")).main);
  const key = `${packDir}\0${fs.statSync(main).mtimeMs}`;
  const reused = idle.get(key)?.pop();
  const fresh = reused ? undefined : PolicyPackProcess.spawn(packDir, timeoutMs, launcher);
  // Once: a plan may both stop and kill the pack it was given (an error after the pack
  // was taken over), and a pack pooled twice would serve two judges of one plan at once.
  const release = (pack: PolicyPackProcess) => {
    if (!idle.has(key)) idle.set(key, []);
    if (!idle.get(key)!.includes(pack)) idle.get(key)!.push(pack);
  };
  // Once back in the pool (the plan stopped it), a later kill of the same handle (a plan that
  // failed after taking the pack over) must not end a process the pool hands out again.
  let pooled = false;
  return {
    connect: async () => {
      const pack = reused ?? (await fresh!.connect());
      // The plan stops its pack when done: this one goes back to the pool instead.
      return Object.create(pack, {
        stop: {
          value: () => {
            pooled = true;
            release(pack);
          },
        },
      }) as PolicyPackProcess;
    },
    kill: () => {
      if (pooled) return;
      if (reused) release(reused);
      else fresh!.kill();
    },
  };
};

/** Runs `npm run plan -- <args>` in-process: its exit status and what it wrote to stdout and stderr. */
export async function runPlanCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const write = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) });
  const io = { stdout: write((s) => (stdout += s)), stderr: write((s) => (stderr += s)) } as unknown as Parameters<typeof main>[1];
  const code = await main(args, io, pooledSpawn);
  return { code, stdout, stderr };
}
