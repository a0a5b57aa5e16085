/**
 * Drift monitoring, the pipeline's part (monitoring.drift.enabled); the checks themselves
 * run in the monitoring state machine (workflow/monitoring.ts, tasks/checkDrift.ts).
 *
 *  - baselineData (after the gate, before RegisterModel): the project's drift job
 *    (monitoring/drift.py, mode `baseline`) profiles the run's features-only training rows
 *    (processed/<run>/baseline/, the shape of a request) into
 *    artifacts/baselines/<run>/drift-baseline.json; RegisterModel stores it in the package
 *    (DriftCheckBaselines.ModelDataQuality.Statistics), so an approved package carries it.
 *  - recordServedModel (after the endpoint is InService on the new model; with drift or
 *    evaluation on): the served package, model and profile go to the stack's state table,
 *    where the checks read them. Best effort: a failure there leaves the deploy deployed
 *    and says so.
 *
 * No SageMaker Model Monitor API is called: Model Monitor is no longer open to new
 * customers (SageMaker Developer Guide, "Amazon SageMaker Model Monitor availability change").
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, SLACK_SECONDS, task, TaskModule, taskSeconds, Wiring, workflowTags } from "./task";

export type Drift = NonNullable<WorkflowSpec["drift"]>;
type Monitoring = NonNullable<WorkflowSpec["monitoring"]>;

/** The profile's file name; the drift check accepts only a baseline of this name (not a Model Monitor statistics.json). */
export const DRIFT_BASELINE_FILE = "drift-baseline.json";
/** The state table's item that says which model the endpoint serves (written here, read by the drift check). */
export const SERVED_MODEL_ID = "served-model";
/** Where the script sits in every monitoring job (the `code` input). */
export const DRIFT_SCRIPT_DIR = "/opt/ml/processing/code";
/** DynamoDB's transient errors (declared by PutItem, GetItem and DeleteItem), and its SDK base exception. */
export const DYNAMODB_RETRY = [
  {
    ErrorEquals: ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException", "DynamoDB.RequestLimitExceededException", "DynamoDB.InternalServerErrorException", "DynamoDB.AmazonDynamoDBException"],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: "FULL" as const,
  },
];

/**
 * The monitor role, which the drift and evaluation jobs run as: their scripts in; for drift
 * the features and the capture in, profiles and reports out; for evaluation the
 * predictions and the registered metrics in, its verdict out.
 */
export function monitorRoleStatements(spec: WorkflowSpec, monitoring: Monitoring): PolicyStatement[] {
  const { processed, baselines, capture, code, metrics, evaluations } = spec.bucket.prefixes;
  const reads = [code, ...(spec.drift ? [processed, baselines, capture] : []), ...(spec.evaluation ? [evaluations, metrics] : [])];
  const writes = [...(spec.drift ? [baselines, spec.bucket.prefixes.monitoring] : []), ...(spec.evaluation ? [evaluations] : [])];
  return jobExecutionRoleStatements(spec, { kind: "Processing", readPrefixes: reads, writePrefixes: writes, image: monitoring.image, vpc: false });
}

/** The code input of a monitoring job: its script, uploaded by Pulumi. */
export function scriptInput(spec: WorkflowSpec, scriptKey: string) {
  return {
    InputName: "code",
    S3Input: { S3Uri: spec.bucket.uri(scriptKey), LocalPath: DRIFT_SCRIPT_DIR, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
  };
}

export function baselineData(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const { drift, monitoring } = spec;
  if (!drift || !monitoring) return undefined;
  const { processed, baselines } = spec.bucket.prefixes;
  const states = {
    BaselineData: task(
      integration(spec.partition, "sagemaker:createProcessingJob.sync"),
      {
        "ProcessingJobName.$": `States.Format('${spec.jobPrefix}-bl-{}', $.run.id)`,
        RoleArn: monitoring.roleArn,
        AppSpecification: { ImageUri: monitoring.image, ContainerEntrypoint: ["python3", `${DRIFT_SCRIPT_DIR}/drift.py`, "baseline"] },
        Environment: { BASELINE_INPUT: "/opt/ml/processing/input/baseline", PROCESSING_OUTPUT: "/opt/ml/processing/output" },
        ProcessingInputs: [
          scriptInput(spec, drift.scriptKey),
          {
            InputName: "baseline",
            S3Input: { "S3Uri.$": perRunUri(spec, processed, "baseline"), LocalPath: "/opt/ml/processing/input/baseline", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: spec.key.aliasArn,
          Outputs: [{ OutputName: "baseline", S3Output: { "S3Uri.$": perRunUri(spec, baselines, ""), LocalPath: "/opt/ml/processing/output", S3UploadMode: "EndOfJob" } }],
        },
        ProcessingResources: { ClusterConfig: { InstanceType: drift.instanceType, InstanceCount: 1, VolumeSizeInGB: drift.volumeSizeGb, ...volumeKms(drift.instanceType) } },
        StoppingCondition: { MaxRuntimeInSeconds: drift.maxRuntimeSeconds },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        Tags: workflowTags(spec.jobPrefix),
      },
      {
        Comment: "The drift profile of the features the model was trained on (monitoring/drift.py baseline)",
        ResultPath: null,
        TimeoutSeconds: drift.maxRuntimeSeconds + SLACK_SECONDS,
        Retry: SAGEMAKER_RETRY,
        Next: "RecordBaselines",
      },
    ),
    RecordBaselines: {
      Type: "Pass" as const,
      Parameters: { "statistics.$": `States.Format('s3://${spec.bucket.name}/${baselines}{}/${DRIFT_BASELINE_FILE}', $.run.id)` },
      ResultPath: "$.baselines",
      Next: wiring.next,
    },
  };
  return {
    entry: "BaselineData",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-bl-*`), passRoleStatement(monitoring.roleArn)],
    executionRole: { roleArn: monitoring.roleArn, statements: monitorRoleStatements(spec, monitoring) },
  };
}

export function recordServedModel(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const monitoring = spec.monitoring;
  if (!monitoring) return undefined;
  const states = {
    RecordServedModel: {
      ...task(
        integration(spec.partition, "dynamodb:putItem"),
        {
          TableName: monitoring.stateTableName,
          Item: {
            id: { S: SERVED_MODEL_ID },
            packageArn: { "S.$": "$.registry.ModelPackageArn" },
            modelName: { "S.$": "$.run.modelName" },
            ...(spec.drift ? { baseline: { "S.$": "$.baselines.statistics" } } : {}),
            deployedBy: { "S.$": "$$.Execution.Id" },
            since: { "S.$": "$$.Execution.StartTime" },
          },
        },
        { Comment: "What the checks judge from now on: the model the evaluation scores, the profile drift compares with", ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: wiring.next },
      ),
      // Monitoring never breaks a deploy: the model serves already; say what was not recorded.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.monitoringError", Next: "NotifyMonitoringNotUpdated" }],
    },
    NotifyMonitoringNotUpdated: {
      ...publish(
        spec,
        "deployed, drift monitoring not updated",
        {
          "Message.$": `States.Format('Run {}: the model is deployed, but RecordServedModel (dynamodb:PutItem on ${monitoring.stateTableName}) failed: {}: {}. Drift checks and evaluations judge the previously recorded model until a deploy records this one.', $.run.execution, $.monitoringError.Error, $.monitoringError.Cause)`,
        },
        wiring.next,
      ),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: wiring.next }],
    },
  };
  return {
    entry: "RecordServedModel",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [{ Sid: "RecordServedModel", Effect: "Allow", Action: "dynamodb:PutItem", Resource: monitoring.stateTableArn }, ...publishStatements(spec)],
  };
}
