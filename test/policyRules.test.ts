/** Each rule on its own: a compliant resource passes; each way to break it is reported, naming resource, value and fix. */
import { strict as assert } from "assert";
import { rule as endpointInstanceTypesRule } from "../policies/rules/sagemaker-endpoint-instance-types";
import { rule as jobInstanceTypesRule } from "../policies/rules/sagemaker-job-instance-types";
import { rule as endpointConfigKmsRule } from "../policies/rules/sagemaker-endpoint-config-kms";
import { rule as kmsKeyRotationRule } from "../policies/rules/kms-key-rotation";
import { rule as lambdaEnvironmentKmsRule } from "../policies/rules/lambda-environment-kms";
import { rule as logGroupKmsRule } from "../policies/rules/cloudwatch-log-group-kms";
import { rule as s3BucketProtectionRule } from "../policies/rules/s3-bucket-encryption-and-access";
import { rule as snsTopicKmsRule } from "../policies/rules/sns-topic-kms";
import { rule as jobEncryptionRule } from "../policies/rules/sagemaker-job-encryption";
import { rule as instanceHourlyLimitRule } from "../policies/rules/instance-hourly-price-limit";
import { rule as monthlyCostLimitRule } from "../policies/rules/monthly-cost-limit";
import { rule as iamNoManagedFullAccessRule } from "../policies/rules/iam-no-managed-full-access";
import { rule as iamNoWildcardActionsRule } from "../policies/rules/iam-no-wildcard-actions";
import { rule as iamPassRoleRestrictedRule } from "../policies/rules/iam-passrole-restricted";
import { rule as sageMakerNetworkIsolationRule } from "../policies/rules/sagemaker-network-isolation";
import { rule as stateMachineLoggingTracingRule } from "../policies/rules/stepfunctions-logging-tracing";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { estimateMonthlyCost } from "../policies/cost/estimator";
import { checkResource, checkStack, UNKNOWN } from "./support/policy";

const resourcePolicy = (r: { policy: unknown }) => r.policy as ResourceValidationPolicy;
const stackPolicy = (r: { policy: unknown }) => r.policy as StackValidationPolicy;
const endpointInstanceTypes = resourcePolicy(endpointInstanceTypesRule);
const jobInstanceTypes = resourcePolicy(jobInstanceTypesRule);
const endpointConfigKms = resourcePolicy(endpointConfigKmsRule);
const kmsKeyRotation = resourcePolicy(kmsKeyRotationRule);
const lambdaEnvironmentKms = resourcePolicy(lambdaEnvironmentKmsRule);
const logGroupKms = resourcePolicy(logGroupKmsRule);
const s3BucketProtection = stackPolicy(s3BucketProtectionRule);
const snsTopicKms = resourcePolicy(snsTopicKmsRule);
const jobEncryption = resourcePolicy(jobEncryptionRule);
const instanceHourlyLimit = resourcePolicy(instanceHourlyLimitRule);
const monthlyCostLimit = stackPolicy(monthlyCostLimitRule);
const iamNoManagedFullAccess = resourcePolicy(iamNoManagedFullAccessRule);
const iamNoWildcardActions = resourcePolicy(iamNoWildcardActionsRule);
const iamPassRoleRestricted = resourcePolicy(iamPassRoleRestrictedRule);
const sageMakerNetworkIsolation = resourcePolicy(sageMakerNetworkIsolationRule);
const stateMachineLoggingTracing = resourcePolicy(stateMachineLoggingTracingRule);

const EC = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const SFN = "aws:sfn/stateMachine:StateMachine";

const endpointConfig = (variant: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: EC,
  name: "serving",
  props: { productionVariants: [{ variantName: "primary", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", ...variant }], kmsKeyArn: "arn:aws:kms:us-east-1:1:alias/k", ...extra },
});

function trainingTask(resourceConfig: Record<string, unknown>, extra: Record<string, unknown> = {}, resource = "arn:aws:states:::sagemaker:createTrainingJob.sync") {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      TrainingJobName: "j",
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30, "VolumeKmsKeyId.$": "$.key.arn", ...resourceConfig },
      OutputDataConfig: { S3OutputPath: "s3://b/o", KmsKeyId: "alias/k" },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      EnableInterContainerTrafficEncryption: true,
      EnableNetworkIsolation: true,
      ...extra,
    },
    End: true,
  };
}
const stateMachine = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: SFN,
  name: "pipeline",
  props: {
    name: "pipeline",
    definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: "arn:aws:logs:us-east-1:1:log-group:x:*" },
    tracingConfiguration: { enabled: true },
    ...extra,
  },
});

