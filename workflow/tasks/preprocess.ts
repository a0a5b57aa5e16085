/**
 * Preprocess: split raw/ into processed/<run>/{train,validation}/, by invoking the stack's
 * Lambda function, by running a SageMaker Processing job (`.sync`), or by running the
 * stack's Spark job on AWS Glue (`glue:startJobRun.sync`).
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { Json, TaskState } from "../asl";
import { GLUE_RETRY, LAMBDA_RETRY, SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, task, TaskModule, Wiring, workflowTags } from "./task";

/** Task timeout: the job's own bound plus slack for SageMaker to start and wind down. */
export const SLACK_SECONDS = 900;

function preprocessSeconds(spec: WorkflowSpec): number {
  const p = spec.preprocessing;
  const own = p.kind === "lambda" ? p.timeoutSeconds : p.kind === "glue" ? p.timeoutMinutes * 60 : p.maxRuntimeSeconds;
  return own + SLACK_SECONDS;
}

/**
 * StartJobRun for the stack's Glue job: the job definition carries workers, security
 * configuration and timeout; the run only says where to read and write. Arguments are
 * strings (Glue passes them to the script as `--name value`).
 */
function glueJobRunParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const p = spec.preprocessing;
  if (p.kind !== "glue") throw new Error("preprocessing is not a Glue job");
  const { raw, processed } = spec.bucket.prefixes;
  return {
    JobName: p.jobName,
    Arguments: {
      "--input_uri": spec.bucket.uri(raw),
      "--output_uri.$": `States.Format('s3://${spec.bucket.name}/${processed}{}/', $.run.id)`,
      "--output_files": String(p.outputFiles),
      ...(spec.drift ? { "--write_baseline": "true" } : {}),
    },
  };
}

/**
 * The Glue job's role: raw/ and its script in; processed/ out (Spark's committer also
 * lists and deletes its temporary objects there); the key for SSE-KMS objects, job
 * bookmarks and the encrypted logs ("Setting up encryption in AWS Glue": the role needs
 * kms:Encrypt, Decrypt, GenerateDataKey and logs:AssociateKmsKey on /aws-glue/*).
 */
export function glueRoleStatements(spec: WorkflowSpec): PolicyStatement[] {
  const p = spec.preprocessing;
  if (p.kind !== "glue") throw new Error("preprocessing is not a Glue job");
  const { raw, processed } = spec.bucket.prefixes;
  return [
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: spec.bucket.arn,
      Condition: { StringLike: { "s3:prefix": [`${raw}*`, `${processed}*`] } },
    },
    { Sid: "ReadInputs", Effect: "Allow", Action: "s3:GetObject", Resource: [spec.bucket.objectArn(`${raw}*`), spec.bucket.objectArn(p.scriptKey)] },
    {
      Sid: "WriteOutputs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: spec.bucket.objectArn(`${processed}*`),
    },
    keyUseStatement("UseStackKey", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], spec.key),
    {
      // Glue names the encrypted groups after the security configuration and role and creates them itself.
      Sid: "WriteJobLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
      Resource: p.logGroupArns,
    },
    {
      Sid: "PublishJobMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // no resource-level permissions; the namespace condition scopes it
      Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
    },
  ];
}

/** CreateProcessingJob, in the API's member names. */
function processingJobParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const p = spec.preprocessing;
  if (p.kind !== "processing") throw new Error("preprocessing is not a processing job");
  const { raw, processed } = spec.bucket.prefixes;
  return {
    "ProcessingJobName.$": "$.run.processingJobName",
    RoleArn: p.roleArn,
    AppSpecification: {
      ImageUri: p.image,
      ContainerEntrypoint: ["python3", "/opt/ml/processing/code/preprocess.py"],
    },
    ProcessingResources: {
      ClusterConfig: { InstanceType: p.instanceType, InstanceCount: p.instanceCount, VolumeSizeInGB: p.volumeSizeGb, ...volumeKms(p.instanceType) },
    },
    ProcessingInputs: [
      {
        InputName: "code",
        S3Input: { S3Uri: spec.bucket.uri(p.scriptKey), LocalPath: "/opt/ml/processing/code", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
      },
      {
        InputName: "raw",
        // More than one instance: each gets its share of the files (and writes data-<host>.csv),
        // rather than every instance processing everything and writing the same keys.
        S3Input: {
          S3Uri: spec.bucket.uri(raw),
          LocalPath: "/opt/ml/processing/input",
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: p.instanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated",
        },
      },
    ],
    ProcessingOutputConfig: {
      KmsKeyId: spec.key.aliasArn,
      // With drift monitoring, also the train rows without their label: the data-quality baseline.
      Outputs: ["train", "validation", ...(spec.drift ? ["baseline"] : [])].map((channel) => ({
        OutputName: channel,
        S3Output: { "S3Uri.$": perRunUri(spec, processed, channel), LocalPath: `/opt/ml/processing/output/${channel}`, S3UploadMode: "EndOfJob" },
      })),
    },
    StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds },
    ...(spec.drift ? { Environment: { WRITE_BASELINE: "true" } } : {}),
    NetworkConfig: { EnableNetworkIsolation: p.networkIsolation, EnableInterContainerTrafficEncryption: true },
    Tags: workflowTags(spec.jobPrefix),
  };
}

