/**
 * plan/src/lazySdkModules.js: the plan and each policy pack start without the modules the
 * Pulumi SDK loads only for closure serialization and code packaging (the TypeScript
 * compiler, npm's Arborist, normalize-package-data), and the SDK functions that do use them
 * answer exactly as without the stand-ins. Judged against the SDK itself, in two fresh
 * processes (a test process may have loaded the SDK already): one with the stand-ins, one without.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLAN_DIR } from "./support/fixtures";

/** What a process learns of the SDK: the deferred modules loaded before and after the two calls, and the calls' answers. */
const PROBE = `
if (process.argv[1] === "with-stand-ins") require(${JSON.stringify(path.join(PLAN_DIR, "src", "lazySdkModules.js"))}).installLazySdkModules();
const pulumi = require(${JSON.stringify(path.dirname(require.resolve("@pulumi/pulumi/package.json")))});
const deferred = () => [...new Set(Object.keys(require.cache).map((f) => /node_modules\\/(typescript|@npmcli\\/arborist|normalize-package-data)\\//.exec(f)?.[1]).filter(Boolean))].sort();
(async () => {
  const before = deferred();
  const codePaths = [...(await pulumi.runtime.computeCodePaths()).keys()];
  const offset = 40;
  const closure = (await pulumi.runtime.serializeFunction((x) => x + offset + 2)).text;
  process.stdout.write(JSON.stringify({ before, after: deferred(), codePaths, closure }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe("the SDK's closure and packaging modules load on first use only (lazySdkModules.js)", function () {
  this.timeout(60_000);
  let app = "";
  const probe = (mode: string) => {
    // From a directory below the program's root: Arborist must be given the root (its default is the working directory).
    const r = spawnSync(process.execPath, ["-e", PROBE, mode], { cwd: path.join(app, "src"), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { before: string[]; after: string[]; codePaths: string[]; closure: string };
  };
  before(() => {
    // A program with one installed dependency: what computeCodePaths packages. Its
    // dependencies are a list, which only normalize-package-data turns into the object
    // Arborist reads: a stand-in that skipped it would package nothing.
    app = fs.mkdtempSync(path.join(os.tmpdir(), "lazy-sdk-"));
    fs.mkdirSync(path.join(app, "node_modules", "tiny"), { recursive: true });
    fs.mkdirSync(path.join(app, "src"));
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", dependencies: ["tiny"] }));
    fs.writeFileSync(path.join(app, "node_modules", "tiny", "package.json"), JSON.stringify({ name: "tiny", version: "1.0.0", main: "index.js" }));
    fs.writeFileSync(path.join(app, "node_modules", "tiny", "index.js"), "module.exports = 1;\n");
  });
  after(() => app && fs.rmSync(app, { recursive: true, force: true }));

  it("none is loaded with the SDK; each loads when the SDK uses it, and the answers are the SDK's own", () => {
    const lazy = probe("with-stand-ins");
    const eager = probe("without");
    const all = ["@npmcli/arborist", "normalize-package-data", "typescript"];
    assert.deepEqual(eager.before, all, "the SDK loads all three at its start (so the stand-ins have something to defer)");
    assert.deepEqual(lazy.before, [], "with the stand-ins, none at the start");
    assert.deepEqual(lazy.after, all, "each loaded once the SDK used it");
    assert.deepEqual(lazy.codePaths, ["../node_modules/tiny"]);
    assert.deepEqual(lazy.codePaths, eager.codePaths);
    assert.match(lazy.closure, /x \+ offset \+ 2/);
    assert.equal(lazy.closure, eager.closure);
  });
});
