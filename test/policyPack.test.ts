/**
 * The pack over whole programs: this project's stacks pass; mutated configs and a
 * program without guard rails fail with the expected verdicts; verdicts are reached at
 * the first preview; and the pack loads and answers as the Pulumi CLI drives it (gRPC).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../policies/rules";
import { DeclaredResource, runProgram } from "../plan/src/engine/mockEngine";
import { readStackFiles } from "../plan/src/engine/stackFiles";
import * as os from "os";
import { AnalyzedResource, Diagnostic, packLauncher, PackInfo, PolicyPackProcess } from "../plan/src/analyzer/client";
import { PolicyPackConfigFile } from "../plan/src/analyzer/packConfig";
import { evaluatePack, mandatory, PackConfig } from "./support/policy";
import { PROJECT_DIR, runStack, stackAsDeclared } from "./support/stacks";
import { pooledSpawn } from "../plan/test/support/plan";

const packConfig = (stack: string): PackConfig => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "config", `${stack}.json`), "utf8"));
const policiesOf = (violations: { policy: string }[]) => [...new Set(violations.map((v) => v.policy))].sort();

async function unprotectedProgram(firstPreview = false): Promise<DeclaredResource[]> {
  const dir = path.join(PROJECT_DIR, "plan", "test", "fixtures", "unprotected-program"); // the plan's fixture: a program that is not ours
  const files = readStackFiles(dir, "test");
  return (await runProgram({ programDir: dir, project: files.project, stack: "test", config: files.config, firstPreview })).resources;
}

const UNPROTECTED_EXPECTED = [
  "cloudwatch-log-group-kms",
  "iam-no-managed-full-access",
  "iam-no-wildcard-actions",
  "iam-passrole-restricted",
      "iam-scoped-resources",
      "iam-trust-policy-restricted",
  "kms-key-rotation",
  "lambda-environment-kms",
  "s3-bucket-encryption-and-access",
  "sagemaker-endpoint-config-kms",
  "sagemaker-job-encryption",
  "sagemaker-network-isolation",
  "sns-topic-kms",
  "stepfunctions-logging-tracing",
];

/**
 * One pack started directly, shared by every suite of this file that runs it so (each configures
 * it first): taken from the test process's pool of idle packs, which the in-process plans use
 * too (plan/test/support/plan.ts), and given back to it when done (its stop()).
 */
let directPack: Promise<PolicyPackProcess> | undefined;
const sharedDirectPack = () => (directPack ??= pooledSpawn(path.join(PROJECT_DIR, "policies"), 60_000, "direct").connect());
after(async () => (await directPack)?.stop());

describe("policy pack over this project's stacks (its Analyzer server)", function () {
  this.timeout(120_000);
  let pack: PolicyPackProcess;
  before(async () => {
    pack = await sharedDirectPack();
  });
  for (const stack of ["dev", "prod"]) {
    for (const firstPreview of [false, true]) {
      it(`${stack}${firstPreview ? " at first preview" : ""}: no violation, and no policy skipped for unknown values`, async () => {
        const run = await stackAsDeclared(stack, firstPreview);
        const verdicts = await evaluatePack(pack, run.resources, packConfig(stack));
        assert.deepEqual(verdicts.violations, []);
        assert.deepEqual(verdicts.skippedUnknown, []);
      });
    }
  }

  it("a forbidden training instance type (GPU) fails prod, also at first preview", async () => {
    for (const firstPreview of [false, true]) {
      const run = await runStack("prod", { "ml-pipeline:training": { instanceType: "ml.p3.2xlarge" } }, firstPreview);
      const v = mandatory(await evaluatePack(pack, run.resources, packConfig("prod")));
      assert.deepEqual(policiesOf(v), ["sagemaker-job-instance-types"]);
      assert.match(v[0].message, /state Train \(createTrainingJob\) ResourceConfig: ml\.p3\.2xlarge is a GPU instance/);
    }
  });

  it("40 GPU instances behind the endpoint fail instance types, the hourly ceiling and the monthly budget", async () => {
    const run = await runStack("prod", {
      "ml-pipeline:endpoint": { modelDataKey: "artifacts/m/model.tar.gz", instanceType: "ml.p3.8xlarge", initialInstanceCount: 40, autoscaling: { minCapacity: 40, maxCapacity: 40 } },
    });
    const v = mandatory(await evaluatePack(pack, run.resources, packConfig("prod")));
    assert.deepEqual(policiesOf(v), ["instance-hourly-price-limit", "monthly-cost-limit", "sagemaker-endpoint-instance-types", "sagemaker-job-instance-types"]);
    const cost = v.find((x) => x.policy === "monthly-cost-limit")!;
    assert.match(cost.message, /exceeds maxMonthlyUsd \$1500/);
    assert.ok(v.some((x) => /40 instances exceed maxInstanceCount 10/.test(x.message)));
  });

  it("a test-only program without guard rails breaks each encryption and baseline rule", async () => {
    const v = mandatory(await evaluatePack(pack, await unprotectedProgram(), { all: "mandatory" }));
    assert.deepEqual(policiesOf(v), UNPROTECTED_EXPECTED);
  });

  it("...and the verdicts are reached at its first preview too, except where a value is only known after deploy", async () => {
    const verdicts = await evaluatePack(pack, await unprotectedProgram(true), { all: "mandatory" });
    const reached = policiesOf(mandatory(verdicts));
    for (const p of ["sagemaker-job-encryption", "sagemaker-endpoint-config-kms", "kms-key-rotation", "s3-bucket-encryption-and-access", "sns-topic-kms"]) assert.ok(reached.includes(p), p);
  });

  it("disabled policies are skipped and levels follow the config file", async () => {
    const resources = await unprotectedProgram();
    const verdicts = await evaluatePack(pack, resources, { all: "advisory", "kms-key-rotation": "disabled", "sns-topic-kms": { enforcementLevel: "mandatory" } });
    assert.ok(!verdicts.violations.some((v) => v.policy === "kms-key-rotation"));
    assert.deepEqual(policiesOf(mandatory(verdicts)), ["sns-topic-kms"]);
  });
});

