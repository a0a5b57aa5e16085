/**
 * ModelMonitoring (monitoring.drift.enabled or monitoring.evaluation.enabled): the checks
 * of the served model on the project's own jobs (monitoring/*.py on SageMaker Processing;
 * no Model Monitor, which is closed to new customers), and what they share:
 *  - the monitor role, which the profiling job (in the pipeline), the drift job and the
 *    evaluation job run as;
 *  - the state table: the served model's record (written by the pipeline's deploy) and the
 *    retraining lock (workflow/tasks/retraining.ts);
 *  - per check a ScheduledCheck: drift of the endpoint's captured requests, and the served
 *    model's metric on labelled data.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { anySageMakerArn } from "../stacks/arns";
import { StackModel } from "../stacks/model";
import { policyDocument } from "../lib/iamPolicy";
import { WorkflowSpec } from "../workflow/spec";
import { monitorRoleStatements } from "../workflow/tasks/monitorDrift";
import { buildEvaluationWorkflow, buildMonitoringWorkflow } from "../workflow/monitoring";
import { driftCheckExpression } from "../workflow/tasks/checkDrift";
import { evaluationExpression } from "../workflow/tasks/checkPerformance";
import { ScheduledCheck } from "./scheduledCheck";
import { markerEventPattern } from "./newDataTrigger";
import { serviceRole } from "./shared/serviceRole";
import { StackContext } from "./shared/stackContext";

const SCRIPTS = path.join(__dirname, "..", "monitoring");

export interface ModelMonitoringArgs {
  /** The stack model: names, roles, the bucket, the key. */
  model: StackModel;
  /** The workflow spec with its monitoring, drift and evaluation settings (workflow/spec.ts). */
  spec: WorkflowSpec;
  /** What the stack's components share: its scope, tags, key (DynamoDB, S3 objects, logs and Scheduler take its ARN) and log retention. */
  context: StackContext;
}

export class ModelMonitoring extends pulumi.ComponentResource {
  readonly monitorRole: aws.iam.Role;
  readonly stateTable: aws.dynamodb.Table;
  readonly drift?: ScheduledCheck;
  readonly evaluation?: ScheduledCheck;

  constructor(name: string, args: ModelMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:ModelMonitoring", name, {}, opts);
    const { model, spec, context } = args;
    const { scope, tags } = context;
    if (!spec.monitoring) throw new Error("ModelMonitoring needs monitoring.drift or monitoring.evaluation enabled");
    const monitoring = spec.monitoring;
    this.monitorRole = serviceRole(
      `${name}-monitor`,
      {
        role: model.roles.monitor,
        service: "sagemaker.amazonaws.com",
        sourceArns: [anySageMakerArn(scope)],
        description: "Runs the drift profiling, drift check and evaluation jobs of the pipeline",
        // The same statements whichever check passes it.
        policy: policyDocument(...monitorRoleStatements(spec, monitoring)),
        accountId: scope.accountId,
        tags,
      },
      this,
    ).role;
    // Two small items: pay per request, encrypted with the stack key.
    this.stateTable = new aws.dynamodb.Table(
      `${name}-state`,
      {
        name: model.monitoring.stateTable.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: context.keyArn },
        pointInTimeRecovery: { enabled: true },
        tags,
      },
      { parent: this },
    );
    const common = {
      bucket: model.bucket,
      pipelineDimension: model.namePrefix,
      topicArn: model.topic.arn,
      deadLetterQueueArn: model.triggerDeadLetterQueue.arn,
      context,
    };
    const after = { parent: this, dependsOn: [this.monitorRole, this.stateTable] };
    if (spec.drift) {
      const m = model.monitoring.drift;
      this.drift = new ScheduledCheck(
        `${name}-drift`,
        {
          ...common,
          purpose: "Checks the endpoint's captured requests for drift",
          scriptPath: path.join(SCRIPTS, "drift.py"),
          scriptKey: m.scriptKey,
          stateMachine: m.stateMachine,
          stateMachineRole: model.roles.monitoring,
          workflow: buildMonitoringWorkflow(spec),
          schedule: m.schedule,
          scheduleRole: model.roles.drift,
          scheduleExpression: driftCheckExpression(spec.drift.frequency),
          alarm: {
            ...m.alarm,
            metricName: "MaxFeatureDriftPSI",
            threshold: spec.drift.psiThreshold,
            description: `A drift check found a feature whose population stability index exceeds ${spec.drift.psiThreshold} (monitoring.drift.psiThreshold); the check starts a retraining unless one started within the cooldown`,
          },
        },
        after,
      );
    }
    if (spec.evaluation) {
      const m = model.monitoring.evaluation;
      this.evaluation = new ScheduledCheck(
        `${name}-evaluation`,
        {
          ...common,
          purpose: "Scores the served model on the labelled data of ground-truth/",
          scriptPath: path.join(SCRIPTS, "evaluate.py"),
          scriptKey: m.scriptKey,
          stateMachine: m.stateMachine,
          stateMachineRole: model.roles.evaluationChecks,
          workflow: buildEvaluationWorkflow(spec),
          schedule: m.schedule,
          scheduleRole: model.roles.evaluation,
          scheduleExpression: evaluationExpression(spec.evaluation.frequency),
          onEvent: spec.evaluation.onNewLabels
            ? {
                rule: m.newLabelsRule,
                role: model.roles.newLabels,
                description: `Starts an evaluation when ${model.bucket.prefixes.groundTruthReady}…${model.config.schedule.onNewData.marker} is written`,
                // The marker sits outside ground-truth/: the transform reads that prefix whole, and a marker is no CSV row.
                pattern: markerEventPattern(model.bucket.name, model.bucket.prefixes.groundTruthReady, model.config.schedule.onNewData.marker),
              }
            : undefined,
          alarm: {
            ...m.alarm,
            metricName: "EvaluationMetricWorseBy",
            threshold: spec.evaluation.tolerance,
            description: `The served model's ${spec.evaluation.metric} on labelled data is worse than its registered value by more than ${spec.evaluation.tolerance} (monitoring.evaluation.tolerance); the evaluation starts a retraining unless one started within the cooldown`,
          },
        },
        after,
      );
    }
    this.registerOutputs({ monitorRoleArn: this.monitorRole.arn, stateTableName: this.stateTable.name });
  }
}
