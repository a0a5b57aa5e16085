/**
 * Train: a SageMaker training job (`createTrainingJob.sync`) on processed/<run>/, with
 * spot capacity and checkpoints where configured, encrypted volumes, outputs and traffic.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { Json } from "../asl";
import { SAGEMAKER_RETRY, SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { DataDistribution } from "../../stacks/trainingDistribution";
import { tuningRuntimeSeconds } from "../../stacks/xgboostTuning";
import { regionalArn } from "../../stacks/arns";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { failState, integration, SLACK_SECONDS, task, TaskModule, taskSeconds, Wiring, workflowTags } from "./task";

function trainingSeconds(spec: WorkflowSpec): number {
  const t = spec.training;
  return (t.spot.enabled ? t.spot.maxWaitSeconds : t.maxRuntimeSeconds) + SLACK_SECONDS;
}

/** The job's input channels: train (sharded where configured) and validation (replicated). */
function channels(spec: WorkflowSpec): Json[] {
  const channel = (name: string, distribution: DataDistribution): Json => ({
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: { S3DataSource: { S3DataType: "S3Prefix", "S3Uri.$": perRunUri(spec, spec.bucket.prefixes.processed, name), S3DataDistributionType: distribution } },
  });
  // Validation stays replicated: in distributed XGBoost a host without validation data sits out.
  return [channel("train", spec.training.trainData), channel("validation", "FullyReplicated")];
}

/** CreateTrainingJob, in the API's member names. */
function trainingJobParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const t = spec.training;
  const { models, checkpoints } = spec.bucket.prefixes;
  return {
    "TrainingJobName.$": "$.run.trainingJobName",
    RoleArn: t.roleArn,
    AlgorithmSpecification: {
      TrainingImage: t.image,
      TrainingInputMode: "File",
      ...(t.metricDefinitions.length > 0 ? { MetricDefinitions: t.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })) } : {}),
    },
    HyperParameters: t.hyperparameters,
    InputDataConfig: channels(spec),
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

/**
 * CreateHyperParameterTuningJob: the training job above as its definition (same image, data,
 * instances, spot, keys, isolation and stopping condition), searching the configured ranges
 * for the gate's metric in the gate's direction. Tuned hyperparameters leave the static ones.
 */
function tuningJobParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const t = spec.training;
  const tuning = t.tuning;
  const { continuous = {}, integer = {}, categorical = {} } = tuning.ranges;
  const tuned = new Set([...Object.keys(continuous), ...Object.keys(integer), ...Object.keys(categorical)]);
  const numeric = (ranges: Record<string, { min: number; max: number; scaling?: string }>) =>
    Object.entries(ranges).map(([name, r]) => ({ Name: name, MinValue: String(r.min), MaxValue: String(r.max), ScalingType: r.scaling ?? "Auto" }));
  const parameterRanges: { [key: string]: Json } = {
    ...(Object.keys(continuous).length > 0 ? { ContinuousParameterRanges: numeric(continuous) } : {}),
    ...(Object.keys(integer).length > 0 ? { IntegerParameterRanges: numeric(integer) } : {}),
    ...(Object.keys(categorical).length > 0 ? { CategoricalParameterRanges: Object.entries(categorical).map(([name, values]) => ({ Name: name, Values: values })) } : {}),
  };
  // The training job's own request is the definition, less what belongs to one job: its name,
  // its hyperparameters (static ones here, without the tuned), its checkpoints (the tuning job's
  // parallel jobs would share one prefix) and its tags (the tuning job's, copied to its jobs).
  const { "TrainingJobName.$": _name, HyperParameters: _hyperparameters, CheckpointConfig: _checkpoints, Tags: _tags, ...definition } = trainingJobParameters(spec);
  return {
    "HyperParameterTuningJobName.$": "$.run.tuningJobName",
    HyperParameterTuningJobConfig: {
      Strategy: tuning.strategy,
      ...(tuning.hyperband ? { StrategyConfig: { HyperbandStrategyConfig: { MinResource: tuning.hyperband.minResource, MaxResource: tuning.hyperband.maxResource } } } : {}),
      HyperParameterTuningJobObjective: { Type: t.objective.goal, MetricName: t.objective.metric },
      ResourceLimits: { MaxNumberOfTrainingJobs: tuning.maxTrainingJobs, MaxParallelTrainingJobs: tuning.maxParallelTrainingJobs, MaxRuntimeInSeconds: tuningRuntimeSeconds(t) },
      ParameterRanges: parameterRanges,
      TrainingJobEarlyStoppingType: tuning.earlyStopping,
    },
    TrainingJobDefinition: {
      ...definition,
      StaticHyperParameters: Object.fromEntries(Object.entries(t.hyperparameters).filter(([name]) => !tuned.has(name))),
    },
    Tags: workflowTags(spec.jobPrefix),
  };
}

