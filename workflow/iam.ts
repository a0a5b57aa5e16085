/**
 * The state machine role's statements: what AWS documents for each service
 * integration the definition uses, scoped to this stack's names. No `*` action, no
 * managed policy; `Resource: "*"` only for APIs without resource-level permissions
 * (log delivery, X-Ray), each said where it is.
 */
import { keyUseStatement, PolicyStatement } from "../components/shared/iam";
import { WorkflowSpec } from "./spec";
import { rollbackAlarmNames } from "../stacks/names";
import * as pulumi from "@pulumi/pulumi";
import { alarmArn, bucketArn, logGroupArn, regionalArn } from "../stacks/arns";

const sagemakerArn = (spec: WorkflowSpec, resource: string) => regionalArn(spec, "sagemaker", resource);

/** The EventBridge rule Step Functions manages for a `.sync` SageMaker integration. */
const syncRule = (spec: WorkflowSpec, jobKind: "Training" | "Processing") =>
  regionalArn(spec, "events", `rule/StepFunctionsGetEventsForSageMaker${jobKind}JobsRule`);

/**
 * AWS's documented statements for a `create<Kind>Job.sync` integration: create,
 * describe and stop on the job-name prefix (plus tagging), and the managed EventBridge
 * rule through which Step Functions learns that the job ended.
 */
function syncJobStatements(spec: WorkflowSpec, kind: "Training" | "Processing", jobResource: string): PolicyStatement[] {
  return [
    {
      Sid: `Run${kind}Jobs`,
      Effect: "Allow",
      Action: [`sagemaker:Create${kind}Job`, `sagemaker:Describe${kind}Job`, `sagemaker:Stop${kind}Job`, "sagemaker:AddTags", "sagemaker:ListTags"],
      Resource: sagemakerArn(spec, jobResource),
    },
    {
      Sid: `${kind}JobSyncRule`,
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: syncRule(spec, kind),
    },
  ];
}

