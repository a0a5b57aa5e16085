/**
 * PipelineStateMachine: the Standard workflow that preprocesses, trains, evaluates and
 * deploys (composed in workflow/definition.ts from workflow/tasks/), its least-privilege
 * role (the tasks' own statements), its KMS-encrypted execution log (ALL events with
 * execution data) and X-Ray tracing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Workflow } from "../workflow/definition";
import { Named } from "../stacks/model";
import { policyDocument } from "../lib/iamPolicy";
import { serviceRole } from "./shared/serviceRole";
import { encryptedLogGroup } from "./shared/logGroups";
import { StackContext } from "./shared/stackContext";

export interface PipelineStateMachineArgs {
  /** The state machine's name, ARN and log group (stack model). */
  stateMachine: Named & { logGroup: string };
  role: Named;
  /** The definition and the role's statements, as known values (workflow/definition.ts). */
  workflow: Workflow;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

export class PipelineStateMachine extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: PipelineStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:PipelineStateMachine", name, {}, opts);
    this.logGroup = encryptedLogGroup(`${name}-logs`, { name: args.stateMachine.logGroup, keyArn: args.context.keyArn, retentionDays: args.context.logRetentionDays, tags: args.context.tags }, this);
    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        role: args.role,
        service: "states.amazonaws.com",
        sourceArns: [args.stateMachine.arn],
        description: `Role of the ${args.stateMachine.name} state machine`,
        policy: policyDocument(...args.workflow.stateMachineStatements),
        accountId: args.context.scope.accountId,
        tags: args.context.tags,
      },
      this,
    );
    this.role = role;

    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-state-machine`,
      {
        name: args.stateMachine.name,
        type: "STANDARD",
        roleArn: this.role.arn,
        definition: JSON.stringify(args.workflow.definition, null, 2),
        loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${this.logGroup.arn}:*` },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.context.key.aliasArn, kmsDataKeyReusePeriodSeconds: 300 },
        tags: args.context.tags,
      },
      // Step Functions checks the role's permissions (logging, KMS) at creation.
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.registerOutputs({ stateMachineArn: args.stateMachine.arn });
  }
}
