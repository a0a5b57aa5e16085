/**
 * `--sarif <file>`: the plan's violations as SARIF 2.1.0 for GitHub code scanning. The
 * referee is Microsoft's SARIF validator (`@microsoft/sarif-multitool validate`, the schema
 * plus the SARIF rules and GitHub's ingestion rules, `--rule-kind "Sarif;Ghas"`), not a
 * reading of the spec here; each result must point at the line that declares the resource.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as sarif from "sarif";
import { Plan } from "../src/plan";
import { toSarif } from "../src/sarif";
import { fixture, runPlanCli } from "./support/plan";
import { SCRATCH_SUPPRESSION } from "./support/fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MULTITOOL: string = require("@microsoft/sarif-multitool");

/** The validator's findings: `<file>(line,col): error|warning <id>: …` lines. */
function validate(...files: string[]): { errors: string[]; warnings: string[] } {
  const r = spawnSync(MULTITOOL, ["validate", "--rule-kind", "Sarif;Ghas", ...files], { encoding: "utf8", timeout: 60_000 });
  assert.match(r.stdout, /Analysis completed successfully/, `the validator did not run: ${r.stderr}`);
  const lines = `${r.stdout}${r.stderr}`.split("\n");
  return { errors: lines.filter((l) => / error [A-Z]+\d+:/.test(l)), warnings: lines.filter((l) => / warning [A-Z]+\d+:/.test(l)) };
}

/** Where this file's plans write their logs (removed once both suites ran). */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-sarif-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, "plan.sarif");
const noVersion = path.join(dir, "no-version.sarif");
const noRules = path.join(dir, "no-rules.sarif");
/** A program whose findings are caused by a value its stack file sets (the second suite). */
const configCaused = fixture("config-caused");
const configSarif = path.join(dir, "config.sarif");
/** A log with a suppressed finding (plan/test/suppressions.test.ts judges its content; its validity is judged here, in the shared run). */
const suppressedSarif = path.join(dir, "suppressed.sarif");

/**
 * The logs both suites judge, and the validator's findings over all of them: one validator run
 * for the four files (it takes several; each finding names its file), started once however
 * many suites need it.
 */
let checked: Promise<{ plan: Plan; log: sarif.Log; findings: { errors: string[]; warnings: string[] } }> | undefined;
function checkedLogs() {
  checked ??= (async () => {
    const { code, stdout } = await runPlanCli("--program", fixture("unprotected-program"), "--stack", "test", "--policy-config", fixture("all-mandatory.json"), "--json", "--quiet", "--sarif", file);
    assert.equal(code, 1, "the program has mandatory violations");
    const plan = JSON.parse(stdout) as Plan;
    const log = JSON.parse(fs.readFileSync(file, "utf8")) as sarif.Log;
    // Two broken copies, to show the validator can fail (its exit status is 0 either way: the
    // findings, per file, are the verdict).
    const broken = (edit: (l: any) => void, to: string) => {
      const copy = JSON.parse(JSON.stringify(log));
      edit(copy);
      fs.writeFileSync(to, JSON.stringify(copy));
    };
    broken((l) => delete l.version, noVersion);
    broken((l) => delete l.runs[0].tool.driver.rules, noRules);
    const config = await runPlanCli("--program", configCaused, "--stack", "test", "--quiet", "--sarif", configSarif);
    assert.equal(config.code, 1, config.stderr);
    const suppressionConfig = path.join(dir, "suppression.json");
    fs.writeFileSync(suppressionConfig, JSON.stringify({ "s3-bucket-encryption-and-access": { suppressions: [SCRATCH_SUPPRESSION] } }));
    const suppressed = await runPlanCli("--program", fixture("everyday-s3"), "--stack", "test", "--policy-pack-config", suppressionConfig, "--quiet", "--sarif", suppressedSarif);
    assert.equal(suppressed.code, 0, suppressed.stderr);
    return { plan, log, findings: validate(file, noVersion, noRules, configSarif, suppressedSarif) };
  })();
  return checked;
}

