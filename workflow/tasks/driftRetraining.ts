/**
 * Drift retraining: what a drift run (RouteRun, on `{"driftDetected": …}`) does. Split from
 * routeRun.ts, which only decides that the run is one.
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { S3_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish } from "./notify";
import { FAILURE_STATE, integration, task } from "./task";

/**
 * Drift → retraining, at most one per cooldown. A drift run takes a lock (an S3 object
 * written only if absent: `If-None-Match: *`), starts the retraining as a run of its own,
 * holds the lock for the cooldown and releases it. Another drift run meanwhile finds the
 * lock taken (S3 answers 412 PreconditionFailed, or 409 ConditionalRequestConflict for a
 * concurrent write) and only notifies.
 */
export function driftRetrainingStates(spec: WorkflowSpec, drift: NonNullable<WorkflowSpec["drift"]>) {
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

export function driftRetrainingStatements(spec: WorkflowSpec, drift: NonNullable<WorkflowSpec["drift"]>): PolicyStatement[] {
  return [
    { Sid: "HoldDriftLock", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: spec.bucket.objectArn(drift.lockKey) },
    keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
    { Sid: "StartRetraining", Effect: "Allow", Action: "states:StartExecution", Resource: drift.stateMachineArn },
  ];
}