describe("how the plan starts a pack", () => {
  it("a JavaScript main starts directly; a TypeScript one through run-policy-pack, as the CLI", () => {
    assert.equal(packLauncher(path.join(PROJECT_DIR, "policies")), "direct", "policies/package.json main: bin/index.js");
    const tsPack = fs.mkdtempSync(path.join(os.tmpdir(), "ts-pack-"));
    fs.writeFileSync(path.join(tsPack, "package.json"), JSON.stringify({ name: "p", main: "index.ts" }));
    fs.writeFileSync(path.join(tsPack, "index.ts"), "");
    assert.equal(packLauncher(tsPack), "cli");
    assert.equal(packLauncher(path.join(tsPack, "missing")), "cli");
    fs.rmSync(tsPack, { recursive: true, force: true });
  });

  it("a pack that fails to load ends its process, with its error, under either launcher", async function () {
    this.timeout(60_000);
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pack-"));
    fs.writeFileSync(path.join(broken, "package.json"), JSON.stringify({ name: "broken", main: "index.js" }));
    fs.writeFileSync(path.join(broken, "index.js"), "throw new Error('no policies here');\n");
    for (const launcher of ["cli", "direct"] as const) {
      await assert.rejects(PolicyPackProcess.start(broken, 30_000, launcher), (e: Error) => /exited \(\d+\) before printing its port/.test(e.message) && /no policies here/.test(e.message), launcher);
    }
    fs.rmSync(broken, { recursive: true, force: true });
  });
});

