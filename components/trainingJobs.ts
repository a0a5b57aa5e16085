/**
 * TrainingJobs: what the training jobs the workflow starts need from Pulumi, their
 * SageMaker execution role and their log group. The jobs themselves are not Pulumi
 * resources: the workflow starts one per run with the specification of
 * workflow/tasks/train.ts (instance type, spot, encryption, isolation...), which also says
 * what this role needs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { anySageMakerArn } from "../stacks/arns";
import { Named } from "../stacks/model";
import { policyDocument, PolicyStatement } from "../lib/iamPolicy";
import { serviceRole } from "./shared/serviceRole";
import { encryptedLogGroup } from "./shared/logGroups";
import { StackContext } from "./shared/stackContext";

export interface TrainingJobsArgs {
  /** The role (the workflow passes it by its known ARN). */
  role: Named;
  /** What the role needs (the workflow's train task). */
  roleStatements: PolicyStatement[];
  /** Declare the account-wide training jobs' log group (monitoring.declareJobLogGroups). */
  jobLogGroup?: Named;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

export class TrainingJobs extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly logGroup?: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TrainingJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    // The type token predates the class name; kept so that existing stacks keep their URNs.
    super("ml-pipeline:training:Training", name, {}, opts);
    this.role = serviceRole(
      name,
      {
        role: args.role,
        service: "sagemaker.amazonaws.com",
        sourceArns: [anySageMakerArn(args.context.scope)],
        description: "SageMaker execution role of the pipeline's training jobs",
        policy: policyDocument(...args.roleStatements),
        accountId: args.context.scope.accountId,
        tags: args.context.tags,
      },
      this,
    ).role;
    if (args.jobLogGroup) {
      this.logGroup = encryptedLogGroup(`${name}-job-logs`, { name: args.jobLogGroup.name, keyArn: args.context.keyArn, retentionDays: args.context.logRetentionDays, tags: args.context.tags }, this);
    }
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
