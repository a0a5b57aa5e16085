/**
 * MlPipeline: the whole pipeline of one stack, composed from its components, each given
 * the slice of the stack model it needs. `declarePipeline` is the one way every caller
 * (the program, the benchmark, the tests) builds it.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../stacks/configSchema";
import { StackIdentity, stackModel, StackModel } from "../stacks/model";
import { workflowSpec } from "../workflow/spec";
import { buildWorkflow, executionRoleStatements, Workflow } from "../workflow/definition";
import { DataBucket } from "./dataBucket";
import { InferenceEndpoint } from "./inferenceEndpoint";
import { Notifications } from "./notifications";
import { Preprocessing } from "./preprocessing";
import { TrainingJobs } from "./trainingJobs";
import { PipelineStateMachine } from "./pipelineStateMachine";
import { RetrainingSchedule } from "./retrainingSchedule";
import { NewDataTrigger } from "./newDataTrigger";
import { ModelRegistry } from "./modelRegistry";
import { PipelineDashboard } from "./pipelineDashboard";
import { ModelMonitoring } from "./modelMonitoring";
import { TriggerDeadLetterQueue } from "./triggerDeadLetterQueue";
import { StackContext, StackContextWithoutKeyArn } from "./shared/stackContext";
import { ModelSharing } from "./modelSharing";
import { PromotionReceiver } from "./promotionReceiver";
import { artifactDecryptStatements, artifactReadStatements } from "./shared/promotionGrants";
import { REGISTERED_ARTIFACTS } from "../stacks/model";

export interface MlPipelineArgs {
  /** The stack model: validated config, names, ARNs, images (stacks/model.ts). */
  model: StackModel;
}

export class MlPipeline extends pulumi.ComponentResource {
  readonly model: StackModel;
  readonly data: DataBucket;
  readonly notifications: Notifications;
  /** Undefined for a promoted stack, which trains nothing (registry.source.kind "promoted"). */
  readonly preprocessing?: Preprocessing;
  readonly training?: TrainingJobs;
  readonly workflow: PipelineStateMachine;
  /** Undefined when neither the schedule nor the new-data trigger is on. */
  readonly triggerDeadLetters?: TriggerDeadLetterQueue;
  /** Undefined when the stack's schedule is off (dev by default). */
  readonly schedule?: RetrainingSchedule;
  /** Undefined unless `schedule.onNewData.enabled`. */
  readonly newDataTrigger?: NewDataTrigger;
  /** The stack's own group; undefined for a promoted stack, which deploys another account's. */
  readonly registry?: ModelRegistry;
  /** Undefined unless registry.shareWith names stages in other accounts. */
  readonly sharing?: ModelSharing;
  /** A promoted stack's event bus and rule; undefined otherwise. */
  readonly promotion?: PromotionReceiver;
  readonly dashboard: PipelineDashboard;
  /** Undefined unless drift checks or scheduled evaluation are on (prod). */
  readonly monitoring?: ModelMonitoring;
  /** Always declared (its role and alarms); its model, config and endpoint once the config names a model artifact (docs/deploying.md, "Day one"). */
  readonly endpoint: InferenceEndpoint;

