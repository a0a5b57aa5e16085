/**
 * DriftMonitoring (monitoring.drift.enabled): what Pulumi declares for drift monitoring;
 * the workflow owns the rest (the baseline, the job definition and the schedule change
 * with every deployed model; see workflow/tasks/monitorDrift.ts).
 *  - the monitor role, passed to the baselining job and to the monitoring jobs;
 *  - the rule that turns a monitoring run with violations into a drift run of the pipeline
 *    (which retrains at most once per cooldown: workflow/tasks/driftRetraining.ts);
 *  - the DynamoDB table holding the drift retraining lock.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { anySageMakerArn, ArnScope } from "../stacks/arns";
import { Named, StackKeyModel } from "../stacks/model";
import { PolicyStatement, policyDocument } from "../lib/iamPolicy";
import { eventRuleToPipeline } from "./shared/eventRuleToPipeline";
import { serviceRole } from "./shared/serviceRole";

export interface DriftMonitoringArgs {
  /** The role the baselining and monitoring jobs run as, and what it may do (the workflow's drift tasks). */
  monitorRole: Named;
  monitorRoleStatements: PolicyStatement[];
  /** The stack's data-quality schedule (owned by the workflow) whose runs are watched. */
  schedule: Named;
  /** The drift rule and the role it starts runs with. */
  rule: Named;
  ruleRole: Named;
  stateMachineArn: string;
  deadLetterQueueArn: string;
  /** The table holding the drift retraining lock (workflow/tasks/driftRetraining.ts). */
  lockTable: Named;
  /** The stack key's ARN: DynamoDB encryption takes a key ARN. */
  keyArn: pulumi.Input<string>;
  key: StackKeyModel;
  scope: ArnScope;
  tags: Record<string, string>;
}

/**
 * A monitoring run of this schedule that ended with violations. Monitoring runs are
 * processing jobs; their state-change event carries DescribeProcessingJob's members
 * (MonitoringScheduleArn, ProcessingJobStatus, ExitMessage; checked against the API
 * model), and a run with violations completes with an ExitMessage starting
 * "CompletedWithViolations" (Model Monitor's MonitoringExecutionStatus).
 */
export function driftEventPattern(scheduleArn: string) {
  return {
    source: ["aws.sagemaker"],
    "detail-type": ["SageMaker Processing Job State Change"],
    detail: { MonitoringScheduleArn: [scheduleArn], ProcessingJobStatus: ["Completed"], ExitMessage: [{ prefix: "CompletedWithViolations" }] },
  };
}

/** The execution input RouteRun reads: `{"driftDetected": {"job", "message"}}`. */
export const DRIFT_INPUT_TRANSFORMER = {
  inputPaths: { job: "$.detail.ProcessingJobName", message: "$.detail.ExitMessage" },
  inputTemplate: '{"driftDetected": {"job": <job>, "message": <message>}}',
};

export class DriftMonitoring extends pulumi.ComponentResource {
  readonly monitorRole: aws.iam.Role;
  readonly rule: aws.cloudwatch.EventRule;
  readonly lockTable: aws.dynamodb.Table;

  constructor(name: string, args: DriftMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:DriftMonitoring", name, {}, opts);
    this.monitorRole = serviceRole(
      `${name}-monitor`,
      {
        role: args.monitorRole,
        service: "sagemaker.amazonaws.com",
        sourceArns: [anySageMakerArn(args.scope)],
        description: "Runs the data-quality baselining and monitoring jobs of the pipeline",
        policy: policyDocument(...args.monitorRoleStatements),
        accountId: args.scope.accountId,
        tags: args.tags,
      },
      this,
    ).role;
    // One item at most: pay per request, encrypted with the stack key.
    this.lockTable = new aws.dynamodb.Table(
      `${name}-lock`,
      {
        name: args.lockTable.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "lockId",
        attributes: [{ name: "lockId", type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: args.keyArn },
        tags: args.tags,
      },
      { parent: this },
    );
    this.rule = eventRuleToPipeline(
      name,
      {
        rule: args.rule,
        role: args.ruleRole,
        description: `Starts a drift run of the pipeline when ${args.schedule.name} finds violations`,
        pattern: driftEventPattern(args.schedule.arn),
        inputTransformer: DRIFT_INPUT_TRANSFORMER,
        stateMachineArn: args.stateMachineArn,
        deadLetterQueueArn: args.deadLetterQueueArn,
        key: args.key,
        accountId: args.scope.accountId,
        tags: args.tags,
      },
      this,
    );
    this.registerOutputs({ monitorRoleArn: this.monitorRole.arn, ruleName: this.rule.name });
  }
}