describe("rule: sagemaker-endpoint-instance-types", () => {
  it("passes an allowed hosting type and serverless variants", () => {
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({})), []);
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: undefined, serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } })), []);
  });
  it("reports a training-only type used for hosting, naming resource, value and fix", () => {
    const [m] = checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.t3.medium" }));
    assert.match(m, /EndpointConfiguration "serving" variant primary: hosting instance type ml\.t3\.medium is not allowed; use one of the policy's allowedHostingInstanceTypes/);
  });
  it("reports GPUs unless allowed, and too many instances", () => {
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.g5.xlarge" }))[0], /GPU instance and GPUs are not allowed.*allowGpu: true/);
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.g5.xlarge" }), { allowGpu: true }), []);
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ initialInstanceCount: 40 }))[0], /40 instances exceed maxInstanceCount 10/);
  });
  it("honours a narrowed allow-list from config", () => {
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.m5.xlarge" }), { allowedHostingInstanceTypes: ["ml.m5.large"] })[0], /ml\.m5\.xlarge is not allowed/);
  });
});

describe("rule: sagemaker-job-instance-types", () => {
  it("passes allowed types in every SageMaker task", () => {
    assert.deepEqual(checkResource(jobInstanceTypes, stateMachine({ Train: trainingTask({}) })), []);
  });
  it("finds tasks with and without .sync, via aws-sdk, and nested in Parallel and Map", () => {
    const bad = { InstanceType: "ml.t2.medium" };
    const defs = {
      A: trainingTask(bad, {}, "arn:aws:states:::sagemaker:createTrainingJob"),
      B: trainingTask(bad, {}, "arn:aws:states:::aws-sdk:sagemaker:createTrainingJob"),
      C: { Type: "Parallel", Branches: [{ StartAt: "D", States: { D: trainingTask(bad) } }], End: true },
      E: { Type: "Map", ItemProcessor: { StartAt: "F", States: { F: trainingTask(bad) } }, End: true },
    };
    const messages = checkResource(jobInstanceTypes, stateMachine(defs));
    assert.equal(messages.length, 4);
    assert.ok(messages.some((m) => /state C\/D \(createTrainingJob\) ResourceConfig: training instance type ml\.t2\.medium is not allowed/.test(m)));
    assert.ok(messages.some((m) => /state E\/F/.test(m)));
  });
  it("checks processing, transform, tuning and endpoint-config tasks against their own lists", () => {
    const states = {
      P: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createProcessingJob.sync", Parameters: { ProcessingResources: { ClusterConfig: { InstanceType: "ml.t2.medium", InstanceCount: 1 } } }, Next: "T" },
      T: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createTransformJob.sync", Parameters: { TransformResources: { InstanceType: "ml.t3.medium", InstanceCount: 1 } }, Next: "H" },
      H: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { TrainingJobDefinition: { ResourceConfig: { InstanceType: "ml.p3.2xlarge", InstanceCount: 40 } } }, Next: "E" },
      E: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createEndpointConfig", Parameters: { ProductionVariants: [{ InstanceType: "ml.t3.medium", InitialInstanceCount: 1 }] }, End: true },
    };
    const m = checkResource(jobInstanceTypes, stateMachine(states));
    assert.ok(m.some((x) => /state P \(createProcessingJob\).*processing instance type ml\.t2\.medium/.test(x)));
    assert.ok(m.some((x) => /state T \(createTransformJob\).*hosting instance type ml\.t3\.medium/.test(x)));
    assert.ok(m.some((x) => /state H .*ml\.p3\.2xlarge is a GPU instance/.test(x)));
    assert.ok(m.some((x) => /state H .*40 instances exceed maxInstanceCount/.test(x)));
    assert.ok(m.some((x) => /state E \(createEndpointConfig\) ProductionVariants\[0\]: hosting instance type ml\.t3\.medium/.test(x)));
  });
  it("reports an instance type set at run time, which cannot be checked", () => {
    const task = trainingTask({});
    (task.Parameters.ResourceConfig as any) = { "InstanceType.$": "$.type", InstanceCount: 1 };
    assert.match(checkResource(jobInstanceTypes, stateMachine({ Train: task }))[0], /set at run time .* write it as a literal/);
  });
  it("does not apply to other resource types", () => {
    assert.deepEqual(checkResource(jobInstanceTypes, { type: "aws:s3/bucket:Bucket", name: "b", props: {} }), []);
  });
});

