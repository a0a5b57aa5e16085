/**
 * The pack and the plan as another repository gets them: `npm pack` of each workspace
 * package, unpacked into a scratch project outside this repository (as `npm install <tarball>`
 * lays a package out), beside a program that is not ours. Their declared dependencies are
 * linked from this repository's node_modules at the versions the lockfile pins (the scratch
 * project cannot reach the registry in CI); nothing else of this repository is reachable.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./support/stacks";

const PACKAGES = { pack: "ml-pipeline-policies", plan: "ml-pipeline-plan" } as const;

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** `npm pack` of both workspaces (already built by `npm test`; no prepack rebuild): tarball path and file list per package. */
function packWorkspaces(dest: string): Record<string, { tarball: string; files: string[] }> {
  const r = spawnSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest, "-w", PACKAGES.pack, "-w", PACKAGES.plan], { cwd: PROJECT_DIR, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out: Record<string, { tarball: string; files: string[] }> = {};
  for (const p of JSON.parse(r.stdout)) out[p.name] = { tarball: path.join(dest, p.filename), files: p.files.map((f: { path: string }) => f.path) };
  return out;
}

/** Links a dependency from this repository's node_modules into `nodeModules`, after checking it is the version the package declares. */
function linkDependency(nodeModules: string, name: string, declared: string): void {
  const source = path.join(PROJECT_DIR, "node_modules", name);
  // (@pulumi/policy's manifest spells its version "v1.21.0")
  assert.equal(String(readJson(path.join(source, "package.json")).version).replace(/^v/, ""), declared, `${name}: the lockfile's version is the declared one`);
  const target = path.join(nodeModules, name);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(fs.realpathSync(source), target, "dir");
}

describe("the pack and the plan, installed from their tarballs into another project", function () {
  this.timeout(120_000);
  let scratch: string;
  let packed: Record<string, { tarball: string; files: string[] }>;
  let nodeModules: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "outside-project-"));
    packed = packWorkspaces(scratch);
    nodeModules = path.join(scratch, "node_modules");
    for (const name of Object.values(PACKAGES)) {
      const dir = path.join(nodeModules, name);
      fs.mkdirSync(dir, { recursive: true });
      const r = spawnSync("tar", ["-xzf", packed[name].tarball, "-C", dir, "--strip-components", "1"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const deps = readJson(path.join(dir, "package.json")).dependencies as Record<string, string>;
      for (const [dep, version] of Object.entries(deps)) if (!Object.values(PACKAGES).includes(dep as never)) linkDependency(nodeModules, dep, version);
    }
    // The program, in a folder of its own with its own dependencies, as its package.json would
    // name them: the provider SDK is the program's alone (the plan must find it there).
    const app = path.join(scratch, "app");
    fs.cpSync(path.join(PROJECT_DIR, "plan", "test", "fixtures", "unprotected-program"), app, { recursive: true });
    for (const dep of ["@pulumi/pulumi", "@pulumi/aws"]) linkDependency(path.join(app, "node_modules"), dep, readJson(path.join(PROJECT_DIR, "node_modules", dep, "package.json")).version);
    assert.ok(!fs.existsSync(path.join(nodeModules, "@pulumi", "aws")), "nothing beside the plan provides @pulumi/aws");
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("the pack's tarball holds its runnable main, its public entry with types, its Pulumi manifest and README, and no TypeScript source", () => {
    const files = packed[PACKAGES.pack].files;
    for (const f of ["package.json", "PulumiPolicy.yaml", "README.md", "bin/index.js", "bin/api.js", "bin/api.d.ts", "bin/rules/index.js"]) assert.ok(files.includes(f), f);
    assert.deepEqual(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), []);
  });

  it("another project imports the pack's public entry by name, without constructing a policy pack; its internals are not importable", () => {
    const script = [
      'const api = require("ml-pipeline-policies");',
      'console.log(JSON.stringify({ rules: api.allRules.length, gpu: api.instanceTypeProblem("ml.p3.2xlarge", "training") ?? null, cost: typeof api.estimateMonthlyCost }));',
      'try { require("ml-pipeline-policies/bin/rules/index.js"); console.log("internal reachable"); } catch (e) { console.log(e.code); }',
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", script], { cwd: scratch, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [summary, internal] = r.stdout.trim().split("\n");
    const s = JSON.parse(summary);
    assert.ok(s.rules >= 20, `${s.rules} rules`);
    assert.equal(s.gpu, null, "a training type SageMaker offers is accepted");
    assert.equal(s.cost, "function");
    assert.equal(internal, "ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("a TypeScript consumer type-checks against the declarations the tarball ships (and a wrong use fails)", () => {
    const tsc = path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc");
    // One compiler run over a right and a wrong consumer: errors in the wrong one only.
    fs.writeFileSync(path.join(scratch, "right.ts"), 'import { instanceTypeProblem, InstanceUse, hourlyPrice } from "ml-pipeline-policies";\nconst use: InstanceUse = "hosting";\nexport const p: string | undefined = instanceTypeProblem("ml.m5.large", use);\nexport const h: number | undefined = hourlyPrice("ml.m5.large");\n');
    fs.writeFileSync(path.join(scratch, "wrong.ts"), 'import { instanceTypeProblem } from "ml-pipeline-policies";\nexport const p: number = instanceTypeProblem("ml.m5.large", "gaming");\n');
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "commonjs", "--moduleResolution", "node10", "--types", "node", "--typeRoots", path.join(PROJECT_DIR, "node_modules", "@types"), "right.ts", "wrong.ts"], { cwd: scratch, encoding: "utf8" });
    const errors = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
    assert.ok(errors.length > 0, "the wrong consumer is refused");
    assert.deepEqual(errors.filter((l) => !l.startsWith("wrong.ts")), [], "the right consumer compiles");
    assert.ok(errors.some((l) => /"gaming"/.test(l)), errors.join("\n"));
    assert.ok(errors.some((l) => /not assignable to type 'number'/.test(l)), errors.join("\n"));
  });

  it("the plan's command plans an outside program (with its own @pulumi/aws) with the installed pack by default, and exits 1 on its mandatory violations", () => {
    const bin = path.join(nodeModules, PACKAGES.plan, readJson(path.join(nodeModules, PACKAGES.plan, "package.json")).bin[PACKAGES.plan]);
    const r = spawnSync(process.execPath, [bin, "--stack", "test", "--json"], { cwd: path.join(scratch, "app"), encoding: "utf8", timeout: 90_000 });
    assert.equal(r.status, 1, r.stderr);
    const plan = JSON.parse(r.stdout);
    // The pack it judged by is the one unpacked from the tarball, not this repository's policies/.
    assert.ok(r.stderr.includes(`starting policy pack ${path.join("..", "node_modules", PACKAGES.pack)} `), r.stderr);
    assert.ok(!r.stderr.includes(PROJECT_DIR), r.stderr);
    const judged = new Set(plan.violations.map((v: { policy: string }) => v.policy));
    for (const policy of ["kms-key-rotation", "sns-topic-kms", "iam-no-wildcard-actions"]) assert.ok(judged.has(policy), `${policy} in ${[...judged].join(", ")}`);
    assert.ok(plan.resources.length >= 8, `${plan.resources.length} resources`);
    // The plan ran its own TypeScript from node_modules through its hook, caching into the project's node_modules/.cache.
    assert.ok(fs.existsSync(path.join(nodeModules, ".cache", "ml-pipeline", "transpiled")));
  });
});
