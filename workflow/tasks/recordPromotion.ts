/**
 * RecordPromotion (a promoted stack): once the endpoint serves the version, say so on the
 * version itself, in the source account: `mlpipeline_deployed_<stage>` = this execution's ARN.
 * A later stage (`after`) deploys only versions that carry it. The source group's policy lets
 * this stage's role write that key and nothing else of note: no approval status, no
 * lifecycle, no other stage's key (components/modelSharing.ts).
 */
import { SAGEMAKER_SDK_UPDATE_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { integration, task, taskSeconds, TaskModule, Wiring } from "./task";

export function recordPromotion(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const consumer = spec.promotion.consumer;
  if (!consumer) return undefined;
  const states = {
    RecordPromotion: task(
      integration(spec.partition, "aws-sdk:sagemaker:updateModelPackage"),
      { "ModelPackageArn.$": "$.registry.ModelPackageArn", CustomerMetadataProperties: { [`${spec.promotion.metadataKeys.deployedIn(consumer.stage)}.$`]: "$$.Execution.Id" } },
      { Comment: `Records on the source's version that ${consumer.stage} deployed it`, ResultPath: null, TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_UPDATE_RETRY, Next: wiring.next },
    ),
  };
  return {
    entry: "RecordPromotion",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [{ Sid: "RecordPromotionOnSourceVersions", Effect: "Allow", Action: "sagemaker:UpdateModelPackage", Resource: consumer.source.packageArns }],
  };
}
