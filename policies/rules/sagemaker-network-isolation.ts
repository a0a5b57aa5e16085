/** SageMaker models and jobs run network-isolated where the config requires it. */
import { ReportViolation } from "@pulumi/policy";
import { asArray, describe, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { INVALID_DEFINITION, invalidDefinitionMessage, jobSubject, monitoringScheduleJob, tasksOf } from "../lib/jobsInDefinitions";

function checkJobIsolation(type: string, props: Record<string, any>, resource: string, report: ReportViolation, c: { requireForModels: boolean; requireForJobs: boolean }): void {
  const tasks = tasksOf(type, props);
  if (tasks === INVALID_DEFINITION) return report(invalidDefinitionMessage(resource, "sagemaker-network-isolation"));
  // A model created by the workflow is held to the same rule as a model resource.
  if (c.requireForModels) {
    for (const m of tasks.models) if (m.parameters?.EnableNetworkIsolation !== true) report(`${resource} state ${m.state} (createModel): set EnableNetworkIsolation: true on the model.`);
  }
  if (!c.requireForJobs) return;
  for (const t of tasks.jobs) {
    const p = t.parameters;
    if (t.api === "createTrainingJob" && p.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set EnableNetworkIsolation: true on the training job.`);
    if (t.api === "createHyperParameterTuningJob") {
      // Every training job a tuning job starts runs with its definition's isolation.
      if (p["TrainingJobDefinition.$"] !== undefined || p["TrainingJobDefinitions.$"] !== undefined) report(`${jobSubject(resource, t)}: the training job definition is set at run time (a JSONPath), so its network isolation cannot be checked; write it in the definition.`);
      const defs = [p.TrainingJobDefinition, ...asArray<any>(p.TrainingJobDefinitions)].filter(Boolean);
      defs.forEach((d: any, i: number) => {
        if (d.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set ${defs.length > 1 ? `TrainingJobDefinitions[${i}]` : "TrainingJobDefinition"}.EnableNetworkIsolation: true on the tuning job.`);
      });
    }
    if (t.api === "createProcessingJob" && p.NetworkConfig?.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set NetworkConfig.EnableNetworkIsolation: true on the processing job.`);
    if (t.api === "createDataQualityJobDefinition" && p.NetworkConfig?.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set NetworkConfig.EnableNetworkIsolation: true on the monitoring job definition.`);
    const inline = monitoringScheduleJob(t);
    if (inline && inline.NetworkConfig?.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation: true on the monitoring schedule.`);
  }
}

export const rule = resourceRule({
  name: "sagemaker-network-isolation",
  severity: "medium",
  remediation: "Set EnableNetworkIsolation (jobs) or enableNetworkIsolation (models) to true, or turn the knob off for serverless-only stacks with a reason.",
  description:
    "SageMaker models (requireForModels) and training, tuning and processing jobs (in Step Functions definitions, or native TrainingJob resources: requireForJobs) run with network isolation. Turn requireForModels off for stacks that serve from serverless endpoints, which do not support isolation.",
  summary: "models and training/tuning/processing jobs (definitions, native TrainingJob) run network-isolated",
  counterparts: { note: "none exists" },
  knobs: {
    requireForModels: knob.boolean(true, "Require enableNetworkIsolation on SageMaker models (off for serverless endpoints)", "false"),
    requireForJobs: knob.boolean(true, "Require network isolation on training and processing jobs", "false"),
  },
  types: [...TYPES.model, ...TYPES.stateMachine, ...TYPES.trainingJob],
  validate: (props, args, report, c) => {
    if (TYPES.model.includes(args.type as never)) {
      if (c.requireForModels && props.enableNetworkIsolation !== true) report(`${describe(args)} runs without network isolation; set enableNetworkIsolation: true.`);
      return;
    }
    checkJobIsolation(args.type, props, describe(args), report, c);
  },
});
