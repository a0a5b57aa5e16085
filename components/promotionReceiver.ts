/**
 * PromotionReceiver (a promoted stack): the event bus the source account forwards its
 * group's state changes to, open to that account only, and the rule that starts this
 * stack's run for each of them; the run checks the version itself (workflow/tasks/routePromotion.ts).
 *
 * A bus of its own rather than the account's default bus: its policy is this stack's alone
 * (a policy on the default bus would replace whatever else the account put there), and
 * nothing else arrives on it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyDocument, policyJson } from "../lib/iamPolicy";
import { accountRootArn } from "../stacks/arns";
import { Named, PromotionSourceModel } from "../stacks/model";
import { eventRuleToPipeline } from "./shared/eventRuleToPipeline";
import { groupEventPattern } from "./modelSharing";
import { StackContext } from "./shared/stackContext";

export interface PromotionReceiverArgs {
  /** The bus (`<namePrefix>-promotions`). */
  bus: Named;
  /** The rule on it and the role it starts runs with. */
  rule: Named;
  role: Named;
  /** The source stack: its account may put events on the bus; its group's events start runs. */
  source: PromotionSourceModel;
  /** The stage this stack deploys. */
  stage: string;
  stateMachineArn: string;
  /** Where an event that cannot start a run goes. */
  deadLetterQueueArn: string;
  /** The stack's shared context. */
  context: StackContext;
}

/** The execution input RoutePromotion reads: `{"promotionEvent": {"arn"}}`. */
export const PROMOTION_INPUT_TRANSFORMER = {
  inputPaths: { arn: "$.detail.ModelPackageArn" },
  inputTemplate: '{"promotionEvent": {"arn": <arn>}}',
};

export class PromotionReceiver extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: PromotionReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:registry:PromotionReceiver", name, {}, opts);
    const { scope, tags } = args.context;
    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: args.bus.name, description: `State changes of ${args.source.group.name}, forwarded by account ${args.source.accountId}`, tags }, { parent: this });
    const busPolicy = new aws.cloudwatch.EventBusPolicy(
      `${name}-bus-policy`,
      {
        eventBusName: this.bus.name,
        policy: policyJson(
          policyDocument({
            Sid: "SourceAccountForwardsGroupEvents",
            Effect: "Allow",
            Principal: { AWS: accountRootArn({ partition: scope.partition, accountId: args.source.accountId }) },
            Action: "events:PutEvents",
            Resource: args.bus.arn,
          }),
        ),
      },
      { parent: this },
    );
    this.rule = eventRuleToPipeline(
      `${name}-promotion`,
      {
        rule: args.rule,
        role: args.role,
        eventBusName: this.bus.name,
        description: `Deploys versions of ${args.source.group.name} approved for ${args.stage}`,
        // Rules on a bus that receives other accounts' events match the sender's account (EventBridge User Guide, "Sending and receiving events between AWS accounts").
        pattern: { account: [args.source.accountId], ...groupEventPattern(args.source.group.name) },
        inputTransformer: PROMOTION_INPUT_TRANSFORMER,
        stateMachineArn: args.stateMachineArn,
        deadLetterQueueArn: args.deadLetterQueueArn,
        context: args.context,
      },
      this,
    );
    this.registerOutputs({ busName: this.bus.name, busPolicy: busPolicy.id, rule: this.rule.name });
  }
}
