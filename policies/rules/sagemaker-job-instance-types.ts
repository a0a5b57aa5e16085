/** Every SageMaker job (in Step Functions definitions, or native) uses allowed instance types for its use. */
import { describe, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { checkInstanceRequest, INSTANCE_TYPE_KNOBS } from "../lib/instanceTypeCheck";
import { isGpuInstance } from "../facts/instanceTypes";
import { instanceRequests, INVALID_DEFINITION, invalidDefinitionMessage, jobSubject, maxTuningJobs, tasksOf, uncheckedTaskMessage } from "../lib/jobsInDefinitions";

export const rule = resourceRule({
  name: "sagemaker-job-instance-types",
  severity: "medium",
  remediation: "Write each job's instance type and count as literals that the policy config allows for the job's use; GPUs only where allowGpu is set.",
  description:
    "Every SageMaker job uses allowed instance types for its use (training, processing, hosting), written literally, GPUs only where allowed, at most maxInstanceCount (and a tuning job at most maxTuningJobs training jobs, written as a number): the tasks of Step Functions definitions (createTrainingJob, createProcessingJob, createTransformJob, createHyperParameterTuningJob, createEndpointConfig; .sync or not; optimized or aws-sdk), native aws:sagemaker TrainingJob resources and Model Monitor job definitions; notebook instances use GPUs only where allowed.",
  summary:
    "every SageMaker task in a Step Functions definition, native TrainingJob resources and Model Monitor job definitions: allowed type *for its use* (training/processing/hosting), literal (not a JSONPath), GPUs only if allowed (notebooks too), ≤ maxInstanceCount; tuning jobs ≤ maxTuningJobs training jobs, written literally",
  counterparts: { note: "none exists" },
  knobs: { ...INSTANCE_TYPE_KNOBS, maxTuningJobs: knob.integer(100, "Most training jobs one hyperparameter tuning job may start (MaxNumberOfTrainingJobs)", "higher", 1) },
  types: [...TYPES.stateMachine, ...TYPES.trainingJob, ...TYPES.dataQualityJobDefinition, ...TYPES.notebookInstance],
  validate: (props, args, report, config) => {
    if (TYPES.dataQualityJobDefinition.includes(args.type as never)) {
      // Model Monitor jobs run on processing instances.
      const cluster = props.jobResources?.clusterConfig ?? {};
      return checkInstanceRequest({ use: "processing", instanceType: typeof cluster.instanceType === "string" ? cluster.instanceType : undefined, instanceCount: cluster.instanceCount, where: "jobResources.clusterConfig" }, config, describe(args), report);
    }
    if (TYPES.notebookInstance.includes(args.type as never)) {
      // Notebook instance types are their own list (not hosting, training or processing): only the GPU restriction applies.
      if (typeof props.instanceType === "string" && !config.allowGpu && isGpuInstance(props.instanceType)) {
        report(`${describe(args)}: ${props.instanceType} is a GPU instance and GPUs are not allowed here; use a CPU type or set allowGpu: true in the policy config.`);
      }
      return;
    }
    const tasks = tasksOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return report(invalidDefinitionMessage(describe(args), "sagemaker-job-instance-types"));
    for (const task of tasks.jobs) {
      for (const req of instanceRequests(task)) checkInstanceRequest(req, config, jobSubject(describe(args), task), report);
      if (task.api === "createHyperParameterTuningJob") {
        // A tuning job multiplies its instances by the jobs it starts: that number is held like a count.
        const jobs = maxTuningJobs(task);
        if (jobs === undefined) report(`${jobSubject(describe(args), task)}: the number of training jobs is not a literal HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs (a JSONPath, or none); write it as a number of at most ${config.maxTuningJobs}.`);
        else if (jobs > config.maxTuningJobs) report(`${jobSubject(describe(args), task)}: ${jobs} training jobs exceed maxTuningJobs ${config.maxTuningJobs}; lower MaxNumberOfTrainingJobs or raise maxTuningJobs in the policy config.`);
      }
    }
    for (const task of tasks.unchecked) report(uncheckedTaskMessage(describe(args), task, "instance types"));
  },
});
