/**
 * What the workflow needs to know: a projection of the stack model (stacks/model.ts),
 * plain known values only, so that the definition is known at the first `pulumi preview`
 * of a new stack and policies can check the instance types, spot and encryption settings
 * it carries.
 */
import { DriftConfig, EvaluationConfig, GluePreprocessingConfig, IngestionSource, InstanceEndpointConfig, PreprocessingConfig, ServerlessEndpointConfig, TrainingConfig } from "../stacks/configSchema";
import { ArnScope } from "../stacks/arns";
import { DataBucketModel, PromotionModel, StackKeyModel, StackModel } from "../stacks/model";
import { DataDistribution, glueOutputFiles, trainDistribution } from "../stacks/trainingDistribution";

export interface WorkflowSpec extends ArnScope {
  /** Prefix of every job, model and endpoint-config name the workflow creates. */
  jobPrefix: string;
  bucket: DataBucketModel;
  key: StackKeyModel;
  topicArn: string;
  /** Where a run's data comes from: raw/'s CSV objects, or an export of a DynamoDB table (tasks/exportTable.ts). */
  source: IngestionSource;
  preprocessing:
    | { kind: "lambda"; functionArn: string; timeoutSeconds: number; roleArn: string; logGroupArn: string }
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
  /**
   * What the drift and evaluation checks share, when either is on: the jobs' image and
   * role, the state table (the served model's record and the retraining lock), and the
   * retraining they may start.
   */
  monitoring?: {
    /** The scikit-learn processing image the drift and evaluation scripts run on. */
    image: string;
    /** The role the drift and evaluation jobs run as. */
    roleArn: string;
    stateTableName: string;
    stateTableArn: string;
    /** The pipeline: a retraining is a run of it. */
    pipelineArn: string;
    /** The check state machines: a lock holder is an execution of one of them. */
    checkStateMachineArns: string[];
    cooldownSeconds: number;
  };
  /** Drift checks, when on. */
  drift?: DriftConfig & {
    /** monitoring/drift.py, uploaded by Pulumi. */
    scriptKey: string;
  };
  /** Scheduled evaluation, when on: the gate's metric and goal, recomputed on labelled data. */
  evaluation?: EvaluationConfig & {
    /** monitoring/evaluate.py, uploaded by Pulumi. */
    scriptKey: string;
    metric: string;
    goal: "Maximize" | "Minimize";
  };
  /** Promotion across accounts: a promoted stack's source and stage, or a sharing stack's consumers. */
  promotion: PromotionModel;
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
    source: config.ingestion.source,
    preprocessing:
      pre.kind === "lambda"
        ? {
            kind: "lambda",
            functionArn: model.preprocessingFunction.arn,
            timeoutSeconds: pre.timeoutSeconds,
            roleArn: model.roles.preprocessing.arn,
            logGroupArn: model.preprocessingFunction.logGroup.arn,
          }
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
    monitoring:
      config.monitoring.drift.enabled || config.monitoring.evaluation.enabled
        ? {
            image: model.monitoring.image,
            roleArn: model.roles.monitor.arn,
            stateTableName: model.monitoring.stateTable.name,
            stateTableArn: model.monitoring.stateTable.arn,
            pipelineArn: model.stateMachine.arn,
            checkStateMachineArns: [
              ...(config.monitoring.drift.enabled ? [model.monitoring.drift.stateMachine.arn] : []),
              ...(config.monitoring.evaluation.enabled ? [model.monitoring.evaluation.stateMachine.arn] : []),
            ],
            cooldownSeconds: config.monitoring.minHoursBetweenRetrains * 3600,
          }
        : undefined,
    drift: config.monitoring.drift.enabled ? { ...config.monitoring.drift, scriptKey: model.monitoring.drift.scriptKey } : undefined,
    evaluation: config.monitoring.evaluation.enabled
      ? { ...config.monitoring.evaluation, scriptKey: model.monitoring.evaluation.scriptKey, metric: config.training.objective.metric, goal: config.training.objective.goal }
      : undefined,
    promotion: model.promotion,
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
