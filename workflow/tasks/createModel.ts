/**
 * CreateModel: a SageMaker model of the approved model package (this run's version with
 * approval "auto", the approved one on an approval run), served with the endpoint's
 * execution role: what serves is always a registered, approved version. A promoted stack's
 * model is the version's image and this stack's checked copy of its artifact.
 */
import { regionalArn } from "../../stacks/arns";
import { Json } from "../asl";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { passRoleStatement } from "./sageMakerJob";
import { integration, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";

/** CreateModel, in the API's member names. */
function createModelParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const e = spec.endpoint;
  return {
    "ModelName.$": "$.run.modelName",
    ExecutionRoleArn: e.roleArn,
    // A promoted stack serves its own copy of the source's version (tasks/copyArtifact.ts).
    PrimaryContainer: spec.promotion.consumer ? { "Image.$": "$.model.image", "ModelDataUrl.$": "$.model.dataUrl" } : { "ModelPackageName.$": "$.registry.ModelPackageArn" },
    // Serverless endpoints do not support network isolation (AWS).
    EnableNetworkIsolation: e.hosting.kind === "instance" ? e.hosting.networkIsolation : false,
    Tags: workflowTags(spec.jobPrefix),
  };
}

/** The state the approval path deploys from. */
export const CREATE_MODEL_STATE = "CreateModel";

export function createModel(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states = {
    CreateModel: task(integration(spec.partition, "sagemaker:createModel"), createModelParameters(spec), {
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: wiring.next,
    }),
  };
  return {
    entry: "CreateModel",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      {
        Sid: "CreateModels",
        Effect: "Allow",
        Action: ["sagemaker:CreateModel", "sagemaker:AddTags"],
        Resource: regionalArn(spec, "sagemaker", `model/${spec.jobPrefix}-md-*`),
      },
      passRoleStatement(spec.endpoint.roleArn),
    ],
  };
}