/**
 * What the state machine role needs for the tuning integration: the tuning job's own actions
 * and the events rule `.sync` manages (Step Functions' "Tune a Machine Learning Model" sample
 * policy, scoped here to this stack's jobs and its region), and DescribeTrainingJob on the
 * training jobs a tuning job names after itself (to read the best one's model and metrics).
 */
function tuningStatements(spec: WorkflowSpec): PolicyStatement[] {
  return [
    {
      Sid: "RunTuningJobs",
      Effect: "Allow",
      Action: ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob", "sagemaker:AddTags", "sagemaker:ListTags"],
      Resource: regionalArn(spec, "sagemaker", `hyper-parameter-tuning-job/${spec.jobPrefix}-hp-*`),
    },
    {
      Sid: "TuningJobSyncRule",
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: regionalArn(spec, "events", "rule/StepFunctionsGetEventsForSageMakerTuningJobsRule"),
    },
    {
      Sid: "ReadBestTrainingJob",
      Effect: "Allow",
      Action: "sagemaker:DescribeTrainingJob",
      Resource: regionalArn(spec, "sagemaker", `training-job/${spec.jobPrefix}-hp-*`),
    },
  ];
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
  if (spec.training.tuning.enabled) return tune(spec, wiring);
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

/**
 * Tune, then read the best training job as Train's result would be (DescribeTrainingJob), so
 * that the gate, the registry and the deploy read `$.training` exactly as after one job.
 */
function tune(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states = {
    Tune: task(integration(spec.partition, "sagemaker:createHyperParameterTuningJob.sync"), tuningJobParameters(spec), {
      Comment: "Tune; .sync waits for the tuning job and fails the task if it fails",
      // The whole description is kept: a path into BestTrainingJob, absent when no job completed,
      // would be an uncatchable States.Runtime error; HasBestTrainingJob looks first.
      ResultPath: "$.tuning",
      TimeoutSeconds: tuningSeconds(spec),
      Retry: SAGEMAKER_RETRY,
      Next: "HasBestTrainingJob",
    }),
    HasBestTrainingJob: {
      Type: "Choice" as const,
      Comment: "A tuning job that completed without any training job reporting the objective has no best job",
      Choices: [{ Variable: "$.tuning.BestTrainingJob.TrainingJobName", IsPresent: true, Next: "DescribeBestTrainingJob" }],
      Default: "RecordNoBestTrainingJob",
    },
    RecordNoBestTrainingJob: failState("NoBestTrainingJob", { format: `States.Format('Tuning job {} ended {} without a best training job', $.tuning.HyperParameterTuningJobName, $.tuning.HyperParameterTuningJobStatus)` }),
    DescribeBestTrainingJob: task(
      integration(spec.partition, "aws-sdk:sagemaker:describeTrainingJob"),
      { "TrainingJobName.$": "$.tuning.BestTrainingJob.TrainingJobName" },
      { Comment: "The best job's model artifacts and final metrics, where Train would have put them", ResultPath: "$.training", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: wiring.next },
    ),
  };
  return {
    entry: "Tune",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [...tuningStatements(spec), passRoleStatement(spec.training.roleArn)],
    executionRole: { roleArn: spec.training.roleArn, statements: trainingRoleStatements(spec) },
  };
}

/** The Tune state's timeout: the tuning job's own limit (which SageMaker enforces) plus slack. */
function tuningSeconds(spec: WorkflowSpec): number {
  return tuningRuntimeSeconds(spec.training) + SLACK_SECONDS;
}
