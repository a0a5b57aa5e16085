/**
 * MlPipeline: the whole pipeline of one stack, composed from its components.
 * `index.ts` instantiates it once; benchmarks instantiate it many times.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../stacks/schema";
import { physicalNames, PhysicalNames } from "../stacks/names";
import { inferenceImage, trainingImage } from "../stacks/images";
import { sklearnImageUri } from "../stacks/algorithmImages";
import { workflowSpec, WorkflowSpec } from "../workflow/spec";
import { DataBucket } from "./dataBucket";
import { InferenceEndpoint } from "./inferenceEndpoint";
import { Notifications } from "./notifications";
import { Preprocessing } from "./preprocessing";
import { Training } from "./training";
import { PipelineStateMachine } from "./pipelineStateMachine";
import { RetrainingSchedule } from "./retrainingSchedule";
import { NewDataTrigger } from "./newDataTrigger";
import { TriggerDeadLetterQueue } from "./triggerDeadLetterQueue";
import { AwsContext } from "./shared/context";

export interface MlPipelineArgs {
  /** The validated, defaulted stack configuration. */
  config: StackConfig;
  context: AwsContext;
  /** Tags for every resource (stack tags plus the standard ones). */
  tags: Record<string, string>;
}

export class MlPipeline extends pulumi.ComponentResource {
  readonly names: PhysicalNames;
  readonly data: DataBucket;
  readonly notifications: Notifications;
  readonly preprocessing: Preprocessing;
  readonly training: Training;
  readonly workflow: PipelineStateMachine;
  /** Undefined when the stack's schedule is off (dev by default). */
  readonly schedule?: RetrainingSchedule;
  /** Undefined when neither the schedule nor the new-data trigger is on. */
  readonly triggerDeadLetters?: TriggerDeadLetterQueue;
  /** Undefined unless `schedule.onNewData.enabled`. */
  readonly newDataTrigger?: NewDataTrigger;
  /** Undefined until the config names a model artifact (bootstrap, see README). */
  readonly endpoint?: InferenceEndpoint;

  constructor(name: string, args: MlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:index:MlPipeline", name, {}, opts);
    const { config, context, tags } = args;
    const names = (this.names = physicalNames(config.namePrefix, context.accountId));
    const logRetentionDays = config.monitoring.logRetentionDays;

    this.data = new DataBucket(
      `${name}-data`,
      {
        bucketName: names.bucket,
        keyAlias: names.keyAlias,
        keyAdministrators: config.dataBucket.keyAdministrators,
        context,
        protect: config.dataBucket.protect,
        noncurrentVersionExpirationDays: config.dataBucket.noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays: config.dataBucket.abortIncompleteMultipartUploadDays,
        prefixes: config.dataBucket.prefixes,
        tags,
      },
      { parent: this },
    );
    const key = this.data.stackKey;

    this.notifications = new Notifications(
      `${name}-notifications`,
      { topicName: names.topic, key, emails: config.monitoring.notificationEmails, context, tags },
      { parent: this },
    );

    this.preprocessing = new Preprocessing(
      `${name}-preprocessing`,
      {
        settings: config.preprocessing,
        processingImage: config.preprocessing.kind === "processing" ? (config.preprocessing.image ?? sklearnImageUri(config.region)) : "",
        functionName: names.preprocessingFunction,
        roleName: names.preprocessingRole,
        bucketName: this.data.bucketName,
        bucketArn: this.data.bucketArn,
        key,
        keyArn: this.data.keyArn,
        topicArn: this.notifications.topicArn,
        logRetentionDays,
        declareJobLogGroup: config.monitoring.declareJobLogGroups,
        context,
        tags,
      },
      { parent: this },
    );

    this.training = new Training(
      `${name}-training`,
      {
        roleName: names.trainingRole,
        image: trainingImage(config),
        bucketName: names.bucket,
        keyAlias: key.aliasName,
        vpc: config.training.vpc !== undefined,
        declareLogGroup: config.monitoring.declareJobLogGroups,
        keyArn: this.data.keyArn,
        logRetentionDays,
        context,
        tags,
      },
      { parent: this },
    );

    if (config.endpoint.modelDataKey !== undefined) {
      this.endpoint = new InferenceEndpoint(
        `${name}-serving`,
        {
          endpointName: names.endpoint,
          roleName: names.endpointRole,
          hosting: config.endpoint,
          image: inferenceImage(config),
          modelDataKey: config.endpoint.modelDataKey,
          bucketName: this.data.bucketName,
          bucketArn: this.data.bucketArn,
          key,
          keyArn: this.data.keyArn,
          logRetentionDays,
          alarmTopicArn: this.notifications.topicArn,
          context,
          tags,
        },
        { parent: this },
      );
    }

    // Known values only (names, account, region): see workflow/spec.ts.
    const spec: pulumi.Output<WorkflowSpec> = pulumi
      .all([context.accountId, names.bucket])
      .apply(([accountId, bucketName]) => workflowSpec(config, names, { accountId, partition: context.partition, bucketName }));

    this.workflow = new PipelineStateMachine(
      `${name}-workflow`,
      {
        stateMachineName: names.stateMachine,
        roleName: names.stateMachineRole,
        spec,
        key,
        keyArn: this.data.keyArn,
        logRetentionDays,
        context,
        tags,
      },
      // The workflow passes these roles and invokes this function by name.
      { parent: this, dependsOn: [this.training, this.preprocessing, this.notifications] },
    );

    // One dead-letter queue for both triggers, declared when either is on.
    if (config.schedule.enabled || config.schedule.onNewData.enabled) {
      this.triggerDeadLetters = new TriggerDeadLetterQueue(
        `${name}-trigger-dead-letters`,
        { queueName: names.triggerDeadLetterQueue, key, eventRuleName: config.schedule.onNewData.enabled ? names.newDataRule : undefined, context, tags },
        { parent: this },
      );
    }

    if (config.schedule.enabled) {
      this.schedule = new RetrainingSchedule(
        `${name}-schedule`,
        {
          scheduleName: names.schedule,
          roleName: names.schedulerRole,
          expression: config.schedule.expression,
          timezone: config.schedule.timezone,
          stateMachineArn: this.workflow.stateMachineArn,
          keyArn: this.data.keyArn,
          key,
          deadLetterQueueArn: this.triggerDeadLetters!.queueArn,
          context,
          tags,
        },
        { parent: this, dependsOn: [this.workflow, this.triggerDeadLetters!] },
      );
    }

    if (config.schedule.onNewData.enabled) {
      this.newDataTrigger = new NewDataTrigger(
        `${name}-new-data`,
        {
          ruleName: names.newDataRule,
          roleName: names.newDataRole,
          bucketName: names.bucket,
          marker: config.schedule.onNewData.marker,
          stateMachineArn: this.workflow.stateMachineArn,
          deadLetterQueueArn: this.triggerDeadLetters!.queueArn,
          key,
          context,
          tags,
        },
        { parent: this, dependsOn: [this.data, this.workflow, this.triggerDeadLetters!] },
      );
    }

    this.registerOutputs({
      bucketName: this.data.bucketName,
      keyArn: this.data.keyArn,
      endpointName: this.endpoint?.endpointName,
      stateMachineArn: this.workflow.stateMachineArn,
      topicArn: this.notifications.topicArn,
    });
  }
}
