/**
 * ModelRegistry: the stack's SageMaker model package group, into which every run that
 * passes the gate registers a version, and, with manual approval, the EventBridge rule
 * that turns a person's decision into a run: approving a version starts the deploy-only
 * path for exactly that version, rejecting it only notifies (workflow/tasks/routeRun.ts).
 *
 * No rule with approval "auto": those versions are registered Approved by the run that
 * deploys them, and a rule would deploy them a second time.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Named } from "../stacks/model";
import { eventRuleToPipeline } from "./shared/eventRuleToPipeline";
import { StackContext } from "./shared/stackContext";

export interface ModelRegistryArgs {
  /** The package group (stack model). */
  group: Named;
  approval: "auto" | "manual";
  /** Keep the group and its versions on `pulumi destroy` and refuse its replacement (prod: dataBucket.protect). */
  protect: boolean;
  /** The approval rule and the role it starts runs with (manual approval). */
  approvalRule: Named;
  approvalRole: Named;
  stateMachineArn: string;
  /** Where an approval that cannot start a run goes. */
  deadLetterQueueArn: string;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

/**
 * Approved or rejected versions of this group. SageMaker's "Model Package State Change"
 * event carries the package's description as its detail (SageMaker Developer Guide, "Events
 * that Amazon SageMaker AI sends to Amazon EventBridge"): the members tested here are
 * DescribeModelPackage output members (checked against the API model).
 */
export function approvalEventPattern(groupName: string) {
  return {
    source: ["aws.sagemaker"],
    "detail-type": ["SageMaker Model Package State Change"],
    detail: { ModelPackageGroupName: [groupName], ModelApprovalStatus: ["Approved", "Rejected"] },
  };
}

/** The execution input RouteRun reads: `{"modelPackageEvent": {"arn", "status"}}`. */
export const APPROVAL_INPUT_TRANSFORMER = {
  inputPaths: { arn: "$.detail.ModelPackageArn", status: "$.detail.ModelApprovalStatus" },
  inputTemplate: '{"modelPackageEvent": {"arn": <arn>, "status": <status>}}',
};

export class ModelRegistry extends pulumi.ComponentResource {
  readonly group: aws.sagemaker.ModelPackageGroup;
  readonly approvalRule?: aws.cloudwatch.EventRule;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:registry:ModelRegistry", name, {}, opts);
    this.group = new aws.sagemaker.ModelPackageGroup(
      `${name}-group`,
      {
        modelPackageGroupName: args.group.name,
        modelPackageGroupDescription: `Models of the ${args.group.name.replace(/-models$/, "")} pipeline; approval ${args.approval}`,
        tags: args.context.tags,
      },
      // The registry is the history of what served; prod keeps it as it keeps its data.
      args.protect ? { parent: this, protect: true, retainOnDelete: true } : { parent: this },
    );
    if (args.approval === "manual") {
      this.approvalRule = eventRuleToPipeline(
        `${name}-approval`,
        {
          rule: args.approvalRule,
          role: args.approvalRole,
          description: `Deploys a version of ${args.group.name} when it is approved; reports a rejection`,
          pattern: approvalEventPattern(args.group.name),
          inputTransformer: APPROVAL_INPUT_TRANSFORMER,
          stateMachineArn: args.stateMachineArn,
          deadLetterQueueArn: args.deadLetterQueueArn,
          context: args.context,
        },
        this,
      );
    }
    this.registerOutputs({ groupName: this.group.modelPackageGroupName, approvalRule: this.approvalRule?.name });
  }
}