describe("native aws:sagemaker TrainingJob resources", () => {
  const job = (resourceConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: "aws:sagemaker/trainingJob:TrainingJob",
    name: "nightly",
    props: {
      trainingJobName: "nightly",
      roleArn: "arn:aws:iam::1:role/r",
      resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 30, volumeKmsKeyId: UNKNOWN, ...resourceConfig },
      outputDataConfig: { s3OutputPath: "s3://b/o", kmsKeyId: "alias/k" },
      enableInterContainerTrafficEncryption: true,
      enableNetworkIsolation: true,
      stoppingCondition: { maxRuntimeInSeconds: 3600 },
      ...extra,
    },
  });
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    for (const rule of [jobInstanceTypes, jobEncryption, sageMakerNetworkIsolation, instanceHourlyLimit]) assert.deepEqual(checkResource(rule, job({})), [], rule.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    assert.match(checkResource(jobInstanceTypes, job({ instanceType: "ml.t2.medium" }))[0], /^TrainingJob "nightly" ResourceConfig: training instance type ml\.t2\.medium is not allowed/);
    const enc = checkResource(jobEncryption, job({ volumeKmsKeyId: undefined }, { outputDataConfig: { s3OutputPath: "s3://b" }, enableInterContainerTrafficEncryption: false }));
    assert.equal(enc.length, 3);
    assert.match(enc[0], /^TrainingJob "nightly": ResourceConfig\.VolumeKmsKeyId is missing/);
    assert.match(checkResource(jobEncryption, job({ instanceType: "ml.g5.xlarge" }))[0], /VolumeKmsKeyId must be absent for ml\.g5\.xlarge/);
    assert.match(checkResource(sageMakerNetworkIsolation, job({}, { enableNetworkIsolation: false }))[0], /TrainingJob "nightly": set EnableNetworkIsolation: true/);
    assert.match(checkResource(instanceHourlyLimit, job({ instanceType: "ml.p3.16xlarge" }))[0], /TrainingJob "nightly" ResourceConfig: ml\.p3\.16xlarge costs about/);
  });
});

