/**
 * Train: a SageMaker training job (`createTrainingJob.sync`) on processed/<run>/, with
 * spot capacity and checkpoints where configured, encrypted volumes, outputs and traffic.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { Json } from "../asl";
import { SAGEMAKER_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { DataDistribution } from "../../stacks/trainingDistribution";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { integration, SLACK_SECONDS, task, TaskModule, Wiring, workflowTags } from "./task";

function trainingSeconds(spec: WorkflowSpec): number {
  const t = spec.training;
  return (t.spot.enabled ? t.spot.maxWaitSeconds : t.maxRuntimeSeconds) + SLACK_SECONDS;
}

/** CreateTrainingJob, in the API's member names. */
function trainingJobParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const t = spec.training;
  const { processed, models, checkpoints } = spec.bucket.prefixes;
  const channel = (name: string, distribution: DataDistribution): Json => ({
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: { S3DataSource: { S3DataType: "S3Prefix", "S3Uri.$": perRunUri(spec, processed, name), S3DataDistributionType: distribution } },
  });
  return {
    "TrainingJobName.$": "$.run.trainingJobName",
    RoleArn: t.roleArn,
    AlgorithmSpecification: {
      TrainingImage: t.image,
      TrainingInputMode: "File",
      ...(t.metricDefinitions.length > 0 ? { MetricDefinitions: t.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })) } : {}),
    },
    HyperParameters: t.hyperparameters,
    // Validation stays replicated: in distributed XGBoost a host without validation data sits out.
    InputDataConfig: [channel("train", t.trainData), channel("validation", "FullyReplicated")],
    OutputDataConfig: { S3OutputPath: spec.bucket.uri(models), KmsKeyId: spec.key.aliasArn },
    ResourceConfig: { InstanceType: t.instanceType, InstanceCount: t.instanceCount, VolumeSizeInGB: t.volumeSizeGb, ...volumeKms(t.instanceType) },
    StoppingCondition: {
      MaxRuntimeInSeconds: t.maxRuntimeSeconds,
      ...(t.spot.enabled ? { MaxWaitTimeInSeconds: t.spot.maxWaitSeconds } : {}),
    },
    EnableManagedSpotTraining: t.spot.enabled,
    // Spot capacity can be reclaimed: checkpoints let SageMaker resume instead of restart.
    // One prefix serves every host: the built-in XGBoost writes checkpoints from rank 0 only.
    ...(t.spot.enabled ? { CheckpointConfig: { "S3Uri.$": perRunUri(spec, checkpoints, "") } } : {}),
    EnableNetworkIsolation: t.networkIsolation,
    EnableInterContainerTrafficEncryption: t.interContainerEncryption,
    ...(t.vpc ? { VpcConfig: { SecurityGroupIds: t.vpc.securityGroupIds, Subnets: t.vpc.subnetIds } } : {}),
    Tags: workflowTags(spec.jobPrefix),
  };
}

/** The training job's execution role: processed/ and checkpoints in; the model and checkpoints out. */
export function trainingRoleStatements(spec: WorkflowSpec): PolicyStatement[] {
  const { processed, models, checkpoints } = spec.bucket.prefixes;
  return jobExecutionRoleStatements(spec, {
    kind: "Training",
    readPrefixes: [processed, checkpoints],
    writePrefixes: [models, checkpoints],
    image: spec.training.image,
    vpc: spec.training.vpc !== undefined,
  });
}

export function train(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states = {
    Train: task(integration(spec.partition, "sagemaker:createTrainingJob.sync"), trainingJobParameters(spec), {
      Comment: "Train; .sync waits for the job and fails the task if the job fails",
      ResultPath: "$.training",
      TimeoutSeconds: trainingSeconds(spec),
      Retry: SAGEMAKER_RETRY,
      Next: wiring.next,
    }),
  };
  return {
    entry: "Train",
    states,
    timeoutSeconds: trainingSeconds(spec),
    stateMachineStatements: [...syncJobStatements(spec, "Training", `training-job/${spec.jobPrefix}-tr-*`), passRoleStatement(spec.training.roleArn)],
    executionRole: { roleArn: spec.training.roleArn, statements: trainingRoleStatements(spec) },
  };
}
