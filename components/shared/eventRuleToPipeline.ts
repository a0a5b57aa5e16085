/**
 * An EventBridge rule that starts the pipeline: the rule, its target (with retries and the
 * triggers' dead-letter queue) and the role EventBridge assumes to call StartExecution,
 * trusted for this rule only. The new-data trigger and the model registry's approval rule
 * are each one of these.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { keyUseStatement, policyDocument } from "../../lib/iamPolicy";
import { Named } from "../../stacks/model";
import { StackContext } from "./stackContext";
import { serviceRole } from "./serviceRole";

export interface EventRuleToPipelineArgs {
  /** The rule's name and ARN (stack model: the role's trust and the queue policy name it). */
  rule: Named;
  role: Named;
  description: string;
  /** The bus the rule watches; absent: the account's default bus. */
  eventBusName?: pulumi.Input<string>;
  /** The EventBridge event pattern. */
  pattern: Record<string, unknown>;
  /** The execution input, from the event; absent: the event itself. */
  inputTransformer?: aws.types.input.cloudwatch.EventTargetInputTransformer;
  stateMachineArn: string;
  /** Where an event that cannot start a run goes (its queue policy admits this rule). */
  deadLetterQueueArn: string;
  /** The stack's shared context; its key encrypts the execution input of the state machine. */
  context: Pick<StackContext, "scope" | "tags" | "key">;
}

export function eventRuleToPipeline(name: string, args: EventRuleToPipelineArgs, parent: pulumi.Resource): aws.cloudwatch.EventRule {
  const { role } = serviceRole(
    name,
    {
      role: args.role,
      service: "events.amazonaws.com",
      sourceArns: [args.rule.arn],
      description: args.description,
      policy: policyDocument(
        { Sid: "StartPipeline", Effect: "Allow", Action: "states:StartExecution", Resource: args.stateMachineArn },
        keyUseStatement("UseStackKey", ["kms:GenerateDataKey"], args.context.key),
      ),
      accountId: args.context.scope.accountId,
      tags: args.context.tags,
    },
    parent,
  );
  const rule = new aws.cloudwatch.EventRule(
    `${name}-rule`,
    { name: args.rule.name, eventBusName: args.eventBusName, description: args.description, eventPattern: JSON.stringify(args.pattern), tags: args.context.tags },
    { parent },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-target`,
    {
      rule: rule.name,
      eventBusName: args.eventBusName,
      arn: args.stateMachineArn,
      roleArn: role.arn,
      inputTransformer: args.inputTransformer,
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      // EventBridge itself sends dead letters (the queue policy admits this rule).
      deadLetterConfig: { arn: args.deadLetterQueueArn },
    },
    { parent },
  );
  return rule;
}
