/** Notifications: the KMS-encrypted SNS topic that reports pipeline runs and alarms. */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { topicArn } from "../stacks/arns";
import { arnOf, AwsContext, StackKey } from "./shared/context";
import { policyDocument, toJson } from "./shared/iam";

export interface NotificationsArgs {
  /** Physical topic name (deterministic: the workflow publishes to it by ARN). */
  topicName: string;
  /** The stack key; SNS takes its alias. */
  key: StackKey;
  /** Addresses to subscribe; each must confirm by mail. */
  emails: string[];
  context: AwsContext;
  tags: Record<string, string>;
}

export class Notifications extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  /** Built from known parts, so the workflow definition and policies know it at first preview. */
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:Notifications", name, {}, opts);
    const { accountId } = args.context;
    this.topicArn = pulumi.output(arnOf(args.context, (scope) => topicArn(scope, args.topicName)));

    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: args.topicName, kmsMasterKeyId: args.key.aliasName, tags: args.tags },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: toJson(
          policyDocument(
            {
              Sid: "CloudWatchAlarmsOfThisAccountPublish",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: this.topicArn,
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sns:Publish",
              Resource: this.topicArn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ),
        ),
      },
      { parent: this },
    );
    args.emails.forEach((email, i) => {
      new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this });
    });

    this.registerOutputs({ topicArn: this.topicArn });
  }
}
