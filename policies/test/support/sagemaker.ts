/** Builders of SageMaker resources and Step Functions definitions that several rules' tests share. */
import { UNKNOWN } from "./check";

const EC = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const SFN = "aws:sfn/stateMachine:StateMachine";

/** An endpoint configuration "serving" with one variant "primary" (ml.m5.large, one instance) and a KMS key. */
export const endpointConfig = (variant: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: EC,
  name: "serving",
  props: { productionVariants: [{ variantName: "primary", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large", ...variant }], kmsKeyArn: "arn:aws:kms:us-east-1:1:alias/k", ...extra },
});

/** A compliant createTrainingJob Task state (volume key given as a path). */
export function trainingTask(resourceConfig: Record<string, unknown>, extra: Record<string, unknown> = {}, resource = "arn:aws:states:::sagemaker:createTrainingJob.sync") {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      TrainingJobName: "j",
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30, "VolumeKmsKeyId.$": "$.key.arn", ...resourceConfig },
      OutputDataConfig: { S3OutputPath: "s3://b/o", KmsKeyId: "alias/k" },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      EnableInterContainerTrafficEncryption: true,
      EnableNetworkIsolation: true,
      ...extra,
    },
    End: true,
  };
}

/** A state machine "pipeline" with these states, logging ALL with execution data and traced. */
export const stateMachine = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: SFN,
  name: "pipeline",
  props: {
    name: "pipeline",
    definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: "arn:aws:logs:us-east-1:1:log-group:x:*" },
    tracingConfiguration: { enabled: true },
    ...extra,
  },
});

/** A compliant native aws:sagemaker TrainingJob "nightly", its volume key unknown until deploy. */
export const trainingJob = (resourceConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "aws:sagemaker/trainingJob:TrainingJob",
  name: "nightly",
  props: {
    trainingJobName: "nightly",
    roleArn: "arn:aws:iam::1:role/r",
    resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 30, volumeKmsKeyId: UNKNOWN, ...resourceConfig },
    outputDataConfig: { s3OutputPath: "s3://b/o", kmsKeyId: "alias/k" },
    enableInterContainerTrafficEncryption: true,
    enableNetworkIsolation: true,
    stoppingCondition: { maxRuntimeInSeconds: 3600 },
    ...extra,
  },
});
