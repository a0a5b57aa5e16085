/** Notifications: the KMS-encrypted SNS topic that reports pipeline runs and alarms. */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Named } from "../stacks/model";
import { PolicyDocument, policyDocument, policyJson } from "../lib/iamPolicy";
import { StackContext } from "./shared/stackContext";

export interface NotificationsArgs {
  /** The topic's name and ARN (stack model: the workflow publishes to it by ARN). */
  topic: Named;
  /** Addresses to subscribe; each must confirm by mail. */
  emails: string[];
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

export class Notifications extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:Notifications", name, {}, opts);
    this.topic = new aws.sns.Topic(`${name}-topic`, { name: args.topic.name, kmsMasterKeyId: args.context.key.aliasName, tags: args.context.tags }, { parent: this });
    new aws.sns.TopicPolicy(`${name}-topic-policy`, { arn: this.topic.arn, policy: policyJson(topicPolicy(args.topic.arn, args.context.scope.accountId)) }, { parent: this });
    args.emails.forEach((email, i) => {
      new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this });
    });
    this.registerOutputs({ topicArn: args.topic.arn });
  }
}

/** CloudWatch alarms of this account may publish; nobody without TLS. */
export function topicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "CloudWatchAlarmsOfThisAccountPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}
