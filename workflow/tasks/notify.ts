/**
 * Notifications: publishing to the stack's KMS-encrypted topic (NotifyDeployed and the
 * failure path every other module reports through).
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { Json, TaskState } from "../asl";
import { SNS_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { FAILURE_STATE, integration, taskSeconds, TaskModule } from "./task";

/** sns:Publish to the topic; publishers to a KMS-encrypted topic need GenerateDataKey and Decrypt (SNS encryption docs). */
export function publishStatements(spec: WorkflowSpec): PolicyStatement[] {
  return [
    { Sid: "Notify", Effect: "Allow", Action: "sns:Publish", Resource: spec.topicArn },
    keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
  ];
}

/** An SNS publish to the stack's topic. */
export function publish(spec: WorkflowSpec, subject: string, message: { [k: string]: Json }, next: string): TaskState {
  return {
    Type: "Task",
    Resource: integration(spec.partition, "sns:publish"),
    Parameters: { TopicArn: spec.topicArn, Subject: `ML pipeline ${spec.jobPrefix}: ${subject}`, ...message },
    Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE }],
    ResultPath: null,
    TimeoutSeconds: 60,
    Retry: SNS_RETRY,
    Next: next,
  };
}

/** NotifyDeployed → Deployed. */
export function notifyDeployed(spec: WorkflowSpec): TaskModule {
  const states = {
    NotifyDeployed: publish(
      spec,
      "model deployed",
      // $.summary.text: this run's metric and package, or the approved package an approval run deploys.
      { "Message.$": `States.Format('Run {}: {}; endpoint ${spec.endpoint.name} now serves {}.', $.run.execution, $.summary.text, $.run.modelName)` },
      "Deployed",
    ),
    Deployed: { Type: "Succeed" as const },
  };
  return { entry: "NotifyDeployed", states, timeoutSeconds: taskSeconds(states), stateMachineStatements: publishStatements(spec) };
}

/** NotifyFailure → PipelineFailed: what every failure path ends in. */
export function notifyFailure(spec: WorkflowSpec): TaskModule {
  const states = {
    [FAILURE_STATE]: {
      ...publish(spec, "run failed", { "Message.$": "States.Format('Run {} failed: {}: {}', $.run.execution, $.error.Error, $.error.Cause)" }, "PipelineFailed"),
      // Even if the notification cannot be sent, the execution must end failed.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "PipelineFailed" }],
    },
    PipelineFailed: { Type: "Fail" as const, Error: "PipelineFailed", CausePath: "$.error.Cause" },
  };
  return { entry: FAILURE_STATE, states, timeoutSeconds: taskSeconds(states), stateMachineStatements: publishStatements(spec) };
}

