/**
 * Parameters of the SageMaker API calls the workflow makes, with the API's own member
 * names (CreateProcessingJob, CreateTrainingJob, CreateModel, CreateEndpointConfig,
 * UpdateEndpoint). Values known at deploy time are literals; per-run values are
 * JSONPath references into the execution state (`.$` keys):
 *   $.run.*     names of this run's jobs, model and endpoint config (see definition.ts)
 *   $.key.arn   the stack key's ARN, resolved at run time from its alias
 */
import { hasLocalNvmeStorage } from "../policies/facts/instanceTypes";
import { Json } from "./asl";
import { ARTIFACT_KEYS, WorkflowSpec } from "./spec";
import { blueGreenDeploymentConfig } from "../components/inferenceEndpoint";

type Params = { [key: string]: Json };

/** `s3://<bucket>/<prefix>/<run id>/<suffix>` as an intrinsic, per run. */
const perRunUri = (spec: WorkflowSpec, prefix: string, suffix: string): string =>
  `States.Format('s3://${spec.bucketName}/${prefix}{}/${suffix}', $.run.id)`;

const tags = (spec: WorkflowSpec): Json => [
  { Key: "ml-pipeline:prefix", Value: spec.jobPrefix },
  { Key: "ml-pipeline:managed-by", Value: "step-functions" },
];

/**
 * Volume encryption for a job's ML storage. `VolumeKmsKeyId` takes a key id or ARN,
 * not an alias, so it is read from the state (`$.key.arn`). Instance types with local
 * NVMe storage get none: it is hardware-encrypted and the API rejects a key for it.
 */
function volumeKms(instanceType: string): Params {
  return hasLocalNvmeStorage(instanceType) ? {} : { "VolumeKmsKeyId.$": "$.key.arn" };
}

export function processingJobParameters(spec: WorkflowSpec): Params {
  const p = spec.preprocessing;
  if (p.kind !== "processing") throw new Error("preprocessing is not a processing job");
  return {
    "ProcessingJobName.$": "$.run.processingJobName",
    RoleArn: p.roleArn,
    AppSpecification: {
      ImageUri: p.image,
      ContainerEntrypoint: ["python3", "/opt/ml/processing/code/preprocess.py"],
    },
    ProcessingResources: {
      ClusterConfig: { InstanceType: p.instanceType, InstanceCount: p.instanceCount, VolumeSizeInGB: p.volumeSizeGb, ...volumeKms(p.instanceType) },
    },
    ProcessingInputs: [
      {
        InputName: "code",
        S3Input: { S3Uri: `s3://${spec.bucketName}/${p.scriptKey}`, LocalPath: "/opt/ml/processing/code", S3DataType: "S3Prefix", S3InputMode: "File" },
      },
      {
        InputName: "raw",
        S3Input: { S3Uri: `s3://${spec.bucketName}/raw/`, LocalPath: "/opt/ml/processing/input", S3DataType: "S3Prefix", S3InputMode: "File" },
      },
    ],
    ProcessingOutputConfig: {
      KmsKeyId: spec.keyAliasArn,
      Outputs: ["train", "validation"].map((channel) => ({
        OutputName: channel,
        S3Output: { "S3Uri.$": perRunUri(spec, "processed/", channel), LocalPath: `/opt/ml/processing/output/${channel}`, S3UploadMode: "EndOfJob" },
      })),
    },
    StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds },
    NetworkConfig: { EnableNetworkIsolation: p.networkIsolation, EnableInterContainerTrafficEncryption: true },
    Tags: tags(spec),
  };
}

