/** Every SageMaker job (in Step Functions definitions, or native) uses allowed instance types for its use. */
import { describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { checkInstanceRequest, INSTANCE_TYPE_KNOBS } from "../lib/instanceTypeCheck";
import { instanceRequests, INVALID_DEFINITION, jobsOf, jobSubject } from "../lib/jobsInDefinitions";

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
    const tasks = jobsOf(args.type, props);
    if (tasks === INVALID_DEFINITION) {
      report(`${describe(args)}: the definition is not valid JSON, so its SageMaker tasks cannot be checked.`);
      return;
    }
    for (const task of tasks) {
      for (const req of instanceRequests(task)) checkInstanceRequest(req, config, jobSubject(describe(args), task), report);
    }
  },
});
