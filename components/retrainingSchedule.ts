/**
 * RetrainingSchedule: an EventBridge Scheduler schedule that starts a state machine per an
 * expression: the pipeline (retraining) or the monitoring state machine (drift checks).
 * Both workflows keep their input aside and read it only where present, so the
 * schedule's input can never kill an execution with a States.Runtime error.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Named } from "../stacks/model";
import { keyUseStatement, policyDocument } from "../lib/iamPolicy";
import { serviceRole } from "./shared/serviceRole";
import { StackContext } from "./shared/stackContext";

export interface RetrainingScheduleArgs {
  /** The schedule's name and the `aws:SourceArn` values Scheduler may send (stack model). */
  schedule: { name: string; sourceArns: string[] };
  role: Named;
  /** `rate(...)` or `cron(...)`, validated by the stack schema. */
  expression: string;
  timezone: string;
  stateMachineArn: string;
  /** What the schedule does, in the schedule's and the role's descriptions (default: retraining). */
  purpose?: string;
  /** Each execution's input (default `{"trigger": "schedule"}`). */
  input?: Record<string, string>;
  /** Where a start that cannot be delivered goes (KMS-encrypted SQS). */
  deadLetterQueueArn: string;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

/** What each scheduled execution receives (the workflow does not depend on it). */
const SCHEDULED_INPUT = { trigger: "schedule" } as const;

export class RetrainingSchedule extends pulumi.ComponentResource {
  readonly schedule: aws.scheduler.Schedule;

  constructor(name: string, args: RetrainingScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:RetrainingSchedule", name, {}, opts);
    const { role, policy } = serviceRole(
      name,
      {
        role: args.role,
        service: "scheduler.amazonaws.com",
        sourceArns: args.schedule.sourceArns,
        description: `Lets EventBridge Scheduler start ${args.stateMachineArn.split(":").pop()}`,
        policy: policyDocument(
          { Sid: "StartStateMachine", Effect: "Allow", Action: "states:StartExecution", Resource: args.stateMachineArn },
          // Scheduler sends dead letters as this role.
          { Sid: "SendDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.deadLetterQueueArn },
          // Decrypt: the schedule is encrypted with the stack key and Scheduler reads it as this
          // role. GenerateDataKey: the encrypted dead-letter queue (SQS SSE: producers need both),
          // and the execution input of the KMS-encrypted state machine.
          keyUseStatement("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], args.context.key),
        ),
        accountId: args.context.scope.accountId,
        tags: args.context.tags,
      },
      this,
    );
    this.schedule = new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        name: args.schedule.name,
        description: args.purpose ?? "Retrains the model on a schedule",
        scheduleExpression: args.expression,
        scheduleExpressionTimezone: args.timezone,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        kmsKeyArn: args.context.keyArn,
        target: {
          arn: args.stateMachineArn,
          roleArn: role.arn,
          input: JSON.stringify(args.input ?? SCHEDULED_INPUT),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: args.deadLetterQueueArn },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ scheduleName: this.schedule.name });
  }
}
