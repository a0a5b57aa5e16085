/** Model Monitor data-quality job definitions encrypt outputs, volumes and inter-container traffic, isolated from the network. */
import { describe, read, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { isGiven } from "../lib/keys";

export const rule = resourceRule({
  name: "sagemaker-monitoring-job-encryption",
  severity: "high",
  remediation: "Set the volume and output KMS keys of the monitoring job definition to a customer-managed key and enable inter-container traffic encryption.",
  description:
    "SageMaker Model Monitor data-quality job definitions encrypt their output (dataQualityJobOutputConfig.kmsKeyId) and their ML volumes (jobResources.clusterConfig.volumeKmsKeyId), encrypt inter-container traffic, and run network-isolated where required.",
  summary: "data-quality job definitions: output and volume `kmsKeyId`, inter-container encryption, network isolation",
  counterparts: { checkov: ["CKV_AWS_367", "CKV_AWS_368", "CKV_AWS_369"] },
  knobs: { requireNetworkIsolation: knob.boolean(true, "Require networkConfig.enableNetworkIsolation", "false") },
  types: TYPES.dataQualityJobDefinition,
  validate: (props, args, report, c) => {
    const where = describe(args);
    if (!isGiven(read(props.dataQualityJobOutputConfig ?? {}, "kmsKeyId"))) report(`${where}: the monitoring output is not encrypted with a customer-managed key; set dataQualityJobOutputConfig.kmsKeyId.`);
    if (!isGiven(read(props.jobResources?.clusterConfig ?? {}, "volumeKmsKeyId"))) report(`${where}: the job's ML volumes are not encrypted with a customer-managed key; set jobResources.clusterConfig.volumeKmsKeyId.`);
    if (props.networkConfig?.enableInterContainerTrafficEncryption !== true) report(`${where}: set networkConfig.enableInterContainerTrafficEncryption: true.`);
    if (c.requireNetworkIsolation && props.networkConfig?.enableNetworkIsolation !== true) report(`${where}: set networkConfig.enableNetworkIsolation: true.`);
  },
});
