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
import { anySageMakerArn } from "../stacks/arns";
import { DataBucketModel, Named } from "../stacks/model";
import { policyDocument, PolicyStatement } from "../lib/iamPolicy";
import { serviceRole } from "./shared/serviceRole";
import { GlueSparkJob } from "./glueSparkJob";
import { encryptedLogGroup } from "./shared/logGroups";
import { StackContext } from "./shared/stackContext";

const SOURCE_DIR = path.join(__dirname, "..", "preprocessing");

export interface PreprocessingArgs {
  /** Lambda or processing job, with its sizing (stack config). */
  settings: PreprocessingConfig;
  /** The execution role (of the function, or passed to the processing job). */
  role: Named;
  /** The function and its log group (lambda kind). */
  function: Named & { logGroup: Named };
  /** What the role needs, whichever the engine: the workflow's preprocess task owns it (workflow/tasks/preprocess*.ts). */
  roleStatements: PolicyStatement[];
  /** The Glue job and its security configuration (glue kind). */
  glueJob: Named & { securityConfiguration: string };
  /** Declare the account-wide processing jobs' log group (processing kind; monitoring.declareJobLogGroups). */
  jobLogGroup?: Named;
  bucket: DataBucketModel;
  /** Dead-letter target of the function. */
  topicArn: string;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
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
        sourceArns: lambda || glue ? [] : [anySageMakerArn(args.context.scope)],
        // Glue documents neither aws:SourceAccount nor aws:SourceArn for job roles, and a
        // condition on a key the service does not send denies: the job could never start.
        sourceAccount: !glue,
        description: `Execution role of the pipeline's preprocessing (${args.settings.kind})`,
        policy: policyDocument(...args.roleStatements),
        accountId: args.context.scope.accountId,
        tags: args.context.tags,
      },
      this,
    );
    this.role = role;
    const logs = { keyArn: args.context.keyArn, retentionDays: args.context.logRetentionDays, tags: args.context.tags };

    if (lambda) {
      const logGroup = encryptedLogGroup(`${name}-logs`, { name: args.function.logGroup.name, ...logs }, this);
      this.function = this.lambdaFunction(name, args, lambda, [logGroup, rolePolicy]);
    } else if (glue) {
      this.glue = new GlueSparkJob(
        `${name}-glue`,
        { settings: glue, job: args.glueJob, roleArn: role.arn, bucket: args.bucket, context: args.context, dependsOn: [rolePolicy] },
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
          kmsKeyId: args.context.keyArn,
          tags: args.context.tags,
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
        kmsKeyArn: args.context.keyArn,
        tracingConfig: { mode: "Active" },
        deadLetterConfig: { targetArn: args.topicArn },
        loggingConfig: { logFormat: "JSON", logGroup: args.function.logGroup.name },
        tags: args.context.tags,
      },
      { parent: this, dependsOn },
    );
  }
}