export function stateMachineStatements(spec: WorkflowSpec): PolicyStatement[] {
  const prefix = spec.jobPrefix;
  const passRoles = [spec.training.roleArn, spec.endpoint.roleArn];
  const statements: PolicyStatement[] = [];

  if (spec.preprocessing.kind === "lambda") {
    statements.push({
      Sid: "InvokePreprocessing",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: [spec.preprocessing.functionArn, `${spec.preprocessing.functionArn}:*`],
    });
  } else {
    passRoles.push(spec.preprocessing.roleArn);
    statements.push(...syncJobStatements(spec, "Processing", `processing-job/${prefix}-pp-*`));
  }

  statements.push(
    ...syncJobStatements(spec, "Training", `training-job/${prefix}-tr-*`),
    {
      Sid: "CreateModelsAndEndpointConfigs",
      Effect: "Allow",
      Action: ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:AddTags"],
      Resource: [sagemakerArn(spec, `model/${prefix}-md-*`), sagemakerArn(spec, `endpoint-config/${prefix}-ec-*`)],
    },
    {
      Sid: "RollOutToTheStackEndpoint",
      Effect: "Allow",
      Action: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:AddTags"],
      Resource: [sagemakerArn(spec, `endpoint/${spec.endpoint.name}`), sagemakerArn(spec, `endpoint-config/${prefix}-ec-*`)],
    },
    {
      Sid: "PassOnlyPipelineRolesToSageMaker",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: passRoles,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    },
    // DescribeKey resolves the key ARN; GenerateDataKey/Decrypt: publishing to the
    // KMS-encrypted topic (SNS encryption docs) and the encrypted execution data.
    keyUseStatement("UseStackKey", ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"], { aliasName: spec.keyAlias }, spec),
    {
      // CreateEndpoint/UpdateEndpoint with an endpoint config KmsKeyId: SageMaker attaches
      // the key to the endpoint's storage volumes through a grant made as the caller.
      // (Job volumes are granted by the job's own role: sageMakerJobStatements.)
      ...keyUseStatement("GrantStackKeyToEndpointVolumes", ["kms:CreateGrant"], { aliasName: spec.keyAlias }, spec),
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": spec.keyAlias },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    { Sid: "Notify", Effect: "Allow", Action: "sns:Publish", Resource: spec.topicArn },
    ...(spec.endpoint.hosting.kind === "instance"
      ? [readRollbackAlarmsStatement(Object.values(rollbackAlarmNames(spec.endpoint.name)).map((alarm) => alarmArn(spec, alarm)))]
      : []),
    {
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: "*", // AWS documents these log-delivery actions as supporting only "*"
    },
    {
      Sid: "Tracing",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
      Resource: "*", // X-Ray has no resource-level permissions for these
    },
  );
  return statements;
}

/**
 * Blue/green with auto-rollback: "ensure that your execution role has permission to perform
 * the DescribeAlarms action on the auto-rollback alarms you specify" (SageMaker Developer
 * Guide, "Auto-Rollback Configuration and Monitoring"). The page does not say which role; the
 * caller of UpdateEndpoint (the state machine) and the endpoint's execution role both get it,
 * on those two alarms only.
 */
export function readRollbackAlarmsStatement(alarmArns: pulumi.Input<string>[]): PolicyStatement {
  return { Sid: "ReadRollbackAlarms", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: alarmArns };
}

/** What a SageMaker job's execution role may touch, beyond the shared basics. */
export interface JobAccess {
  /** Log group of the job kind: `TrainingJobs` or `ProcessingJobs`. */
  jobKind: "TrainingJobs" | "ProcessingJobs";
  /** Key prefixes (with trailing slash) the job reads. */
  readPrefixes: string[];
  /** Key prefixes the job writes. */
  writePrefixes: string[];
  /** ECR repository ARN of the job's image, if it is in ECR. */
  repositoryArn?: string;
  /** Whether the job runs in the stack's VPC subnets (needs ENI management). */
  vpc: boolean;
}

/** Least-privilege statements for a SageMaker training or processing execution role. */
export function sageMakerJobStatements(
  ctx: { partition: string; region: string; accountId: string; bucketName: string; keyAlias: string },
  access: JobAccess,
): PolicyStatement[] {
  const bucket = bucketArn(ctx.partition, ctx.bucketName);
  const logGroup = logGroupArn(ctx, `/aws/sagemaker/${access.jobKind}`);
  const statements: PolicyStatement[] = [
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": [...access.readPrefixes, ...access.writePrefixes].map((p) => `${p}*`) } },
    },
    { Sid: "ReadInputs", Effect: "Allow", Action: "s3:GetObject", Resource: access.readPrefixes.map((p) => `${bucket}/${p}*`) },
    {
      Sid: "WriteOutputs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: access.writePrefixes.map((p) => `${bucket}/${p}*`),
    },
    // Encrypt: OutputDataConfig.KmsKeyId / ProcessingOutputConfig.KmsKeyId ("the execution
    // role must have kms:Encrypt"); Decrypt/GenerateDataKey: SSE-KMS objects in and out.
    keyUseStatement("UseStackKey", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], { aliasName: ctx.keyAlias }, ctx),
    {
      // VolumeKmsKeyId: SageMaker attaches the key to the job's ML storage volumes through a
      // grant made with this role ("SageMaker roles", CreateTrainingJob/CreateProcessingJob).
      ...keyUseStatement("GrantStackKeyToJobVolumes", ["kms:CreateGrant"], { aliasName: ctx.keyAlias }, ctx),
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": ctx.keyAlias },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    {
      // The log group is declared by the stack (KMS, retention): no CreateLogGroup.
      Sid: "WriteJobLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroup, `${logGroup}:*`],
    },
    {
      Sid: "PublishJobMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // no resource-level permissions; the namespace condition scopes it
      Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
    },
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }, // no resource-level permissions
  ];
  if (access.repositoryArn) {
    statements.push({
      Sid: "PullJobImage",
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: access.repositoryArn,
    });
  }
  if (access.vpc) {
    statements.push({
      Sid: "ManageJobNetworkInterfaces",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
        "ec2:DeleteNetworkInterfacePermission",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
      ],
      Resource: "*", // SageMaker's documented VPC permissions; EC2 describes have no resource scope
    });
  }
  return statements;
}