describe("rule: s3-bucket-encryption-and-access", () => {
  const urn = (t: string, n: string) => `urn:pulumi:s::p::${t}::${n}`;
  const bucketStack = (overrides: { sse?: unknown; pab?: Record<string, boolean> | null; policy?: unknown; versioning?: string | null }) => {
    const res = [{ type: "aws:s3/bucket:Bucket", name: "data", urn: urn("aws:s3/bucket:Bucket", "data"), props: { bucket: "my-data" } }];
    if (overrides.sse !== null) res.push({ type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: "sse", urn: urn("sse", "sse"), props: { bucket: "my-data", rules: [{ applyServerSideEncryptionByDefault: overrides.sse ?? { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }] } as any });
    if (overrides.pab !== null) res.push({ type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "pab", urn: urn("pab", "pab"), props: { bucket: "my-data", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...(overrides.pab ?? {}) } as any });
    if (overrides.policy !== null) res.push({ type: "aws:s3/bucketPolicy:BucketPolicy", name: "pol", urn: urn("pol", "pol"), props: { bucket: "my-data", policy: overrides.policy ?? JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) } as any });
    if (overrides.versioning !== null) res.push({ type: "aws:s3/bucketVersioning:BucketVersioning", name: "ver", urn: urn("ver", "ver"), props: { bucket: "my-data", versioningConfiguration: { status: overrides.versioning ?? "Enabled" } } as any });
    return res;
  };
  it("passes a bucket with all four companions, even when the key ARN is unknown (first preview)", () => {
    assert.deepEqual(checkStack(s3BucketProtection, bucketStack({})), []);
  });
  it("reports each missing protection with the fix", () => {
    const one = (o: Parameters<typeof bucketStack>[0]) => checkStack(s3BucketProtection, bucketStack(o)).map((v) => v.message);
    assert.match(one({ sse: null })[0], /S3 bucket "data" has no SSE-KMS default encryption; add a BucketServerSideEncryptionConfiguration/);
    assert.match(one({ sse: { sseAlgorithm: "AES256" } })[0], /no SSE-KMS/);
    assert.match(one({ sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } })[0], /AWS-managed key/);
    assert.match(one({ pab: { restrictPublicBuckets: false } })[0], /does not set restrictPublicBuckets/);
    assert.match(one({ pab: null })[0], /public access block is missing/);
    assert.match(one({ policy: null })[0], /no bucket policy denying requests without TLS/);
    assert.match(one({ policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject" }] }) })[0], /without TLS/);
    assert.match(one({ versioning: "Suspended" })[0], /not versioned \(status Suspended\)/);
    assert.equal(checkStack(s3BucketProtection, bucketStack({ sse: null }))[0].urn, urn("aws:s3/bucket:Bucket", "data"));
  });
});

describe("rule: kms-key-rotation", () => {
  it("passes rotating keys, skips asymmetric keys, reports and remediates the rest", async () => {
    const key = { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: true } };
    assert.deepEqual(checkResource(kmsKeyRotation, key), []);
    assert.deepEqual(checkResource(kmsKeyRotation, { ...key, props: { customerMasterKeySpec: "RSA_2048" } }), []);
    assert.match(checkResource(kmsKeyRotation, { ...key, props: {} })[0], /Key "k" does not rotate; set enableKeyRotation: true/);
    const fixed = await kmsKeyRotation.remediateResource!({ type: "aws:kms/key:Key", props: { description: "x" } } as any);
    assert.deepEqual(fixed, { description: "x", enableKeyRotation: true });
  });
});

describe("rule: sagemaker-endpoint-config-kms", () => {
  it("requires the key, except on local-NVMe types where it must be absent", () => {
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({})), []);
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({}, { kmsKeyArn: UNKNOWN })), [], "an unknown key ARN is a set key");
    assert.match(checkResource(endpointConfigKms, endpointConfig({}, { kmsKeyArn: undefined }))[0], /has no kmsKeyArn; set it/);
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({ instanceType: "ml.g4dn.xlarge" }, { kmsKeyArn: undefined })), []);
    assert.match(checkResource(endpointConfigKms, endpointConfig({ instanceType: "ml.g4dn.xlarge" }))[0], /runs on ml\.g4dn\.xlarge, whose local NVMe storage .* Remove kmsKeyArn/);
  });
  it("requires data capture to be encrypted", () => {
    const capture = { dataCaptureConfig: { enableCapture: true, initialSamplingPercentage: 5, destinationS3Uri: "s3://b/c", captureOptions: [] } };
    assert.match(checkResource(endpointConfigKms, endpointConfig({}, capture))[0], /captures data without a KMS key/);
  });
});

describe("rule: sagemaker-job-encryption", () => {
  it("passes a fully encrypted training task (volume key given as a path)", () => {
    assert.deepEqual(checkResource(jobEncryption, stateMachine({ Train: trainingTask({}) })), []);
  });
  it("reports missing volume key, output key and inter-container encryption", () => {
    const task = trainingTask({ "VolumeKmsKeyId.$": undefined }, { OutputDataConfig: { S3OutputPath: "s3://b" }, EnableInterContainerTrafficEncryption: false });
    const m = checkResource(jobEncryption, stateMachine({ Train: task }));
    assert.ok(m.some((x) => /ResourceConfig\.VolumeKmsKeyId is missing/.test(x)));
    assert.ok(m.some((x) => /OutputDataConfig\.KmsKeyId is missing/.test(x)));
    assert.ok(m.some((x) => /EnableInterContainerTrafficEncryption: true/.test(x)));
  });
  it("requires the volume key to be absent on local-NVMe types", () => {
    assert.match(checkResource(jobEncryption, stateMachine({ Train: trainingTask({ InstanceType: "ml.g5.xlarge" }) }))[0], /VolumeKmsKeyId must be absent for ml\.g5\.xlarge/);
    assert.deepEqual(checkResource(jobEncryption, stateMachine({ Train: trainingTask({ InstanceType: "ml.g5.xlarge", "VolumeKmsKeyId.$": undefined }) })), []);
  });
});