// Every case below runs against both launchers: the plan's direct start must answer exactly
// as the CLI's run-policy-pack does (same pack code, same @pulumi/policy server).
for (const launcher of ["cli", "direct"] as const)
describe(`policy pack over the Analyzer gRPC protocol, started ${launcher === "cli" ? "as the Pulumi CLI starts it (run-policy-pack)" : "directly (servePolicyPack.js)"}`, function () {
  this.timeout(120_000);
  let pack: PolicyPackProcess;
  let info: PackInfo;
  before(async () => {
    pack = launcher === "direct" ? await sharedDirectPack() : await PolicyPackProcess.start(path.join(PROJECT_DIR, "policies"), 60_000, launcher);
    info = await pack.info();
  });
  after(() => launcher === "cli" && pack?.stop());

  const analyzeAll = async (resources: DeclaredResource[]): Promise<Diagnostic[]> => {
    const custom: AnalyzedResource[] = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies }));
    const out: Diagnostic[] = [];
    for (const r of custom) out.push(...(await pack.analyze(r)));
    out.push(...(await pack.analyzeStack(custom)));
    return out;
  };

  it("GetAnalyzerInfo lists every rule with its description, level, type and config schema", () => {
    assert.equal(info.name, "ml-pipeline-policies");
    assert.equal(info.version, "0.1.0");
    assert.deepEqual(info.policies.map((p) => p.name).sort(), allPolicies.map((p) => p.name).sort());
    for (const p of info.policies) {
      const local = allPolicies.find((x) => x.name === p.name)!;
      assert.equal(p.description, local.description);
      assert.equal(p.enforcementLevel, local.enforcementLevel);
      assert.equal(p.policyType, "validateStack" in local ? "stack" : "resource");
      assert.deepEqual(Object.keys(p.configSchema?.properties ?? {}).sort(), Object.keys(local.configSchema?.properties ?? {}).sort());
    }
    assert.equal(info.policies.find((p) => p.name === "monthly-cost-limit")!.configSchema!.properties.maxMonthlyUsd.default, 1000);
  });

  it("GetAnalyzerInfo carries each rule's severity, remediation steps, framework and peer checks (what the CLI and Pulumi Cloud show)", () => {
    for (const p of info.policies) {
      const local = allPolicies.find((x) => x.name === p.name)!;
      assert.ok(p.severity && ["low", "medium", "high", "critical"].includes(p.severity), `${p.name}: severity ${p.severity}`);
      assert.equal(p.severity, local.severity, p.name);
      assert.ok((p.remediationSteps ?? "").length > 20, `${p.name}: remediation steps`);
      assert.deepEqual(p.tags ?? [], local.tags ?? [], p.name);
    }
    const byName = new Map(info.policies.map((p) => [p.name, p]));
    assert.equal(byName.get("resource-policy-not-public")!.severity, "critical");
    assert.ok(byName.get("resource-policy-not-public")!.tags!.includes("checkov:CKV_AWS_70"));
    assert.ok(byName.get("s3-bucket-encryption-and-access")!.tags!.some((t) => t.startsWith("cdk-nag:")));
    // The compliance framework each rule answers, through the protocol: cdk-nag's pack where it has the check, else Checkov's.
    assert.deepEqual(byName.get("resource-policy-not-public")!.framework, { name: "cdk-nag AwsSolutions", version: "2", reference: "AwsSolutions-S5, AwsSolutions-SNS3, AwsSolutions-SQS4", specification: "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md" });
    for (const p of info.policies) {
      const local = allPolicies.find((x) => x.name === p.name)!;
      assert.deepEqual(p.framework, local.framework, `${p.name}: framework`);
    }
    assert.ok(info.policies.filter((p) => p.framework).length >= 15, "most rules answer a peer's check");
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: Analyze and AnalyzeStack over every resource report nothing (first preview)`, async () => {
      await pack.configure(info, packConfig(stack) as PolicyPackConfigFile);
      await pack.configureStack("ml-pipeline", stack, true);
      const diagnostics = await analyzeAll((await stackAsDeclared(stack, true)).resources);
      assert.deepEqual(diagnostics, []);
    });
  }

  it("reports the unprotected program's violations as mandatory diagnostics with URNs", async () => {
    await pack.configure(info, { all: "mandatory" });
    const diagnostics = await analyzeAll(await unprotectedProgram());
    assert.deepEqual(policiesOf(diagnostics.filter((d) => d.level === "mandatory")), UNPROTECTED_EXPECTED);
    const rotation = diagnostics.find((d) => d.policy === "kms-key-rotation")!;
    assert.match(rotation.urn!, /aws:kms\/key:Key::no-rotation$/);
    assert.match(rotation.message, /does not rotate; set enableKeyRotation: true/);
  });

  it("an unknown value that a rule must read yields the server's advisory, not a verdict", async () => {
    await pack.configure(info, { all: "mandatory" });
    const diagnostics = await pack.analyze({
      urn: "urn:pulumi:s::p::aws:sfn/stateMachine:StateMachine::sm",
      type: "aws:sfn/stateMachine:StateMachine",
      name: "sm",
      props: { definition: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: "arn:aws:logs:us-east-1:1:log-group:l:*" }, tracingConfiguration: { enabled: true } },
    });
    assert.ok(diagnostics.length > 0);
    for (const d of diagnostics) {
      assert.equal(d.level, "advisory");
      assert.match(d.message, /can't run policy .* during preview/);
    }
  });

  it("remediates key rotation when the policy is set to remediate", async () => {
    await pack.configure(info, { all: "mandatory", "kms-key-rotation": "remediate" });
    const remediations = await pack.remediate({ urn: "urn:pulumi:s::p::aws:kms/key:Key::k", type: "aws:kms/key:Key", name: "k", props: { description: "x" } });
    assert.deepEqual(remediations, [{ policy: "kms-key-rotation", props: { description: "x", enableKeyRotation: true } }]);
  });
});
