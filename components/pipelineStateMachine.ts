/**
 * PipelineStateMachine: the Standard workflow that preprocesses, trains, evaluates
 * and deploys (definition in workflow/definition.ts), its least-privilege role
 * (workflow/iam.ts), its KMS-encrypted execution log (ALL events with execution
 * data) and X-Ray tracing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { buildDefinition } from "../workflow/definition";
import { stateMachineStatements } from "../workflow/iam";
import { WorkflowSpec } from "../workflow/spec";
import { stateMachineArn } from "../stacks/arns";
import { arnOf, AwsContext, StackKey } from "./shared/context";
import { policyDocument } from "./shared/iam";
import { serviceRole } from "./shared/serviceRole";

export interface PipelineStateMachineArgs {
  stateMachineName: string;
  roleName: string;
  /**
   * What the workflow runs, as known values. An Output only because it carries the
   * account id, which an invoke answers during preview as well.
   */
  spec: pulumi.Output<WorkflowSpec>;
  key: StackKey;
  /** The key's ARN: CloudWatch Logs takes no alias. */
  keyArn: pulumi.Input<string>;
  logRetentionDays: number;
  context: AwsContext;
  tags: Record<string, string>;
}

export class PipelineStateMachine extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  /** Deterministic, known before the state machine exists. */
  readonly stateMachineArn: pulumi.Output<string>;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: PipelineStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:PipelineStateMachine", name, {}, opts);
    const { accountId } = args.context;
    this.stateMachineArn = pulumi.output(arnOf(args.context, (scope) => stateMachineArn(scope, args.stateMachineName)));

    // The /aws/vendedlogs/ prefix keeps the log-delivery resource policy small (AWS advice).
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/vendedlogs/states/${args.stateMachineName}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArn, tags: args.tags },
      { parent: this },
    );

    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        roleName: args.roleName,
        service: "states.amazonaws.com",
        sourceArns: [this.stateMachineArn],
        description: `Role of the ${args.stateMachineName} state machine`,
        policy: args.spec.apply((spec) => JSON.stringify(policyDocument(...stateMachineStatements(spec)))),
        accountId,
        tags: args.tags,
      },
      this,
    );
    this.role = role;

    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-state-machine`,
      {
        name: args.stateMachineName,
        type: "STANDARD",
        roleArn: this.role.arn,
        definition: args.spec.apply((spec) => JSON.stringify(buildDefinition(spec), null, 2)),
        loggingConfiguration: {
          level: "ALL",
          includeExecutionData: true,
          logDestination: pulumi.interpolate`${this.logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: {
          type: "CUSTOMER_MANAGED_KMS_KEY",
          kmsKeyId: args.key.aliasArn,
          kmsDataKeyReusePeriodSeconds: 300,
        },
        tags: args.tags,
      },
      // Step Functions checks the role's permissions (logging, KMS) at creation.
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.registerOutputs({ stateMachineArn: this.stateMachineArn });
  }
}
