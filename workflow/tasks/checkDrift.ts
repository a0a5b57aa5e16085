/**
 * CheckDrift: one drift check of the monitoring state machine (workflow/monitoring.ts).
 *
 *   ReadServedModel (the state table's record of the served package and its baseline)
 *   → the window: the endpoint's captured requests of the current UTC day so far
 *     (`<capture>/<endpoint>/<variant>/yyyy/mm/dd/`, the documented capture layout)
 *   → none captured: insufficient data, no job
 *   → DriftJob (monitoring/drift.py compare, SageMaker Processing, network-isolated)
 *   → its verdict (verdict.json) → CloudWatch metrics (best effort)
 *   → drift: the retraining lock (retraining.ts); no drift or too few rows: done.
 *
 * Day folders and not hour folders: the schedule checks at minute 55 (every hour, or at
 * 23:55 once a day, UTC), so the day so far is the window and every captured hour is read
 * by a check; only requests after 23:55 fall outside every window.
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { PIPELINE_METRICS_NAMESPACE } from "../../lib/dashboard";
import { S3_SDK_RETRY, SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { Drift, DRIFT_BASELINE_FILE, DRIFT_SCRIPT_DIR, DYNAMODB_RETRY, monitorRoleStatements, scriptInput, SERVED_MODEL_ID } from "./monitorDrift";
import { Monitoring, RETRAINING_ENTRY, retrainingStatements, retrainingStates } from "./retraining";
import { passRoleStatement, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, task, taskSeconds, TaskModule, workflowTags } from "./task";
import { SLACK_SECONDS } from "./preprocess";

/** Minute of the hour the drift check starts (UTC): late in the hour, so that the window holds nearly all of the day's capture. */
export const DRIFT_CHECK_MINUTE = 55;

/** The drift-check schedule (EventBridge Scheduler, UTC): hourly at :55, or daily at 23:55. */
export function driftCheckExpression(frequency: Drift["frequency"]): string {
  return frequency === "hourly" ? `cron(${DRIFT_CHECK_MINUTE} * * * ? *)` : `cron(${DRIFT_CHECK_MINUTE} 23 * * ? *)`;
}

/** Where SageMaker writes the variant's capture: `<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/` ("Capture data"). */
export function captureKeyPrefix(spec: WorkflowSpec): string {
  return `${spec.bucket.prefixes.capture}${spec.endpoint.name}/${spec.endpoint.name}/${spec.endpoint.hosting.variantName}/`;
}

/** The drift job's report prefix, per check. */
const reportKey = (spec: WorkflowSpec, file: string) => `States.Format('${spec.bucket.prefixes.monitoring}{}/${file}', $.run.id)`;

const present = (path: string) => [{ Variable: path, IsPresent: true }, { Variable: path, IsString: true }];

