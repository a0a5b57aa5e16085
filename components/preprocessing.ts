/**
 * Preprocessing: turns raw/ into processed/<run>/{train,validation}/.
 *  - kind "lambda": a Lambda function (source in preprocessing/lambda) with its own
 *    role limited to those prefixes and the key, a KMS-encrypted log group with
 *    retention, reserved concurrency, X-Ray, and the notification topic as
 *    dead-letter target (used for asynchronous invocations; the workflow's own
 *    synchronous call reports failures through its Catch instead).
 *  - kind "processing": a SageMaker Processing job started by the workflow; here, its
 *    execution role and its script, uploaded to the bucket as an asset.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PreprocessingConfig } from "../stacks/schema";
import { ecrRepositoryArn } from "../stacks/algorithmImages";
import { PROCESSING_SCRIPT_KEY } from "../workflow/spec";
import { sageMakerJobStatements } from "../workflow/iam";
import { DATA_PREFIXES } from "./dataBucket";
import { anySageMakerArn, logGroupArn } from "../stacks/arns";
import { arnOf, AwsContext, StackKey } from "./shared/context";
import { keyUseStatement, policyDocument, toJson } from "./shared/iam";
import { serviceRole } from "./shared/serviceRole";
import { sageMakerJobLogGroup } from "./shared/logGroups";

const SOURCE_DIR = path.join(__dirname, "..", "preprocessing");

export interface PreprocessingArgs {
  /** Lambda or processing job, with its sizing (validated stack config). */
  settings: PreprocessingConfig;
  /** Processing image (resolved default); unused for Lambda. */
  processingImage: string;
  /** Physical names of the function and of the role. */
  functionName: string;
  roleName: string;
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  key: StackKey;
  /** The key's ARN: CloudWatch Logs and Lambda environment encryption take no alias. */
  keyArn: pulumi.Input<string>;
  /** Dead-letter target of the function. */
  topicArn: pulumi.Input<string>;
  logRetentionDays: number;
  /** Declare /aws/sagemaker/ProcessingJobs (processing kind; see monitoring.declareJobLogGroups). */
  declareJobLogGroup: boolean;
  context: AwsContext;
  tags: Record<string, string>;
}

export class Preprocessing extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function?: aws.lambda.Function;
  readonly script?: aws.s3.BucketObjectv2;
  /** The processing jobs' log group, when the stack declares it. */
  readonly jobLogGroup?: aws.cloudwatch.LogGroup;

  constructor(name: string, args: PreprocessingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:preprocessing:Preprocessing", name, {}, opts);
    const lambda = args.settings.kind === "lambda" ? args.settings : undefined;
    const logGroupName = `/aws/lambda/${args.functionName}`;
    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        roleName: args.roleName,
        service: lambda ? "lambda.amazonaws.com" : "sagemaker.amazonaws.com",
        // Lambda documents no aws:SourceArn for execution roles; SageMaker does.
        sourceArns: lambda ? [] : [arnOf(args.context, anySageMakerArn)],
        description: `Execution role of the pipeline's preprocessing (${args.settings.kind})`,
        policy: lambda ? lambdaPolicy(args, logGroupName) : processingJobPolicy(args),
        accountId: args.context.accountId,
        tags: args.tags,
      },
      this,
    );
    this.role = role;

    if (lambda) {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArn, tags: args.tags },
        { parent: this },
      );
      this.function = new aws.lambda.Function(
        `${name}-function`,
        {
          name: args.functionName,
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
          loggingConfig: { logFormat: "JSON", logGroup: logGroupName },
          tags: args.tags,
        },
        { parent: this, dependsOn: [logGroup, rolePolicy] },
      );
    } else {
      this.script = new aws.s3.BucketObjectv2(
        `${name}-script`,
        {
          bucket: args.bucketName,
          key: PROCESSING_SCRIPT_KEY,
          source: new pulumi.asset.FileAsset(path.join(SOURCE_DIR, "processing", "preprocess.py")),
          contentType: "text/x-python",
          serverSideEncryption: "aws:kms",
          kmsKeyId: args.keyArn,
          tags: args.tags,
        },
        { parent: this },
      );
      if (args.declareJobLogGroup) this.jobLogGroup = sageMakerJobLogGroup(name, "ProcessingJobs", args, this);
    }
    this.registerOutputs({ roleArn: this.role.arn, functionName: this.function?.name });
  }
}

/** The Lambda's role: raw/ in, processed/ out, the key, its own log group, the dead-letter topic. */
function lambdaPolicy(args: PreprocessingArgs, logGroupName: string): pulumi.Output<string> {
  const ownLogGroupArn = arnOf(args.context, (scope) => logGroupArn(scope, logGroupName));
  return toJson(
    policyDocument(
      {
        Sid: "ListRawData",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: args.bucketArn,
        Condition: { StringLike: { "s3:prefix": `${DATA_PREFIXES.raw}*` } },
      },
      { Sid: "ReadRawData", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${args.bucketArn}/${DATA_PREFIXES.raw}*` },
      { Sid: "WriteProcessedData", Effect: "Allow", Action: "s3:PutObject", Resource: pulumi.interpolate`${args.bucketArn}/${DATA_PREFIXES.processed}*` },
      keyUseStatement("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], args.key, args.context),
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${ownLogGroupArn}:*` },
      { Sid: "DeadLetterToTopic", Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
      {
        Sid: "Tracing",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*", // X-Ray has no resource-level permissions
      },
    ),
  );
}

/** The Processing job's SageMaker execution role: raw/ and its script in, processed/ out. */
function processingJobPolicy(args: PreprocessingArgs): pulumi.Output<string> {
  const { accountId, partition, region } = args.context;
  const processing = args.settings as Extract<PreprocessingConfig, { kind: "processing" }>;
  return pulumi.all([accountId, args.bucketName]).apply(([acct, bucketName]) =>
    JSON.stringify(
      policyDocument(
        ...sageMakerJobStatements(
          { partition, region, accountId: acct, bucketName, keyAlias: args.key.aliasName },
          {
            jobKind: "ProcessingJobs",
            readPrefixes: [DATA_PREFIXES.raw, PROCESSING_SCRIPT_KEY.replace(/[^/]+$/, "")],
            writePrefixes: [DATA_PREFIXES.processed],
            repositoryArn: ecrRepositoryArn(processing.image ?? args.processingImage, partition),
            vpc: false,
          },
        ),
      ),
    ),
  );
}
