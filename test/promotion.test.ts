/**
 * Promotion across accounts (docs/workflow.md, "Promotion across accounts"): dev trains and
 * shares its group with staging and prod; staging and prod, each in its own account, deploy
 * the versions approved for their stage, prod only after staging.
 *
 * Referees: the IAM policy simulator (@cloud-copilot/iam-simulate) evaluates the consumer's
 * identity policy, as the program declares it in the consumer's account, together with the
 * source's resource policies, as the program declares them in the source's account (across
 * accounts both must allow: IAM User Guide, "Cross-account policy evaluation logic"); the
 * local Step Functions executor runs the source's registration and then the stages' runs on
 * what the source registered; the pack judges each stack in its own account.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyPackProcess } from "../plan/src/analyzer/client";
import { evaluatePack, mandatory } from "./support/policy";
import { runProgram } from "../plan/src/engine/mockEngine";
import { readStackFiles, toConfigMap } from "../plan/src/engine/stackFiles";
import { resolveStackConfig, ConfigError } from "../stacks/load";
import { json, PROJECT_DIR, StackRun, withLookups } from "./support/stacks";
import { awsError, definitionFor, happyHandlers, Handler, rawStackConfig, runLocally } from "./support/workflow";

const DEV = "111111111111";
const STAGING = "222222222222";
const PROD = "333333333333";
const STRANGER = "444444444444";
const REGION = "us-east-1";

const SHARE_WITH = {
  registry: {
    approval: "auto",
    shareWith: [
      { account: STAGING, namePrefix: "ml-pipeline-staging", stage: "staging" },
      { account: PROD, namePrefix: "ml-pipeline-prod", stage: "prod" },
    ],
  },
};
const GROUP_ARN = `arn:aws:sagemaker:${REGION}:${DEV}:model-package-group/ml-pipeline-dev-models`;
/** prod as a promoted stage after staging: what docs/workflow.md tells a team to set. */
const PROD_PROMOTED = {
  registry: { source: { kind: "promoted", groupArn: GROUP_ARN, stage: "prod", after: ["staging"] } },
  monitoring: { logRetentionDays: 365, drift: { enabled: false }, evaluation: { enabled: false } },
  training: null,
};

async function declared(stack: string, accountId: string, overrides: Record<string, unknown> = {}): Promise<StackRun> {
  const files = readStackFiles(PROJECT_DIR, stack);
  const config = { ...files.config };
  for (const [key, value] of Object.entries(toConfigMap(files.project, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== null))))) config[key] = value;
  for (const [key, value] of Object.entries(overrides)) if (value === null) delete config[`${files.project}:${key}`];
  return withLookups(await runProgram({ programDir: PROJECT_DIR, project: files.project, stack, config, accountId }));
}

