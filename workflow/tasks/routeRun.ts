/**
 * RouteRun: what started the execution decides what it does.
 *  - the model registry's rule, on an approval (`{"modelPackageEvent": {"arn", "status": "Approved"}}`),
 *    or a person asking to deploy an approved version (`{"approvedModelPackageArn": "<arn>"}`,
 *    the rollback to an earlier version): deploy exactly that package, after checking that it
 *    is a version of this stack's group and that it is Approved;
 *  - the registry's rule on a rejection: say so, deploy nothing;
 *  - the drift rule (a monitoring run that found violations): retrain, at most once per
 *    cooldown (drift states below);
 *  - anything else (the schedule, new data, a person): a full run.
 * Every comparison first checks that the value is there and is a string: a Choice on a
 * missing path is a States.Runtime error, which nothing can catch.
 */
import { ChoiceRule } from "../asl";
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { S3_SDK_RETRY, SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { FAILURE_STATE, integration, task, taskSeconds, TaskModule, Wiring } from "./task";
import { CREATE_MODEL_STATE } from "./createModel";

const isString = (path: string, value?: string): ChoiceRule => ({
  And: [{ Variable: path, IsPresent: true }, { Variable: path, IsString: true }, ...(value ? [{ Variable: path, StringEquals: value }] : [])],
});

export function routeRun(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const group = spec.registry.groupName;
  const states = {
    RouteRun: {
      Type: "Choice" as const,
      Comment: "An approval or rejection of a model package, a request to deploy an approved version, or a full run",
      Choices: [
        { And: [isString("$.input.modelPackageEvent.arn"), isString("$.input.modelPackageEvent.status", "Approved")], Next: "FromApprovalEvent" },
        { And: [isString("$.input.modelPackageEvent.arn"), isString("$.input.modelPackageEvent.status", "Rejected")], Next: "NotifyRejected" },
        { ...isString("$.input.approvedModelPackageArn"), Next: "FromDeployRequest" },
        ...(spec.drift ? [{ ...isString("$.input.driftDetected.job"), Next: "AcquireDriftLock" }] : []),
      ],
      Default: wiring.next,
    },
    FromApprovalEvent: { Type: "Pass" as const, Parameters: { "arn.$": "$.input.modelPackageEvent.arn" }, ResultPath: "$.requested", Next: "DescribeModelPackage" },
    FromDeployRequest: { Type: "Pass" as const, Parameters: { "arn.$": "$.input.approvedModelPackageArn" }, ResultPath: "$.requested", Next: "DescribeModelPackage" },
    DescribeModelPackage: task(
      integration(spec.partition, "aws-sdk:sagemaker:describeModelPackage"),
      { "ModelPackageName.$": "$.requested.arn" },
      // The whole description: its optional members may be absent, and a ResultSelector path to an absent member is a States.Runtime error.
      { ResultPath: "$.package", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "IsApprovedVersionOfThisStack" },
    ),
    IsApprovedVersionOfThisStack: {
      Type: "Choice" as const,
      Choices: [
        {
          And: [isString("$.package.ModelPackageGroupName", group), isString("$.package.ModelApprovalStatus", "Approved"), isString("$.package.ModelPackageArn")],
          Next: spec.drift ? "HasDriftBaseline" : "UseApprovedPackage",
        },
      ],
      Default: "RecordNotApproved",
    },
    ...(spec.drift
      ? {
          HasDriftBaseline: {
            Type: "Choice" as const,
            Comment: "Drift monitoring needs the data-quality baseline the package was registered with",
            Choices: [{ And: [isString("$.package.DriftCheckBaselines.ModelDataQuality.Constraints.S3Uri"), isString("$.package.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri")], Next: "UseApprovedPackage" }],
            Default: "RecordNoBaseline",
          },
          RecordNoBaseline: {
            Type: "Pass" as const,
            Parameters: { Error: "ModelPackageWithoutBaseline", "Cause.$": "States.Format('{} carries no data-quality baseline (DriftCheckBaselines.ModelDataQuality), which drift monitoring needs; nothing was deployed', $.requested.arn)" },
            ResultPath: "$.error",
            Next: FAILURE_STATE,
          },
        }
      : {}),
    UseApprovedPackage: {
      Type: "Pass" as const,
      Parameters: {
        registry: { "ModelPackageArn.$": "$.package.ModelPackageArn" },
        summary: { "text.$": "States.Format('approved model package {}', $.package.ModelPackageArn)" },
        ...(spec.drift
          ? { baselines: { "statistics.$": "$.package.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri", "constraints.$": "$.package.DriftCheckBaselines.ModelDataQuality.Constraints.S3Uri" } }
          : {}),
      },
      ResultPath: "$.approved",
      Next: "KeepApprovedPackage",
    },
    KeepApprovedPackage: {
      Type: "Pass" as const,
      Comment: "Where the deploy states read the package and the summary, as a full run leaves them",
      Parameters: {
        "run.$": "$.run",
        "key.$": "$.key",
        "registry.$": "$.approved.registry",
        "summary.$": "$.approved.summary",
        ...(spec.drift ? { "baselines.$": "$.approved.baselines" } : {}),
      },
      Next: CREATE_MODEL_STATE,
    },
    RecordNotApproved: {
      Type: "Pass" as const,
      Parameters: { Error: "ModelPackageNotApproved", "Cause.$": `States.Format('{} is not an Approved version of ${group}; nothing was deployed', $.requested.arn)` },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    NotifyRejected: publish(
      spec,
      "model package rejected",
      { "Message.$": "States.Format('Model package {} was rejected; nothing was deployed.', $.input.modelPackageEvent.arn)" },
      "Rejected",
    ),
    Rejected: { Type: "Succeed" as const, Comment: "A rejection only notifies" },
    ...(spec.drift ? driftStates(spec, spec.drift) : {}),
  };
  return {
    entry: "RouteRun",
    states,
    // The drift path holds its lock for the cooldown (a Wait): the execution may last that long.
    timeoutSeconds: taskSeconds(states) + (spec.drift?.cooldownSeconds ?? 0),
    stateMachineStatements: [
      ...(spec.drift ? driftStatements(spec, spec.drift) : []),
      { Sid: "UseModelRegistry", Effect: "Allow", Action: ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:AddTags"], Resource: [spec.registry.groupArn, spec.registry.packageArns] },
      ...publishStatements(spec),
    ],
  };
}

/**
 * Drift → retraining, at most one per cooldown. A drift run takes a lock (an S3 object
 * written only if absent: `If-None-Match: *`), starts the retraining as a run of its own,
 * holds the lock for the cooldown and releases it. Another drift run meanwhile finds the
 * lock taken (S3 answers 412 PreconditionFailed, or 409 ConditionalRequestConflict for a
 * concurrent write) and only notifies.
 */
function driftStates(spec: WorkflowSpec, drift: NonNullable<WorkflowSpec["drift"]>) {
  const s3 = (api: string) => integration(spec.partition, `aws-sdk:s3:${api}`);
  const hours = drift.cooldownSeconds / 3600;
  const release = (next: string) =>
    task(s3("deleteObject"), { Bucket: spec.bucket.name, Key: drift.lockKey }, { ResultPath: null, TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: next });
  return {
    AcquireDriftLock: {
      ...task(
        s3("putObject"),
        { Bucket: spec.bucket.name, Key: drift.lockKey, "Body.$": "$.run.execution", IfNoneMatch: "*", ServerSideEncryption: "aws:kms", SSEKMSKeyId: spec.key.aliasArn },
        { Comment: "Only one drift retraining per cooldown: the write succeeds only if no lock exists", ResultPath: null, TimeoutSeconds: 60, Next: "StartDriftRetraining" },
      ),
      Catch: [
        { ErrorEquals: ["S3.S3Exception"], ResultPath: "$.lock", Next: "DriftLockHeld" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
    },
    DriftLockHeld: {
      Type: "Choice" as const,
      Choices: [
        { Or: [{ Variable: "$.lock.Cause", StringMatches: "*PreconditionFailed*" }, { Variable: "$.lock.Cause", StringMatches: "*ConditionalRequestConflict*" }], Next: "NotifyDriftCooldown" },
      ],
      Default: "RecordLockFailure",
    },
    RecordLockFailure: { Type: "Pass" as const, Parameters: { Error: "DriftLockFailed", "Cause.$": "$.lock.Cause" }, ResultPath: "$.error", Next: FAILURE_STATE },
    NotifyDriftCooldown: publish(
      spec,
      "drift detected, retraining already started",
      { "Message.$": `States.Format('Monitoring job {} found drift ({}). A drift retraining started less than ${hours} h ago; no other starts until then.', $.input.driftDetected.job, $.input.driftDetected.message)` },
      "DriftCooldown",
    ),
    DriftCooldown: { Type: "Succeed" as const },
    StartDriftRetraining: {
      ...task(
        integration(spec.partition, "states:startExecution"),
        {
          StateMachineArn: drift.stateMachineArn,
          // AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links the two executions in the console ("Start workflow executions from a task state").
          Input: { trigger: "drift", "monitoringJob.$": "$.input.driftDetected.job", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" },
        },
        { Comment: "The retraining is a full run of its own", ResultSelector: { "ExecutionArn.$": "$.ExecutionArn" }, ResultPath: "$.retraining", TimeoutSeconds: 60, Next: "NotifyDriftRetraining" },
      ),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "ReleaseDriftLockAfterFailure" }],
    },
    ReleaseDriftLockAfterFailure: { ...release(FAILURE_STATE), Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.releaseError", Next: FAILURE_STATE }] },
    NotifyDriftRetraining: {
      ...publish(
        spec,
        "drift detected, retraining",
        { "Message.$": `States.Format('Monitoring job {} found drift ({}). Retraining: {}. No other drift retraining for ${hours} h.', $.input.driftDetected.job, $.input.driftDetected.message, $.retraining.ExecutionArn)` },
        "HoldDriftCooldown",
      ),
      // The retraining runs; a lost notification must not leave the lock held forever.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "HoldDriftCooldown" }],
    },
    HoldDriftCooldown: { Type: "Wait" as const, Seconds: drift.cooldownSeconds, Next: "ReleaseDriftLock" },
    ReleaseDriftLock: release("DriftHandled"),
    DriftHandled: { Type: "Succeed" as const },
  };
}

function driftStatements(spec: WorkflowSpec, drift: NonNullable<WorkflowSpec["drift"]>): PolicyStatement[] {
  return [
    { Sid: "HoldDriftLock", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: spec.bucket.objectArn(drift.lockKey) },
    keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
    { Sid: "StartRetraining", Effect: "Allow", Action: "states:StartExecution", Resource: drift.stateMachineArn },
  ];
}
