/**
 * Preprocess: split raw/ into processed/<run>/{train,validation}/, either by invoking the
 * stack's Lambda function or by running a SageMaker Processing job (`.sync`).
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { Json, TaskState } from "../asl";
import { LAMBDA_RETRY, SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, task, TaskModule, Wiring, workflowTags } from "./task";

/** Task timeout: the job's own bound plus slack for SageMaker to start and wind down. */
export const SLACK_SECONDS = 900;

function preprocessSeconds(spec: WorkflowSpec): number {
  const p = spec.preprocessing;
  return (p.kind === "lambda" ? p.timeoutSeconds : p.maxRuntimeSeconds) + SLACK_SECONDS;
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
      Outputs: ["train", "validation"].map((channel) => ({
        OutputName: channel,
        S3Output: { "S3Uri.$": perRunUri(spec, processed, channel), LocalPath: `/opt/ml/processing/output/${channel}`, S3UploadMode: "EndOfJob" },
      })),
    },
    StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds },
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
        Payload: { bucket: spec.bucket.name, inputPrefix: raw, "outputPrefix.$": `States.Format('${processed}{}/', $.run.id)` },
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
