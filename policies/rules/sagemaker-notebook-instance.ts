/**
 * SageMaker notebook instances: encrypted with a customer key, no direct internet access,
 * in the customer's VPC, no root access, IMDSv2 only.
 */
import { describe, read, shown, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sagemaker-notebook-instance",
  severity: "high",
  remediation: "Turn off direct internet access and root access, place the notebook in a subnet, set a customer-managed kmsKeyId, and use a CPU type unless GPUs are allowed.",
  description:
    "SageMaker notebook instances encrypt their storage with a customer-managed key, have direct internet access disabled (AWS's default is enabled, so it must be set), run in a subnet of the customer's VPC, give users no root access (the default is enabled), and require IMDSv2.",
  summary: "notebook instances: `kmsKeyId`, `directInternetAccess: Disabled`, `subnetId`, `rootAccess: Disabled`, IMDSv2",
  counterparts: { cdkNag: ["AwsSolutions-SM1", "AwsSolutions-SM2", "AwsSolutions-SM3"], checkov: ["CKV_AWS_22", "CKV_AWS_122", "CKV_AWS_187", "CKV_AWS_306", "CKV_AWS_307", "CKV_AWS_371"] },
  knobs: { requireVpc: knob.boolean(true, "Require subnetId (the notebook's network interface in the customer's VPC)", "false") },
  types: TYPES.notebookInstance,
  validate: (props, args, report, c) => {
    const where = describe(args);
    if (!isGiven(read(props, "kmsKeyId"))) report(`${where} is not encrypted with a customer-managed key; set kmsKeyId.`);
    if (props.directInternetAccess !== "Disabled") report(`${where} has direct internet access (${shown(props.directInternetAccess ?? "Enabled by default")}); set directInternetAccess: "Disabled" and reach the internet through the VPC.`);
    if (c.requireVpc && !isGiven(read(props, "subnetId"))) report(`${where} runs outside the customer's VPC; set subnetId (and securityGroups).`);
    if (props.rootAccess !== "Disabled") report(`${where} gives users root access (${shown(props.rootAccess ?? "Enabled by default")}); set rootAccess: "Disabled".`);
    const imds = props.instanceMetadataServiceConfiguration?.minimumInstanceMetadataServiceVersion;
    if (imds !== "2") report(`${where} allows IMDSv1 (minimum version ${imds ?? "unset"}); set instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion: "2".`);
  },
});
