/**
 * Retraining from a check: what a drift check that found drift (checkDrift.ts) or an
 * evaluation that found degraded performance (checkPerformance.ts) does, at most one
 * retraining per cooldown (monitoring.minHoursBetweenRetrains) whichever check asks.
 * The check leaves `$.retrain` = {reason, job, summary}.
 *
 * The lock is an item of the stack's DynamoDB state table, written only if absent
 * (`attribute_not_exists`, a conditional write the optimized integration has long
 * supported); it records the execution that holds it. The holder starts the retraining
 * as a run of the pipeline, holds the lock for the cooldown and deletes it. Another check
 * meanwhile finds the lock held by a running execution and only notifies; a lock whose
 * holder no longer runs (stopped by hand) is stale, and is taken over.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { WorkflowSpec } from "../spec";
import { publish } from "./notify";
import { FAILURE_STATE, integration, isString, task } from "./task";
import { DYNAMODB_RETRY } from "./monitorDrift";

export type Monitoring = NonNullable<WorkflowSpec["monitoring"]>;

/** The lock item's key: one retraining per stack at a time. */
export const RETRAINING_LOCK_ID = "retraining";
/** Where a check's retraining starts. */
export const RETRAINING_ENTRY = "NameLockHolder";

export function retrainingStates(spec: WorkflowSpec, monitoring: Monitoring) {
  const ddb = (api: string) => integration(spec.partition, `dynamodb:${api}`);
  const key = { id: { S: RETRAINING_LOCK_ID } };
  const hours = monitoring.cooldownSeconds / 3600;
  const release = (next: string) =>
    task(ddb("deleteItem"), { TableName: monitoring.stateTableName, Key: key, ConditionExpression: "holder = :me", ExpressionAttributeValues: { ":me": { "S.$": "$$.Execution.Id" } } }, { ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: next });
  return {
    [RETRAINING_ENTRY]: {
      Type: "Pass" as const,
      Comment: "This execution, as the lock records its holder (a Choice compares paths of the state only)",
      Parameters: { "id.$": "$$.Execution.Id" },
      ResultPath: "$.me",
      Next: "AcquireRetrainingLock",
    },
    AcquireRetrainingLock: {
      ...task(
        ddb("putItem"),
        { TableName: monitoring.stateTableName, Item: { ...key, holder: { "S.$": "$$.Execution.Id" }, since: { "S.$": "$$.Execution.StartTime" }, reason: { "S.$": "$.retrain.reason" } }, ConditionExpression: "attribute_not_exists(id)" },
        { Comment: "Only one retraining per cooldown: the write succeeds only if no lock exists", ResultPath: null, TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: "StartRetraining" },
      ),
      Catch: [
        { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], ResultPath: "$.lock", Next: "ReadRetrainingLock" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
    },
    ReadRetrainingLock: task(ddb("getItem"), { TableName: monitoring.stateTableName, Key: key, ConsistentRead: true }, { ResultPath: "$.lock", TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: "LockStillThere" }),
    LockStillThere: {
      Type: "Choice" as const,
      Comment: "Released between the two calls: try again. Held by this execution (its write succeeded, the answer was lost, the retry found its own lock): go on",
      Choices: [
        { And: [{ Variable: "$.lock.Item.holder.S", IsPresent: true }, { Variable: "$.lock.Item.holder.S", IsString: true }, { Variable: "$.lock.Item.holder.S", StringEqualsPath: "$.me.id" }], Next: "StartRetraining" },
        { And: [{ Variable: "$.lock.Item.holder.S", IsPresent: true }, { Variable: "$.lock.Item.holder.S", IsString: true }], Next: "DescribeLockHolder" },
      ],
      Default: "AcquireRetrainingLock",
    },
    DescribeLockHolder: {
      ...task(
        integration(spec.partition, "aws-sdk:sfn:describeExecution"),
        // The holder's status only, not its input and output.
        { "ExecutionArn.$": "$.lock.Item.holder.S", IncludedData: "METADATA_ONLY" },
        { ResultPath: "$.holder", TimeoutSeconds: 60, Retry: [{ ErrorEquals: ["Sfn.SfnException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }], Next: "IsLockHolderRunning" },
      ),
      Catch: [
        // Its history is gone (executions are kept 90 days): the lock is stale.
        { ErrorEquals: ["Sfn.ExecutionDoesNotExistException"], ResultPath: "$.holderLookup", Next: "RemoveStaleRetrainingLock" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
    },
    IsLockHolderRunning: {
      Type: "Choice" as const,
      // The SDK integration's result members: PascalCase in Step Functions, camelCase in the API model; either is read.
      Choices: [{ Or: [isString("$.holder.Status", "RUNNING"), isString("$.holder.status", "RUNNING")], Next: "NotifyRetrainingCooldown" }],
      Default: "RemoveStaleRetrainingLock",
    },
    RemoveStaleRetrainingLock: task(
      ddb("deleteItem"),
      { TableName: monitoring.stateTableName, Key: key, ConditionExpression: "holder = :stale", ExpressionAttributeValues: { ":stale": { "S.$": "$.lock.Item.holder.S" } } },
      {
        Comment: "Its holder was stopped before it released the lock",
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: DYNAMODB_RETRY,
        Next: "AcquireRetrainingLock",
        // Someone else removed or retook it meanwhile: look again.
        Catch: [
          { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], ResultPath: "$.lock", Next: "AcquireRetrainingLock" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
        ],
      },
    ),
    NotifyRetrainingCooldown: publish(
      spec,
      "retraining already started",
      { "Message.$": `States.Format('{} found {}: {}. A retraining started less than ${hours} h ago (by {}); no other starts until then.', $.retrain.job, $.retrain.reason, $.retrain.summary, $.lock.Item.holder.S)` },
      "RetrainingCooldown",
    ),
    RetrainingCooldown: { Type: "Succeed" as const },
    StartRetraining: {
      ...task(
        integration(spec.partition, "states:startExecution"),
        {
          StateMachineArn: monitoring.pipelineArn,
          // AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links the two executions in the console ("Start workflow executions from a task state").
          Input: { "trigger.$": "$.retrain.reason", "checkJob.$": "$.retrain.job", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" },
        },
        { Comment: "The retraining is a full run of the pipeline", ResultSelector: { "ExecutionArn.$": "$.ExecutionArn" }, ResultPath: "$.retraining", TimeoutSeconds: 60, Next: "NotifyRetraining" },
      ),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "ReleaseRetrainingLockAfterFailure" }],
    },
    ReleaseRetrainingLockAfterFailure: { ...release(FAILURE_STATE), Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.releaseError", Next: FAILURE_STATE }] },
    NotifyRetraining: {
      ...publish(
        spec,
        "retraining",
        { "Message.$": `States.Format('{} found {}: {}. Retraining: {}. No other retraining for ${hours} h.', $.retrain.job, $.retrain.reason, $.retrain.summary, $.retraining.ExecutionArn)` },
        "HoldRetrainingCooldown",
      ),
      // The retraining runs; a lost notification must not leave the lock held.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "HoldRetrainingCooldown" }],
    },
    HoldRetrainingCooldown: { Type: "Wait" as const, Seconds: monitoring.cooldownSeconds, Next: "ReleaseRetrainingLock" },
    ReleaseRetrainingLock: release("RetrainingStarted"),
    RetrainingStarted: { Type: "Succeed" as const },
  };
}

export function retrainingStatements(spec: WorkflowSpec, monitoring: Monitoring): PolicyStatement[] {
  return [
    { Sid: "HoldRetrainingLock", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"], Resource: monitoring.stateTableArn },
    // The holder is an execution of a check state machine (it waits out the cooldown).
    { Sid: "CheckLockHolder", Effect: "Allow", Action: "states:DescribeExecution", Resource: monitoring.checkStateMachineArns.map((arn) => `${arn.replace(":stateMachine:", ":execution:")}:*`) },
    { Sid: "StartRetraining", Effect: "Allow", Action: "states:StartExecution", Resource: monitoring.pipelineArn },
  ];
}
