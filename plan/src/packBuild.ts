/** Light helpers the CLI needs before it loads the Pulumi SDK. */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";

/** A failure that is the user's to fix (exit status 2), with its message as is. */
export class PlanInputError extends Error {}

/**
 * A TypeScript pack whose `main` is compiled JavaScript (this project's: built by
 * `npm ci`, see package.json "prepare") is rebuilt when a source is newer than the
 * build, so that the plan never runs stale rules.
 */
export function ensurePackBuilt(packDir: string, progress: (line: string) => void): void {
  const pkgFile = path.join(packDir, "package.json");
  const tsconfig = path.join(packDir, "tsconfig.json");
  if (!fs.existsSync(pkgFile) || !fs.existsSync(tsconfig)) return;
  const main = JSON.parse(fs.readFileSync(pkgFile, "utf8")).main;
  if (typeof main !== "string" || !main.endsWith(".js")) return;
  const mainFile = path.join(packDir, main);
  // An incremental build rewrites only what changed, and its build info every time it builds:
  // the later of the two is when the pack was last built.
  const buildInfo = path.join(path.dirname(mainFile), ".tsbuildinfo");
  const built = fs.existsSync(mainFile) ? Math.max(fs.statSync(mainFile).mtimeMs, fs.existsSync(buildInfo) ? fs.statSync(buildInfo).mtimeMs : 0) : 0;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      if (e.name === "node_modules" || e.name === "bin" || (dir === packDir && e.name === "test") || e.name.startsWith(".")) return m; // top-level tests are not built
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : e.name.endsWith(".ts") ? fs.statSync(p).mtimeMs : 0);
    }, 0);
  if (newest(packDir) <= built) return;
  progress("policy pack sources are newer than its build; compiling");
  const tsc = require.resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8" });
  if (r.status !== 0) throw new PlanInputError(`the policy pack does not compile:\n${r.stdout}${r.stderr}`);
  // Built now, even where nothing needed emitting (a source touched, not changed).
  const now = new Date();
  fs.utimesSync(fs.existsSync(buildInfo) ? buildInfo : mainFile, now, now);
}

