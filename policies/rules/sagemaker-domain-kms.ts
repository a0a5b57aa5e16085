/** SageMaker Studio domains encrypt their EFS volume with a customer-managed key. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sagemaker-domain-kms",
  severity: "medium",
  remediation: "Set kmsKeyId on the SageMaker domain to a customer-managed key.",
  description: "SageMaker Studio domains encrypt their storage (the domain's EFS volume) with a customer-managed KMS key.",
  summary: "Studio domains set `kmsKeyId`",
  counterparts: { checkov: ["CKV_AWS_187"] },
  knobs: {},
  types: TYPES.domain,
  validate: (props, args, report) => {
    if (!isGiven(read(props, "kmsKeyId"))) report(`${describe(args)} is not encrypted with a customer-managed key; set kmsKeyId.`);
  },
});
