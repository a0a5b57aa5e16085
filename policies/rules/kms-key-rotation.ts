/** Symmetric customer-managed KMS keys rotate; remediates by turning rotation on. */
import { describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";

const isSymmetric = (props: Record<string, any>) => (props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT";

export const rule = resourceRule({
  name: "kms-key-rotation",
  severity: "medium",
  remediation: "Set enableKeyRotation: true on the symmetric customer-managed key.",
  description: "Symmetric customer-managed KMS keys rotate. Remediates by turning rotation on.",
  summary: "symmetric keys rotate; **remediates** by setting `enableKeyRotation: true`",
  counterparts: { checkov: ["CKV_AWS_7"], cdkNag: ["AwsSolutions-KMS5"] },
  knobs: {},
  types: TYPES.kmsKey,
  validate: (props, args, report) => {
    if (!isSymmetric(props)) args.notApplicable("only symmetric keys rotate automatically");
    if (props.enableKeyRotation !== true) report(`${describe(args)} does not rotate; set enableKeyRotation: true.`);
  },
  remediate: (args) => {
    if (!TYPES.kmsKey.includes(args.type as never)) return undefined;
    if (!isSymmetric(args.props) || args.props.enableKeyRotation === true) return undefined;
    return { ...args.props, enableKeyRotation: true };
  },
});
