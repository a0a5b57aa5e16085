/** Augmented AI (human review) flow definitions encrypt their output with a customer-managed key. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sagemaker-flow-definition-kms",
  severity: "medium",
  remediation: "Set kmsKeyId on the flow definition's output configuration to a customer-managed key.",
  description: "SageMaker Augmented AI flow definitions encrypt the human-review output in S3 with a customer-managed KMS key.",
  summary: "flow definitions set `outputConfig.kmsKeyId`",
  counterparts: { checkov: ["CKV_AWS_372"] },
  knobs: {},
  types: TYPES.flowDefinition,
  validate: (props, args, report) => {
    if (!isGiven(read(props.outputConfig ?? {}, "kmsKeyId"))) report(`${describe(args)}: the review output is not encrypted with a customer-managed key; set outputConfig.kmsKeyId.`);
  },
});
