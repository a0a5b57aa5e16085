/** Lambda environment variables are encrypted with a customer-managed key. */
import { describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "lambda-environment-kms",
  description: "Lambda functions with environment variables encrypt them with a customer-managed key.",
  summary: "functions with environment variables set `kmsKeyArn`",
  counterparts: { checkov: ["CKV_AWS_173"] },
  knobs: {},
  types: TYPES.lambda,
  validate: (props, args, report) => {
    const vars = props.environment?.variables;
    if (vars && Object.keys(vars).length > 0 && !isGiven(read(props, "kmsKeyArn"))) report(`${describe(args)} has environment variables but no kmsKeyArn; set kmsKeyArn to a customer-managed key.`);
  },
});
