/**
 * A TypeScript pack whose `main` is its compiled JavaScript (as `npm ci` builds this
 * project's) is rebuilt by the plan when a source is newer than the build, so that a plan
 * never runs stale rules; a pack that does not compile stops the plan (exit 2) with the
 * compiler's errors, and nothing is planned.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fixture, runPlanCli } from "./support/plan";

/** The node_modules that holds @pulumi/policy, linked into the scratch pack so that its main resolves it. */
const NODE_MODULES = path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/policy/package.json"))));

/**
 * A one-rule pack: buckets are not allowed, and the violation says `message`. Its `require`
 * is untyped, so that its compile reads the ES2022 library alone (a fraction of the
 * seconds a pack typed against @pulumi/policy takes); the plan's build step is the same.
 */
const packSource = (message: string, language: "ts" | "js" = "ts") => `${language === "ts" ? "declare function require(id: string): any;\n" : ""}const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("tiny", {
  policies: [
    {
      name: "no-buckets",
      description: "Buckets are not allowed.",
      enforcementLevel: "mandatory",
      validateResource: (args${language === "ts" ? ": { type: string }" : ""}, report${language === "ts" ? ": (message: string) => void" : ""}) => {
        if (args.type === "aws:s3/bucket:Bucket") report(${JSON.stringify(message)});
      },
    },
  ],
});
`;

describe("a TypeScript pack is built before the plan runs it", function () {
  this.timeout(120_000);
  let pack = "";
  before(() => {
    pack = fs.mkdtempSync(path.join(os.tmpdir(), "ts-pack-build-"));
    fs.symlinkSync(NODE_MODULES, path.join(pack, "node_modules"), "dir");
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: One rule, for the plan's build step.\n");
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "tiny-pack", version: "1.0.0", private: true, main: "bin/index.js" }));
    // Incremental, as this repository's pack is: its build info counts as its build time.
    const compilerOptions = { strict: true, target: "ES2022", module: "commonjs", lib: ["ES2022"], types: [], outDir: "bin", rootDir: ".", incremental: true, tsBuildInfoFile: "bin/.tsbuildinfo" };
    fs.writeFileSync(path.join(pack, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["index.ts"] }));
  });
  after(() => pack && fs.rmSync(pack, { recursive: true, force: true }));

  const planWithPack = () => runPlanCli("--program", fixture("everyday-s3"), "--stack", "test", "--policy-pack", pack, "--json", "--quiet");

  it("sources newer than the build: compiled first, so the rules that run are the sources'", async () => {
    // A build from an older edit of the rule, as a checkout has it before the rule changed.
    fs.mkdirSync(path.join(pack, "bin"));
    fs.writeFileSync(path.join(pack, "bin", "index.js"), packSource("the stale build's message", "js"));
    const past = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(pack, "bin", "index.js"), past, past);
    fs.writeFileSync(path.join(pack, "index.ts"), packSource("the source's message"));
    const r = await planWithPack();
    assert.equal(r.code, 1, r.stderr);
    const messages = JSON.parse(r.stdout).violations.map((v: { policy: string; message: string }) => `${v.policy}: ${v.message}`);
    assert.ok(messages.length > 0 && messages.every((m: string) => /^no-buckets: the source's message/.test(m)), messages.join("\n"));
    assert.match(fs.readFileSync(path.join(pack, "bin", "index.js"), "utf8"), /the source's message/, "the build was replaced");
  });

  it("a pack that does not compile: exit 2 with the compiler's error, nothing planned", async () => {
    fs.writeFileSync(path.join(pack, "index.ts"), `${packSource("unused")}const retries: number = "three";\n`);
    const r = await planWithPack();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the policy pack does not compile:\n.*index\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    assert.equal(r.stdout, "");
  });
});
