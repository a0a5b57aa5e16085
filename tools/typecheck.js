"use strict";
/**
 * `npm run typecheck` (and so `npm test`): `tsc --noEmit -p .` over the whole project,
 * incremental, and not run again while nothing it reads has changed since it last passed.
 *
 * Even incremental, tsc parses every declaration file it reads (about 4,000, most of them
 * @pulumi/aws's) on every run: 6 to 9 s on two cores. After a run that passes, this writes a
 * fingerprint of what that run read: every file tsc listed (`--listFiles`: the program's own
 * files, the packages' declarations, TypeScript's libs) and every TypeScript and JSON file of
 * the project outside node_modules (so that a new file that could join the program counts
 * too), each by path, size and modification time, with the installed packages
 * (node_modules/.package-lock.json) and the compiler's arguments. While the fingerprint is
 * the same, the check would read the same files and pass again, so it is skipped, as
 * `tsc -b` skips a project that is up to date (which looks only at the root files, not at
 * what they import). A failing run writes no fingerprint, so it runs again until it passes.
 * Plain JavaScript, so that it needs no transpiling; TypeScript is loaded only to check.
 *
 *   node tools/typecheck.js           ML_PIPELINE_TYPECHECK_FORCE=1: run tsc whatever the fingerprint
 */
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.dirname(__dirname);
const CACHE = path.join(ROOT, "node_modules", ".cache", "ml-pipeline");
const STAMP = path.join(CACHE, "typecheck.stamp.json");
const TSC = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
const ARGS = ["--noEmit", "-p", ROOT, "--incremental", "--tsBuildInfoFile", path.join(CACHE, "typecheck.tsbuildinfo")];
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);
const WATCHED = /\.(ts|tsx|mts|cts|json)$/;

/** Every TypeScript or JSON file of the project outside node_modules, sorted. */
function projectFiles(dir = ROOT, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) projectFiles(p, out);
    } else if (WATCHED.test(e.name)) {
      out.push(p);
    }
  }
  return out.sort();
}

/** `path size mtime` of a file ("missing" when it is gone). */
function stat(file) {
  try {
    const s = fs.statSync(file);
    return `${file}\t${s.size}\t${s.mtimeMs}`;
  } catch {
    return `${file}\tmissing`;
  }
}

function fingerprint(listed, project) {
  const hash = crypto.createHash("sha256");
  hash.update(`${JSON.stringify(ARGS)}\n${stat(path.join(ROOT, "node_modules", ".package-lock.json"))}\n`);
  for (const line of project) hash.update(`${line}\n`);
  hash.update("--\n");
  for (const file of listed) hash.update(`${stat(file)}\n`);
  return hash.digest("hex");
}

function readStamp() {
  try {
    const s = JSON.parse(fs.readFileSync(STAMP, "utf8"));
    return Array.isArray(s.files) && typeof s.fingerprint === "string" ? s : undefined;
  } catch {
    return undefined;
  }
}

function main() {
  const before = projectFiles().map(stat);
  const stamp = readStamp();
  if (!process.env.ML_PIPELINE_TYPECHECK_FORCE && stamp && fingerprint(stamp.files, before) === stamp.fingerprint) {
    process.stderr.write(`typecheck: the ${stamp.files.length} files tsc read when it last passed are unchanged; not run again\n`);
    return 0;
  }
  try {
    fs.rmSync(STAMP, { force: true });
  } catch {
    // an unwritable cache: tsc runs every time
  }
  const r = spawnSync(process.execPath, [TSC, ...ARGS, "--listFiles", ...(process.stdout.isTTY ? ["--pretty"] : [])], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] });
  if (r.error) throw r.error;
  // --listFiles prints each file the program read, one absolute path a line; everything else is tsc's report.
  const listed = [];
  const report = [];
  for (const line of r.stdout.split("\n")) {
    if (path.isAbsolute(line) && !line.includes("): error") && fs.existsSync(line)) listed.push(line);
    else if (line !== "") report.push(line);
  }
  if (report.length > 0) process.stdout.write(`${report.join("\n")}\n`);
  if (r.status !== 0) return r.status ?? 2;
  // Only when no project file changed while tsc ran: what it checked is what the fingerprint says.
  const after = projectFiles().map(stat);
  if (after.join("\n") === before.join("\n")) {
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      fs.writeFileSync(STAMP, JSON.stringify({ fingerprint: fingerprint(listed, before), files: listed }));
    } catch {
      // not cached: the next run checks again
    }
  }
  return 0;
}

process.exitCode = main();