describe("--sarif: violations for GitHub code scanning", function () {
  this.timeout(120_000);
  let plan: Plan;
  let log: sarif.Log;
  let findings: { errors: string[]; warnings: string[] };

  before(async () => {
    ({ plan, log, findings } = await checkedLogs());
  });

  it("is valid SARIF 2.1.0 for Microsoft's validator with GitHub's ingestion rules (no errors; the one warning: no informationUri)", () => {
    const errors = findings.errors.filter((e) => e.startsWith(file));
    const warnings = findings.warnings.filter((w) => w.startsWith(file));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings.map((w) => w.match(/warning (\w+):/)![1]), ["SARIF2005"]);
    assert.match(warnings[0], /does not provide 'informationUri'/);
  });

  it("the validator is a real referee: it reports a missing version (schema) and missing rules (GitHub)", () => {
    const { errors } = findings;
    assert.ok(errors.some((e) => e.startsWith(noVersion) && /JSON1002: root: The required property 'version' is missing/.test(e)), errors.join("\n"));
    assert.ok(errors.some((e) => e.startsWith(noRules) && /GH1018/.test(e)), errors.join("\n"));
  });

  it("one result per violation: same policy, level error for mandatory, the resource's URN as its logical location", () => {
    const results = log.runs[0].results!;
    assert.equal(results.length, plan.violations.length);
    assert.ok(results.length >= 10);
    for (const [i, v] of plan.violations.entries()) {
      const r = results[i];
      assert.equal(r.ruleId, v.policy);
      assert.equal(r.level, v.level === "mandatory" ? "error" : "warning");
      assert.equal(log.runs[0].tool.driver.rules![r.ruleIndex!].id, v.policy);
      if (v.urn) assert.equal(r.locations![0].logicalLocations![0].fullyQualifiedName, v.urn);
    }
  });

  it("each result points at the line of the program that declares the resource", () => {
    const source = fs.readFileSync(path.join(fixture("unprotected-program"), "index.ts"), "utf8").split("\n");
    for (const r of log.runs[0].results!) {
      const name = r.locations![0].logicalLocations![0].name!;
      const physical = r.locations![0].physicalLocation!;
      assert.equal(physical.artifactLocation!.uri, path.relative(process.cwd(), path.join(fixture("unprotected-program"), "index.ts")).split(path.sep).join("/"));
      const line = source[physical.region!.startLine! - 1];
      assert.match(line, new RegExp(`new aws\\.[a-z0-9]+\\.[A-Za-z]+\\("${name}"`), `${r.ruleId} → line ${physical.region!.startLine}: ${line}`);
    }
  });

  it("lists every policy of the pack as a rule, at the level this plan ran it", () => {
    const rules = log.runs[0].tool.driver.rules!;
    assert.deepEqual(rules.map((r) => r.id), plan.policyPack.policies.map((p) => p.name));
    assert.ok(rules.every((r) => r.defaultConfiguration!.level === "error"), "all-mandatory.json");
    assert.equal(log.runs[0].automationDetails!.id, "unprotected/test/");
  });

  it("a finding without a resource (a stack policy) points at the stack's config file; advisory is a warning", () => {
    const base = { ...plan, program: "examples/app", violations: [{ policy: "monthly-cost-limit", level: "advisory", message: "Estimated $900/month exceeds $500" }] };
    const r = toSarif(base).runs[0].results![0];
    assert.equal(r.level, "warning");
    assert.equal(r.message.text, "Estimated $900/month exceeds $500.");
    assert.equal(r.locations![0].physicalLocation!.artifactLocation!.uri, "examples/app/Pulumi.test.yaml");
    assert.equal(r.locations![0].logicalLocations, undefined);
  });
});

describe("--sarif: where a finding points", function () {
  this.timeout(120_000);
  const program = configCaused;
  const sarifOf = async (programDir: string, name: string) => {
    const file = path.join(dir, name);
    const r = await runPlanCli("--program", programDir, "--stack", "test", "--quiet", "--sarif", file);
    assert.equal(r.code, 1, r.stderr);
    return { file, log: JSON.parse(fs.readFileSync(file, "utf8")) as sarif.Log };
  };
  const lineOf = (file: string, text: string) => fs.readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;

  it("a finding caused by a value the stack file sets points at that line (a config-only change is annotated where it changed), the declaration as a related location", async () => {
    const { findings } = await checkedLogs();
    const log = JSON.parse(fs.readFileSync(configSarif, "utf8")) as sarif.Log;
    const results = log.runs[0].results!;
    assert.ok(results.length >= 1);
    const stackFile = path.relative(process.cwd(), path.join(program, "Pulumi.test.yaml")).split(path.sep).join("/");
    for (const r of results) {
      const [location] = r.locations!;
      assert.equal(location.physicalLocation!.artifactLocation!.uri, stackFile, r.ruleId);
      assert.equal(location.physicalLocation!.region!.startLine, lineOf(path.join(program, "Pulumi.test.yaml"), "instanceType: ml.g4dn.xlarge"));
      assert.equal(location.message!.text, "config-caused:hosting.instanceType sets ml.g4dn.xlarge.");
      const related = r.relatedLocations![0].physicalLocation!;
      assert.equal(related.artifactLocation!.uri, path.relative(process.cwd(), path.join(program, "index.ts")).split(path.sep).join("/"));
      assert.equal(related.region!.startLine, lineOf(path.join(program, "index.ts"), 'new aws.sagemaker.EndpointConfiguration("serving"'));
    }
    // Valid for the validator: no error of the shared run but those of the other suite's files (two of them broken on purpose).
    assert.deepEqual(findings.errors.filter((e) => e.startsWith(configSarif)), []);
    assert.deepEqual(findings.errors.filter((e) => ![file, noVersion, noRules].some((f) => e.startsWith(f))), []);
  });

  it("a suppressed finding (a result with its external, accepted suppression and the justification) is valid for the validator and GitHub's rules", async () => {
    const { findings } = await checkedLogs();
    assert.deepEqual(findings.errors.filter((e) => e.startsWith(suppressedSarif)), []);
    const log = JSON.parse(fs.readFileSync(suppressedSarif, "utf8")) as sarif.Log;
    const [result, ...more] = log.runs[0].results!;
    assert.equal(more.length, 0);
    assert.equal(result.ruleId, "s3-bucket-encryption-and-access");
    assert.deepEqual(result.suppressions!.map((x) => [x.kind, x.status]), [["external", "accepted"]]);
    assert.match(result.suppressions![0].justification!, new RegExp(`^${SCRATCH_SUPPRESSION.reason} \\(owner data-eng, until 2999-12-31\\)`));
  });

  it("--program in another repository: paths are relative to that repository's root, where code scanning maps them", async () => {
    const repo = path.join(dir, "team-repo");
    fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
    fs.cpSync(program, path.join(repo, "app"), { recursive: true });
    const { log } = await sarifOf(path.join(repo, "app"), "other-repo.sarif");
    const uris = log.runs[0].results!.flatMap((r) => [...r.locations!, ...(r.relatedLocations ?? [])].map((l) => l.physicalLocation!.artifactLocation!.uri));
    assert.deepEqual([...new Set(uris)].sort(), ["app/Pulumi.test.yaml", "app/index.ts"]);
  });
});
