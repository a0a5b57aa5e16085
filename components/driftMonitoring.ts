/**
 * DriftMonitoring (monitoring.drift.enabled): the drift checks of the endpoint's captured
 * requests, on the project's own job (monitoring/drift.py on SageMaker Processing; no Model
 * Monitor, which is closed to new customers):
 *  - the monitor role, which the baselining job (in the pipeline) and the drift job run as;
 *  - the drift script, uploaded next to the other job scripts;
 *  - the state table: the served model's record (written by the pipeline's deploy) and the
 *    drift retraining lock (workflow/tasks/driftRetraining.ts);
 *  - the monitoring state machine (workflow/monitoring.ts) and the schedule that starts it;
 *  - an alarm on the largest feature drift the checks publish, to the stack's topic.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { anySageMakerArn, ArnScope } from "../stacks/arns";
import { DataBucketModel, Named, StackKeyModel } from "../stacks/model";
import { PolicyStatement, policyDocument } from "../lib/iamPolicy";
import { PIPELINE_METRICS_NAMESPACE } from "../lib/dashboard";
import { Workflow } from "../workflow/definition";
import { PipelineStateMachine } from "./pipelineStateMachine";
import { RetrainingSchedule } from "./retrainingSchedule";
import { serviceRole } from "./shared/serviceRole";

const DRIFT_SCRIPT = path.join(__dirname, "..", "monitoring", "drift.py");

export interface DriftMonitoringArgs {
  /** The role the drift jobs run as, and what it may do (workflow/tasks/monitorDrift.ts). */
  monitorRole: Named;
  monitorRoleStatements: PolicyStatement[];
  /** The monitoring state machine: its name and log group, its role, and its definition with the role's statements. */
  stateMachine: Named & { logGroup: string };
  stateMachineRole: Named;
  workflow: Workflow;
  /** The drift-check schedule, its expression (UTC) and the role it starts checks with. */
  schedule: { name: string; sourceArns: string[] };
  scheduleRole: Named;
  scheduleExpression: string;
  /** The table holding the served model's record and the retraining lock. */
  stateTable: Named;
  /** The bucket and key the drift script is uploaded to. */
  bucket: DataBucketModel;
  scriptKey: string;
  /** The alarm on MaxFeatureDriftPSI, its threshold, and the `Pipeline` dimension the checks publish under. */
  alarm: Named;
  psiThreshold: number;
  pipelineDimension: string;
  topicArn: string;
  deadLetterQueueArn: string;
  key: StackKeyModel;
  /** The stack key's ARN: DynamoDB, S3 objects, logs and Scheduler take a key ARN. */
  keyArn: pulumi.Input<string>;
  logRetentionDays: number;
  scope: ArnScope;
  tags: Record<string, string>;
}

export class DriftMonitoring extends pulumi.ComponentResource {
  readonly monitorRole: aws.iam.Role;
  readonly script: aws.s3.BucketObjectv2;
  readonly stateTable: aws.dynamodb.Table;
  readonly checks: PipelineStateMachine;
  readonly schedule: RetrainingSchedule;
  readonly alarm: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: DriftMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:DriftMonitoring", name, {}, opts);
    this.monitorRole = serviceRole(
      `${name}-monitor`,
      {
        role: args.monitorRole,
        service: "sagemaker.amazonaws.com",
        sourceArns: [anySageMakerArn(args.scope)],
        description: "Runs the drift baselining and drift check jobs of the pipeline",
        policy: policyDocument(...args.monitorRoleStatements),
        accountId: args.scope.accountId,
        tags: args.tags,
      },
      this,
    ).role;
    this.script = new aws.s3.BucketObjectv2(
      `${name}-script`,
      {
        bucket: args.bucket.name,
        key: args.scriptKey,
        source: new pulumi.asset.FileAsset(DRIFT_SCRIPT),
        contentType: "text/x-python",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.keyArn,
        tags: args.tags,
      },
      { parent: this },
    );
    // Two small items: pay per request, encrypted with the stack key.
    this.stateTable = new aws.dynamodb.Table(
      `${name}-state`,
      {
        name: args.stateTable.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: args.keyArn },
        pointInTimeRecovery: { enabled: true },
        tags: args.tags,
      },
      { parent: this },
    );
    this.checks = new PipelineStateMachine(
      `${name}-checks`,
      { stateMachine: args.stateMachine, role: args.stateMachineRole, workflow: args.workflow, key: args.key, keyArn: args.keyArn, logRetentionDays: args.logRetentionDays, accountId: args.scope.accountId, tags: args.tags },
      { parent: this, dependsOn: [this.monitorRole, this.stateTable] },
    );
    this.schedule = new RetrainingSchedule(
      `${name}-schedule`,
      {
        schedule: args.schedule,
        role: args.scheduleRole,
        expression: args.scheduleExpression,
        // Capture folders are UTC hours: the schedule is too.
        timezone: "UTC",
        stateMachineArn: args.stateMachine.arn,
        purpose: "Checks the endpoint's captured requests for drift",
        input: { trigger: "drift-check" },
        key: args.key,
        keyArn: args.keyArn,
        deadLetterQueueArn: args.deadLetterQueueArn,
        accountId: args.scope.accountId,
        tags: args.tags,
      },
      { parent: this, dependsOn: [this.checks, this.script] },
    );
    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-alarm`,
      {
        name: args.alarm.name,
        alarmDescription: `A drift check found a feature whose population stability index exceeds ${args.psiThreshold} (monitoring.drift.psiThreshold); the check starts a retraining unless one started within the cooldown`,
        namespace: PIPELINE_METRICS_NAMESPACE,
        metricName: "MaxFeatureDriftPSI",
        dimensions: { Pipeline: args.pipelineDimension },
        statistic: "Maximum",
        period: 3600,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.psiThreshold,
        // Checks publish once an hour or once a day: no data is no drift.
        treatMissingData: "notBreaching",
        alarmActions: [args.topicArn],
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ monitorRoleArn: this.monitorRole.arn, stateMachineArn: args.stateMachine.arn, scheduleName: args.schedule.name, alarmName: this.alarm.name });
  }
}
