/** No AWS-managed FullAccess, administrator or power-user policy is attached. */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";

/** AWS-managed policies that grant a service or the account wholesale (with or without a path, e.g. `job-function/`). */
const BROAD_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(.*FullAccess.*|AdministratorAccess(?:-[\w-]+)?|PowerUserAccess|job-function\/SystemAdministrator)$/i;

export const rule = resourceRule({
  name: "iam-no-managed-full-access",
  severity: "high",
  remediation: "Replace the managed *FullAccess or administrator policy with an inline policy that lists the actions and resources the role needs.",
  description: "No AWS-managed FullAccess, AdministratorAccess (including AdministratorAccess-Amplify and the like) or PowerUserAccess policy is attached; write least-privilege statements.",
  summary: "no AWS-managed `*FullAccess`, `AdministratorAccess*`, PowerUserAccess attached",
  counterparts: { cdkNag: ["AwsSolutions-IAM4"], checkov: ["CKV_AWS_274"] },
  knobs: {},
  types: [...TYPES.iamAttachments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    const arns = TYPES.iamRole.includes(args.type as never) ? asArray<string>(props.managedPolicyArns) : [props.policyArn ?? props.managedPolicyArn];
    for (const arn of arns) if (typeof arn === "string" && BROAD_MANAGED.test(arn)) report(`${describe(args)} attaches ${arn}; replace it with statements scoped to what the role uses.`);
  },
});
