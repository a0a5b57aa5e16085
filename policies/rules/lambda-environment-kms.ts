/** Lambda environment variables are encrypted with a customer-managed key. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "lambda-environment-kms",
  severity: "medium",
  remediation: "Set kmsKeyArn on a function that has environment variables to a customer-managed key.",
  description:
    "Lambda functions with environment variables encrypt them with a customer-managed key; a function without variables sets no key (the provider then reports a difference on every preview).",
  summary: "functions with environment variables set `kmsKeyArn`; functions without set none",
  counterparts: { checkov: ["CKV_AWS_173"] },
  knobs: {},
  types: TYPES.lambda,
  validate: (props, args, report) => {
    const vars = props.environment?.variables;
    const key = read(props, "kmsKeyArn");
    if (vars && typeof vars === "object" && Object.keys(vars).length > 0) {
      if (!isGiven(key)) report(`${describe(args)} has environment variables but no kmsKeyArn; set kmsKeyArn to a customer-managed key.`);
    } else if (isGiven(key) || key === "") {
      report(`${describe(args)} sets kmsKeyArn but has no environment variables to encrypt; remove kmsKeyArn (or add the variables it is for).`);
    }
  },
});
