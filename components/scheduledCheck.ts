/**
 * ScheduledCheck: one check of the served model (drift, or evaluation on labelled data):
 * its script uploaded where its job reads it, its state machine (workflow/monitoring.ts),
 * the EventBridge Scheduler schedule that starts it, and an alarm on the metric its
 * verdicts publish, to the stack's topic.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DataBucketModel, Named, ScheduleModel } from "../stacks/model";
import { PIPELINE_METRICS_NAMESPACE } from "../lib/dashboard";
import { Workflow } from "../workflow/definition";
import { PipelineStateMachine } from "./pipelineStateMachine";
import { RetrainingSchedule } from "./retrainingSchedule";
import { eventRuleToPipeline } from "./shared/eventRuleToPipeline";
import { StackContext } from "./shared/stackContext";

export interface ScheduledCheckArgs {
  /** What the check does, for descriptions ("Checks the endpoint's captured requests for drift"). */
  purpose: string;
  /** The script its job runs (a file of monitoring/), and where it is uploaded. */
  scriptPath: string;
  scriptKey: string;
  bucket: DataBucketModel;
  /** The check's state machine, its role, and its definition with the role's statements. */
  stateMachine: Named & { logGroup: string };
  stateMachineRole: Named;
  workflow: Workflow;
  /** The schedule (UTC: capture folders and check windows are UTC), its expression and the role it starts checks with. */
  schedule: ScheduleModel;
  scheduleRole: Named;
  scheduleExpression: string;
  /** Also start a check on an event (an S3 marker object), with this rule, its role and pattern. */
  onEvent?: { rule: Named; role: Named; description: string; pattern: Record<string, unknown> };
  /** The alarm: the metric the check publishes (namespace ml-pipeline, dimension Pipeline) above a threshold. */
  alarm: Named & { metricName: string; threshold: number; description: string };
  pipelineDimension: string;
  topicArn: string;
  deadLetterQueueArn: string;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

export class ScheduledCheck extends pulumi.ComponentResource {
  readonly script: aws.s3.BucketObjectv2;
  readonly checks: PipelineStateMachine;
  readonly schedule: RetrainingSchedule;
  readonly alarm: aws.cloudwatch.MetricAlarm;
  readonly eventRule?: aws.cloudwatch.EventRule;

  constructor(name: string, args: ScheduledCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:ScheduledCheck", name, {}, opts);
    this.script = new aws.s3.BucketObjectv2(
      `${name}-script`,
      {
        bucket: args.bucket.name,
        key: args.scriptKey,
        source: new pulumi.asset.FileAsset(args.scriptPath),
        contentType: "text/x-python",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.context.keyArn,
        tags: args.context.tags,
      },
      { parent: this },
    );
    this.checks = new PipelineStateMachine(
      `${name}-checks`,
      { stateMachine: args.stateMachine, role: args.stateMachineRole, workflow: args.workflow, context: args.context },
      { parent: this },
    );
    this.schedule = new RetrainingSchedule(
      `${name}-schedule`,
      {
        schedule: args.schedule,
        role: args.scheduleRole,
        expression: args.scheduleExpression,
        timezone: "UTC",
        stateMachineArn: args.stateMachine.arn,
        purpose: args.purpose,
        input: { trigger: "schedule" },
        deadLetterQueueArn: args.deadLetterQueueArn,
        context: args.context,
      },
      { parent: this, dependsOn: [this.checks, this.script] },
    );
    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-alarm`,
      {
        name: args.alarm.name,
        alarmDescription: args.alarm.description,
        namespace: PIPELINE_METRICS_NAMESPACE,
        metricName: args.alarm.metricName,
        dimensions: { Pipeline: args.pipelineDimension },
        statistic: "Maximum",
        period: 3600,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.alarm.threshold,
        // Checks publish once an hour, a day or a week: no data is no finding.
        treatMissingData: "notBreaching",
        alarmActions: [args.topicArn],
        tags: args.context.tags,
      },
      { parent: this },
    );
    if (args.onEvent) {
      this.eventRule = eventRuleToPipeline(
        `${name}-on-event`,
        {
          rule: args.onEvent.rule,
          role: args.onEvent.role,
          description: args.onEvent.description,
          pattern: args.onEvent.pattern,
          // The check keeps its input aside and reads none of it: the event is the execution's input, kept in its history.
          stateMachineArn: args.stateMachine.arn,
          deadLetterQueueArn: args.deadLetterQueueArn,
          context: args.context,
        },
        this,
      );
    }
    this.registerOutputs({ stateMachineArn: args.stateMachine.arn, scheduleName: args.schedule.name, alarmName: this.alarm.name });
  }
}
