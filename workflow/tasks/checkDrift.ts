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
import { PolicyStatement } from "../../lib/iamPolicy";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { Drift, DRIFT_BASELINE_FILE, DRIFT_SCRIPT_DIR, monitorRoleStatements, scriptInput } from "./monitorDrift";
import { anyObjectUnder, checkStepStatements, readServedModel, verdictStates } from "./checkSteps";
import { Monitoring, RETRAINING_ENTRY, retrainingStatements, retrainingStates } from "./retraining";
import { passRoleStatement, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, isString, SLACK_SECONDS, task, TaskModule, taskSeconds, workflowTags } from "./task";

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

export function checkDrift(spec: WorkflowSpec, drift: Drift, monitoring: Monitoring): TaskModule {
  const capture = captureKeyPrefix(spec);
  const states = {
    ReadServedModel: readServedModel(spec, monitoring, "Which model the endpoint serves, and its drift baseline (recorded by the pipeline's deploy)", "HasDriftBaseline"),
    HasDriftBaseline: {
      Type: "Choice" as const,
      Comment: "The bootstrap model, or a version registered without a drift profile, has nothing to compare with",
      Choices: [{ And: [isString("$.served.Item.baseline.S"), { Variable: "$.served.Item.baseline.S", StringMatches: `s3://*/${DRIFT_BASELINE_FILE}` }], Next: "DriftWindow" }],
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
    ...anyObjectUnder(spec, { list: "FindCapturedRequests", choice: "AnyCapturedRequests" }, { path: "$.window.prefix" }, { comment: "Any capture in the window at all?", resultPath: "$.captured", found: "DriftJob", none: "InsufficientData" }),
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
    ...verdictStates(spec, { read: "ReadDriftVerdict", publish: "PublishDriftMetrics", choice: "DriftVerdict" }, reportKey(spec, "verdict.json"), { drift: "DescribeDrift", no_drift: "NoDrift" }, "InsufficientData"),
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
  const statements: PolicyStatement[] = [
    ...checkStepStatements(spec, monitoring, { list: "FindCapturedRequests", read: "ReadDriftVerdict" }, capture, spec.bucket.prefixes.monitoring),
    ...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-dr-*`),
    passRoleStatement(monitoring.roleArn),
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
