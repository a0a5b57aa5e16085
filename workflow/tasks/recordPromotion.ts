/**
 * RecordPromotion (a promoted stack): once the endpoint serves the version, say so on the
 * version itself, in the source account: `mlpipeline_deployed_<stage>` = this execution's ARN.
 * A later stage (`after`) deploys only versions that carry it. The source group's policy lets
 * this stage's role write that key and nothing else of note: no approval status, no
 * lifecycle, no other stage's key (components/modelSharing.ts).
 */
import { SAGEMAKER_SDK_UPDATE_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { State } from "../asl";
import { failState, integration, task, taskSeconds, TaskModule, Wiring } from "./task";
import { STAGE_APPROVED } from "./routePromotion";

export function recordPromotion(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const consumer = spec.promotion.consumer;
  if (!consumer) return undefined;
  const states: Record<string, State> = {
    RecordPromotion: task(
      integration(spec.partition, "aws-sdk:sagemaker:updateModelPackage"),
      { "ModelPackageArn.$": "$.registry.ModelPackageArn", CustomerMetadataProperties: { [`${spec.promotion.metadataKeys.deployedIn(consumer.stage)}.$`]: "$$.Execution.Id" } },
      {
        Comment: `Records on the source's version that ${consumer.stage} deployed it`,
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: SAGEMAKER_SDK_UPDATE_RETRY,
        // The endpoint already serves the version: say so, and how to record it.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: "RecordPromotionRefused" }],
        Next: wiring.next,
      },
    ),
    // The group's policy lets this stage record only on a version approved for it now: a person who moved the
    // lifecycle on (or rejected it) during the deploy leaves the version serving here but unrecorded.
    RecordPromotionRefused: failState("DeploymentNotRecorded", { format: `States.Format('${spec.endpoint.name} serves {}, but recording it on the version failed ({}: {}), so stages after ${consumer.stage} will not deploy it. If its lifecycle changed during the deploy, set it back to ${consumer.stage}/${STAGE_APPROVED}: the forwarded change deploys it again and records it', $.registry.ModelPackageArn, $.recordError.Error, $.recordError.Cause)` }),
  };
  return {
    entry: "RecordPromotion",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [{ Sid: "RecordPromotionOnSourceVersions", Effect: "Allow", Action: "sagemaker:UpdateModelPackage", Resource: consumer.source.packageArns }],
  };
}
