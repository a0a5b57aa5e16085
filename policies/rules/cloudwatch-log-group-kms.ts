/** CloudWatch log groups are KMS-encrypted and keep logs for a limited time. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "cloudwatch-log-group-kms",
  severity: "medium",
  remediation: "Set kmsKeyId on the log group to a customer-managed key whose policy lets CloudWatch Logs use it, and a retentionInDays.",
  description: "CloudWatch log groups are encrypted with a KMS key and have a retention period.",
  summary: "log groups use KMS and have retention",
  counterparts: { checkov: ["CKV_AWS_158", "CKV_AWS_66"] },
  knobs: {},
  types: TYPES.logGroup,
  validate: (props, args, report) => {
    if (!isGiven(read(props, "kmsKeyId"))) report(`${describe(args)} is not encrypted with KMS; set kmsKeyId.`);
    const retention = read(props, "retentionInDays");
    // 0 is "never expire" (CloudWatch Logs' own value for no retention).
    if (!isGiven(retention) || retention === 0) report(`${describe(args)} keeps logs forever${retention === 0 ? " (retentionInDays 0 never expires)" : ""}; set retentionInDays.`);
  },
});
