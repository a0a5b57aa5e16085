/** SNS topics are encrypted with a customer-managed key. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isAwsManagedKey, isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sns-topic-kms",
  severity: "medium",
  remediation: "Set kmsMasterKeyId on the topic to a customer-managed key whose policy lets the publishing services use it.",
  description: "SNS topics are encrypted with a customer-managed KMS key.",
  summary: "topics use a customer-managed key",
  counterparts: { checkov: ["CKV_AWS_26"], cdkNag: ["AwsSolutions-SNS2"] },
  knobs: {},
  types: TYPES.topic,
  validate: (props, args, report) => {
    const key = read(props, "kmsMasterKeyId");
    if (!isGiven(key)) report(`${describe(args)} is not encrypted; set kmsMasterKeyId to a customer-managed key.`);
    else if (isAwsManagedKey(key)) report(`${describe(args)} uses the AWS-managed key ${props.kmsMasterKeyId}; use a customer-managed key.`);
  },
});
