/**
 * TriggerDeadLetterQueue: where the retraining schedule and the new-data trigger put a
 * start they could not deliver (state machine missing, throttled past the retry policy,
 * role denied), instead of dropping it. KMS-encrypted with the stack key, TLS only, kept
 * 14 days (SQS's maximum) for someone to look at.
 *
 * Who writes: Scheduler sends with the schedule's own role (RetrainingSchedule grants it);
 * EventBridge sends as its service principal, which the queue policy admits for the
 * stack's own rules only (and the key policy lets it use the key: DataBucket).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Named } from "../stacks/model";
import { PolicyDocument, policyDocument, policyJson, PolicyStatement } from "../lib/iamPolicy";
import { StackContext } from "./shared/stackContext";

export interface TriggerDeadLetterQueueArgs {
  /** The queue's name and ARN (stack model: roles and rules refer to it by ARN). */
  queue: Named;
  /** The EventBridge rules allowed to send (the new-data trigger, the model approval rule), where on. */
  eventRules: Named[];
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

/** SQS's longest retention: 14 days. */
const RETENTION_SECONDS = 14 * 24 * 3600;

export class TriggerDeadLetterQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;

  constructor(name: string, args: TriggerDeadLetterQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:TriggerDeadLetterQueue", name, {}, opts);
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      { name: args.queue.name, kmsMasterKeyId: args.context.key.aliasName, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: RETENTION_SECONDS, tags: args.context.tags },
      { parent: this },
    );
    new aws.sqs.QueuePolicy(`${name}-queue-policy`, { queueUrl: this.queue.url, policy: policyJson(deadLetterQueuePolicy(args.queue.arn, args.eventRules)) }, { parent: this });
    this.registerOutputs({ queueArn: args.queue.arn });
  }
}

/** TLS only; EventBridge may send for the stack's rules. */
function deadLetterQueuePolicy(queueArn: string, eventRules: Named[]): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: queueArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ];
  if (eventRules.length > 0) {
    statements.push({
      Sid: "EventRuleDeadLetters",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": eventRules.map((r) => r.arn) } },
    });
  }
  return policyDocument(...statements);
}