/** The processing job's execution role: raw/ and its script in, processed/ out. */
export function processingRoleStatements(spec: WorkflowSpec): PolicyStatement[] {
  const p = spec.preprocessing;
  if (p.kind !== "processing") throw new Error("preprocessing is not a processing job");
  const { raw, processed, code } = spec.bucket.prefixes;
  return jobExecutionRoleStatements(spec, { kind: "Processing", readPrefixes: [raw, code], writePrefixes: [processed], image: p.image, vpc: false });
}

export function preprocess(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const p = spec.preprocessing;
  const { raw, processed } = spec.bucket.prefixes;
  let state: TaskState;
  let stateMachineStatements: PolicyStatement[];
  let executionRole: TaskModule["executionRole"];
  if (p.kind === "lambda") {
    state = task(
      integration(spec.partition, "lambda:invoke"),
      {
        FunctionName: p.functionArn,
        Payload: { bucket: spec.bucket.name, inputPrefix: raw, "outputPrefix.$": `States.Format('${processed}{}/', $.run.id)`, ...(spec.drift ? { baseline: true } : {}) },
      },
      {
        Comment: "Split raw/ into processed/<run>/train and validation (Lambda)",
        ResultSelector: { "summary.$": "$.Payload" },
        ResultPath: "$.preprocessing",
        TimeoutSeconds: preprocessSeconds(spec),
        Retry: LAMBDA_RETRY,
        Next: wiring.next,
      },
    );
    stateMachineStatements = [{ Sid: "InvokePreprocessing", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [p.functionArn, `${p.functionArn}:*`] }];
  } else if (p.kind === "glue") {
    state = task(integration(spec.partition, "glue:startJobRun.sync"), glueJobRunParameters(spec), {
      Comment: "Split raw/ into processed/<run>/train and validation (Spark on AWS Glue); .sync waits for the run",
      // The whole job run is kept: no path into a result shape the API model does not declare
      // for .sync (a wrong path would be an uncatchable States.Runtime error).
      ResultPath: "$.preprocessing",
      TimeoutSeconds: preprocessSeconds(spec),
      Retry: GLUE_RETRY,
      Next: wiring.next,
    });
    // Step Functions' documented statement for glue:startJobRun.sync, scoped to the stack's job.
    stateMachineStatements = [{ Sid: "RunGlueJob", Effect: "Allow", Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], Resource: p.jobArn }];
    executionRole = { roleArn: p.roleArn, statements: glueRoleStatements(spec) };
  } else {
    state = task(integration(spec.partition, "sagemaker:createProcessingJob.sync"), processingJobParameters(spec), {
      Comment: "Split raw/ into processed/<run>/train and validation (SageMaker Processing)",
      ResultSelector: { "ProcessingJobName.$": "$.ProcessingJobName", "ProcessingJobStatus.$": "$.ProcessingJobStatus" },
      ResultPath: "$.preprocessing",
      TimeoutSeconds: preprocessSeconds(spec),
      Retry: SAGEMAKER_RETRY,
      Next: wiring.next,
    });
    stateMachineStatements = [...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-pp-*`), passRoleStatement(p.roleArn)];
    executionRole = { roleArn: p.roleArn, statements: processingRoleStatements(spec) };
  }
  return { entry: "Preprocess", states: { Preprocess: state }, timeoutSeconds: preprocessSeconds(spec), stateMachineStatements, executionRole };
}
