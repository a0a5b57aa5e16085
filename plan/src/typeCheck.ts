/**
 * `--type-check`: what `pulumi preview` does before it runs a TypeScript program (ts-node with
 * type-checking): the program's own tsconfig.json when it has one, else its entry file with
 * the compiler options a Pulumi TypeScript project starts from. The plan itself transpiles
 * without checking types (fast); this is the check it otherwise skips.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";

/** The compiler's error lines, each naming file, line and column; empty when the program type-checks. */
export function typeErrors(programDir: string): string[] {
  const tsc = require.resolve("typescript/bin/tsc");
  const tsconfig = path.join(programDir, "tsconfig.json");
  let args: string[];
  if (fs.existsSync(tsconfig)) {
    args = ["--noEmit", "--pretty", "false", "-p", tsconfig];
  } else {
    const pkg = path.join(programDir, "package.json");
    const main = fs.existsSync(pkg) ? (JSON.parse(fs.readFileSync(pkg, "utf8")).main as string | undefined) : undefined;
    const entry = path.join(programDir, main && /\.ts$/.test(main) ? main : "index.ts");
    if (!fs.existsSync(entry)) return [];
    // The options of Pulumi's TypeScript project templates (strict, commonjs, node resolution).
    args = ["--noEmit", "--pretty", "false", "--strict", "--target", "es2020", "--module", "commonjs", "--moduleResolution", "node", "--esModuleInterop", "--skipLibCheck", entry];
  }
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: programDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 0) return [];
  const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));
  return lines.length > 0 ? lines : [`the TypeScript compiler failed (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`];
}
