/**
 * Drift retraining: what a drift check that found drift (checkDrift.ts; `$.drift` = {job,
 * summary}) does, at most one retraining per cooldown. The lock is an item of the stack's
 * DynamoDB state table, written
 * only if absent (`attribute_not_exists`, a conditional write the optimized integration has
 * long supported); it records the execution that holds it. The holder starts the retraining
 * as a run of its own, holds the lock for the cooldown and deletes it. Another drift run
 * meanwhile finds the lock held by a running execution and only notifies; a lock whose
 * holder no longer runs (stopped by hand) is stale, and is taken over.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { WorkflowSpec } from "../spec";
import { publish } from "./notify";
import { FAILURE_STATE, integration, task } from "./task";
import { Drift, DYNAMODB_RETRY } from "./monitorDrift";

/** The lock item's key: one drift retraining per stack at a time. */
export const DRIFT_LOCK_ID = "drift-retraining";

const isRunning = (path: string) => ({ And: [{ Variable: path, IsPresent: true }, { Variable: path, IsString: true }, { Variable: path, StringEquals: "RUNNING" }] });

export function driftRetrainingStates(spec: WorkflowSpec, drift: Drift) {
  const ddb = (api: string) => integration(spec.partition, `dynamodb:${api}`);
  const key = { id: { S: DRIFT_LOCK_ID } };
  const hours = drift.cooldownSeconds / 3600;
  const release = (next: string) =>
    task(ddb("deleteItem"), { TableName: drift.stateTableName, Key: key, ConditionExpression: "holder = :me", ExpressionAttributeValues: { ":me": { "S.$": "$$.Execution.Id" } } }, { ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: next });
  return {
    AcquireDriftLock: {
      ...task(
        ddb("putItem"),
        { TableName: drift.stateTableName, Item: { ...key, holder: { "S.$": "$$.Execution.Id" }, since: { "S.$": "$$.Execution.StartTime" } }, ConditionExpression: "attribute_not_exists(id)" },
        { Comment: "Only one drift retraining per cooldown: the write succeeds only if no lock exists", ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: "StartDriftRetraining" },
      ),
      Catch: [
        { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], ResultPath: "$.lock", Next: "ReadDriftLock" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
    },
    ReadDriftLock: task(ddb("getItem"), { TableName: drift.stateTableName, Key: key, ConsistentRead: true }, { ResultPath: "$.lock", TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: "LockStillThere" }),
    LockStillThere: {
      Type: "Choice" as const,
      Comment: "Released between the two calls: try again",
      Choices: [{ And: [{ Variable: "$.lock.Item.holder.S", IsPresent: true }, { Variable: "$.lock.Item.holder.S", IsString: true }], Next: "DescribeLockHolder" }],
      Default: "AcquireDriftLock",
    },
    DescribeLockHolder: {
      ...task(integration(spec.partition, "aws-sdk:sfn:describeExecution"), { "ExecutionArn.$": "$.lock.Item.holder.S", IncludedData: "METADATA_ONLY" }, { ResultPath: "$.holder", TimeoutSeconds: 60, Retry: [{ ErrorEquals: ["Sfn.SfnException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }], Next: "IsLockHolderRunning" }),
      Catch: [
        // Its history is gone (executions are kept 90 days): the lock is stale.
        { ErrorEquals: ["Sfn.ExecutionDoesNotExistException"], ResultPath: "$.holderLookup", Next: "RemoveStaleDriftLock" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
    },
    IsLockHolderRunning: {
      Type: "Choice" as const,
      // The SDK integration's result members: PascalCase in Step Functions, camelCase in the API model; either is read.
      Choices: [{ Or: [isRunning("$.holder.Status"), isRunning("$.holder.status")], Next: "NotifyDriftCooldown" }],
      Default: "RemoveStaleDriftLock",
    },
    RemoveStaleDriftLock: task(
      ddb("deleteItem"),
      { TableName: drift.stateTableName, Key: key, ConditionExpression: "holder = :stale", ExpressionAttributeValues: { ":stale": { "S.$": "$.lock.Item.holder.S" } } },
      {
        Comment: "Its holder was stopped before it released the lock",
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: DYNAMODB_RETRY,
        Next: "AcquireDriftLock",
        // Someone else removed or retook it meanwhile: look again.
        Catch: [
          { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], ResultPath: "$.lock", Next: "AcquireDriftLock" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
        ],
      },
    ),
    NotifyDriftCooldown: publish(
      spec,
      "drift detected, retraining already started",
      { "Message.$": `States.Format('Drift job {} found drift: {}. A drift retraining started less than ${hours} h ago (by {}); no other starts until then.', $.drift.job, $.drift.summary, $.lock.Item.holder.S)` },
      "DriftCooldown",
    ),
    DriftCooldown: { Type: "Succeed" as const },
    StartDriftRetraining: {
      ...task(
        integration(spec.partition, "states:startExecution"),
        {
          StateMachineArn: drift.pipelineArn,
          // AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links the two executions in the console ("Start workflow executions from a task state").
          Input: { trigger: "drift", "driftJob.$": "$.drift.job", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" },
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
        { "Message.$": `States.Format('Drift job {} found drift: {}. Retraining: {}. No other drift retraining for ${hours} h.', $.drift.job, $.drift.summary, $.retraining.ExecutionArn)` },
        "HoldDriftCooldown",
      ),
      // The retraining runs; a lost notification must not leave the lock held.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "HoldDriftCooldown" }],
    },
    HoldDriftCooldown: { Type: "Wait" as const, Seconds: drift.cooldownSeconds, Next: "ReleaseDriftLock" },
    ReleaseDriftLock: release("DriftHandled"),
    DriftHandled: { Type: "Succeed" as const },
  };
}

export function driftRetrainingStatements(spec: WorkflowSpec, drift: Drift): PolicyStatement[] {
  return [
    { Sid: "HoldDriftLock", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"], Resource: drift.stateTableArn },
    // The holder is a monitoring execution (it waits out the cooldown).
    { Sid: "CheckDriftLockHolder", Effect: "Allow", Action: "states:DescribeExecution", Resource: `${drift.monitoringArn.replace(":stateMachine:", ":execution:")}:*` },
    { Sid: "StartRetraining", Effect: "Allow", Action: "states:StartExecution", Resource: drift.pipelineArn },
  ];
}
