/**
 * Errors a platform engineer meets first, as the CLI prints them (issue: "errors that point at
 * the cause"): a stack that does not exist lists those that do; a YAML error names its file
 * and line; a misspelt key gets a did-you-mean and its value as written.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlanCli } from "../plan/test/support/plan";
import { PROJECT_DIR } from "./support/stacks";

/** A scratch copy of this program's stack files around its code (index.ts re-exported). */
function scratchProgram(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-errors-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml")));
  fs.writeFileSync(path.join(dir, "index.ts"), `import program = require(${JSON.stringify(path.join(PROJECT_DIR, "index"))});\nexport = program;\n`);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("errors that point at the cause", function () {
  this.timeout(60_000);

  it("a stack that does not exist lists the stacks that do, and the one meant", async () => {
    const dir = scratchProgram({ "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n", "Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n", "Pulumi.staging.yaml": "config:\n  aws:region: us-east-1\n  ml-pipeline:profile: prod\n" });
    try {
      const r = await runPlanCli("--program", dir, "--stack", "stagin", "--quiet");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no stack file Pulumi\.stagin\.yaml in .*; its stacks: dev, prod, staging \(did you mean "staging"\?\)/);
      const far = await runPlanCli("--program", dir, "--stack", "qa", "--quiet");
      assert.match(far.stderr, /its stacks: dev, prod, staging\n/, "no guess when nothing is close");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a YAML syntax error names the file, the line and the column, without a stack trace", async () => {
    const dir = scratchProgram({ "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  ml-pipeline:training: { instanceType: ml.m5.large\n" });
    try {
      const r = await runPlanCli("--program", dir, "--stack", "dev", "--quiet");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^Pulumi\.dev\.yaml:\d+:\d+: /);
      assert.ok(r.stderr.includes(path.join(dir, "Pulumi.dev.yaml")), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a misspelt key of the AWS provider (aws:regoin) is named with the key meant; the provider's own keys raise nothing", async () => {
    const dir = scratchProgram({ "Pulumi.dev.yaml": "config:\n  aws:regoin: us-east-1\n", "Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n  aws:defaultTags:\n    tags:\n      team: ml\n" });
    try {
      const typo = await runPlanCli("--program", dir, "--stack", "dev", "--quiet");
      assert.equal(typo.code, 2);
      assert.match(typo.stderr, /plan: warning: aws:regoin is not a configuration key of the AWS provider, which ignores it; did you mean aws:region\?/);
      assert.match(typo.stderr, /aws:region = \(missing\): required/);
      const fine = await runPlanCli("--program", dir, "--stack", "prod", "--quiet", "-j");
      assert.doesNotMatch(fine.stderr, /warning: aws:/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a misspelt key in a stack file: the key, its value as written, and the key meant", async () => {
    const dir = scratchProgram({
      "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  ml-pipeline:trainin:\n    instanceType: ml.m5.large\n",
      "Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n  ml-pipeline:endpoint:\n    modelDatakey: artifacts/m.tar.gz\n",
    });
    try {
      const r = await runPlanCli("--program", dir, "--stack", "dev", "--quiet");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /ml-pipeline:trainin = \{"instanceType":"ml\.m5\.large"\}: unknown config key; did you mean "training"\?/);
      const nested = await runPlanCli("--program", dir, "--stack", "prod", "--quiet");
      assert.equal(nested.code, 2);
      assert.match(nested.stderr, /ml-pipeline:endpoint\.modelDatakey = "artifacts\/m\.tar\.gz": unknown key; did you mean "modelDataKey"\?/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});


/**
 * dev's plan (`-s dev -j --quiet`), planned once for the tests below that start from it (each
 * parses its own copy, which it may edit).
 */
let devPlan: Promise<string> | undefined;
const devPlanJson = () =>
  (devPlan ??= runPlanCli("-s", "dev", "-j", "--quiet").then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }));

describe("comparisons that read at a glance", function () {
  this.timeout(60_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-compare-"));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  it("--compare of different stacks says so; of the same stack it does not", async () => {
    const dev = path.join(scratch, "dev.json");
    fs.writeFileSync(dev, await devPlanJson());
    const across = await runPlanCli("-s", "prod", "--compare", dev, "--quiet");
    assert.match(across.stderr, /--compare: the earlier plan is of ml-pipeline\/dev, this one of ml-pipeline\/prod; the differences include everything that differs between the two stacks/);
    const same = await runPlanCli("-s", "dev", "--compare", dev, "--quiet");
    assert.doesNotMatch(same.stderr, /the earlier plan is of/);
  });
});

describe("IAM policies compared as a reviewer reads them", function () {
  this.timeout(60_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-iam-compare-"));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const rolePolicyOf = (p: any) => p.resources.find((r: any) => r.type === "aws:iam/rolePolicy:RolePolicy" && /training-role-policy$/.test(r.name));
  it("a reordered statement list is unchanged; an added statement is one change, named by its Sid", async () => {
    const plan = JSON.parse(await devPlanJson());
    const rp = rolePolicyOf(plan);
    const doc = JSON.parse(rp.props.policy);
    assert.ok(doc.Statement.length >= 3, "several statements to reorder");
    const edited = (statements: unknown[]) => {
      const copy = JSON.parse(JSON.stringify(plan));
      rolePolicyOf(copy).props.policy = JSON.stringify({ ...doc, Statement: statements });
      const file = path.join(scratch, `iam-compare-${statements.length}.json`);
      fs.writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    // The earlier plan had the same statements in reverse order: nothing changed.
    const reordered = JSON.parse((await runPlanCli("-s", "dev", "-j", "--quiet", "--compare", edited([...doc.Statement].reverse()))).stdout).comparison;
    assert.ok(!reordered.changed.some((c: any) => c.urn === rp.urn), JSON.stringify(reordered.changed.map((c: any) => c.urn)));
    // The earlier plan lacked the first statement: one change, the statement, under its Sid.
    const [first, ...rest] = doc.Statement;
    const added = JSON.parse((await runPlanCli("-s", "dev", "-j", "--quiet", "--compare", edited(rest))).stdout).comparison;
    const change = added.changed.find((c: any) => c.urn === rp.urn);
    assert.equal(change.changes.length, 1, JSON.stringify(change.changes));
    assert.equal(change.changes[0].path, `policy.Statement["Sid ${first.Sid}"]`);
    assert.equal(change.changes[0].before, undefined);
    assert.deepEqual(change.changes[0].after, first);
  });
});

describe("--diff shows the whole diff", function () {
  this.timeout(60_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  it("every changed property with --diff; the first 20 and how many more without; exit 2 without --compare", async () => {
    // The earlier plan's data bucket had 25 tags more than it has now: 25 changed properties of one resource.
    const plan = JSON.parse(await devPlanJson());
    const bucket = plan.resources.find((r: any) => r.type === "aws:s3/bucket:Bucket");
    bucket.props.tags = { ...bucket.props.tags, ...Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`old-tag-${String(i).padStart(2, "0")}`, "x"])) };
    const previous = path.join(scratch, "previous.json");
    fs.writeFileSync(previous, JSON.stringify(plan));
    const short = await runPlanCli("-s", "dev", "--compare", previous, "--no-diagrams", "--quiet");
    assert.equal((short.stdout.match(/^ {6}tags\.old-tag-\d\d: "x" → undefined/gm) ?? []).length, 20);
    assert.match(short.stdout, /… 5 more \(--diff shows all\)/);
    const full = await runPlanCli("-s", "dev", "--compare", previous, "--diff", "--no-diagrams", "--quiet");
    assert.equal((full.stdout.match(/^ {6}tags\.old-tag-\d\d: "x" → undefined/gm) ?? []).length, 25);
    assert.doesNotMatch(full.stdout, /more \(--diff shows all\)/);
    const alone = await runPlanCli("-s", "dev", "--diff", "--quiet");
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--diff needs --compare/);
  });
});
