/**
 * The offline plan's CLI contract, end to end (program under mocks, real pack over gRPC), on
 * programs of the plan's own (plan/test/fixtures); the plans of the ml-pipeline program's
 * stacks are the repository's test/plan.test.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan } from "../src/plan";
import { fixture, runPlanCli } from "./support/plan";
import { POLICY_PACK_DIR } from "./support/fixtures";

const plan = runPlanCli;

describe("offline plan CLI", function () {
  this.timeout(120_000);
  // The default --program is the working directory: a program of the plan's own (which has no
  // stack "nope"), wherever mocha was started.
  const cwd = process.cwd();
  before(() => process.chdir(fixture("unprotected-program")));
  after(() => process.chdir(cwd));

  it("a program with violations exits 1 and lists them in JSON", async () => {
    const r = await plan("--program", fixture("unprotected-program"), "--stack", "test", "--policy-config", fixture("all-mandatory.json"), "--json", "--quiet");
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout) as Plan;
    assert.ok(p.summary.mandatory >= 10);
    const v = p.violations.find((x) => x.policy === "kms-key-rotation")!;
    assert.equal(v.level, "mandatory");
    assert.match(v.urn!, /::no-rotation$/);
    assert.match(v.message, /does not rotate/);
  });

  it("...and in Markdown, violations first", async () => {
    const r = await plan("--program", fixture("unprotected-program"), "--stack", "test", "--policy-config", fixture("all-mandatory.json"), "--markdown", "--quiet");
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^<!-- ml-pipeline-plan:test -->\n### ❌ `test`: \d+ mandatory/);
    assert.ok(r.stdout.indexOf("#### Policy violations") < r.stdout.indexOf("#### Estimated monthly cost"));
    assert.match(r.stdout, /\| mandatory \| `kms-key-rotation` \| `no-rotation` \|/);
  });

  it("usage errors exit 2", async () => {
    assert.equal((await plan("--json", "--markdown", "--quiet")).code, 2);
    assert.equal((await plan("--no-such-flag")).code, 2);
    assert.equal((await plan("--stack", "nope", "--quiet")).code, 2, "missing stack file");
    const bad = path.join(os.tmpdir(), "not-a-plan.json");
    fs.writeFileSync(bad, "{}");
    const r = await plan("--compare", bad, "--quiet");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a plan written by --json/);
  });

  it("a policy at level remediate changes the resource before analysis, as the engine does: shown, not reported", async () => {
    const file = path.join(os.tmpdir(), "remediate-config.json");
    fs.writeFileSync(file, JSON.stringify({ all: "mandatory", "kms-key-rotation": "remediate" }));
    const r = await plan("--program", fixture("unprotected-program"), "--stack", "test", "--policy-config", file, "--json", "--quiet");
    const p = JSON.parse(r.stdout) as Plan;
    assert.ok(!p.violations.some((v) => v.policy === "kms-key-rotation"), "no violation for what was remediated");
    const fix = p.remediations.find((x) => x.policy === "kms-key-rotation");
    assert.ok(fix, "the remediation is listed");
    assert.deepEqual(fix.properties, ["enableKeyRotation"]);
    assert.equal(p.resources.find((x) => x.urn === fix.urn)!.props.enableKeyRotation, true, "the plan shows what will be deployed");
    const text = await plan("--program", fixture("unprotected-program"), "--stack", "test", "--policy-config", file, "--quiet");
    assert.match(text.stdout, /\[remediated\] kms-key-rotation — .*: set enableKeyRotation/);
  });
});

describe("the plan never judges a value it invented (programs in the shapes of public ones)", function () {
  this.timeout(120_000);
  const program = fixture("plan-defects");

  for (const firstPreview of [false, true]) {
    it(`${firstPreview ? "first preview" : "ordinary preview"}: an output the mock cannot know is <computed>, never "undefined"; a beforeExit resource is declared; a secret definition is no crash`, async () => {
      const r = await plan("--program", program, "--stack", "test", "--json", "--quiet", ...(firstPreview ? ["--first-preview"] : []));
      assert.notEqual(r.code, 2, r.stderr);
      const p = JSON.parse(r.stdout) as Plan;
      const permission = p.resources.find((x) => x.type === "aws:lambda/permission:Permission")!;
      assert.equal(permission.props.sourceArn, "<computed>", "executionArn is unknown at a preview, as in a real one");
      assert.ok(!JSON.stringify(p.resources).includes("undefined/"), "no invented value anywhere");
      assert.ok(p.resources.some((x) => x.type === "aws:s3/bucketNotification:BucketNotification"), "declared in a beforeExit hook, as @pulumi/aws does");
      const flow = p.resources.find((x) => x.type === "aws:sfn/stateMachine:StateMachine")!;
      assert.equal(flow.props.definition, "[secret]");
      assert.ok(!r.stdout.includes("s3cr3t-t0ken-value"), "the secret never reaches the output");
      assert.ok(!p.diagrams.some((d) => d.urn === flow.urn), "no diagram of a definition it cannot read");
    });
  }

  it("a secret nested in a structured config value is refused (exit 2), naming its path, as a top-level one is", async () => {
    const r = await plan("--program", program, "--stack", "nested", "--json", "--quiet");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plan-defects:settings\.token is a secret \(secure:\) inside plan-defects:settings/);
    assert.match(r.stderr, /PULUMI_CONFIG/);
  });
});

describe("the flags `pulumi preview` users already type", function () {
  this.timeout(120_000);
  const unprotected = fixture("unprotected-program");
  const withoutTimings = (stdout: string) => ({ ...JSON.parse(stdout), timingsMs: undefined });

  it("-s and -j are --stack and --json; --policy-pack-config is --policy-config (and two different files are refused)", async () => {
    const long = await plan("--program", unprotected, "--stack", "test", "--policy-config", fixture("all-mandatory.json"), "--json", "--quiet");
    const short = await plan("--program", unprotected, "-s", "test", "--policy-pack-config", fixture("all-mandatory.json"), "-j", "--quiet");
    assert.equal(short.code, long.code);
    assert.deepEqual(withoutTimings(short.stdout), withoutTimings(long.stdout));
    assert.equal(JSON.parse(short.stdout).policyPack.config, JSON.parse(long.stdout).policyPack.config);
    const both = await plan("--program", unprotected, "-s", "test", "--policy-pack-config", fixture("all-mandatory.json"), "--policy-config", path.join(POLICY_PACK_DIR, "config", "dev.json"), "--quiet");
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--policy-config is another name for --policy-pack-config; give one of them/);
  });

  it("--fail-on-advisory: advisory violations alone pass, and fail with the flag", async () => {
    const allAdvisory = path.join(os.tmpdir(), "all-advisory.json");
    fs.writeFileSync(allAdvisory, JSON.stringify({ all: "advisory" }));
    const normal = await plan("--program", unprotected, "-s", "test", "--policy-pack-config", allAdvisory, "-j", "--quiet");
    assert.equal(normal.code, 0, normal.stderr);
    const advisory = (JSON.parse(normal.stdout) as Plan).summary.advisory;
    assert.ok(advisory >= 10, `${advisory} advisory`);
    const strict = await plan("--program", unprotected, "-s", "test", "--policy-pack-config", allAdvisory, "--fail-on-advisory", "--quiet");
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, new RegExp(`--fail-on-advisory: ${advisory} advisory violation\\(s\\)`));
  });

  it("an unknown flag still fails, naming it", async () => {
    const r = await plan("--stack", "dev", "--diagrams-off");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--diagrams-off'/);
  });
});

describe("--type-check, as pulumi preview checks types", function () {
  this.timeout(120_000);
  it("a type error is exit 2 naming file, line and column; without the flag the plan says the check was skipped", async () => {
    const checked = await runPlanCli("--program", fixture("type-error"), "--stack", "test", "--type-check");
    assert.equal(checked.code, 2);
    assert.match(checked.stderr, /the program does not type-check \(--type-check\):\n {2}index\.ts\(2,7\): error TS2322: Type 'number' is not assignable to type 'string'\./);
    assert.equal(checked.stdout, "", "nothing planned");
    const skipped = await runPlanCli("--program", fixture("type-error"), "--stack", "test");
    assert.equal(skipped.code, 0, "transpiled only, it runs");
    assert.match(skipped.stderr, /type-check skipped .*--type-check checks them/);
    const clean = await runPlanCli("--program", fixture("type-ok"), "--stack", "test", "--type-check", "--quiet", "-j");
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(JSON.parse(clean.stdout).project, "type-ok", "a program that type-checks is planned");
  });
});

describe("a program's own error, where it threw", function () {
  this.timeout(60_000);
  it("names the program's file, line and column (run once more with stack traces), without the plan's own frames", async () => {
    const r = await runPlanCli("--program", fixture("throws-at-line"), "--stack", "test", "--quiet");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Cannot read properties of undefined \(reading 'name'\)\n {4}at settings\.ts:4:\d+ \(in .*throws-at-line\)\n$/);
  });
});
