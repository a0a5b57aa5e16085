/** SageMaker endpoint configurations use allowed hosting instance types. */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { checkInstanceRequest, INSTANCE_TYPE_KNOBS } from "../lib/instanceTypeCheck";

export const rule = resourceRule({
  name: "sagemaker-endpoint-instance-types",
  severity: "medium",
  remediation: "Use an allowed hosting instance type and count for each variant, or widen the allowed list in the policy config with a reason.",
  description: "SageMaker endpoint configuration variants use allowed hosting instance types (GPUs only where allowed) and at most maxInstanceCount instances.",
  summary: "endpoint-config variants use allowed *hosting* types, GPUs only if allowed, ≤ maxInstanceCount",
  counterparts: { note: "none exists" },
  knobs: INSTANCE_TYPE_KNOBS,
  types: TYPES.endpointConfig,
  validate: (props, args, report, config) => {
    for (const v of asArray<any>(props.productionVariants)) {
      if (!v || v.serverlessConfig) continue;
      checkInstanceRequest({ use: "hosting", instanceType: v.instanceType, instanceCount: v.initialInstanceCount, where: `variant ${v.variantName}` }, config, describe(args), report);
    }
  },
});
