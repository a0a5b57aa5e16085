/**
 * CheckPerformance: one scheduled evaluation of the evaluation state machine
 * (workflow/monitoring.ts), the seed's "degraded performance" trigger.
 *
 *   ReadServedModel (the state table's record of the served package and model)
 *   → DescribeServedPackage: where the version's registered metrics are
 *   → any labelled data under ground-truth/? none: done, no job
 *   → ScoreLabelledData: a batch transform of the served model (not the live endpoint's
 *     traffic) over ground-truth/, each output line "<label>,<prediction>" (DataProcessing:
 *     InputFilter "$[1:]", JoinSource "Input", OutputFilter "$[0,-1]"; SageMaker
 *     Developer Guide, "Associate Prediction Results with Input Records")
 *   → EvaluationJob (monitoring/evaluate.py): the gate's metric against the registered value
 *   → its verdict → CloudWatch metrics (best effort)
 *   → degraded: the retraining lock (retraining.ts); ok or too few rows: done.
 */
import { keyGrantStatement, PolicyStatement } from "../../lib/iamPolicy";
import { SAGEMAKER_RETRY, SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { DRIFT_SCRIPT_DIR, monitorRoleStatements, scriptInput } from "./monitorDrift";
import { anyObjectUnder, checkStepStatements, readServedModel, verdictStates } from "./checkSteps";
import { Monitoring, RETRAINING_ENTRY, retrainingStatements, retrainingStates } from "./retraining";
import { passRoleStatement, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, isString, SLACK_SECONDS, task, TaskModule, taskSeconds, workflowTags } from "./task";

type Evaluation = NonNullable<WorkflowSpec["evaluation"]>;

/** The evaluation schedule (EventBridge Scheduler, UTC): daily at 01:30, or Mondays at 01:30. */
export function evaluationExpression(frequency: Evaluation["frequency"]): string {
  return frequency === "daily" ? "cron(30 1 * * ? *)" : "cron(30 1 ? * MON *)";
}

export function checkPerformance(spec: WorkflowSpec, evaluation: Evaluation, monitoring: Monitoring): TaskModule {
  const { groundTruth, evaluations } = spec.bucket.prefixes;
  const perCheck = (suffix: string) => `States.Format('s3://${spec.bucket.name}/${evaluations}{}/${suffix}', $.run.id)`;
  const states = {
    ReadServedModel: readServedModel(spec, monitoring, "Which model the endpoint serves (recorded by the pipeline's deploy)", "HasServedModel"),
    HasServedModel: {
      Type: "Choice" as const,
      Choices: [{ And: [isString("$.served.Item.packageArn.S"), isString("$.served.Item.modelName.S")], Next: "DescribeServedPackage" }],
      Default: "NoServedModel",
    },
    NoServedModel: { Type: "Succeed" as const, Comment: "Nothing the pipeline deployed serves yet (the bootstrap model has no registered metric)" },
    DescribeServedPackage: task(
      integration(spec.partition, "aws-sdk:sagemaker:describeModelPackage"),
      { "ModelPackageName.$": "$.served.Item.packageArn.S" },
      // The whole description: ModelMetrics is optional, and a ResultSelector path to an absent member is a States.Runtime error.
      { ResultPath: "$.package", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "HasRegisteredMetrics" },
    ),
    HasRegisteredMetrics: {
      Type: "Choice" as const,
      Choices: [{ ...isString("$.package.ModelMetrics.ModelQuality.Statistics.S3Uri"), Next: "FindLabelledData" }],
      Default: "NoRegisteredMetrics",
    },
    NoRegisteredMetrics: { Type: "Succeed" as const, Comment: "The served version carries no registered metric to compare with" },
    ...anyObjectUnder(spec, { list: "FindLabelledData", choice: "AnyLabelledData" }, groundTruth, { comment: "Any labelled data at all?", resultPath: "$.labelled", found: "ScoreLabelledData", none: "EvaluationInsufficientData" }),
    ScoreLabelledData: task(
      integration(spec.partition, "sagemaker:createTransformJob.sync"),
      {
        "TransformJobName.$": `States.Format('${spec.jobPrefix}-sc-{}', $.run.id)`,
        "ModelName.$": "$.served.Item.modelName.S",
        TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: spec.bucket.uri(groundTruth) } }, ContentType: "text/csv", SplitType: "Line" },
        TransformOutput: { "S3OutputPath.$": perCheck("predictions/"), Accept: "text/csv", AssembleWith: "Line", KmsKeyId: spec.key.aliasArn },
        TransformResources: { InstanceType: evaluation.transformInstanceType, InstanceCount: 1, ...volumeKms(evaluation.transformInstanceType) },
        // The features in; the label and the prediction out, one line per row.
        DataProcessing: { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$[0,-1]" },
        BatchStrategy: "MultiRecord",
        Tags: workflowTags(spec.jobPrefix),
      },
      {
        Comment: "The served model's predictions for the labelled rows (batch transform, not the live endpoint)",
        ResultPath: null,
        TimeoutSeconds: evaluation.maxRuntimeSeconds + SLACK_SECONDS,
        Retry: SAGEMAKER_RETRY,
        Next: "EvaluationJob",
      },
    ),
    EvaluationJob: task(
      integration(spec.partition, "sagemaker:createProcessingJob.sync"),
      {
        "ProcessingJobName.$": `States.Format('${spec.jobPrefix}-ev-{}', $.run.id)`,
        RoleArn: monitoring.roleArn,
        AppSpecification: { ImageUri: monitoring.image, ContainerEntrypoint: ["python3", `${DRIFT_SCRIPT_DIR}/evaluate.py`] },
        Environment: {
          PREDICTIONS_INPUT: "/opt/ml/processing/input/predictions",
          METRICS_INPUT: "/opt/ml/processing/input/metrics",
          PROCESSING_OUTPUT: "/opt/ml/processing/output",
          METRIC: evaluation.metric,
          GOAL: evaluation.goal,
          TOLERANCE: String(evaluation.tolerance),
          MIN_SAMPLES: String(evaluation.minSamples),
          PIPELINE: spec.jobPrefix,
        },
        ProcessingInputs: [
          scriptInput(spec, evaluation.scriptKey),
          { InputName: "predictions", S3Input: { "S3Uri.$": perCheck("predictions/"), LocalPath: "/opt/ml/processing/input/predictions", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" } },
          { InputName: "metrics", S3Input: { "S3Uri.$": "$.package.ModelMetrics.ModelQuality.Statistics.S3Uri", LocalPath: "/opt/ml/processing/input/metrics", S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" } },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: spec.key.aliasArn,
          Outputs: [{ OutputName: "verdict", S3Output: { "S3Uri.$": perCheck(""), LocalPath: "/opt/ml/processing/output", S3UploadMode: "EndOfJob" } }],
        },
        ProcessingResources: { ClusterConfig: { InstanceType: evaluation.instanceType, InstanceCount: 1, VolumeSizeInGB: evaluation.volumeSizeGb, ...volumeKms(evaluation.instanceType) } },
        StoppingCondition: { MaxRuntimeInSeconds: evaluation.maxRuntimeSeconds },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        Tags: workflowTags(spec.jobPrefix),
      },
      { Comment: "The gate's metric on the labelled rows, against the registered value (monitoring/evaluate.py)", ResultPath: null, TimeoutSeconds: evaluation.maxRuntimeSeconds + SLACK_SECONDS, Retry: SAGEMAKER_RETRY, Next: "ReadEvaluationVerdict" },
    ),
    ...verdictStates(
      spec,
      { read: "ReadEvaluationVerdict", publish: "PublishEvaluationMetrics", choice: "EvaluationVerdict" },
      `States.Format('${evaluations}{}/verdict.json', $.run.id)`,
      { degraded: "DescribeDegradation", ok: "PerformanceHolds" },
      "EvaluationInsufficientData",
    ),
    PerformanceHolds: { Type: "Succeed" as const },
    EvaluationInsufficientData: { Type: "Succeed" as const, Comment: "No labelled data, or fewer rows than monitoring.evaluation.minSamples: never a retraining" },
    DescribeDegradation: {
      Type: "Pass" as const,
      Parameters: {
        reason: "degraded-performance",
        "job.$": `States.Format('Evaluation ${spec.jobPrefix}-ev-{}', $.run.id)`,
        "summary.$": `States.Format('${evaluation.metric} is {} on {} labelled rows against {} registered for {} (worse by {}, tolerance ${evaluation.tolerance})', $.check.result.current, $.check.result.rows, $.check.result.registered, $.served.Item.packageArn.S, $.check.result.worseBy)`,
      },
      ResultPath: "$.retrain",
      Next: RETRAINING_ENTRY,
    },
    ...retrainingStates(spec, monitoring),
  };
  const statements: PolicyStatement[] = [
    ...checkStepStatements(spec, monitoring, { list: "FindLabelledData", read: "ReadEvaluationVerdict" }, groundTruth, evaluations),
    { Sid: "DescribeServedPackage", Effect: "Allow", Action: "sagemaker:DescribeModelPackage", Resource: spec.registry.packageArns },
    // The transform runs as the served model's execution role (CreateTransformJob passes none).
    ...syncJobStatements(spec, "Transform", `transform-job/${spec.jobPrefix}-sc-*`),
    // TransformResources.VolumeKmsKeyId: as for endpoint volumes, SageMaker attaches the key through a grant made as the caller (unverified for transform jobs here; see docs/workflow.md, "Scheduled evaluation").
    keyGrantStatement("GrantStackKeyToTransformVolumes", spec.key),
    ...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-ev-*`),
    passRoleStatement(monitoring.roleArn),
    ...retrainingStatements(spec, monitoring),
  ];
  return {
    entry: "ReadServedModel",
    states,
    timeoutSeconds: taskSeconds(states) + monitoring.cooldownSeconds,
    stateMachineStatements: statements,
    executionRole: { roleArn: monitoring.roleArn, statements: monitorRoleStatements(spec, monitoring) },
  };
}
