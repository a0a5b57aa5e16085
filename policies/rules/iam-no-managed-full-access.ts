/** No AWS-managed FullAccess, AdministratorAccess or PowerUserAccess policy is attached. */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";

const FULL_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/(.*FullAccess.*|AdministratorAccess|PowerUserAccess)$/;

export const rule = resourceRule({
  name: "iam-no-managed-full-access",
  description: "No AWS-managed FullAccess (or AdministratorAccess/PowerUserAccess) policy is attached; write least-privilege statements.",
  summary: "no AWS-managed `*FullAccess`, AdministratorAccess, PowerUserAccess attached",
  counterparts: { cdkNag: ["AwsSolutions-IAM4"] },
  knobs: {},
  types: [...TYPES.iamAttachments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    const arns = TYPES.iamRole.includes(args.type as never) ? asArray<string>(props.managedPolicyArns) : [props.policyArn];
    for (const arn of arns) if (typeof arn === "string" && FULL_ACCESS.test(arn)) report(`${describe(args)} attaches ${arn}; replace it with statements scoped to what the role uses.`);
  },
});
