/**
 * Preprocessing: turns raw/ into processed/<run>/{train,validation}/.
 *  - kind "lambda": a Lambda function (source in preprocessing/lambda) with its own
 *    role limited to those prefixes and the key, a KMS-encrypted log group with
 *    retention, X-Ray, and the notification topic as dead-letter target (used for
 *    asynchronous invocations; the workflow's own synchronous call reports failures
 *    through its Catch instead).
 *  - kind "processing": a SageMaker Processing job started by the workflow; here, its
 *    execution role (statements from the workflow's preprocess task), its script uploaded
 *    to the bucket as an asset, and the processing jobs' log group.
 *  - kind "glue": a Spark job on AWS Glue started by the workflow; here, its role
 *    (statements from the workflow's preprocess task) and the job (GlueSparkJob).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LambdaPreprocessingConfig, PreprocessingConfig } from "../stacks/configSchema";
import { anySageMakerArn, ArnScope } from "../stacks/arns";
import { DataBucketModel, Named, StackKeyModel } from "../stacks/model";
import { keyUseStatement, PolicyDocument, policyDocument, PolicyStatement } from "../lib/iamPolicy";
import { serviceRole } from "./shared/serviceRole";
import { GlueSparkJob } from "./glueSparkJob";
import { encryptedLogGroup } from "./shared/logGroups";

const SOURCE_DIR = path.join(__dirname, "..", "preprocessing");

export interface PreprocessingArgs {
  /** Lambda or processing job, with its sizing (stack config). */
  settings: PreprocessingConfig;
  /** The execution role (of the function, or passed to the processing job). */
  role: Named;
  /** The function and its log group (lambda kind). */
  function: Named & { logGroup: Named };
  /** What the processing or Glue job's role needs (the workflow's preprocess task; processing and glue kinds). */
  jobRoleStatements: PolicyStatement[];
  /** The Glue job and its security configuration (glue kind). */
  glueJob: Named & { securityConfiguration: string };
  /** Declare the account-wide processing jobs' log group (processing kind; monitoring.declareJobLogGroups). */
  jobLogGroup?: Named;
  bucket: DataBucketModel;
  key: StackKeyModel;
  /** The key's ARN: CloudWatch Logs and Lambda environment encryption take no alias. */
  keyArn: pulumi.Input<string>;
  /** Dead-letter target of the function. */
  topicArn: string;
  logRetentionDays: number;
  scope: ArnScope;
  tags: Record<string, string>;
}

export class Preprocessing extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function?: aws.lambda.Function;
  readonly script?: aws.s3.BucketObjectv2;
  /** The processing jobs' log group, when the stack declares it. */
  readonly jobLogGroup?: aws.cloudwatch.LogGroup;
  /** The Spark job (glue kind). */
  readonly glue?: GlueSparkJob;

  constructor(name: string, args: PreprocessingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:preprocessing:Preprocessing", name, {}, opts);
    const lambda = args.settings.kind === "lambda" ? args.settings : undefined;
    const glue = args.settings.kind === "glue" ? args.settings : undefined;
    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        role: args.role,
        service: lambda ? "lambda.amazonaws.com" : glue ? "glue.amazonaws.com" : "sagemaker.amazonaws.com",
        // Lambda documents no aws:SourceArn for execution roles; SageMaker does.
        sourceArns: lambda || glue ? [] : [anySageMakerArn(args.scope)],
        // Glue documents neither aws:SourceAccount nor aws:SourceArn for job roles, and a
        // condition on a key the service does not send denies: the job could never start.
        sourceAccount: !glue,
        description: `Execution role of the pipeline's preprocessing (${args.settings.kind})`,
        policy: lambda ? lambdaPolicy(args) : policyDocument(...args.jobRoleStatements),
        accountId: args.scope.accountId,
        tags: args.tags,
      },
      this,
    );
    this.role = role;
    const logs = { keyArn: args.keyArn, retentionDays: args.logRetentionDays, tags: args.tags };

    if (lambda) {
      const logGroup = encryptedLogGroup(`${name}-logs`, { name: args.function.logGroup.name, ...logs }, this);
      this.function = this.lambdaFunction(name, args, lambda, [logGroup, rolePolicy]);
    } else if (glue) {
      this.glue = new GlueSparkJob(
        `${name}-glue`,
        { settings: glue, job: args.glueJob, roleArn: role.arn, bucket: args.bucket, keyArn: args.keyArn, tags: args.tags, dependsOn: [rolePolicy] },
        { parent: this },
      );
    } else {
      this.script = new aws.s3.BucketObjectv2(
        `${name}-script`,
        {
          bucket: args.bucket.name,
          key: args.bucket.processingScriptKey,
          source: new pulumi.asset.FileAsset(path.join(SOURCE_DIR, "processing", "preprocess.py")),
          contentType: "text/x-python",
          serverSideEncryption: "aws:kms",
          kmsKeyId: args.keyArn,
          tags: args.tags,
        },
        { parent: this },
      );
      if (args.jobLogGroup) this.jobLogGroup = encryptedLogGroup(`${name}-job-logs`, { name: args.jobLogGroup.name, ...logs }, this);
    }
    this.registerOutputs({ roleArn: this.role.arn, functionName: this.function?.name, glueJobName: this.glue?.job.name });
  }

  private lambdaFunction(name: string, args: PreprocessingArgs, lambda: LambdaPreprocessingConfig, dependsOn: pulumi.Resource[]): aws.lambda.Function {
    return new aws.lambda.Function(
      `${name}-function`,
      {
        name: args.function.name,
        description: "Splits raw/ CSV into processed/<run>/train and validation",
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({
          "index.js": new pulumi.asset.FileAsset(path.join(SOURCE_DIR, "lambda", "index.js")),
          "handler.js": new pulumi.asset.FileAsset(path.join(SOURCE_DIR, "lambda", "handler.js")),
          "transform.js": new pulumi.asset.FileAsset(path.join(SOURCE_DIR, "lambda", "transform.js")),
        }),
        role: this.role.arn,
        memorySize: lambda.memoryMb,
        timeout: lambda.timeoutSeconds,
        reservedConcurrentExecutions: lambda.reservedConcurrency,
        environment: { variables: { VALIDATION_FRACTION: "0.2", RAW_HAS_HEADER: "true" } },
        kmsKeyArn: args.keyArn,
        tracingConfig: { mode: "Active" },
        deadLetterConfig: { targetArn: args.topicArn },
        loggingConfig: { logFormat: "JSON", logGroup: args.function.logGroup.name },
        tags: args.tags,
      },
      { parent: this, dependsOn },
    );
  }
}

/** The function's role: raw/ in, processed/ out, the key, its own log group, the dead-letter topic. */
function lambdaPolicy(args: Pick<PreprocessingArgs, "bucket" | "key" | "function" | "topicArn">): PolicyDocument {
  const { raw, processed } = args.bucket.prefixes;
  return policyDocument(
    {
      Sid: "ListRawData",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: args.bucket.arn,
      Condition: { StringLike: { "s3:prefix": `${raw}*` } },
    },
    { Sid: "ReadRawData", Effect: "Allow", Action: "s3:GetObject", Resource: args.bucket.objectArn(`${raw}*`) },
    { Sid: "WriteProcessedData", Effect: "Allow", Action: "s3:PutObject", Resource: args.bucket.objectArn(`${processed}*`) },
    keyUseStatement("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], args.key),
    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.function.logGroup.arn}:*` },
    { Sid: "DeadLetterToTopic", Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
    {
      Sid: "Tracing",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*", // X-Ray has no resource-level permissions
    },
  );
}