function configProblems(stack: string, overrides: Record<string, unknown>): string[] {
  try {
    resolveStackConfig(rawStackConfig(stack, overrides));
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key} = ${p.value}: ${p.message}`);
  }
}

describe("promotion across accounts: configuration", () => {
  it("the shipped staging stack is a promoted stage of dev's group", () => {
    assert.deepEqual(configProblems("staging", {}), []);
  });

  const cases: { label: string; stack: string; overrides: Record<string, unknown>; key: RegExp; says: RegExp }[] = [
    {
      label: "a group in another region",
      stack: "staging",
      overrides: { registry: { source: { kind: "promoted", groupArn: GROUP_ARN.replace(REGION, "eu-west-1"), stage: "staging" } } },
      key: /^ml-pipeline:registry\.source\.groupArn = /,
      says: /the group is in eu-west-1, the stack in us-east-1/,
    },
    {
      label: "a group that is not a source stack's",
      stack: "staging",
      overrides: { registry: { source: { kind: "promoted", groupArn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package-group/churn`, stage: "staging" } } },
      key: /^ml-pipeline:registry\.source\.groupArn = /,
      says: /<namePrefix>-models/,
    },
    { label: "a stage after itself", stack: "staging", overrides: { registry: { source: { kind: "promoted", groupArn: GROUP_ARN, stage: "staging", after: ["staging"] } } }, key: /registry\.source\.after = /, says: /cannot come after itself/ },
    { label: "a stage name that is no JSONPath member", stack: "staging", overrides: { registry: { source: { kind: "promoted", groupArn: GROUP_ARN, stage: "pre-prod" } } }, key: /registry\.source\.stage = "pre-prod"/, says: /lower-case letters and digits/ },
    { label: "training settings in a promoted stack", stack: "prod", overrides: { ...PROD_PROMOTED, training: { instanceType: "ml.m5.xlarge" } }, key: /^ml-pipeline:training = /, says: /trains nothing/ },
    { label: "drift checks in a promoted stack", stack: "prod", overrides: { ...PROD_PROMOTED, monitoring: { drift: { enabled: true } } }, key: /^ml-pipeline:monitoring\.drift\.enabled = true/, says: /drift profile.*source account/ },
    { label: "an approval mode in a promoted stack", stack: "staging", overrides: { registry: { source: { kind: "promoted", groupArn: GROUP_ARN, stage: "staging" }, approval: "manual" } }, key: /^ml-pipeline:registry\.approval = "manual"/, says: /approves a version for staging in the source account/ },
    { label: "a promoted stack that shares", stack: "staging", overrides: { registry: { source: { kind: "promoted", groupArn: GROUP_ARN, stage: "staging" }, shareWith: SHARE_WITH.registry.shareWith } }, key: /registry\.shareWith = /, says: /shares nothing/ },
    { label: "one stage listed twice", stack: "dev", overrides: { registry: { shareWith: [SHARE_WITH.registry.shareWith[0], { ...SHARE_WITH.registry.shareWith[1], stage: "staging" }] } }, key: /registry\.shareWith = "staging"/, says: /list a stage once/ },
    { label: "more stages than the group's policy can hold", stack: "dev", overrides: { registry: { shareWith: Array.from({ length: 9 }, (_, i) => ({ account: String(500000000000 + i), namePrefix: `stage-${i}`, stage: `s${i}` })) } }, key: /^ml-pipeline:registry\.shareWith = /, says: /at most 8/ },
    { label: "an account id of 11 digits", stack: "dev", overrides: { registry: { shareWith: [{ ...SHARE_WITH.registry.shareWith[0], account: "22222222222" }] } }, key: /registry\.shareWith\[0\]\.account = "22222222222"/, says: /12-digit/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.label}, naming the key, the value and what is allowed`, () => {
      const problems = configProblems(c.stack, c.overrides);
      assert.ok(problems.some((p) => c.key.test(p) && c.says.test(p)), problems.join("\n"));
    });
  }
});

describe("promotion across accounts: what each account declares", function () {
  this.timeout(120_000);
  let source: StackRun;
  let staging: StackRun;
  let prod: StackRun;
  before(async () => {
    source = await declared("dev", DEV, SHARE_WITH);
    staging = await declared("staging", STAGING);
    prod = await declared("prod", PROD, PROD_PROMOTED);
  });

  it("a promoted stage trains nothing: no preprocessing, training jobs, schedule, group or approval rule of its own", () => {
    for (const run of [staging, prod]) {
      const types = new Set(run.resources.map((r) => r.type));
      for (const absent of ["ml-pipeline:preprocessing:Preprocessing", "ml-pipeline:training:TrainingJobs", "aws:scheduler/schedule:Schedule", "aws:sagemaker/modelPackageGroup:ModelPackageGroup", "aws:lambda/function:Function"]) {
        assert.ok(!types.has(absent), `${absent} is declared`);
      }
      assert.ok(types.has("aws:cloudwatch/eventBus:EventBus"));
    }
  });

  it("a stage's bus admits only the source account, and its rule matches only the source account's events of that group", () => {
    const policy = json(staging.named("ml-pipeline-promotion-bus-policy").inputs.policy);
    assert.deepEqual(policy.Statement, [
      { Sid: "SourceAccountForwardsGroupEvents", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: "events:PutEvents", Resource: `arn:aws:events:${REGION}:${STAGING}:event-bus/ml-pipeline-staging-promotions` },
    ]);
    const rule = staging.named("ml-pipeline-promotion-promotion-rule").inputs;
    assert.equal(rule.eventBusName, "ml-pipeline-staging-promotions");
    assert.deepEqual(JSON.parse(String(rule.eventPattern)), { account: [DEV], source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], detail: { ModelPackageGroupName: ["ml-pipeline-dev-models"] } });
    const role = json(staging.named("ml-pipeline-promotion-promotion-role").inputs.assumeRolePolicy);
    assert.deepEqual(role.Statement[0].Condition.ArnLike["aws:SourceArn"], [`arn:aws:events:${REGION}:${STAGING}:rule/ml-pipeline-staging-promotions/ml-pipeline-staging-promotion`]);
  });

  it("a stage's dashboard says which stage it is and which account's group it deploys from, beside the deployed version", () => {
    const body = JSON.parse(String(staging.named("ml-pipeline-dashboard-dashboard").inputs.dashboardBody));
    const text = body.widgets.map((w: any) => w.properties.markdown ?? "").join("\n");
    assert.match(text, /stage `staging`, promoted from model package group `ml-pipeline-dev-models` of account `111111111111`/);
    assert.ok(body.widgets.some((w: any) => JSON.stringify(w.properties.metrics ?? []).includes("DeployedModelVersion")));
  });

  it("the group's policy fits PutModelPackageGroupPolicy's 20,480 characters at the schema's most stages, with the longest names", async () => {
    // SageMaker API Reference, PutModelPackageGroupPolicy: ResourcePolicy, maximum length 20480.
    const most = Array.from({ length: 8 }, (_, i) => ({ account: String(500000000000 + i), namePrefix: `stage-${i}`.padEnd(24, "x"), stage: `s${i}`.padEnd(32, "x") }));
    const run = await declared("dev", DEV, { registry: { approval: "auto", shareWith: most } });
    const policy = String(run.named("ml-pipeline-sharing-group-policy").inputs.resourcePolicy);
    assert.equal(json(policy).Statement.filter((st: any) => st.Effect === "Deny").length, 8 + 5, "each stage's record, and the registered keys");
    assert.ok(policy.length <= 20_480, `${policy.length} characters`);
  });

  it("the source forwards its group's events to each stage's bus with a role that may put events there only", () => {
    const targets = source.resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget" && String(r.name).includes("forward-to")).map((r) => r.inputs as any);
    assert.deepEqual(targets.map((t) => t.arn).sort(), [`arn:aws:events:${REGION}:${STAGING}:event-bus/ml-pipeline-staging-promotions`, `arn:aws:events:${REGION}:${PROD}:event-bus/ml-pipeline-prod-promotions`]);
    for (const t of targets) {
      assert.equal(t.roleArn, `arn:aws:iam::${DEV}:role/ml-pipeline-dev-promotion-forwarder-role`, "a role: EventBridge requires one for another account's bus");
      assert.equal(t.deadLetterConfig.arn, `arn:aws:sqs:${REGION}:${DEV}:ml-pipeline-dev-trigger-dead-letters`);
    }
    const policy = json(source.named("ml-pipeline-sharing-forwarder-role-policy").inputs.policy);
    assert.deepEqual(policy.Statement, [{ Sid: "PutEventsOnStageBuses", Effect: "Allow", Action: "events:PutEvents", Resource: targets.map((t) => t.arn) }]);
    const queue = json(source.named("ml-pipeline-trigger-dead-letters-queue-policy").inputs.policy);
    assert.ok(JSON.stringify(queue).includes(`rule/ml-pipeline-dev-promotion-events`), "the dead-letter queue admits the forwarding rule");
  });

  it("the pack judges each account's stack with 0 violations when its policy config trusts the other stages' accounts, and flags the grants when it does not", async () => {
    const pack = await PolicyPackProcess.start(path.join(PROJECT_DIR, "policies"), 60_000, "direct");
    try {
      const configOf = (stack: string, own: string, trusted: string[]) => ({
        ...JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies/config", `${stack}.json`), "utf8")),
        "cross-account-principals": { ownAccounts: [own], trustedAccounts: trusted },
      });
      for (const [label, run, config] of [
        ["dev, sharing", source, configOf("dev", DEV, [STAGING, PROD])],
        ["staging (its shipped policy config)", staging, JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies/config/staging.json"), "utf8"))],
        ["prod, promoted", prod, configOf("prod", PROD, [DEV])],
      ] as const) {
        const verdicts = await evaluatePack(pack, run.resources, config);
        assert.deepEqual([label, verdicts.violations, verdicts.skippedUnknown], [label, [], []]);
      }
      // dev without trusting the stages: the group, bucket and key grants are each named.
      const untrusted = mandatory(await evaluatePack(pack, source.resources, configOf("dev", DEV, [])));
      const flagged = new Set(untrusted.filter((v) => v.policy === "cross-account-principals").map((v) => v.urn!.split("::").pop()));
      assert.deepEqual([...flagged].sort(), ["ml-pipeline-data-key", "ml-pipeline-data-tls-only-policy", "ml-pipeline-sharing-group-policy"]);
      assert.ok(untrusted.every((v) => v.policy === "cross-account-principals"), JSON.stringify(untrusted));
    } finally {
      await pack.stop();
    }
  });

  // IAM across accounts: the consumer's identity policy and the source's resource policy must both allow.
  type Policy = any;
  const simulate = async (principal: string, action: string, resource: string, resourceAccount: string, identity: Policy, resourcePolicy: Policy | undefined, context: Record<string, string | string[]> = {}) => {
    const response: any = await runSimulation(
      {
        // The request context AWS always carries for a role session (the simulator does not derive it): the role and its account.
        request: { principal, action, resource: { resource, accountId: resourceAccount }, contextVariables: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": principal.split(":")[4], ...context } },
        identityPolicies: [{ name: "inline", policy: identity }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
      } as any,
      {},
    );
    if (response.resultType === "error") throw new Error(`${action} on ${resource}: the simulator rejected the request: ${JSON.stringify(response.errors)}`);
    return response.overallResult as string;
  };
  const role = (account: string, prefix: string) => `arn:aws:iam::${account}:role/${prefix}-pipeline-role`;
  const VERSION = `arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7`;
  const REGISTERED = `arn:aws:s3:::ml-pipeline-dev-data-${DEV}/artifacts/models/registered/0b1c/model.tar.gz`;
  const TRAINED = `arn:aws:s3:::ml-pipeline-dev-data-${DEV}/artifacts/models/ml-pipeline-dev-tr-0b1c/output/model.tar.gz`;
  const KEY = `arn:aws:kms:${REGION}:${DEV}:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333`;
  const KEY_CONTEXT = { "kms:ResourceAliases": ["alias/ml-pipeline-dev-data"], "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:CallerAccount": STAGING };
  const recordKey = (stage: string) => `sagemaker:CustomerMetadataProperties/mlpipeline_deployed_${stage}`;
  /** The version as it is when a stage records: its lifecycle (resource condition keys of UpdateModelPackage). */
  const currently = (stage: string, status = "Approved") => ({ "sagemaker:CurrentModelLifeCycleStage": stage, "sagemaker:CurrentModelLifeCycleStageStatus": status });
  /** A person or role of the source account itself (an administrator): allowed everything by its own identity policy. */
  const SOURCE_ADMIN = `arn:aws:iam::${DEV}:role/ml-platform-admin`;
  const EVERYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

  interface Row {
    what: string;
    /** source: a principal of the source account allowed everything by its own identity policy, so only the resource policy's denies can refuse it. */
    who: "staging" | "prod" | "stranger" | "source";
    action: string;
    resource: string;
    against: "group" | "bucket" | "key";
    context?: Record<string, string | string[]>;
    expect: "Allowed" | "Denied";
    /** Where the row's behaviour is documented. */
    source: string;
  }
  const ROWS: Row[] = [
    { what: "staging reads a shared version", who: "staging", action: "sagemaker:DescribeModelPackage", resource: VERSION, against: "group", expect: "Allowed", source: "SageMaker Developer Guide, deploy a model version from a different account" },
    { what: "a fourth account reads a version", who: "stranger", action: "sagemaker:DescribeModelPackage", resource: VERSION, against: "group", expect: "Denied", source: "the group's policy names the stages' accounts only" },
    { what: "staging records its deployment of a version approved for staging", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "arn:aws:states:x", ...currently("staging") }, expect: "Allowed", source: "UpdateModelPackage condition keys (Service Authorization Reference)" },
    { what: "staging records a deployment of a version approved for prod only", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", ...currently("prod") }, expect: "Denied", source: "sagemaker:CurrentModelLifeCycleStage must be the stage" },
    { what: "staging records a deployment of a version pending for staging", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", ...currently("staging", "PendingApproval") }, expect: "Denied", source: "sagemaker:CurrentModelLifeCycleStageStatus must be Approved" },
    {
      what: "staging records a redeploy of a version it deployed before, now approved for prod",
      who: "staging",
      action: "sagemaker:UpdateModelPackage",
      resource: VERSION,
      against: "group",
      context: { [recordKey("staging")]: "x", ...currently("prod"), "sagemaker:CurrentCustomerMetadataProperties/mlpipeline_deployed_staging": "arn:aws:states:y" },
      expect: "Allowed",
      source: "sagemaker:CurrentCustomerMetadataProperties/${MetadataKey}",
    },
    { what: "the source's own administrator writes staging's record", who: "source", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", ...currently("staging") }, expect: "Denied", source: "explicit deny in the resource policy (IAM policy evaluation logic)" },
    { what: "the source's own administrator rewrites the registered image", who: "source", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { "sagemaker:CustomerMetadataProperties/mlpipeline_image": "x" }, expect: "Denied", source: "explicit deny: the registered keys are written once" },
    { what: "the source's own administrator removes the registered checksum", who: "source", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { "sagemaker:CustomerMetadataPropertiesToRemove": ["mlpipeline_artifact_crc64nvme"] }, expect: "Denied", source: "explicit deny: sagemaker:CustomerMetadataPropertiesToRemove" },
    { what: "the source's own administrator approves a version for staging", who: "source", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { "sagemaker:ModelLifeCycle:Stage": "staging", "sagemaker:ModelLifeCycle:StageStatus": "Approved" }, expect: "Allowed", source: "the denies are narrow: setting a lifecycle is the source's own IAM" },
    { what: "staging approves a version", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", "sagemaker:ModelApprovalStatus": "Approved" }, expect: "Denied", source: "sagemaker:ModelApprovalStatus must be absent" },
    { what: "staging moves a version's lifecycle", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", "sagemaker:ModelLifeCycle:Stage": "prod" }, expect: "Denied", source: "sagemaker:ModelLifeCycle:Stage must be absent" },
    { what: "prod forges staging's record", who: "prod", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("prod")]: "x", [recordKey("staging")]: "x" }, expect: "Denied", source: "another stage's key must be absent" },
    { what: "staging rewrites the registered checksum", who: "staging", action: "sagemaker:UpdateModelPackage", resource: VERSION, against: "group", context: { [recordKey("staging")]: "x", "sagemaker:CustomerMetadataProperties/mlpipeline_artifact_crc64nvme": "x" }, expect: "Denied", source: "the artifact's keys must be absent" },
    { what: "staging reads the registered artifact's version", who: "staging", action: "s3:GetObjectVersion", resource: REGISTERED, against: "bucket", expect: "Allowed", source: "S3 User Guide, bucket owner granting cross-account bucket permissions" },
    { what: "staging reads a trained, unregistered artifact", who: "staging", action: "s3:GetObject", resource: TRAINED, against: "bucket", expect: "Denied", source: "the grant covers registered/ only" },
    { what: "a fourth account reads the registered artifact", who: "stranger", action: "s3:GetObject", resource: REGISTERED, against: "bucket", expect: "Denied", source: "the bucket policy names the stages' accounts only" },
    { what: "S3 decrypts the artifact for staging", who: "staging", action: "kms:Decrypt", resource: KEY, against: "key", context: KEY_CONTEXT, expect: "Allowed", source: "KMS Developer Guide, allowing users in other accounts to use a KMS key" },
    { what: "staging decrypts outside S3", who: "staging", action: "kms:Decrypt", resource: KEY, against: "key", context: { ...KEY_CONTEXT, "kms:ViaService": `sagemaker.${REGION}.amazonaws.com` }, expect: "Denied", source: "kms:ViaService: through S3 only" },
    { what: "a fourth account decrypts through S3", who: "stranger", action: "kms:Decrypt", resource: KEY, against: "key", context: { ...KEY_CONTEXT, "kms:CallerAccount": STRANGER }, expect: "Denied", source: "the key policy names the stages' accounts only" },
  ];
  for (const row of ROWS) {
    it(`IAM simulator: ${row.what}: ${row.expect} (${row.source})`, async () => {
      const identityOf = (run: StackRun) => json(run.named("ml-pipeline-workflow-role-policy").inputs.policy);
      const [principal, declaredIdentity] =
        row.who === "staging"
          ? [role(STAGING, "ml-pipeline-staging"), identityOf(staging)]
          : row.who === "prod"
            ? [role(PROD, "ml-pipeline-prod"), identityOf(prod)]
            : row.who === "stranger"
              ? [role(STRANGER, "ml-pipeline-staging"), identityOf(staging)]
              : [SOURCE_ADMIN, EVERYTHING];
      // A refusal is the resource policy's claim: it must hold even against an identity that allows everything.
      const identity = row.expect === "Denied" ? EVERYTHING : declaredIdentity;
      const resourcePolicy =
        row.against === "group"
          ? json(source.named("ml-pipeline-sharing-group-policy").inputs.resourcePolicy)
          : row.against === "bucket"
            ? json(source.named("ml-pipeline-data-tls-only-policy").inputs.policy)
            : json(source.named("ml-pipeline-data-key").inputs.policy);
      const context = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3", ...row.context };
      const got = await simulate(principal, row.action, row.resource, DEV, identity, resourcePolicy, context);
      if (row.expect === "Allowed") assert.equal(got, "Allowed");
      else assert.notEqual(got, "Allowed");
      // Across accounts, the resource policy alone never suffices: without the identity statement the same request is denied.
      if (row.expect === "Allowed" && row.who !== "source") assert.notEqual(await simulate(principal, row.action, row.resource, DEV, { Version: "2012-10-17", Statement: [] }, resourcePolicy, context), "Allowed");
    });
  }
});

describe("promotion across accounts: runs", () => {
  const SOURCE_BUCKET = `ml-pipeline-dev-data-${DEV}`;
  const CHECKSUM = "mU4vSw0tMNQ=";

  /** dev's run, sharing: what it registers is what the stages read back. */
  async function sourceRun(): Promise<{ registered: any; copyInput: any }> {
    const definition = definitionFor("dev", SHARE_WITH, DEV);
    const handlers: Record<string, Handler> = {
      ...happyHandlers(),
      Train: (i) => ({ TrainingJobName: i.TrainingJobName, TrainingJobStatus: "Completed", ModelArtifacts: { S3ModelArtifacts: `s3://${SOURCE_BUCKET}/artifacts/models/${i.TrainingJobName}/output/model.tar.gz` }, FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.91 }] }),
      CopyArtifactForRegistry: () => ({ CopyObjectResult: { ETag: "e", ChecksumCRC64NVME: CHECKSUM }, VersionId: "3HL4kqtJlcpXroDTDmJ" }),
      RegisterModel: (i) => ({ ModelPackageArn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package/${i.ModelPackageGroupName}/7` }),
    };
    const run = await runLocally(definition, handlers, { trigger: "manual" });
    assert.equal(run.error, undefined, String(run.error));
    return { registered: run.inputs.RegisterModel, copyInput: run.inputs.CopyArtifactForRegistry };
  }

  /** DescribeModelPackage of what the source registered, with a lifecycle and records as people and stages set them. */
  const described = (registered: any, lifeCycle: { Stage: string; StageStatus: string } | undefined, records: Record<string, string> = {}) => ({
    ModelPackageArn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7`,
    ModelPackageGroupName: registered.ModelPackageGroupName,
    ModelPackageVersion: 7,
    ModelApprovalStatus: registered.ModelApprovalStatus,
    InferenceSpecification: registered.InferenceSpecification,
    ...(lifeCycle ? { ModelLifeCycle: lifeCycle } : {}),
    CustomerMetadataProperties: { ...registered.CustomerMetadataProperties, ...records },
  });

  const stageHandlers = (pkg: any, copyChecksum = CHECKSUM): Record<string, Handler> => ({
    ...happyHandlers(),
    DescribeSourcePackage: () => pkg,
    CopyArtifact: () => ({ CopyObjectResult: { ETag: "e", ChecksumCRC64NVME: copyChecksum }, VersionId: "v" }),
    DeleteMismatchedCopy: () => ({}),
    RecordPromotion: (i) => ({ ModelPackageArn: i.ModelPackageArn }),
  });
  const event = { promotionEvent: { arn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7` } };

  it("the source registers a checksummed copy of the trained artifact, and points the version at it", async () => {
    const { registered, copyInput } = await sourceRun();
    assert.equal(copyInput.ChecksumAlgorithm, "CRC64NVME");
    assert.equal(copyInput.CopySource, `${SOURCE_BUCKET}/artifacts/models/ml-pipeline-dev-tr-${copyInput.Key.split("/")[3]}/output/model.tar.gz`);
    assert.match(copyInput.Key, /^artifacts\/models\/registered\/[0-9a-f]{32}\/model\.tar\.gz$/);
    assert.equal(registered.InferenceSpecification.Containers[0].ModelDataUrl, `s3://${SOURCE_BUCKET}/${copyInput.Key}`);
    assert.deepEqual(
      [registered.CustomerMetadataProperties.mlpipeline_artifact_key, registered.CustomerMetadataProperties.mlpipeline_artifact_version, registered.CustomerMetadataProperties.mlpipeline_artifact_crc64nvme],
      [copyInput.Key, "3HL4kqtJlcpXroDTDmJ", CHECKSUM],
    );
    // The image it registers, recorded where the group's policy keeps anyone from rewriting it.
    assert.equal(registered.CustomerMetadataProperties.mlpipeline_image, registered.InferenceSpecification.Containers[0].Image);
    assert.match(registered.CustomerMetadataProperties.mlpipeline_image, /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/sagemaker-xgboost:/);
  });

  it("the source says so, and registers nothing, when the training job reports no artifact or another one", async () => {
    const definition = definitionFor("dev", SHARE_WITH, DEV);
    for (const [artifacts, says] of [
      [undefined, /UnexpectedModelArtifact: the training job reported no model artifact \(expected s3:\/\/.*\/output\/model\.tar\.gz\); nothing was registered/],
      [{ S3ModelArtifacts: `s3://${SOURCE_BUCKET}/elsewhere/model.tar.gz` }, /UnexpectedModelArtifact: the training job wrote its model to s3:\/\/.*\/elsewhere\/model\.tar\.gz, not /],
    ] as const) {
      const run = await runLocally(definition, { ...happyHandlers(), Train: (i) => ({ TrainingJobName: i.TrainingJobName, TrainingJobStatus: "Completed", ...(artifacts ? { ModelArtifacts: artifacts } : {}), FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.91 }] }) }, { trigger: "manual" });
      assert.ok(run.error, "the run fails");
      assert.match(run.inputs.NotifyFailure.Message, says);
      assert.ok(!run.calls.includes("CopyArtifactForRegistry") && !run.calls.includes("RegisterModel"));
    }
  });

  it("staging, on the forwarded event of a version approved for staging: copies exactly the registered object version, deploys the copy, records it on the version", async () => {
    const { registered } = await sourceRun();
    const run = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, { Stage: "staging", StageStatus: "Approved" })), event);
    assert.equal(run.error, undefined, String(run.error));
    const copy = run.inputs.CopyArtifact;
    assert.equal(copy.CopySource, `${SOURCE_BUCKET}/${registered.CustomerMetadataProperties.mlpipeline_artifact_key}?versionId=3HL4kqtJlcpXroDTDmJ`);
    assert.equal(copy.ExpectedSourceBucketOwner, DEV);
    assert.equal(copy.Bucket, `ml-pipeline-staging-data-${STAGING}`);
    assert.equal(copy.SSEKMSKeyId, `arn:aws:kms:${REGION}:${STAGING}:alias/ml-pipeline-staging-data`);
    assert.deepEqual(run.inputs.CreateModel.PrimaryContainer, { Image: registered.InferenceSpecification.Containers[0].Image, ModelDataUrl: `s3://${copy.Bucket}/${copy.Key}` });
    assert.deepEqual(Object.keys(run.inputs.RecordPromotion.CustomerMetadataProperties), ["mlpipeline_deployed_staging"]);
    assert.match(run.inputs.NotifyDeployed.Message, new RegExp(`model package arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7 of account ${DEV}, promoted to staging`));
  });

  it("a copy whose checksum differs from the registered one is deleted, and nothing deploys", async () => {
    const { registered } = await sourceRun();
    const run = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, { Stage: "staging", StageStatus: "Approved" }), "AAAAAAAAAAA="), event);
    assert.ok(run.error);
    assert.ok(run.calls.includes("DeleteMismatchedCopy"));
    assert.equal(run.inputs.DeleteMismatchedCopy.Key, run.inputs.CopyArtifact.Key);
    assert.ok(!run.calls.includes("CreateModel") && !run.calls.includes("RecordPromotion"));
    assert.match(run.inputs.NotifyFailure.Message, /ArtifactChecksumMismatch: the copy of .* has CRC64NVME checksum AAAAAAAAAAA=, and the source registered mU4vSw0tMNQ=; the copy was deleted/);
  });

  it("a copy for which S3 returns no checksum is deleted too, and the failure says so (not a runtime error)", async () => {
    const { registered } = await sourceRun();
    const handlers = { ...stageHandlers(described(registered, { Stage: "staging", StageStatus: "Approved" })), CopyArtifact: () => ({ CopyObjectResult: { ETag: "e" }, VersionId: "v" }) };
    const run = await runLocally(definitionFor("staging", {}, STAGING), handlers, event);
    assert.ok(run.error);
    assert.ok(run.calls.includes("DeleteMismatchedCopy") && !run.calls.includes("CreateModel"));
    assert.match(run.inputs.NotifyFailure.Message, /ArtifactChecksumMismatch: S3 returned no CRC64NVME checksum for the copy of .*, so it cannot be compared with the registered mU4vSw0tMNQ=; the copy was deleted/);
  });

  it("a source with manual approval deploys on an approval, and not on the later changes of a promoted version (lifecycle, stages' records)", async () => {
    const { registered } = await sourceRun();
    const definition = definitionFor("dev", { registry: { ...SHARE_WITH.registry, approval: "manual" } }, DEV);
    const approval = { modelPackageEvent: { arn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7`, status: "Approved" } };
    const handlers = (pkg: any) => ({ ...happyHandlers(), DescribeModelPackage: () => pkg });
    const approved = await runLocally(definition, handlers(described(registered, undefined)), approval);
    assert.equal(approved.error, undefined, String(approved.error));
    assert.ok(approved.calls.includes("CreateModel"), approved.calls.join(" "));
    for (const [lifeCycle, records] of [[{ Stage: "staging", StageStatus: "Approved" }, {}], [{ Stage: "prod", StageStatus: "Approved" }, { mlpipeline_deployed_staging: "arn:x" }]] as const) {
      const change = await runLocally(definition, handlers(described(registered, lifeCycle, records)), approval);
      assert.equal(change.error, undefined, String(change.error));
      assert.ok(!change.calls.includes("CreateModel") && !change.calls.some((c) => c.startsWith("Notify")), change.calls.join(" "));
    }
  });

  it("a record the source refuses (the lifecycle moved on during the deploy) fails the run saying the endpoint serves it and how to record it", async () => {
    const { registered } = await sourceRun();
    const handlers = {
      ...stageHandlers(described(registered, { Stage: "staging", StageStatus: "Approved" })),
      RecordPromotion: () => {
        throw awsError("SageMaker.SageMakerException", "User is not authorized to perform: sagemaker:UpdateModelPackage");
      },
    };
    const run = await runLocally(definitionFor("staging", {}, STAGING), handlers, event);
    assert.ok(run.error);
    assert.ok(run.calls.includes("UpdateEndpoint"), "the endpoint was updated before the record");
    assert.match(run.inputs.NotifyFailure.Message, /DeploymentNotRecorded: ml-pipeline-staging-endpoint serves arn:aws:sagemaker:.*\/7, but recording it on the version failed \(SageMaker\.SageMakerException: User is not authorized.*set it back to staging\/Approved/);
  });

  it("an event of a version staging already deployed (its own record, prod's approval) ends quietly: deployed once", async () => {
    const { registered } = await sourceRun();
    for (const lifeCycle of [{ Stage: "staging", StageStatus: "Approved" }, { Stage: "prod", StageStatus: "Approved" }]) {
      const run = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, lifeCycle, { mlpipeline_deployed_staging: "arn:earlier" })), event);
      assert.equal(run.error, undefined, String(run.error));
      assert.deepEqual(run.calls, ["ResolveStackKey", "DescribeSourcePackage"]);
    }
  });

  it("an event of a version approved for another stage, or not approved, ends quietly: nothing copied, nothing notified", async () => {
    const { registered } = await sourceRun();
    for (const pkg of [described(registered, { Stage: "prod", StageStatus: "Approved" }), described(registered, { Stage: "staging", StageStatus: "PendingApproval" }), described(registered, undefined), { ...described(registered, { Stage: "staging", StageStatus: "Approved" }), ModelApprovalStatus: "Rejected" }]) {
      const run = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(pkg), event);
      assert.equal(run.error, undefined, String(run.error));
      assert.deepEqual(run.calls, ["ResolveStackKey", "DescribeSourcePackage"]);
    }
  });

  it("prod deploys a version approved for prod only after staging recorded deploying it", async () => {
    const { registered } = await sourceRun();
    const definition = definitionFor("prod", PROD_PROMOTED, PROD);
    const before = await runLocally(definition, stageHandlers(described(registered, { Stage: "prod", StageStatus: "Approved" })), event);
    assert.ok(before.error);
    assert.ok(!before.calls.includes("CopyArtifact"));
    assert.match(before.inputs.NotifyFailure.Message, /NotDeployedInEarlierStage: .* is approved for prod, but staging has not deployed it/);
    const after = await runLocally(definition, stageHandlers(described(registered, { Stage: "prod", StageStatus: "Approved" }, { mlpipeline_deployed_staging: `arn:aws:states:${REGION}:${STAGING}:execution:ml-pipeline-staging-pipeline:r1` })), event);
    assert.equal(after.error, undefined, String(after.error));
    assert.deepEqual(Object.keys(after.inputs.RecordPromotion.CustomerMetadataProperties), ["mlpipeline_deployed_prod"]);
  });

  it("a person's request deploys a version this stage deployed before (a rollback), and refuses one it never approved", async () => {
    const { registered } = await sourceRun();
    const request = { promotedModelPackageArn: `arn:aws:sagemaker:${REGION}:${DEV}:model-package/ml-pipeline-dev-models/7` };
    const rollback = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, { Stage: "prod", StageStatus: "Approved" }, { mlpipeline_deployed_staging: "arn:earlier" })), request);
    assert.equal(rollback.error, undefined, String(rollback.error));
    assert.ok(rollback.calls.includes("CreateModel"));
    const never = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, { Stage: "prod", StageStatus: "Approved" })), request);
    assert.match(never.inputs.NotifyFailure.Message, /NotApprovedForStage: .* is not approved for staging/);
    // Deployed here once, since rejected for this stage: a rollback to it is refused.
    const rejected = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(described(registered, { Stage: "staging", StageStatus: "Rejected" }, { mlpipeline_deployed_staging: "arn:earlier" })), request);
    assert.match(rejected.inputs.NotifyFailure.Message, /RejectedForStage: .* is rejected for staging/);
    assert.ok(!rejected.calls.includes("CopyArtifact"));
  });

  it("a version whose artifact is not the registered copy is refused, and so is a run with nothing to promote", async () => {
    const { registered } = await sourceRun();
    const tampered = described(registered, { Stage: "staging", StageStatus: "Approved" });
    tampered.InferenceSpecification = { ...tampered.InferenceSpecification, Containers: [{ ...tampered.InferenceSpecification.Containers[0], ModelDataUrl: `s3://${SOURCE_BUCKET}/artifacts/models/elsewhere/model.tar.gz` }] };
    const run = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(tampered), event);
    assert.match(run.inputs.NotifyFailure.Message, /NoRegisteredArtifact/);
    assert.ok(!run.calls.includes("CopyArtifact"));
    // Another image than the one registered with the artifact (UpdateModelPackage can replace the InferenceSpecification): refused too.
    const reimaged = described(registered, { Stage: "staging", StageStatus: "Approved" });
    reimaged.InferenceSpecification = { ...reimaged.InferenceSpecification, Containers: [{ ...reimaged.InferenceSpecification.Containers[0], Image: `${STRANGER}.dkr.ecr.${REGION}.amazonaws.com/anything:latest` }] };
    const other = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(reimaged), event);
    assert.match(other.inputs.NotifyFailure.Message, /NoRegisteredArtifact: .* in the image registered with it/);
    assert.ok(!other.calls.includes("CopyArtifact"));
    const idle = await runLocally(definitionFor("staging", {}, STAGING), stageHandlers(tampered), { trigger: "manual" });
    assert.match(idle.inputs.NotifyFailure.Message, /NothingToPromote: ml-pipeline-staging trains nothing/);
  });

  it("a version the source account cannot describe to this stage fails the run with SageMaker's error", async () => {
    const handlers = { ...stageHandlers({}), DescribeSourcePackage: () => { throw awsError("SageMaker.SageMakerException", "User is not authorized to perform: sagemaker:DescribeModelPackage"); } };
    const run = await runLocally(definitionFor("staging", {}, STAGING), handlers, event);
    assert.ok(run.error);
    assert.match(run.inputs.NotifyFailure.Message, /not authorized/);
  });
});