  constructor(name: string, args: MlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:index:MlPipeline", name, {}, opts);
    const model = (this.model = args.model);
    const { config, scope } = model;
    // Built once: the state machine's definition and every role the workflow passes.
    const spec = workflowSpec(model);
    const workflow: Workflow = buildWorkflow(spec);

    const promoted = model.promotion.consumer;
    const beforeKey: StackContextWithoutKeyArn = { scope, tags: model.tags, key: model.key, logRetentionDays: config.monitoring.logRetentionDays };
    const crossAccountGrants = {
      bucketPolicy: artifactReadStatements(scope.partition, model.bucket.objectArn(`${model.bucket.prefixes.models}${REGISTERED_ARTIFACTS}*`), model.promotion),
      keyPolicy: artifactDecryptStatements(scope.partition, scope.region, model.promotion),
    };
    this.data = new DataBucket(
      `${name}-data`,
      { bucket: model.bucket, accountRoot: model.accountRoot, settings: config.dataBucket, context: beforeKey, crossAccountGrants },
      { parent: this },
    );
    const keyArn = this.data.keyArn;
    const context: StackContext = { ...beforeKey, keyArn };
    this.notifications = new Notifications(`${name}-notifications`, { topic: model.topic, emails: config.monitoring.notificationEmails, context }, { parent: this });

    const jobLogGroups = config.monitoring.declareJobLogGroups ? model.jobLogGroups : undefined;
    const trains = !promoted;
    this.preprocessing = trains ? new Preprocessing(
      `${name}-preprocessing`,
      {
        settings: config.preprocessing,
        role: model.roles.preprocessing,
        function: model.preprocessingFunction,
        roleStatements: executionRoleStatements(workflow, model.roles.preprocessing.arn),
        glueJob: model.glueJob,
        jobLogGroup: jobLogGroups?.processing,
        bucket: model.bucket,
        topicArn: model.topic.arn,
        context,
      },
      { parent: this },
    ) : undefined;
    this.training = trains ? new TrainingJobs(
      `${name}-training`,
      {
        role: model.roles.training,
        roleStatements: executionRoleStatements(workflow, model.roles.training.arn),
        jobLogGroup: jobLogGroups?.training,
        context,
      },
      { parent: this },
    ) : undefined;

    // Declared on day one too: its execution role is the one the workflow's first deploy creates the endpoint with.
    this.endpoint = new InferenceEndpoint(
      `${name}-serving`,
      {
        endpoint: model.endpoint,
        role: model.roles.endpoint,
        hosting: config.endpoint,
        image: model.images.inference,
        modelDataKey: config.endpoint.modelDataKey,
        bucket: model.bucket,
        alarmTopicArn: model.topic.arn,
        scoresLabelledData: config.monitoring.evaluation.enabled,
        context,
      },
      { parent: this },
    );

    this.workflow = new PipelineStateMachine(
      `${name}-workflow`,
      { stateMachine: model.stateMachine, role: model.roles.stateMachine, workflow, context },
      // The workflow refers to these roles, the function and the topic by their known ARNs.
      { parent: this, dependsOn: [...(this.training ? [this.training] : []), ...(this.preprocessing ? [this.preprocessing] : []), this.notifications] },
    );
    ({ deadLetters: this.triggerDeadLetters, schedule: this.schedule, newData: this.newDataTrigger } = this.triggers(name, model, context));
    const afterTriggers = [this.workflow, ...(this.triggerDeadLetters ? [this.triggerDeadLetters] : [])];
    if (promoted) {
      this.promotion = new PromotionReceiver(
        `${name}-promotion`,
        {
          bus: promoted.bus,
          rule: promoted.rule,
          role: promoted.role,
          source: promoted.source,
          stage: promoted.stage,
          stateMachineArn: model.stateMachine.arn,
          deadLetterQueueArn: model.triggerDeadLetterQueue.arn,
          context,
        },
        { parent: this, dependsOn: afterTriggers },
      );
    }
    this.registry = promoted ? undefined : new ModelRegistry(
      `${name}-registry`,
      {
        group: model.modelRegistry.group,
        approval: config.registry.approval,
        protect: config.dataBucket.protect,
        approvalRule: model.modelRegistry.approvalRule,
        approvalRole: model.roles.approval,
        stateMachineArn: model.stateMachine.arn,
        deadLetterQueueArn: model.triggerDeadLetterQueue.arn,
        context,
      },
      { parent: this, dependsOn: afterTriggers },
    );
    if (this.registry && model.promotion.sharing) {
      this.sharing = new ModelSharing(
        `${name}-sharing`,
        { group: model.modelRegistry.group, packageArns: model.modelRegistry.packageArns, promotion: model.promotion, deadLetterQueueArn: model.triggerDeadLetterQueue.arn, context },
        { parent: this, dependsOn: [this.registry, ...afterTriggers] },
      );
    }
    if (spec.monitoring) {
      this.monitoring = new ModelMonitoring(
        `${name}-monitoring`,
        { model, spec, context },
        { parent: this, dependsOn: [this.workflow, this.notifications, ...(this.triggerDeadLetters ? [this.triggerDeadLetters] : [])] },
      );
    }
    this.dashboard = new PipelineDashboard(
      `${name}-dashboard`,
      {
        name: model.dashboard.name,
        content: {
          region: scope.region,
          accountId: scope.accountId,
          namePrefix: model.namePrefix,
          stateMachineArn: model.stateMachine.arn,
          endpointName: model.endpoint.name,
          variantName: config.endpoint.variantName,
          hosting: config.endpoint.kind,
          rollbackAlarmArns: Object.values(model.endpoint.rollbackAlarms).map((a) => a.arn),
          modelPackageGroup: model.modelRegistry.group.name,
          promotedFrom: promoted ? { groupArn: promoted.source.group.arn, stage: promoted.stage } : undefined,
          drift: spec.drift ? { alarmArn: model.monitoring.drift.alarm.arn, psiThreshold: spec.drift.psiThreshold } : undefined,
          evaluation: spec.evaluation ? { alarmArn: model.monitoring.evaluation.alarm.arn, metric: spec.evaluation.metric, tolerance: spec.evaluation.tolerance } : undefined,
        },
        executionLogGroup: model.stateMachine.logGroup,
      },
      // The metric filters need the execution log group, which the workflow declares.
      { parent: this, dependsOn: [this.workflow] },
    );

    this.registerOutputs({
      bucketName: this.data.bucketName,
      keyArn,
      endpointName: this.endpoint.endpointName,
      stateMachineArn: model.stateMachine.arn,
      topicArn: model.topic.arn,
    });
  }

