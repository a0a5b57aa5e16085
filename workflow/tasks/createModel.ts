/** CreateModel: a SageMaker model of this run's artifact, served with the endpoint's execution role. */
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
    PrimaryContainer: { Image: e.image, "ModelDataUrl.$": "$.training.ModelArtifacts.S3ModelArtifacts" },
    // Serverless endpoints do not support network isolation (AWS).
    EnableNetworkIsolation: e.hosting.kind === "instance" ? e.hosting.networkIsolation : false,
    Tags: workflowTags(spec.jobPrefix),
  };
}

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
