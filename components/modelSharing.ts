/**
 * ModelSharing (a source stack with registry.shareWith): what the stages that deploy its
 * versions from their own accounts need from it here:
 *  - the model package group's resource policy: each stage's pipeline role reads the versions
 *    and records its own deployments on them (components/shared/promotionGrants.ts);
 *  - the group's state-change events, forwarded to each stage's promotion event bus: a person
 *    approving a version for a stage (its ModelLifeCycle) starts that stage's run at once,
 *    in its account, without polling. EventBridge requires a role on a rule whose target is
 *    another account's bus (since March 2023): it may put events on those buses only.
 * The bucket and key grants travel with the data bucket's policies (DataBucket).
 *
 * Why a resource policy rather than an AWS RAM share: the policy is one resource of this
 * stack, reviewed in its preview and judged by the pack like any other; SageMaker creates the
 * RAM share from it itself ("CREATED_FROM_POLICY"), which is what makes the group
 * discoverable in the consumers' accounts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyDocument, policyJson } from "../lib/iamPolicy";
import { Named, PromotionModel } from "../stacks/model";
import { serviceRole } from "./shared/serviceRole";
import { groupPolicyStatements } from "./shared/promotionGrants";
import { StackContext } from "./shared/stackContext";

export interface ModelSharingArgs {
  /** The group whose versions are shared (stack model). */
  group: Named;
  /** `model-package/<group>/*`. */
  packageArns: string;
  /** The stages and what they are granted (stack model: `promotion`). */
  promotion: PromotionModel;
  /** Where an event that cannot be forwarded goes (its queue policy admits the forwarding rule). */
  deadLetterQueueArn: string;
  /** The stack's shared context. */
  context: StackContext;
}

/** Every state change of the group's versions: the stages' runs decide from the version itself which are theirs. */
export function groupEventPattern(groupName: string) {
  return { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], detail: { ModelPackageGroupName: [groupName] } };
}

export class ModelSharing extends pulumi.ComponentResource {
  readonly groupPolicy: aws.sagemaker.ModelPackageGroupPolicy;
  readonly forwardRule: aws.cloudwatch.EventRule;

  constructor(name: string, args: ModelSharingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:registry:ModelSharing", name, {}, opts);
    const sharing = args.promotion.sharing;
    if (!sharing) throw new Error("ModelSharing needs registry.shareWith");
    const { scope, tags } = args.context;
    this.groupPolicy = new aws.sagemaker.ModelPackageGroupPolicy(
      `${name}-group-policy`,
      { modelPackageGroupName: args.group.name, resourcePolicy: policyJson(policyDocument(...groupPolicyStatements(scope.partition, args.packageArns, args.promotion))) },
      { parent: this },
    );
    const busArns = sharing.consumers.map((c) => c.busArn);
    const { role } = serviceRole(
      `${name}-forwarder`,
      {
        role: sharing.forwarderRole,
        service: "events.amazonaws.com",
        sourceArns: [sharing.forwardRule.arn],
        description: `Forwards state changes of ${args.group.name} to the promotion buses of ${sharing.consumers.map((c) => c.stage).join(", ")}`,
        policy: policyDocument({ Sid: "PutEventsOnStageBuses", Effect: "Allow", Action: "events:PutEvents", Resource: busArns }),
        accountId: scope.accountId,
        tags,
      },
      this,
    );
    this.forwardRule = new aws.cloudwatch.EventRule(
      `${name}-forward-rule`,
      { name: sharing.forwardRule.name, description: `Forwards state changes of ${args.group.name} to the stages that deploy its versions`, eventPattern: JSON.stringify(groupEventPattern(args.group.name)), tags },
      { parent: this },
    );
    sharing.consumers.forEach((consumer) => {
      new aws.cloudwatch.EventTarget(
        `${name}-forward-to-${consumer.stage}`,
        {
          rule: this.forwardRule.name,
          arn: consumer.busArn,
          roleArn: role.arn,
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: args.deadLetterQueueArn },
        },
        { parent: this },
      );
    });
    this.registerOutputs({ groupPolicy: this.groupPolicy.id, forwardRule: this.forwardRule.name });
  }
}
