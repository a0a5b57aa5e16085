/**
 * Preprocessing by a SageMaker Processing job (`createProcessingJob.sync`), and the job's execution role.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { Json } from "../asl";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { PreprocessEngine } from "./preprocessEngine";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { exportAttributes, exportInputUriOf } from "./exportTable";
import { integration, task, workflowTags } from "./task";

type ProcessingPreprocessing = Extract<WorkflowSpec["preprocessing"], { kind: "processing" }>;

/** The script's settings (preprocessing/processing/preprocess.py): the baseline with drift monitoring; a DynamoDB export's format and attribute mapping. */
function environment(spec: WorkflowSpec): { [key: string]: string } | undefined {
  const env: { [key: string]: string } = {
    ...(spec.drift ? { WRITE_BASELINE: "true" } : {}),
    ...(spec.source.kind === "dynamodb" ? { INPUT_FORMAT: "dynamodb-json", EXPORT_ATTRIBUTES: JSON.stringify(exportAttributes(spec.source)) } : {}),
  };
  return Object.keys(env).length > 0 ? env : undefined;
}

/** CreateProcessingJob, in the API's member names. */
function processingJobParameters(spec: WorkflowSpec, p: ProcessingPreprocessing): { [key: string]: Json } {
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
          // A DynamoDB source: this run's export.
          ...(spec.source.kind === "dynamodb" ? { "S3Uri.$": exportInputUriOf(spec) } : { S3Uri: spec.bucket.uri(raw) }),
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
    ...(environment(spec) ? { Environment: environment(spec)! } : {}),
    NetworkConfig: { EnableNetworkIsolation: p.networkIsolation, EnableInterContainerTrafficEncryption: true },
    Tags: workflowTags(spec.jobPrefix),
  };
}

/** The processing job's execution role: raw/ and its script in, processed/ out. */
export function processingRoleStatements(spec: WorkflowSpec, p: ProcessingPreprocessing): PolicyStatement[] {
  const { raw, processed, code } = spec.bucket.prefixes;
  return jobExecutionRoleStatements(spec, { kind: "Processing", readPrefixes: [raw, code], writePrefixes: [processed], image: p.image, vpc: false });
}

export const processingPreprocessing: PreprocessEngine<ProcessingPreprocessing> = (spec, p, { next, timeoutSeconds }) => ({
  state: task(integration(spec.partition, "sagemaker:createProcessingJob.sync"), processingJobParameters(spec, p), {
    Comment: `Split ${spec.source.kind === "dynamodb" ? "the run's table export" : "raw/"} into processed/<run>/train and validation (SageMaker Processing)`,
    ResultSelector: { "ProcessingJobName.$": "$.ProcessingJobName", "ProcessingJobStatus.$": "$.ProcessingJobStatus" },
    ResultPath: "$.preprocessing",
    TimeoutSeconds: timeoutSeconds,
    Retry: SAGEMAKER_RETRY,
    Next: next,
  }),
  stateMachineStatements: [...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-pp-*`), passRoleStatement(p.roleArn)],
  executionRole: { roleArn: p.roleArn, statements: processingRoleStatements(spec, p) },
});
