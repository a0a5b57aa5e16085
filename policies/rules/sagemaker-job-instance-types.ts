/** Every SageMaker job (in Step Functions definitions, or native) uses allowed instance types for its use. */
import { describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { checkInstanceRequest, INSTANCE_TYPE_KNOBS } from "../lib/instanceTypeCheck";
import { instanceRequests, INVALID_DEFINITION, invalidDefinitionMessage, jobSubject, tasksOf, uncheckedTaskMessage } from "../lib/jobsInDefinitions";

export const rule = resourceRule({
  name: "sagemaker-job-instance-types",
  description:
    "Every SageMaker job uses allowed instance types for its use (training, processing, hosting), written literally, GPUs only where allowed, at most maxInstanceCount: the tasks of Step Functions definitions (createTrainingJob, createProcessingJob, createTransformJob, createHyperParameterTuningJob, createEndpointConfig; .sync or not; optimized or aws-sdk) and native aws:sagemaker TrainingJob resources.",
  summary:
    "every SageMaker task in a Step Functions definition, and native `aws:sagemaker` TrainingJob resources: allowed type *for its use* (training/processing/hosting), literal (not a JSONPath), GPUs only if allowed, ≤ maxInstanceCount",
  counterparts: { note: "none exists" },
  knobs: INSTANCE_TYPE_KNOBS,
  types: [...TYPES.stateMachine, ...TYPES.trainingJob],
  validate: (props, args, report, config) => {
    const tasks = tasksOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return report(invalidDefinitionMessage(describe(args), "sagemaker-job-instance-types"));
    for (const task of tasks.jobs) {
      for (const req of instanceRequests(task)) checkInstanceRequest(req, config, jobSubject(describe(args), task), report);
    }
    for (const task of tasks.unchecked) report(uncheckedTaskMessage(describe(args), task, "instance types"));
  },
});
