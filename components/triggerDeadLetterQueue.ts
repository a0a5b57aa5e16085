/**
 * TriggerDeadLetterQueue: where the retraining schedule and the new-data trigger put a
 * start they could not deliver (state machine missing, throttled past the retry policy,
 * role denied), instead of dropping it. KMS-encrypted with the stack key, TLS only, kept
 * 14 days (SQS's maximum) for someone to look at.
 *
 * Who writes: Scheduler sends with the schedule's own role (RetrainingSchedule grants it);
 * EventBridge sends as its service principal, which the queue policy admits for the
 * new-data rule only (and the key policy lets it use the key: DataBucket).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { eventRuleArn, queueArn } from "../stacks/arns";
import { arnOf, AwsContext, StackKey } from "./shared/context";
import { PolicyStatement, policyDocument, toJson } from "./shared/iam";

export interface TriggerDeadLetterQueueArgs {
  /** Physical queue name (deterministic: roles and rules refer to it by ARN). */
  queueName: string;
  /** The stack key; SQS takes its alias. */
  key: StackKey;
  /** Name of the new-data EventBridge rule allowed to send, if that trigger is on. */
  eventRuleName?: string;
  context: AwsContext;
  tags: Record<string, string>;
}

/** SQS's longest retention: 14 days. */
const RETENTION_SECONDS = 14 * 24 * 3600;

export class TriggerDeadLetterQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  /** Built from known parts, so the roles that send to it are known at first preview. */
  readonly queueArn: pulumi.Output<string>;

  constructor(name: string, args: TriggerDeadLetterQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:TriggerDeadLetterQueue", name, {}, opts);
    this.queueArn = pulumi.output(arnOf(args.context, (scope) => queueArn(scope, args.queueName)));
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: args.queueName,
        kmsMasterKeyId: args.key.aliasName,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: RETENTION_SECONDS,
        tags: args.tags,
      },
      { parent: this },
    );
    const statements: PolicyStatement[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: this.queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    if (args.eventRuleName) {
      const ruleName = args.eventRuleName;
      statements.push({
        Sid: "NewDataRuleDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: this.queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": arnOf(args.context, (scope) => eventRuleArn(scope, ruleName)) } },
      });
    }
    new aws.sqs.QueuePolicy(`${name}-queue-policy`, { queueUrl: this.queue.url, policy: toJson(policyDocument(...statements)) }, { parent: this });
    this.registerOutputs({ queueArn: this.queueArn });
  }
}
