/**
 * The offline plan's CLI contract on this repository's program, end to end (its stacks and
 * the fixtures that re-export it, under mocks, real pack over gRPC); the plan's own contract,
 * on programs of its own, is plan/test/plan.test.ts.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan } from "../plan/src/plan";
import { PlanComparison } from "../plan/src/compare";
import { runPlanCli } from "../plan/test/support/plan";
import { fixture as planFixture } from "../plan/test/support/fixtures";
import { fixture, PROJECT_DIR } from "./support/stacks";
import { listStagingAsReadmeSays, scratchCheckout } from "./support/githubActions";


const plan = runPlanCli;

describe("offline plan CLI", function () {
  this.timeout(120_000);
  const plans: Record<string, Plan> = {};

  // staging: a promoted stage, listed as the README's "Promotion across accounts" says, planned in the account its entry pins it to.
  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack}: exits 0 with resources, no violations, a cost and the state machine diagram (--json)`, async () => {
      const checkout = stack === "staging" ? scratchCheckout() : undefined;
      if (checkout) listStagingAsReadmeSays(checkout);
      const r = await (checkout ? plan("--program", checkout, "--stack", stack, "--json") : plan("--stack", stack, "--json")).finally(() => {
        if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
      });
      assert.equal(r.code, 0, r.stderr);
      const p = (plans[stack] = JSON.parse(r.stdout) as Plan);
      assert.equal(p.kind, "ml-pipeline/offline-plan");
      assert.equal(p.account ?? null, stack === "staging" ? "222222222222" : null);
      assert.match(p.note, /not a diff against the cloud/);
      assert.ok(p.resources.length >= 30);
      for (const res of p.resources) for (const k of ["urn", "type", "name", "props"]) assert.ok(k in res, k);
      assert.ok(p.resources.some((x) => x.type === "aws:sfn/stateMachine:StateMachine"));
      assert.deepEqual(p.violations, []);
      // The program's own policy config, named relative to the working directory (the plan's paths are).
      assert.equal(path.resolve(p.policyPack.config ?? ""), path.join(checkout ?? PROJECT_DIR, `policies/config/${stack}.json`));
      assert.ok(p.cost.monthlyUsd > 0);
      assert.ok(p.cost.lines.every((l) => l.urn && typeof l.monthlyUsd === "number" && l.basis));
      // prod also draws its check state machines (drift checks, scheduled evaluation).
      assert.equal(p.diagrams.length, stack === "prod" ? 3 : 1);
      assert.match(p.diagrams[0].mermaid, /^flowchart TD/);
      assert.match(r.stderr, /plan: evaluating ml-pipeline for stack/, "progress on stderr");
      // The counts agree: the progress line, the summary and the resource list.
      assert.equal(p.summary.resources, p.resources.length);
      assert.ok(r.stderr.includes(`checking ${p.summary.checked} cloud resources (of ${p.summary.resources} declared;`), r.stderr);
    });
  }

  it("prod stacks that scale out (Glue with 4 training instances; Processing sharded over 4) pass prod's policies, with the Glue job and every instance costed", async () => {
    const prodConfig = path.join(PROJECT_DIR, "policies", "config", "prod.json");
    const glue = await plan("--program", fixture("scale-out"), "--stack", "prod-glue", "--policy-config", prodConfig, "--json", "--quiet");
    assert.equal(glue.code, 0, glue.stderr);
    const g = JSON.parse(glue.stdout) as Plan;
    assert.deepEqual(g.violations, []);
    const job = g.resources.find((r) => r.type === "aws:glue/job:Job")!;
    assert.equal(job.props.workerType, "G.2X");
    // Glue 5 logs in real time; the continuous-logging flag is for 4.0 and earlier (Glue guide, "Continuous logging for AWS Glue jobs").
    const glueArgs = job.props.defaultArguments as Record<string, string>;
    assert.match(String(job.props.glueVersion), /^5\./);
    assert.equal(glueArgs["--enable-continuous-cloudwatch-log"], undefined);
    assert.equal(glueArgs["--enable-metrics"], "true");
    const jobCost = g.cost.lines.find((l) => l.urn === job.urn)!;
    assert.match(jobCost.basis, /× 10 × G\.2X \(2 DPU\) × 2 h timeout/);
    assert.ok(g.cost.lines.some((l) => /Train: 4 × ml\.m5\.xlarge/.test(l.basis)), "training counted per instance");
    assert.match(g.diagrams[0].mermaid, /Preprocess/);
    const sharded = await plan("--program", fixture("scale-out"), "--stack", "prod-sharded", "--policy-config", prodConfig, "--json", "--quiet");
    assert.equal(sharded.code, 0, sharded.stderr);
    const s = JSON.parse(sharded.stdout) as Plan;
    assert.deepEqual(s.violations, []);
    assert.ok(s.cost.lines.some((l) => /Preprocess: 4 × ml\.m5\.large/.test(l.basis) && /Train: 4 × ml\.m5\.xlarge/.test(l.basis)), JSON.stringify(s.cost.lines));
  });

  it("tuned stacks (training.tuning) in the dev and prod profiles pass their profile's policies, with every tuning job costed", async () => {
    for (const [stack, profile, jobs, type] of [["prod-tuned", "prod", 12, "ml.m5.xlarge"], ["dev-tuned", "dev", 4, "ml.m5.large"]] as const) {
      const config = path.join(PROJECT_DIR, "policies", "config", `${profile}.json`);
      const r = await plan("--program", fixture("tuning"), "--stack", stack, "--policy-pack-config", config, "--json", "--quiet");
      assert.equal(r.code, 0, r.stderr);
      const p = JSON.parse(r.stdout) as Plan;
      assert.deepEqual(p.violations, [], stack);
      const definition = JSON.parse(p.resources.find((x) => x.type === "aws:sfn/stateMachine:StateMachine" && /-pipeline$/.test(String(x.props.name)))!.props.definition as string);
      assert.equal(definition.States.Tune.Resource, "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", stack);
      assert.equal(definition.States.Train, undefined, stack);
      // The worst case: every job the tuning job may start, at the job's maximum runtime.
      assert.ok(p.cost.lines.some((l) => l.basis.includes(`Tune: ${jobs} jobs × 1 × ${type} × 1 h max`)), JSON.stringify(p.cost.lines.map((l) => l.basis)));
    }
  });

  it("stacks that ingest from a DynamoDB table, one per preprocessing engine, pass their profile's policies, with the export costed", async () => {
    for (const [stack, profile, engine] of [["dev-dynamodb", "dev", "lambda:invoke"], ["prod-dynamodb", "prod", "sagemaker:createProcessingJob.sync"], ["prod-dynamodb-glue", "prod", "glue:startJobRun.sync"]] as const) {
      const config = path.join(PROJECT_DIR, "policies", "config", `${profile}.json`);
      const r = await plan("--program", fixture("dynamodb"), "--stack", stack, "--policy-pack-config", config, "--json", "--quiet");
      assert.equal(r.code, 0, r.stderr);
      const p = JSON.parse(r.stdout) as Plan;
      assert.deepEqual(p.violations, [], stack);
      const pipeline = p.resources.find((x) => x.type === "aws:sfn/stateMachine:StateMachine" && /-pipeline$/.test(String(x.props.name)))!;
      const definition = JSON.parse(pipeline.props.definition as string);
      assert.equal(definition.States.ExportTable.Resource, "arn:aws:states:::aws-sdk:dynamodb:exportTableToPointInTime", stack);
      assert.equal(definition.States.Preprocess.Resource, `arn:aws:states:::${engine}`, stack);
      // Billed per GB of the table, which the program does not declare: the usage knob's 10 GB a run.
      assert.ok(p.cost.lines.some((l) => l.urn === pipeline.urn && l.basis.includes("DynamoDB export of 10 GB (dynamoDbExportGbPerRun)")), JSON.stringify(p.cost.lines.map((l) => l.basis)));
      // No new-data trigger: the data arrives in the table.
      assert.ok(!p.resources.some((x) => /new-data/.test(x.name)), stack);
    }
  });

  it("prod costs more than dev (instances and a schedule against serverless and manual runs)", () => {
    assert.ok(plans.prod.cost.monthlyUsd > 50 * plans.dev.cost.monthlyUsd);
  });

  it("the cost says what it prices, what is free and what it does not price (usage it cannot see), and prices everyday resources' fixed monthly charges", () => {
    const c = plans.dev.cost.coverage!;
    const types = (list: { type: string }[]) => list.map((x) => x.type);
    for (const t of ["aws:kms/key:Key", "aws:cloudwatch/dashboard:Dashboard", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sfn/stateMachine:StateMachine"]) assert.ok(types(c.priced).includes(t), `${t} priced`);
    for (const t of ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy"]) assert.ok(types(c.free).includes(t), `${t} free`);
    assert.match(c.notPriced.find((x) => x.type === "aws:s3/bucket:Bucket")!.why, /S3 storage and requests/);
    assert.match(c.notPriced.find((x) => x.type === "aws:cloudwatch/logGroup:LogGroup")!.why, /log ingestion/);
    // Every declared cloud resource is in exactly one of the three.
    const all = [...c.priced, ...c.free, ...c.notPriced].reduce((n, x) => n + x.count, 0);
    assert.equal(all, plans.dev.resources.filter((r) => r.custom !== false).length);
    const key = plans.dev.cost.lines.find((l) => l.urn.endsWith("ml-pipeline-data-key"))!;
    assert.deepEqual([key.monthlyUsd, key.basis], [3, "3 × customer managed key (and its rotations) × $1/month"], "the stack key rotates: $1 and $1 for each of its first two rotations");
    assert.equal(plans.dev.cost.region, "us-east-1");
  });

  it("prices the stack's region (aws:region), and warns when the pack's cost rules would price another", async () => {
    const saved = process.env.PULUMI_CONFIG;
    process.env.PULUMI_CONFIG = JSON.stringify({ "aws:region": "eu-west-1" });
    try {
      const r = await plan("--stack", "dev", "--json", "--quiet");
      const p = JSON.parse(r.stdout) as Plan;
      assert.equal(p.cost.region, "eu-west-1");
      assert.ok(p.cost.monthlyUsd > plans.dev.cost.monthlyUsd, "eu-west-1 prices are higher than us-east-1's");
      assert.match(r.stderr, /warning: the estimate uses eu-west-1's prices \(aws:region\), but the pack's cost rules price us-east-1 unless the policy config sets monthly-cost-limit's region: set it to eu-west-1/);
    } finally {
      if (saved === undefined) delete process.env.PULUMI_CONFIG;
      else process.env.PULUMI_CONFIG = saved;
    }
  });

  it("a bad stack config exits 2 with the clear message and nothing else", async () => {
    const r = await plan("--program", fixture("bad-config"), "--stack", "dev", "--quiet");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Invalid configuration for stack "dev" \(1 problem\); nothing was deployed:\n  - ml-pipeline:endpoint.instanceType = "ml.t3.medium": not a SageMaker hosting instance type/);
    assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
  });

  it("a policy config the CLI would reject stops the plan with exit 2, naming the policy, the knob, the value and the type", async () => {
    // Through the CLI once per kind of problem; every case of the checker is in plan/test/policyConfig.test.ts.
    const cases: [unknown, RegExp][] = [
      [{ "monthly-cost-limit": { maxMonthlyUsd: "lots" } }, /"monthly-cost-limit".maxMonthlyUsd "lots": must be number/],
      [{ all: "mandatry" }, /"all": enforcement level "mandatry" is not one of advisory, mandatory, disabled, remediate/],
    ];
    for (const [config, message] of cases) {
      const file = path.join(os.tmpdir(), "bad-policy-config.json");
      fs.writeFileSync(file, JSON.stringify(config));
      const r = await plan("--stack", "dev", "--policy-config", file, "--quiet");
      assert.equal(r.code, 2, JSON.stringify(config));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("--compare reports a changed instance type, an added resource and the cost delta", async () => {
    const previous = path.join(os.tmpdir(), "prod-plan.json");
    fs.writeFileSync(previous, JSON.stringify(plans.prod));
    const r = await plan("--program", fixture("prod-variant"), "--stack", "prod", "--compare", previous, "--json", "--quiet");
    assert.equal(r.code, 0, r.stderr);
    const c = (JSON.parse(r.stdout) as Plan & { comparison: PlanComparison }).comparison;
    assert.deepEqual(c.added.map((a) => a.type), ["aws:sns/topicSubscription:TopicSubscription"]);
    assert.deepEqual(c.removed, []);
    const ec = c.changed.find((x) => x.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!;
    assert.deepEqual(ec.changes.find((ch) => ch.path === "productionVariants[0].instanceType"), {
      path: "productionVariants[0].instanceType",
      before: "ml.m5.large",
      after: "ml.m5.xlarge",
      effect: "replace",
      why: "AWS::SageMaker::EndpointConfig: changing it requires replacement",
    });
    assert.equal(ec.action, "replace", "every endpoint configuration property is create-only");
    assert.equal(c.cost.beforeUsd, plans.prod.cost.monthlyUsd);
    assert.ok(c.cost.deltaUsd > 400, `${c.cost.deltaUsd}`);
    assert.ok(c.cost.deltaPercent! > 90);
    const md = await plan("--program", fixture("prod-variant"), "--stack", "prod", "--compare", previous, "--markdown", "--quiet");
    assert.match(md.stdout, /vs base/);
    assert.match(md.stdout, /`productionVariants\[0\]\.instanceType`: `"ml\.m5\.large"` → `"ml\.m5\.xlarge"`/);
    // Per-resource cost before and after: the endpoint configuration doubles (m5.large → m5.xlarge).
    const line = c.cost.lines.find((l) => l.urn === ec.urn)!;
    assert.ok(line.beforeUsd! > 0 && Math.abs(line.afterUsd! - 2 * line.beforeUsd!) < 0.01, JSON.stringify(line));
    assert.ok(md.stdout.includes(`| \`${ec.urn.split("::").pop()}\` | $${line.beforeUsd!.toFixed(2)} | $${line.afterUsd!.toFixed(2)} | +$${(line.afterUsd! - line.beforeUsd!).toFixed(2)} |`), md.stdout);
  });

  it("--first-preview still reaches the instance-type and encryption verdicts", async () => {
    const r = await plan("--program", planFixture("unprotected-program"), "--stack", "test", "--policy-config", planFixture("all-mandatory.json"), "--first-preview", "--json", "--quiet");
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout) as Plan;
    assert.equal(p.firstPreview, true);
    const reached = new Set(p.violations.filter((v) => v.level === "mandatory").map((v) => v.policy));
    for (const policy of ["sagemaker-job-encryption", "sagemaker-endpoint-config-kms", "s3-bucket-encryption-and-access"]) assert.ok(reached.has(policy), policy);
    const prod = await plan("--stack", "prod", "--first-preview", "--json", "--quiet");
    const pp = JSON.parse(prod.stdout) as Plan;
    assert.equal(prod.code, 0);
    assert.deepEqual(pp.violations, [], "no advisory 'can't run during preview' either");
    assert.ok(pp.resources.some((x) => x.props.arn === undefined));
  });

  it("runs as a command: `npm run plan` (npm, the package's bin, the supervisor, the CLI) exits with the plan's status", () => {
    // A stack the program does not have: the plan's exit 2 and its message, through the whole
    // chain. A plan that succeeds as `npm run plan` is each base-branch plan of the guard-rails
    // tests (test/prPlanScriptTightens.test.ts compares with its JSON).
    const r = spawnSync("npm", ["run", "plan", "--silent", "--", "--stack", "qa", "--quiet"], { cwd: PROJECT_DIR, encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no stack file Pulumi\.qa\.yaml in .*; its stacks: dev, prod/);
    assert.equal(r.stdout, "");
  });
});

describe("the flags `pulumi preview` users already type", function () {
  this.timeout(120_000);
  it("--expect-no-changes: 0 against an identical plan, 1 on a change (naming how many), 2 without --compare", async () => {
    const previous = path.join(os.tmpdir(), "expect-no-changes-prod.json");
    const base = await plan("-s", "prod", "-j", "--quiet");
    fs.writeFileSync(previous, base.stdout);
    const same = await plan("-s", "prod", "--compare", previous, "--expect-no-changes", "--quiet");
    assert.equal(same.code, 0, same.stderr);
    const changed = await plan("--program", fixture("prod-variant"), "-s", "prod", "--compare", previous, "--expect-no-changes", "--quiet");
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /--expect-no-changes: \d+ resource\(s\) added, removed or changed/);
    const alone = await plan("-s", "prod", "--expect-no-changes", "--quiet");
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--expect-no-changes needs --compare/);
  });

  it("--no-diagrams leaves the Mermaid out of the text, the comment and the JSON", async () => {
    const text = await plan("-s", "dev", "--no-diagrams", "--quiet");
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /\(Mermaid\)|flowchart TD/);
    const withDiagrams = await plan("-s", "dev", "--quiet");
    assert.match(withDiagrams.stdout, /flowchart TD/, "the default keeps them");
    assert.ok(text.stdout.split("\n").length < withDiagrams.stdout.split("\n").length / 2, "most of a dev plan's lines were the diagram");
    const md = await plan("-s", "dev", "--no-diagrams", "--markdown", "--quiet");
    assert.doesNotMatch(md.stdout, /```mermaid/);
    assert.deepEqual(JSON.parse((await plan("-s", "dev", "--no-diagrams", "-j", "--quiet")).stdout).diagrams, []);
  });
});
