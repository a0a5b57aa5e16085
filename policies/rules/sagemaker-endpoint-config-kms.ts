/** SageMaker endpoint configurations are KMS-encrypted where the API allows it. */
import { hasLocalNvmeStorage } from "../facts/instanceTypes";
import { asArray, describe, read, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sagemaker-endpoint-config-kms",
  severity: "medium",
  remediation: "Set kmsKeyArn on the endpoint configuration (leave it out only for instance types with local NVMe storage, which the API rejects it for).",
  description:
    "SageMaker endpoint configurations set kmsKeyArn, except when a variant runs on an instance type with local NVMe storage (ml.m5d, ml.g4dn, ml.g5, ...), where the key must be absent because CreateEndpointConfig rejects it; data capture is KMS-encrypted.",
  summary: "`kmsKeyArn` set — and absent for local-NVMe types (the API rejects it); data capture encrypted",
  counterparts: { checkov: ["CKV_AWS_98"], cdkNag: ["SageMakerEndpointConfigurationKMSKeyConfigured"] },
  knobs: {},
  types: TYPES.endpointConfig,
  validate: (props, args, report) => {
    const nvme = asArray<any>(props.productionVariants).filter((v) => typeof v?.instanceType === "string" && hasLocalNvmeStorage(v.instanceType));
    if (nvme.length > 0) {
      if (isGiven(read(props, "kmsKeyArn"))) {
        report(`${describe(args)} sets kmsKeyArn, but variant ${nvme[0].variantName} runs on ${nvme[0].instanceType}, whose local NVMe storage is hardware-encrypted: CreateEndpointConfig rejects the key. Remove kmsKeyArn.`);
      }
    } else if (!isGiven(read(props, "kmsKeyArn"))) {
      report(`${describe(args)} has no kmsKeyArn; set it to a customer-managed key (key or alias ARN).`);
    }
    const capture = props.dataCaptureConfig;
    if (capture && capture.enableCapture !== false && !isGiven(read(capture, "kmsKeyId"))) {
      report(`${describe(args)} captures data without a KMS key; set dataCaptureConfig.kmsKeyId.`);
    }
  },
});
