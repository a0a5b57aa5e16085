/**
 * The structure of the three packages, judged by dependency-cruiser with the rules in
 * .dependency-cruiser.cjs: no import cycle, no import from a lower layer up to a higher one,
 * the pack self-contained and used only through its public entry, the plan independent of
 * the program. A scratch tree that breaks each rule shows the referee can fail.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./support/stacks";

const CONFIG = path.join(PROJECT_DIR, ".dependency-cruiser.cjs");
const CLI = path.join(PROJECT_DIR, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/**
 * What dependency-cruiser's verdict depends on besides the cruised sources, which its own
 * cache does not watch (it re-reads changed sources and rules, not the manifests that decide
 * how an import resolves): its version, the rules, the TypeScript configs, every workspace
 * manifest and what is installed.
 */
const RESOLUTION_INPUTS = [".dependency-cruiser.cjs", "tsconfig.json", "policies/tsconfig.json", "policies/test/tsconfig.json", "package.json", "policies/package.json", "plan/package.json", "package-lock.json", "node_modules/.package-lock.json", "node_modules/dependency-cruiser/package.json"];

/** dependency-cruiser's cache for this tree: one directory per state of RESOLUTION_INPUTS (older ones removed). */
function cacheDir(): string {
  const hash = crypto.createHash("sha256");
  for (const f of RESOLUTION_INPUTS) {
    const file = path.join(PROJECT_DIR, f);
    hash.update(f).update("\0").update(fs.existsSync(file) ? fs.readFileSync(file) : "(absent)").update("\0");
  }
  const root = path.join(PROJECT_DIR, "node_modules", ".cache", "dependency-cruiser");
  const key = hash.digest("hex").slice(0, 32);
  if (fs.existsSync(root)) for (const old of fs.readdirSync(root)) if (old !== key) fs.rmSync(path.join(root, old), { recursive: true, force: true });
  return path.join(root, key);
}

/**
 * dependency-cruiser's verdict over `roots`. With `cache`, its own cache by content (a changed
 * source or rule is cruised again), in a directory keyed by everything else the verdict
 * depends on (cacheDir), so that an unchanged tree is not parsed again on every run.
 */
function cruise(cwd: string, roots: string[], cache = false): { modules: { source: string }[]; violations: Violation[] } {
  const cached = cache ? ["--cache", cacheDir(), "--cache-strategy", "content"] : [];
  const r = spawnSync(process.execPath, [CLI, "--config", CONFIG, "--output-type", "json", ...cached, ...roots], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.ok(r.stdout, `depcruise printed nothing (exit ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { modules: out.modules, violations: out.summary.violations };
}

describe("the structure of the three packages (dependency-cruiser)", function () {
  this.timeout(60_000);

  let repository: ReturnType<typeof cruise>;
  before(() => {
    repository = cruise(PROJECT_DIR, ["index.ts", "components", "stacks", "workflow", "lib", "policies", "plan", "tools"], true);
  });

  it("holds: no cycle, no upward import, the pack by its public entry only, the plan free of the program", () => {
    const { modules, violations } = repository;
    assert.deepEqual(
      violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
      [],
    );
    // It saw the whole of each package (not an empty cruise that trivially passes).
    for (const dir of ["components/", "stacks/", "workflow/tasks/", "lib/", "policies/rules/", "plan/src/engine/", "plan/src/analyzer/"]) {
      const here = fs.readdirSync(path.join(PROJECT_DIR, dir)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"));
      const seen = modules.filter((m) => m.source.startsWith(dir) && !m.source.slice(dir.length).includes("/"));
      assert.equal(seen.length, here.length, `${dir}: cruised ${seen.length} of ${here.length} files`);
    }
  });

  it("the program and the plan reach the pack through `ml-pipeline-policies`, which resolves to its public entry", () => {
    const { modules } = repository;
    for (const source of ["stacks/configSchema.ts", "plan/src/plan.ts"]) {
      const deps = (modules.find((m) => m.source === source) as any).dependencies as { module: string; resolved: string }[];
      const pack = deps.filter((d) => d.resolved.startsWith("policies/"));
      assert.ok(pack.length > 0, `${source} uses the pack`);
      for (const d of pack) assert.deepEqual([d.module, d.resolved], ["ml-pipeline-policies", "policies/bin/api.d.ts"], source);
    }
  });

  it("is a real referee: a tree that breaks each rule gets each rule's name", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "architecture-"));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      write("tsconfig.json", JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
      write("stacks/model.ts", 'import { component } from "../components/thing";\nexport const model = component;\n');
      write("components/thing.ts", 'import { model } from "../stacks/model";\nimport { run } from "../plan/src/cli";\nexport const component = () => [model, run];\n');
      write("policies/api.ts", 'export { rule } from "./rules/rule";\n');
      write("policies/rules/rule.ts", 'import { model } from "../../stacks/model";\nimport { fixture } from "../test/support/fixture";\nexport const rule = [model, fixture];\n');
      write("policies/test/support/fixture.ts", "export const fixture = 1;\n");
      write("test/support/shared.ts", "export const shared = 1;\n");
      // The layers, each importing one above it; the pack importing the plan.
      write("index.ts", "export const entry = 1;\n");
      write("lib/helper.ts", 'import { step } from "../workflow/step";\nexport const helper = step;\n');
      write("workflow/step.ts", 'import { Thing } from "../components/other";\nexport const step = Thing;\n');
      write("components/other.ts", 'import { entry } from "../index";\nexport const Thing = entry;\n');
      write("policies/rules/planned.ts", 'import { run } from "../../plan/src/cli";\nexport const planned = run;\n');
      write("plan/test/cli.test.ts", 'import { shared } from "../../test/support/shared";\nexport const t = shared;\n');
      write("plan/src/cli.ts", 'import { rule } from "../../policies/rules/rule";\nimport { model } from "../../stacks/model";\nimport { gone } from "./missing";\nexport const run = [rule, model, gone];\n');
      const names = new Set(cruise(dir, ["index.ts", "stacks", "lib", "workflow", "components", "policies", "plan", "test"]).violations.map((v) => v.rule.name));
      for (const rule of [
        "no-circular",
        "resolvable",
        "stacks-is-the-bottom-layer",
        "pack-is-self-contained",
        "pack-code-never-imports-its-tests",
        "package-tests-stand-alone",
        "pack-never-imports-the-plan",
        "lib-below-workflow",
        "workflow-below-components",
        "components-below-the-entry",
        "pack-only-by-its-public-entry",
        "plan-never-imports-the-program",
        "program-never-imports-the-plan",
      ]) {
        assert.ok(names.has(rule), `${rule} did not fire (fired: ${[...names].join(", ")})`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
