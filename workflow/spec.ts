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
  /** Drift monitoring, when on: how the baseline and the monitoring jobs run, and the retraining cooldown. */
  drift?: {
    image: string;
    roleArn: string;
    scheduleName: string;
    scheduleArn: string;
    jobDefinitionArns: string;
    /** Model Monitor's cron form: hourly `cron(0 * ? * * *)`, daily `cron(0 0 ? * * *)`. */
    scheduleExpression: string;
    instanceType: string;
    volumeSizeGb: number;
    maxRuntimeSeconds: number;
    cooldownSeconds: number;
    /** The DynamoDB table whose lock item means "a drift retraining started less than the cooldown ago". */
    lockTableName: string;
    lockTableArn: string;
    /** The state machine itself: a drift run starts the retraining as a run of its own. */
    stateMachineArn: string;
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
          roleArn: model.roles.monitor.arn,
          scheduleName: model.drift.schedule.name,
          scheduleArn: model.drift.schedule.arn,
          jobDefinitionArns: model.drift.jobDefinitionArns,
          scheduleExpression: config.monitoring.drift.frequency === "hourly" ? "cron(0 * ? * * *)" : "cron(0 0 ? * * *)",
          instanceType: config.monitoring.drift.instanceType,
          volumeSizeGb: config.monitoring.drift.volumeSizeGb,
          maxRuntimeSeconds: config.monitoring.drift.maxRuntimeSeconds,
          cooldownSeconds: config.monitoring.drift.minHoursBetweenRetrains * 3600,
          lockTableName: model.drift.lockTable.name,
          lockTableArn: model.drift.lockTable.arn,
          stateMachineArn: model.stateMachine.arn,
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
