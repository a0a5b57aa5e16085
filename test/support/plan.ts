/** The plan's CLI run in this process (`main` with captured output). */
import { main } from "../../plan/src/cli";

export { fixture } from "./stacks";

/** Runs `npm run plan -- <args>` in-process: its exit status and what it wrote to stdout and stderr. */
export async function runPlanCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const write = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) });
  const io = { stdout: write((s) => (stdout += s)), stderr: write((s) => (stderr += s)) } as unknown as Parameters<typeof main>[1];
  const code = await main(args, io);
  return { code, stdout, stderr };
}
