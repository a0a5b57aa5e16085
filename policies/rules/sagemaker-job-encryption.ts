/**
 * SageMaker jobs encrypt their volumes, outputs and inter-container traffic: the tasks of
 * Step Functions definitions (which no other scanner reads) and native TrainingJob resources.
 */
import { hasLocalNvmeStorage } from "../facts/instanceTypes";
import { asArray, describe, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { INVALID_DEFINITION, invalidDefinitionMessage, isSet, jobSubject, monitoringScheduleJob, tasksOf, uncheckedTaskMessage } from "../lib/jobsInDefinitions";

export const rule = resourceRule({
  name: "sagemaker-job-encryption",
  severity: "high",
  remediation: "Set VolumeKmsKeyId (except on local-NVMe types) and the output KmsKeyId of the job to a customer-managed key, and enable inter-container traffic encryption for distributed jobs.",
  description:
    "SageMaker jobs (tasks in Step Functions definitions, native TrainingJob resources) encrypt job volumes with KMS (VolumeKmsKeyId; absent for local-NVMe types, which the API rejects), encrypt outputs (OutputDataConfig / ProcessingOutputConfig / TransformOutput KmsKeyId), encrypt inter-container traffic, and created endpoint configs set KmsKeyId (same NVMe exception). No other scanner sees these jobs.",
  summary:
    "jobs in definitions and native TrainingJob resources: `VolumeKmsKeyId` (absent for NVMe types), output `KmsKeyId`, inter-container encryption; endpoint configs created by definitions: `KmsKeyId`",
  counterparts: { note: "none exists" },
  knobs: { requireInterContainerEncryption: knob.boolean(true, "Require EnableInterContainerTrafficEncryption on training and processing jobs", "false") },
  types: [...TYPES.stateMachine, ...TYPES.trainingJob],
  validate: (props, args, report, c) => {
    const tasks = tasksOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return report(invalidDefinitionMessage(describe(args), "sagemaker-job-encryption"));
    for (const t of tasks.unchecked) report(uncheckedTaskMessage(describe(args), t, "encryption settings"));
    for (const t of tasks.jobs) {
      const where = jobSubject(describe(args), t);
      const p = t.parameters;
      const volume = (rc: any, path: string) => {
        if (!rc) return;
        const nvme = typeof rc.InstanceType === "string" && hasLocalNvmeStorage(rc.InstanceType);
        if (nvme && isSet(rc, "VolumeKmsKeyId")) report(`${where}: ${path}.VolumeKmsKeyId must be absent for ${rc.InstanceType} (local NVMe storage; the API rejects it).`);
        if (!nvme && !isSet(rc, "VolumeKmsKeyId")) report(`${where}: ${path}.VolumeKmsKeyId is missing; encrypt the job's ML storage volume with a customer-managed key.`);
      };
      switch (t.api) {
        case "createTrainingJob":
          volume(p.ResourceConfig, "ResourceConfig");
          if (!isSet(p.OutputDataConfig, "KmsKeyId")) report(`${where}: OutputDataConfig.KmsKeyId is missing; encrypt model artifacts with a customer-managed key.`);
          if (c.requireInterContainerEncryption && p.EnableInterContainerTrafficEncryption !== true) report(`${where}: set EnableInterContainerTrafficEncryption: true.`);
          break;
        case "createHyperParameterTuningJob":
          for (const d of [p.TrainingJobDefinition, ...asArray(p.TrainingJobDefinitions)].filter(Boolean) as any[]) {
            volume(d.ResourceConfig, "TrainingJobDefinition.ResourceConfig");
            if (!isSet(d.OutputDataConfig, "KmsKeyId")) report(`${where}: TrainingJobDefinition.OutputDataConfig.KmsKeyId is missing.`);
            if (c.requireInterContainerEncryption && d.EnableInterContainerTrafficEncryption !== true) report(`${where}: set TrainingJobDefinition.EnableInterContainerTrafficEncryption: true.`);
          }
          break;
        case "createProcessingJob":
          volume(p.ProcessingResources?.ClusterConfig, "ProcessingResources.ClusterConfig");
          if (p.ProcessingOutputConfig && !isSet(p.ProcessingOutputConfig, "KmsKeyId")) report(`${where}: ProcessingOutputConfig.KmsKeyId is missing.`);
          if (c.requireInterContainerEncryption && p.NetworkConfig?.EnableInterContainerTrafficEncryption !== true) report(`${where}: set NetworkConfig.EnableInterContainerTrafficEncryption: true.`);
          break;
        case "createTransformJob":
          if (!isSet(p.TransformOutput, "KmsKeyId")) report(`${where}: TransformOutput.KmsKeyId is missing.`);
          volume(p.TransformResources, "TransformResources");
          break;
        case "createDataQualityJobDefinition":
          volume(p.JobResources?.ClusterConfig, "JobResources.ClusterConfig");
          if (!isSet(p.DataQualityJobOutputConfig, "KmsKeyId")) report(`${where}: DataQualityJobOutputConfig.KmsKeyId is missing; encrypt the monitoring reports with a customer-managed key.`);
          if (c.requireInterContainerEncryption && p.NetworkConfig?.EnableInterContainerTrafficEncryption !== true) report(`${where}: set NetworkConfig.EnableInterContainerTrafficEncryption: true.`);
          break;
        case "createMonitoringSchedule":
        case "updateMonitoringSchedule": {
          const inline = monitoringScheduleJob(t);
          if (!inline) break; // runs a definition by name: checked where it is created
          volume(inline.MonitoringResources?.ClusterConfig, "MonitoringJobDefinition.MonitoringResources.ClusterConfig");
          if (!isSet(inline.MonitoringOutputConfig, "KmsKeyId")) report(`${where}: MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId is missing.`);
          if (c.requireInterContainerEncryption && inline.NetworkConfig?.EnableInterContainerTrafficEncryption !== true) report(`${where}: set MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption: true.`);
          break;
        }
        case "createEndpointConfig": {
          const nvme = asArray<any>(p.ProductionVariants).some((v) => typeof v.InstanceType === "string" && hasLocalNvmeStorage(v.InstanceType));
          if (nvme && isSet(p, "KmsKeyId")) report(`${where}: KmsKeyId must be absent when a variant has local NVMe storage (the API rejects it).`);
          if (!nvme && !isSet(p, "KmsKeyId")) report(`${where}: KmsKeyId is missing; encrypt the endpoint's storage with a customer-managed key.`);
          break;
        }
      }
    }
  },
});