export function checkDrift(spec: WorkflowSpec, drift: Drift, monitoring: Monitoring): TaskModule {
  const capture = captureKeyPrefix(spec);
  const states = {
    ReadServedModel: task(
      integration(spec.partition, "dynamodb:getItem"),
      { TableName: monitoring.stateTableName, Key: { id: { S: SERVED_MODEL_ID } }, ConsistentRead: true },
      { Comment: "Which model the endpoint serves, and its drift baseline (recorded by the pipeline's deploy)", ResultPath: "$.served", TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: "HasDriftBaseline" },
    ),
    HasDriftBaseline: {
      Type: "Choice" as const,
      Comment: "The bootstrap model, or a version registered without a drift profile, has nothing to compare with",
      Choices: [{ And: [...present("$.served.Item.baseline.S"), { Variable: "$.served.Item.baseline.S", StringMatches: `s3://*/${DRIFT_BASELINE_FILE}` }], Next: "DriftWindow" }],
      Default: "NoDriftBaseline",
    },
    NoDriftBaseline: { Type: "Succeed" as const, Comment: "Nothing the pipeline deployed with a drift baseline serves yet" },
    DriftWindow: {
      Type: "Pass" as const,
      Comment: "The current UTC day, from the execution's start time (yyyy-mm-ddThh:mm:ss…Z)",
      Parameters: { "date.$": "States.StringSplit(States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0), '-')" },
      ResultPath: "$.window",
      Next: "DriftWindowPrefix",
    },
    DriftWindowPrefix: {
      Type: "Pass" as const,
      Parameters: {
        "prefix.$": `States.Format('${capture}{}/{}/{}/', States.ArrayGetItem($.window.date, 0), States.ArrayGetItem($.window.date, 1), States.ArrayGetItem($.window.date, 2))`,
      },
      ResultPath: "$.window",
      Next: "FindCapturedRequests",
    },
    FindCapturedRequests: task(
      integration(spec.partition, "aws-sdk:s3:listObjectsV2"),
      { Bucket: spec.bucket.name, "Prefix.$": "$.window.prefix", MaxKeys: 1 },
      // A processing input whose prefix matches no object fails the job: look first.
      { Comment: "Any capture in the window at all?", ResultPath: "$.captured", TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: "AnyCapturedRequests" },
    ),
    AnyCapturedRequests: {
      Type: "Choice" as const,
      Choices: [{ And: [{ Variable: "$.captured.KeyCount", IsPresent: true }, { Variable: "$.captured.KeyCount", IsNumeric: true }, { Variable: "$.captured.KeyCount", NumericGreaterThan: 0 }], Next: "DriftJob" }],
      Default: "InsufficientData",
    },
    DriftJob: task(
      integration(spec.partition, "sagemaker:createProcessingJob.sync"),
      {
        "ProcessingJobName.$": `States.Format('${spec.jobPrefix}-dr-{}', $.run.id)`,
        RoleArn: monitoring.roleArn,
        AppSpecification: { ImageUri: monitoring.image, ContainerEntrypoint: ["python3", `${DRIFT_SCRIPT_DIR}/drift.py`, "compare"] },
        Environment: {
          BASELINE_INPUT: "/opt/ml/processing/input/baseline",
          CAPTURE_INPUT: "/opt/ml/processing/input/capture",
          PROCESSING_OUTPUT: "/opt/ml/processing/output",
          PSI_THRESHOLD: String(drift.psiThreshold),
          KS_THRESHOLD: String(drift.ksThreshold),
          MIN_SAMPLES: String(drift.minSamples),
          PIPELINE: spec.jobPrefix,
        },
        ProcessingInputs: [
          scriptInput(spec, drift.scriptKey),
          {
            InputName: "baseline",
            S3Input: { "S3Uri.$": "$.served.Item.baseline.S", LocalPath: "/opt/ml/processing/input/baseline", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
          },
          {
            InputName: "capture",
            S3Input: { "S3Uri.$": `States.Format('s3://${spec.bucket.name}/{}', $.window.prefix)`, LocalPath: "/opt/ml/processing/input/capture", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: spec.key.aliasArn,
          Outputs: [{ OutputName: "report", S3Output: { "S3Uri.$": `States.Format('s3://${spec.bucket.name}/${spec.bucket.prefixes.monitoring}{}/', $.run.id)`, LocalPath: "/opt/ml/processing/output", S3UploadMode: "EndOfJob" } }],
        },
        ProcessingResources: { ClusterConfig: { InstanceType: drift.instanceType, InstanceCount: 1, VolumeSizeInGB: drift.volumeSizeGb, ...volumeKms(drift.instanceType) } },
        StoppingCondition: { MaxRuntimeInSeconds: drift.maxRuntimeSeconds },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        Tags: workflowTags(spec.jobPrefix),
      },
      {
        Comment: "Each feature of the window's requests against the served model's profile (monitoring/drift.py compare)",
        ResultPath: null,
        TimeoutSeconds: drift.maxRuntimeSeconds + SLACK_SECONDS,
        Retry: SAGEMAKER_RETRY,
        Next: "ReadDriftVerdict",
      },
    ),
    ReadDriftVerdict: task(
      integration(spec.partition, "aws-sdk:s3:getObject"),
      { Bucket: spec.bucket.name, "Key.$": reportKey(spec, "verdict.json") },
      { ResultSelector: { "result.$": "States.StringToJson($.Body)" }, ResultPath: "$.check", TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: "PublishDriftMetrics" },
    ),
    PublishDriftMetrics: {
      Type: "Task" as const,
      Resource: integration(spec.partition, "aws-sdk:cloudwatch:putMetricData"),
      Parameters: { Namespace: PIPELINE_METRICS_NAMESPACE, "MetricData.$": "$.check.result.metricData" },
      ResultPath: null,
      TimeoutSeconds: 30,
      Retry: [{ ErrorEquals: ["CloudWatch.CloudWatchException", "CloudWatch.InternalServiceFaultException"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
      // A dashboard gap is no reason to ignore the verdict.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.metricsError", Next: "DriftVerdict" }],
      Next: "DriftVerdict",
    },
    DriftVerdict: {
      Type: "Choice" as const,
      Choices: [
        { And: [...present("$.check.result.verdict"), { Variable: "$.check.result.verdict", StringEquals: "drift" }], Next: "DescribeDrift" },
        { And: [...present("$.check.result.verdict"), { Variable: "$.check.result.verdict", StringEquals: "no_drift" }], Next: "NoDrift" },
      ],
      Default: "InsufficientData",
    },
    NoDrift: { Type: "Succeed" as const },
    InsufficientData: { Type: "Succeed" as const, Comment: "Fewer captured rows than monitoring.drift.minSamples: never a retraining" },
    DescribeDrift: {
      Type: "Pass" as const,
      Parameters: {
        reason: "drift",
        "job.$": `States.Format('Drift job ${spec.jobPrefix}-dr-{}', $.run.id)`,
        "summary.$": `States.Format('{} feature(s) over the thresholds, e.g. {} (max PSI {}, max KS {}; {} captured rows; report s3://${spec.bucket.name}/${spec.bucket.prefixes.monitoring}{}/report.json)', $.check.result.driftedFeatureCount, States.JsonToString($.check.result.driftedFeatures), $.check.result.maxPsi, $.check.result.maxKs, $.check.result.rows, $.run.id)`,
      },
      ResultPath: "$.retrain",
      Next: RETRAINING_ENTRY,
    },
    ...retrainingStates(spec, monitoring),
  };
  const reports = spec.bucket.prefixes.monitoring;
  const statements: PolicyStatement[] = [
    { Sid: "ReadServedModel", Effect: "Allow", Action: "dynamodb:GetItem", Resource: monitoring.stateTableArn },
    { Sid: "FindCapturedRequests", Effect: "Allow", Action: "s3:ListBucket", Resource: spec.bucket.arn, Condition: { StringLike: { "s3:prefix": `${capture}*` } } },
    { Sid: "ReadDriftVerdict", Effect: "Allow", Action: "s3:GetObject", Resource: spec.bucket.objectArn(`${reports}*`) },
    keyUseStatement("UseStackKey", ["kms:Decrypt"], spec.key),
    ...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-dr-*`),
    passRoleStatement(monitoring.roleArn),
    { Sid: "PublishDriftMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": PIPELINE_METRICS_NAMESPACE } } },
    ...retrainingStatements(spec, monitoring),
  ];
  return {
    entry: "ReadServedModel",
    states,
    // The holder of the lock waits out the cooldown.
    timeoutSeconds: taskSeconds(states) + monitoring.cooldownSeconds,
    stateMachineStatements: statements,
    executionRole: { roleArn: monitoring.roleArn, statements: monitorRoleStatements(spec, monitoring) },
  };
}