export function trainingJobParameters(spec: WorkflowSpec): Params {
  const t = spec.training;
  const channel = (name: string): Json => ({
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: { S3DataSource: { S3DataType: "S3Prefix", "S3Uri.$": perRunUri(spec, "processed/", name), S3DataDistributionType: "FullyReplicated" } },
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
    InputDataConfig: [channel("train"), channel("validation")],
    OutputDataConfig: { S3OutputPath: `s3://${spec.bucketName}/${ARTIFACT_KEYS.models}`, KmsKeyId: spec.keyAliasArn },
    ResourceConfig: { InstanceType: t.instanceType, InstanceCount: t.instanceCount, VolumeSizeInGB: t.volumeSizeGb, ...volumeKms(t.instanceType) },
    StoppingCondition: {
      MaxRuntimeInSeconds: t.maxRuntimeSeconds,
      ...(t.spot.enabled ? { MaxWaitTimeInSeconds: t.spot.maxWaitSeconds } : {}),
    },
    EnableManagedSpotTraining: t.spot.enabled,
    // Spot capacity can be reclaimed: checkpoints let SageMaker resume instead of restart.
    ...(t.spot.enabled ? { CheckpointConfig: { "S3Uri.$": perRunUri(spec, ARTIFACT_KEYS.checkpoints, "") } } : {}),
    EnableNetworkIsolation: t.networkIsolation,
    EnableInterContainerTrafficEncryption: t.interContainerEncryption,
    ...(t.vpc ? { VpcConfig: { SecurityGroupIds: t.vpc.securityGroupIds, Subnets: t.vpc.subnetIds } } : {}),
    Tags: tags(spec),
  };
}

export function createModelParameters(spec: WorkflowSpec): Params {
  const e = spec.endpoint;
  return {
    "ModelName.$": "$.run.modelName",
    ExecutionRoleArn: e.roleArn,
    PrimaryContainer: { Image: e.image, "ModelDataUrl.$": "$.training.ModelArtifacts.S3ModelArtifacts" },
    // Serverless endpoints do not support network isolation (AWS).
    EnableNetworkIsolation: e.hosting.kind === "instance" ? e.hosting.networkIsolation : false,
    Tags: tags(spec),
  };
}

export function createEndpointConfigParameters(spec: WorkflowSpec): Params {
  const h = spec.endpoint.hosting;
  const variant: Params =
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
    ...(nvme ? {} : { KmsKeyId: spec.keyAliasArn }),
    ...(h.kind === "instance" && h.dataCapture.enabled
      ? {
          DataCaptureConfig: {
            EnableCapture: true,
            InitialSamplingPercentage: h.dataCapture.samplingPercentage,
            DestinationS3Uri: `s3://${spec.bucketName}/capture/${spec.endpoint.name}`,
            KmsKeyId: spec.keyAliasArn,
            CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
          },
        }
      : {}),
    Tags: tags(spec),
  };
}

export function updateEndpointParameters(spec: WorkflowSpec): Params {
  const h = spec.endpoint.hosting;
  const params: Params = { EndpointName: spec.endpoint.name, "EndpointConfigName.$": "$.run.endpointConfigName" };
  if (h.kind === "instance") {
    // Keep the instance count autoscaling has reached (not the config's initial count) and
    // the weights: AWS's procedure for autoscaled endpoints; a new model on the same
    // instance type needs no deregistration. Nothing is excluded: the API model documents
    // the one other value, DataCaptureConfig, as "Not currently supported", and data
    // capture is an endpoint-config setting that comes with the new configuration.
    params.RetainAllVariantProperties = true;
    // The same blue/green policy Pulumi declares on the endpoint, in the API's member names.
    const dc = blueGreenDeploymentConfig(spec.endpoint.name, h);
    const routing = dc.blueGreenUpdatePolicy.trafficRoutingConfiguration;
    const step = (s?: { type: string; value: number }) => (s ? { Type: s.type, Value: s.value } : undefined);
    params.DeploymentConfig = {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: routing.type,
          WaitIntervalInSeconds: routing.waitIntervalInSeconds,
          ...(routing.canarySize ? { CanarySize: step(routing.canarySize)! } : {}),
          ...(routing.linearStepSize ? { LinearStepSize: step(routing.linearStepSize)! } : {}),
        },
        TerminationWaitInSeconds: dc.blueGreenUpdatePolicy.terminationWaitInSeconds,
        MaximumExecutionTimeoutInSeconds: dc.blueGreenUpdatePolicy.maximumExecutionTimeoutInSeconds,
      },
      AutoRollbackConfiguration: { Alarms: dc.autoRollbackConfiguration.alarms.map((a) => ({ AlarmName: a.alarmName })) },
    };
  }
  return params;
}

export function createEndpointParameters(spec: WorkflowSpec): Params {
  return { EndpointName: spec.endpoint.name, "EndpointConfigName.$": "$.run.endpointConfigName", Tags: tags(spec) };
}