  /** The retraining schedule and the new-data trigger, with the dead-letter queue they share with the approval rule. */
  private triggers(name: string, model: StackModel, context: StackContext): { deadLetters?: TriggerDeadLetterQueue; schedule?: RetrainingSchedule; newData?: NewDataTrigger } {
    const { config } = model;
    const { consumer, sharing } = model.promotion;
    // A promoted stack trains nothing: no schedule, no new-data trigger, no approval of its own.
    const schedule = consumer ? { ...config.schedule, enabled: false, onNewData: { ...config.schedule.onNewData, enabled: false } } : config.schedule;
    const approvalRule = !consumer && config.registry.approval === "manual";
    const checkSchedules = config.monitoring.drift.enabled || config.monitoring.evaluation.enabled;
    if (!schedule.enabled && !schedule.onNewData.enabled && !approvalRule && !checkSchedules && !consumer && !sharing) return {};
    const eventRules = [
      ...(schedule.onNewData.enabled ? [model.newDataRule] : []),
      ...(approvalRule ? [model.modelRegistry.approvalRule] : []),
      ...(consumer ? [consumer.rule] : []),
      ...(sharing ? [sharing.forwardRule] : []),
      ...(config.monitoring.evaluation.enabled && config.monitoring.evaluation.onNewLabels ? [model.monitoring.evaluation.newLabelsRule] : []),
    ];
    const deadLetters = new TriggerDeadLetterQueue(`${name}-trigger-dead-letters`, { queue: model.triggerDeadLetterQueue, eventRules, context }, { parent: this });
    const common = { stateMachineArn: model.stateMachine.arn, deadLetterQueueArn: model.triggerDeadLetterQueue.arn, context };
    const retraining =
      schedule.enabled &&
      new RetrainingSchedule(
        `${name}-schedule`,
        { ...common, schedule: model.schedule, role: model.roles.schedule, expression: schedule.expression, timezone: schedule.timezone },
        { parent: this, dependsOn: [this.workflow, deadLetters] },
      );
    const newData =
      schedule.onNewData.enabled &&
      new NewDataTrigger(
        `${name}-new-data`,
        { ...common, rule: model.newDataRule, role: model.roles.newData, bucket: model.bucket, marker: schedule.onNewData.marker },
        { parent: this, dependsOn: [this.data, this.workflow, deadLetters] },
      );
    return { deadLetters, schedule: retraining || undefined, newData: newData || undefined };
  }
}

/**
 * The stack model from a validated config and where it deploys, and the pipeline
 * declared from it: the one entry point of the program, the benchmark and the tests.
 */
export function declarePipeline(name: string, config: StackConfig, identity: StackIdentity, opts?: pulumi.ComponentResourceOptions): MlPipeline {
  return new MlPipeline(name, { model: stackModel(config, identity) }, opts);
}
