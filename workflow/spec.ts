/**
 * What the workflow needs to know: a projection of the stack model (stacks/model.ts),
 * plain known values only, so that the definition is known at the first `pulumi preview`
 * of a new stack and policies can check the instance types, spot and encryption settings
 * it carries.
 */
import { GluePreprocessingConfig, InstanceEndpointConfig, PreprocessingConfig, ServerlessEndpointConfig, TrainingConfig } from "../stacks/configSchema";
import { ArnScope } from "../stacks/arns";
import { DataBucketModel, StackKeyModel, StackModel } from "../stacks/model";
import { DataDistribution, glueOutputFiles, trainDistribution } from "../stacks/trainingDistribution";

export interface WorkflowSpec extends ArnScope {
  /** Prefix of every job, model and endpoint-config name the workflow creates. */
  jobPrefix: string;
  bucket: DataBucketModel;
  key: StackKeyModel;
  topicArn: string;
  preprocessing:
    | { kind: "lambda"; functionArn: string; timeoutSeconds: number }
    | (Extract<PreprocessingConfig, { kind: "processing" }> & { image: string; roleArn: string; scriptKey: string })
    | (GluePreprocessingConfig & {
        jobName: string;
        jobArn: string;
        roleArn: string;
        scriptKey: string;
        /** Files the job writes per channel (trainingDistribution.ts). */
        outputFiles: number;
        /** `/aws-glue/*` log groups, which Glue creates and encrypts for the job. */
        logGroupArns: string[];
      });
  /** `trainData`: how the train channel is spread over the instances (trainingDistribution.ts). */
  training: TrainingConfig & { image: string; roleArn: string; trainData: DataDistribution };
  /** Drift monitoring, when on: the baselining and drift jobs, the state table, the retraining cooldown. */
  drift?: {
    /** The scikit-learn processing image the drift script runs on. */
    image: string;
    /** monitoring/drift.py, uploaded by Pulumi. */
    scriptKey: string;
    /** The role the baselining and drift jobs run as. */
    roleArn: string;
    frequency: "hourly" | "daily";
    instanceType: string;
    volumeSizeGb: number;
    maxRuntimeSeconds: number;
    psiThreshold: number;
    ksThreshold: number;
    minSamples: number;
    cooldownSeconds: number;
    /** The DynamoDB table holding the served model's record and the drift retraining lock. */
    stateTableName: string;
    stateTableArn: string;
    /** The pipeline: a drift retraining is a run of it. */
    pipelineArn: string;
    /** The monitoring state machine: it runs the drift checks and holds the lock. */
    monitoringArn: string;
  };
  /** Where each run registers its model, and whether a person approves it first. */
  registry: { groupName: string; groupArn: string; packageArns: string; approval: "auto" | "manual" };
  endpoint: {
    name: string;
    arn: string;
    roleArn: string;
    image: string;
    hosting: ServerlessEndpointConfig | InstanceEndpointConfig;
    /** Names and ARNs of the alarms SageMaker watches during a blue/green update (instance endpoints). */
    rollbackAlarms: { name: string; arn: string }[];
  };
}

export function workflowSpec(model: StackModel): WorkflowSpec {
  const { config } = model;
  const pre = config.preprocessing;
  const hosting = config.endpoint;
  return {
    ...model.scope,
    jobPrefix: model.namePrefix,
    bucket: model.bucket,
    key: model.key,
    topicArn: model.topic.arn,
    preprocessing:
      pre.kind === "lambda"
        ? { kind: "lambda", functionArn: model.preprocessingFunction.arn, timeoutSeconds: pre.timeoutSeconds }
        : pre.kind === "glue"
          ? {
              ...pre,
              jobName: model.glueJob.name,
              jobArn: model.glueJob.arn,
              roleArn: model.roles.preprocessing.arn,
              scriptKey: model.bucket.glueScriptKey,
              outputFiles: glueOutputFiles(pre.numberOfWorkers, config.training.instanceCount),
              logGroupArns: model.glueJob.logGroupArns,
            }
          : { ...pre, image: model.images.processing, roleArn: model.roles.preprocessing.arn, scriptKey: model.bucket.processingScriptKey },
    training: { ...config.training, image: model.images.training, roleArn: model.roles.training.arn, trainData: trainDistribution(config).train },
    drift: config.monitoring.drift.enabled
      ? {
          image: model.drift.image,
          scriptKey: model.drift.scriptKey,
          roleArn: model.roles.monitor.arn,
          frequency: config.monitoring.drift.frequency,
          instanceType: config.monitoring.drift.instanceType,
          volumeSizeGb: config.monitoring.drift.volumeSizeGb,
          maxRuntimeSeconds: config.monitoring.drift.maxRuntimeSeconds,
          psiThreshold: config.monitoring.drift.psiThreshold,
          ksThreshold: config.monitoring.drift.ksThreshold,
          minSamples: config.monitoring.drift.minSamples,
          cooldownSeconds: config.monitoring.drift.minHoursBetweenRetrains * 3600,
          stateTableName: model.drift.stateTable.name,
          stateTableArn: model.drift.stateTable.arn,
          pipelineArn: model.stateMachine.arn,
          monitoringArn: model.drift.stateMachine.arn,
        }
      : undefined,
    registry: {
      groupName: model.modelRegistry.group.name,
      groupArn: model.modelRegistry.group.arn,
      packageArns: model.modelRegistry.packageArns,
      approval: config.registry.approval,
    },
    endpoint: {
      name: model.endpoint.name,
      arn: model.endpoint.arn,
      roleArn: model.roles.endpoint.arn,
      image: model.images.inference,
      hosting,
      rollbackAlarms: hosting.kind === "instance" ? Object.values(model.endpoint.rollbackAlarms) : [],
    },
  };
}
