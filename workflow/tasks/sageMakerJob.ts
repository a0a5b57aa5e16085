/**
 * What the SageMaker job tasks (preprocess as a processing job, train) share: the `.sync`
 * integration's documented statements, the job execution role's statements, per-run S3
 * locations and volume encryption.
 */
import { hasLocalNvmeStorage } from "ml-pipeline-policies";
import { imagePullStatements, keyGrantStatement, keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { logGroupArn, regionalArn } from "../../stacks/arns";
import { ecrRepositoryArn } from "../../stacks/algorithmImages";
import { Json } from "../asl";
import { WorkflowSpec } from "../spec";

export type JobKind = "Training" | "Processing" | "Transform";

/** `s3://<bucket>/<prefix><run id>/<suffix>` as an intrinsic, per run. */
export const perRunUri = (spec: WorkflowSpec, prefix: string, suffix: string): string =>
  `States.Format('s3://${spec.bucket.name}/${prefix}{}/${suffix}', $.run.id)`;

/**
 * Volume encryption for a job's ML storage. `VolumeKmsKeyId` takes a key id or ARN,
 * not an alias, so it is read from the state (`$.key.arn`). Instance types with local
 * NVMe storage get none: it is hardware-encrypted and the API rejects a key for it.
 */
export function volumeKms(instanceType: string): { [k: string]: Json } {
  return hasLocalNvmeStorage(instanceType) ? {} : { "VolumeKmsKeyId.$": "$.key.arn" };
}

/**
 * AWS's documented statements for a `create<Kind>Job.sync` integration ("IAM policies for
 * SageMaker AI"): create, describe and stop on the job-name prefix (plus tagging), and the
 * managed EventBridge rule through which Step Functions learns that the job ended.
 */
export function syncJobStatements(spec: WorkflowSpec, kind: JobKind, jobResource: string): PolicyStatement[] {
  return [
    {
      Sid: `Run${kind}Jobs`,
      Effect: "Allow",
      Action: [`sagemaker:Create${kind}Job`, `sagemaker:Describe${kind}Job`, `sagemaker:Stop${kind}Job`, "sagemaker:AddTags", "sagemaker:ListTags"],
      Resource: regionalArn(spec, "sagemaker", jobResource),
    },
    {
      Sid: `${kind}JobSyncRule`,
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: regionalArn(spec, "events", `rule/StepFunctionsGetEventsForSageMaker${kind}JobsRule`),
    },
  ];
}

/** Passing a pipeline role, only to SageMaker; statements of this Sid merge across tasks. */
export function passRoleStatement(roleArn: string): PolicyStatement {
  return {
    Sid: "PassOnlyPipelineRolesToSageMaker",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: roleArn,
    Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  };
}

/** What a SageMaker job's execution role may touch. */
export interface JobAccess {
  kind: JobKind;
  /** Key prefixes (with trailing slash) the job reads. */
  readPrefixes: string[];
  /** Key prefixes the job writes. */
  writePrefixes: string[];
  /** The job's image (its ECR repository is the one it may pull). */
  image: string;
  /** Whether the job runs in the stack's VPC subnets (needs ENI management). */
  vpc: boolean;
}

/** Least-privilege statements of a training or processing job's execution role ("SageMaker roles"). */
export function jobExecutionRoleStatements(spec: WorkflowSpec, access: JobAccess): PolicyStatement[] {
  const logGroup = logGroupArn(spec, `/aws/sagemaker/${access.kind}Jobs`);
  const statements: PolicyStatement[] = [
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: spec.bucket.arn,
      Condition: { StringLike: { "s3:prefix": [...access.readPrefixes, ...access.writePrefixes].map((p) => `${p}*`) } },
    },
    { Sid: "ReadInputs", Effect: "Allow", Action: "s3:GetObject", Resource: access.readPrefixes.map((p) => spec.bucket.objectArn(`${p}*`)) },
    {
      Sid: "WriteOutputs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: access.writePrefixes.map((p) => spec.bucket.objectArn(`${p}*`)),
    },
    // Encrypt: OutputDataConfig.KmsKeyId / ProcessingOutputConfig.KmsKeyId ("the execution
    // role must have kms:Encrypt"); Decrypt/GenerateDataKey: SSE-KMS objects in and out.
    keyUseStatement("UseStackKey", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], spec.key),
    // VolumeKmsKeyId: SageMaker attaches the key to the job's ML storage volumes through a
    // grant made with this role ("SageMaker roles", CreateTrainingJob/CreateProcessingJob).
    keyGrantStatement("GrantStackKeyToJobVolumes", spec.key),
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
    ...imagePullStatements("PullJobImage", ecrRepositoryArn(access.image, spec.partition)),
  ];
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