describe("rules: topics, log groups, Lambda environments", () => {
  it("SNS topics need a customer key", () => {
    assert.deepEqual(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: { kmsMasterKeyId: "alias/mine" } }), []);
    assert.match(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: {} })[0], /Topic "t" is not encrypted; set kmsMasterKeyId/);
    assert.match(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: { kmsMasterKeyId: "alias/aws/sns" } })[0], /AWS-managed key alias\/aws\/sns/);
  });
  it("log groups need KMS and retention", () => {
    assert.deepEqual(checkResource(logGroupKms, { type: "aws:cloudwatch/logGroup:LogGroup", name: "l", props: { kmsKeyId: UNKNOWN, retentionInDays: 14 } }), []);
    assert.deepEqual(checkResource(logGroupKms, { type: "aws:cloudwatch/logGroup:LogGroup", name: "l", props: {} }).length, 2);
  });
  it("Lambda environments need a key when they have variables", () => {
    assert.deepEqual(checkResource(lambdaEnvironmentKms, { type: "aws:lambda/function:Function", name: "f", props: {} }), []);
    assert.match(checkResource(lambdaEnvironmentKms, { type: "aws:lambda/function:Function", name: "f", props: { environment: { variables: { A: "1" } } } })[0], /has environment variables but no kmsKeyArn/);
  });
});

describe("rule: stepfunctions-logging-tracing", () => {
  it("passes ALL + execution data + X-Ray; reports each gap", () => {
    assert.deepEqual(checkResource(stateMachineLoggingTracing, stateMachine({ Train: trainingTask({}) })), []);
    const m = checkResource(stateMachineLoggingTracing, stateMachine({ Train: trainingTask({}) }, { loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: "x" }, tracingConfiguration: undefined }));
    assert.ok(m.some((x) => /logs at level ERROR; set loggingConfiguration.level: "ALL"/.test(x)));
    assert.ok(m.some((x) => /without execution data/.test(x)));
    assert.ok(m.some((x) => /is not traced/.test(x)));
  });
});

describe("rules: IAM", () => {
  const doc = (...Statement: unknown[]) => ({ type: "aws:iam/rolePolicy:RolePolicy", name: "p", props: { policy: JSON.stringify({ Version: "2012-10-17", Statement }) } });
  it("no wildcard actions", () => {
    assert.deepEqual(checkResource(iamNoWildcardActions, doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" })), []);
    assert.match(checkResource(iamNoWildcardActions, doc({ Sid: "All", Effect: "Allow", Action: ["sagemaker:*"], Resource: "x" }))[0], /statement All allows sagemaker:\*; list the actions/);
    assert.match(checkResource(iamNoWildcardActions, doc({ Effect: "Allow", Action: "*", Resource: "x" }))[0], /allows \*/);
    assert.deepEqual(checkResource(iamNoWildcardActions, doc({ Effect: "Deny", Action: "*", Resource: "x" })), [], "Deny * is fine");
    assert.match(checkResource(iamNoWildcardActions, { type: "aws:iam/role:Role", name: "r", props: { inlinePolicies: [{ name: "i", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }] } })[0], /Role "r"/);
  });
  it("PassRole needs named roles and iam:PassedToService", () => {
    const ok = doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/r", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } });
    assert.deepEqual(checkResource(iamPassRoleRestricted, ok), []);
    const m = checkResource(iamPassRoleRestricted, doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }));
    assert.equal(m.length, 2);
    assert.match(m[0], /iam:PassRole \(iam:PassRole\) on \*; name each role by its full ARN/);
    assert.match(m[1], /without an iam:PassedToService condition/);
  });
  it("no AWS-managed FullAccess attachments", () => {
    const att = (arn: string) => ({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "a", props: { policyArn: arn, role: "r" } });
    assert.match(checkResource(iamNoManagedFullAccess, att("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"))[0], /attaches arn:aws:iam::aws:policy\/AmazonSageMakerFullAccess/);
    assert.deepEqual(checkResource(iamNoManagedFullAccess, att("arn:aws:iam::123456789012:policy/mine")), []);
    assert.match(checkResource(iamNoManagedFullAccess, { type: "aws:iam/role:Role", name: "r", props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } })[0], /AdministratorAccess/);
  });
});

