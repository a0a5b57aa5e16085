/**
 * Drift monitoring, the pipeline's part (monitoring.drift.enabled); the checks themselves
 * run in the monitoring state machine (workflow/monitoring.ts, tasks/checkDrift.ts).
 *
 *  - baselineData (after the gate, before RegisterModel): the project's drift job
 *    (monitoring/drift.py, mode `baseline`) profiles the run's features-only training rows
 *    (processed/<run>/baseline/, the shape of a request) into
 *    artifacts/baselines/<run>/drift-baseline.json; RegisterModel stores it in the package
 *    (DriftCheckBaselines.ModelDataQuality.Statistics), so an approved package carries it.
 *  - recordServedModel (after the endpoint is InService on the new model): the served
 *    package, model and baseline go to the stack's state table, where the drift check reads
 *    them. Best effort: a failure there leaves the deploy deployed and says so.
 *
 * No SageMaker Model Monitor API is called: Model Monitor is no longer open to new
 * customers (SageMaker Developer Guide, "Amazon SageMaker Model Monitor availability change").
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";
import { SLACK_SECONDS } from "./preprocess";

export type Drift = NonNullable<WorkflowSpec["drift"]>;

/** The profile's file name; the drift check accepts only a baseline of this name (not a Model Monitor statistics.json). */
export const DRIFT_BASELINE_FILE = "drift-baseline.json";
/** The state table's item that says which model the endpoint serves (written here, read by the drift check). */
export const SERVED_MODEL_ID = "served-model";
/** Where the drift script sits in every drift job (the `code` input). */
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

/** The monitor role, which both drift jobs run as: features, capture and the script in; baselines and reports out. */
export function monitorRoleStatements(spec: WorkflowSpec, drift: Drift): PolicyStatement[] {
  const { processed, baselines, capture, monitoring, code } = spec.bucket.prefixes;
  return jobExecutionRoleStatements(spec, { kind: "Processing", readPrefixes: [processed, code, baselines, capture], writePrefixes: [baselines, monitoring], image: drift.image, vpc: false });
}

/** The code input every drift job gets: the script uploaded by Pulumi. */
export function driftScriptInput(spec: WorkflowSpec, drift: Drift) {
  return {
    InputName: "code",
    S3Input: { S3Uri: spec.bucket.uri(drift.scriptKey), LocalPath: DRIFT_SCRIPT_DIR, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
  };
}

export function baselineData(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const drift = spec.drift;
  if (!drift) return undefined;
  const { processed, baselines } = spec.bucket.prefixes;
  const states = {
    BaselineData: task(
      integration(spec.partition, "sagemaker:createProcessingJob.sync"),
      {
        "ProcessingJobName.$": `States.Format('${spec.jobPrefix}-bl-{}', $.run.id)`,
        RoleArn: drift.roleArn,
        AppSpecification: { ImageUri: drift.image, ContainerEntrypoint: ["python3", `${DRIFT_SCRIPT_DIR}/drift.py`, "baseline"] },
        Environment: { BASELINE_INPUT: "/opt/ml/processing/input/baseline", PROCESSING_OUTPUT: "/opt/ml/processing/output" },
        ProcessingInputs: [
          driftScriptInput(spec, drift),
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
    stateMachineStatements: [...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-bl-*`), passRoleStatement(drift.roleArn)],
    executionRole: { roleArn: drift.roleArn, statements: monitorRoleStatements(spec, drift) },
  };
}

export function recordServedModel(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const drift = spec.drift;
  if (!drift) return undefined;
  const states = {
    RecordServedModel: {
      ...task(
        integration(spec.partition, "dynamodb:putItem"),
        {
          TableName: drift.stateTableName,
          Item: {
            id: { S: SERVED_MODEL_ID },
            packageArn: { "S.$": "$.registry.ModelPackageArn" },
            modelName: { "S.$": "$.run.modelName" },
            baseline: { "S.$": "$.baselines.statistics" },
            deployedBy: { "S.$": "$$.Execution.Id" },
            since: { "S.$": "$$.Execution.StartTime" },
          },
        },
        { Comment: "What the drift check compares the endpoint's requests with from now on", ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: wiring.next },
      ),
      // Monitoring never breaks a deploy: the model serves already; say what was not recorded.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.monitoringError", Next: "NotifyMonitoringNotUpdated" }],
    },
    NotifyMonitoringNotUpdated: {
      ...publish(
        spec,
        "deployed, drift monitoring not updated",
        {
          "Message.$": `States.Format('Run {}: the model is deployed, but RecordServedModel (dynamodb:PutItem on ${drift.stateTableName}) failed: {}: {}. Drift checks compare against the previously recorded model until a deploy records this one.', $.run.execution, $.monitoringError.Error, $.monitoringError.Cause)`,
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
    stateMachineStatements: [{ Sid: "RecordServedModel", Effect: "Allow", Action: "dynamodb:PutItem", Resource: drift.stateTableArn }, ...publishStatements(spec)],
  };
}
