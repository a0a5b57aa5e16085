/**
 * plan/transpile.js, the require hook of the plan, the bench and this suite: what it runs is
 * what sucrase makes of the file as it is now (a cached result is never served for changed
 * source), and it still runs where its cache cannot be written.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLAN_DIR } from "./support/fixtures";

const HOOK = path.join(PLAN_DIR, "transpile.js");
const run = (file: string, env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, ["-r", HOOK, file], { encoding: "utf8", env });

describe("the TypeScript require hook (plan/transpile.js)", function () {
  this.timeout(30_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "transpile-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs TypeScript (types stripped, `export =` and imports converted), and a changed file runs as changed", () => {
    const file = path.join(dir, `program-${process.pid}.ts`);
    const program = (word: string) => `import * as path from "path";\nconst greeting: string = "${word}";\nexport = (x: number): string => path.basename("/a/" + greeting) + x;\nconsole.log((module.exports as (x: number) => string)(1));\n`;
    fs.writeFileSync(file, program("first"));
    assert.deepEqual([run(file).status, run(file).stdout], [0, "first1\n"], "the second run is served from the cache");
    fs.writeFileSync(file, program("second"));
    const changed = run(file);
    assert.equal(changed.stdout, "second1\n", changed.stderr);
  });

  it("runs where its cache cannot be written", () => {
    const file = path.join(dir, `uncached-${process.pid}.ts`);
    fs.writeFileSync(file, "const n: number = 41;\nconsole.log(n + 1);\n");
    const r = run(file, { ...process.env, ML_PIPELINE_TRANSPILE_CACHE: "/dev/null/cache" });
    assert.deepEqual([r.status, r.stdout], [0, "42\n"], r.stderr);
  });

  it("a syntax error is reported with the file", () => {
    const file = path.join(dir, `broken-${process.pid}.ts`);
    fs.writeFileSync(file, "const x: = 1;\n");
    const r = run(file);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`broken-${process.pid}\\.ts`));
  });
});