describe("rule: sagemaker-network-isolation", () => {
  it("models and jobs isolated where config requires", () => {
    const model = { type: "aws:sagemaker/model:Model", name: "m", props: { enableNetworkIsolation: false } };
    assert.match(checkResource(sageMakerNetworkIsolation, model)[0], /Model "m" runs without network isolation/);
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, model, { requireForModels: false }), []);
    const m = checkResource(sageMakerNetworkIsolation, stateMachine({ Train: trainingTask({}, { EnableNetworkIsolation: false }) }));
    assert.match(m[0], /state Train \(createTrainingJob\): set EnableNetworkIsolation: true/);
  });
});

describe("rules: cost", () => {
  const scheduled = (expression: string) => ({ type: "aws:scheduler/schedule:Schedule", name: "s", urn: "urn:s", props: { scheduleExpression: expression, target: { arn: "arn:aws:states:us-east-1:1:stateMachine:pipeline" } } });
  it("estimates endpoints at the autoscaling maximum and scheduled jobs at max runtime, on-demand", () => {
    const sm = { ...stateMachine({ Train: trainingTask({ InstanceType: "ml.m5.xlarge", InstanceCount: 2 }) }), urn: "urn:sm" };
    const ec = { ...endpointConfig({ instanceType: "ml.m5.large" }), urn: "urn:ec" };
    const target = { type: "aws:appautoscaling/target:Target", name: "t", urn: "urn:t", props: { serviceNamespace: "sagemaker", resourceId: "endpoint/e/variant/primary", maxCapacity: 4 } };
    const est = estimateMonthlyCost([sm, ec, target, scheduled("rate(1 day)")]);
    const endpoint = est.lines.find((l) => l.urn === "urn:ec")!;
    assert.equal(endpoint.monthlyUsd, Math.round(4 * 0.115 * 730 * 100) / 100);
    assert.match(endpoint.basis, /4 × ml\.m5\.large × 730 h \(autoscaling max\)/);
    const training = est.lines.find((l) => l.urn === "urn:sm")!;
    assert.ok(Math.abs(training.monthlyUsd - 31 * 2 * 0.23 * 1) < 0.5, `${training.monthlyUsd}`);
    assert.match(training.basis, /31 runs\/month from rate\(1 day\)/);
  });
  it("fails the stack above maxMonthlyUsd, naming the largest items and the fix", () => {
    const ec = { ...endpointConfig({ instanceType: "ml.p3.2xlarge", initialInstanceCount: 40 }), urn: "urn:ec" };
    const [v] = checkStack(monthlyCostLimit, [ec], { maxMonthlyUsd: 1000 });
    assert.match(v.message, /Estimated worst-case monthly cost \$111690\.00 exceeds maxMonthlyUsd \$1000\. Largest: .*40 × ml\.p3\.2xlarge/);
    assert.deepEqual(checkStack(monthlyCostLimit, [ec], { maxMonthlyUsd: 200000 }), []);
  });
  it("reports an instance type without a price instead of guessing, and accepts a price from config", () => {
    const ec = { ...endpointConfig({ instanceType: "ml.r5d.large" }), urn: "urn:ec" };
    assert.match(checkStack(monthlyCostLimit, [ec])[0].message, /No price for ml\.r5d\.large .* add it to the policy config "prices"/);
    assert.deepEqual(checkStack(monthlyCostLimit, [ec], { prices: { "ml.r5d.large": 0.2 } }), []);
  });
  it("applies the region factor", () => {
    const ec = { ...endpointConfig({}), urn: "urn:ec" };
    const base = estimateMonthlyCost([ec]).monthlyUsd;
    assert.ok(Math.abs(estimateMonthlyCost([ec], { region: "eu-central-1" }).monthlyUsd - base * 1.2) < 0.02);
  });
  it("caps the hourly price per instance", () => {
    assert.deepEqual(checkResource(instanceHourlyLimit, endpointConfig({ instanceType: "ml.p3.2xlarge" })), [], "3.825 is under the default 5");
    assert.match(checkResource(instanceHourlyLimit, endpointConfig({ instanceType: "ml.p3.2xlarge" }), { maxHourlyUsd: 1 })[0], /above maxHourlyUsd \$1; choose a smaller type/);
    assert.match(checkResource(instanceHourlyLimit, stateMachine({ Train: trainingTask({ InstanceType: "ml.p3.16xlarge" }) }))[0], /state Train \(createTrainingJob\) ResourceConfig: ml\.p3\.16xlarge costs about/);
  });
});
