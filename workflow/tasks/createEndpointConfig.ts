/**
 * CreateEndpointConfig: this run's model on the stack's hosting settings (serverless or
 * instances), encrypted with the stack key where the API allows it, with data capture.
 */
import { hasLocalNvmeStorage } from "ml-pipeline-policies";
import { regionalArn } from "../../stacks/arns";
import { Json } from "../asl";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { integration, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";

/** CreateEndpointConfig, in the API's member names. */
function createEndpointConfigParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const h = spec.endpoint.hosting;
  const variant: { [key: string]: Json } =
    h.kind === "instance"
      ? { VariantName: h.variantName, "ModelName.$": "$.run.modelName", InstanceType: h.instanceType, InitialInstanceCount: h.initialInstanceCount, InitialVariantWeight: 1 }
      : {
          VariantName: h.variantName,
          "ModelName.$": "$.run.modelName",
          ServerlessConfig: {
            MemorySizeInMB: h.memorySizeMb,
            MaxConcurrency: h.maxConcurrency,
            ...(h.provisionedConcurrency !== undefined ? { ProvisionedConcurrency: h.provisionedConcurrency } : {}),
          },
        };
  const nvme = h.kind === "instance" && hasLocalNvmeStorage(h.instanceType);
  return {
    "EndpointConfigName.$": "$.run.endpointConfigName",
    ProductionVariants: [variant],
    // CreateEndpointConfig accepts an alias ARN; not for local-NVMe types (API rejects it).
    ...(nvme ? {} : { KmsKeyId: spec.key.aliasArn }),
    ...(h.kind === "instance" && h.dataCapture.enabled
      ? {
          DataCaptureConfig: {
            EnableCapture: true,
            InitialSamplingPercentage: h.dataCapture.samplingPercentage,
            DestinationS3Uri: spec.bucket.uri(`${spec.bucket.prefixes.capture}${spec.endpoint.name}`),
            KmsKeyId: spec.key.aliasArn,
            CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
          },
        }
      : {}),
    Tags: workflowTags(spec.jobPrefix),
  };
}

export function createEndpointConfig(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states = {
    CreateEndpointConfig: task(integration(spec.partition, "sagemaker:createEndpointConfig"), createEndpointConfigParameters(spec), {
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: wiring.next,
    }),
  };
  return {
    entry: "CreateEndpointConfig",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      {
        Sid: "CreateEndpointConfigs",
        Effect: "Allow",
        Action: ["sagemaker:CreateEndpointConfig", "sagemaker:AddTags"],
        Resource: regionalArn(spec, "sagemaker", `endpoint-config/${spec.jobPrefix}-ec-*`),
      },
    ],
  };
}
