/**
 * Instance-type rules: which SageMaker instance types (and how many) a program may
 * use, per use (hosting, training, processing), in endpoint configurations and in
 * every SageMaker task of a Step Functions definition.
 */
import { PolicyConfigSchema, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { HOSTING_INSTANCE_TYPES, PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, isGpuInstance, InstanceUse } from "../facts/instanceTypes";
import { configOf, describe, forTypes, TYPES } from "../lib/resources";
import { instanceRequests, InstanceRequest, INVALID_DEFINITION, jobsOf, jobSubject } from "../lib/sageMakerJobs";

export interface InstanceTypeConfig {
  allowedHostingInstanceTypes: string[];
  allowedTrainingInstanceTypes: string[];
  allowedProcessingInstanceTypes: string[];
  /** GPU families (ml.g*, ml.p*) only when true. */
  allowGpu: boolean;
  /** Largest instance count of one variant or job. */
  maxInstanceCount: number;
}

const typeList = (description: string, defaults: readonly string[]) => ({ type: "array" as const, items: { type: "string" as const }, description, default: [...defaults] });

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedHostingInstanceTypes: typeList("Instance types allowed for endpoint variants and transform jobs", HOSTING_INSTANCE_TYPES),
    allowedTrainingInstanceTypes: typeList("Instance types allowed for training and tuning jobs", TRAINING_INSTANCE_TYPES),
    allowedProcessingInstanceTypes: typeList("Instance types allowed for processing jobs", PROCESSING_INSTANCE_TYPES),
    allowGpu: { type: "boolean" as const, default: false, description: "Allow GPU families (ml.g4dn, ml.g5, ml.p3, ...)" },
    maxInstanceCount: { type: "integer" as const, default: 10, minimum: 1, description: "Largest instance count of one variant or job" },
  },
};

function allowedFor(use: InstanceUse, c: InstanceTypeConfig): string[] {
  return use === "hosting" ? c.allowedHostingInstanceTypes : use === "training" ? c.allowedTrainingInstanceTypes : c.allowedProcessingInstanceTypes;
}

/** Checks one instance pool; `subject` names it in messages. */
export function checkInstanceRequest(req: InstanceRequest, c: InstanceTypeConfig, subject: string, report: ReportViolation): void {
  const key = `allowed${req.use[0].toUpperCase()}${req.use.slice(1)}InstanceTypes`;
  if (req.instanceType === undefined) {
    report(`${subject} ${req.where}: the ${req.use} instance type is set at run time (a JSONPath), so it cannot be checked; write it as a literal.`);
  } else if (!allowedFor(req.use, c).includes(req.instanceType)) {
    report(`${subject} ${req.where}: ${req.use} instance type ${req.instanceType} is not allowed; use one of the policy's ${key} (e.g. ${allowedFor(req.use, c).slice(0, 3).join(", ")}) or add it to ${key}.`);
  } else if (!c.allowGpu && isGpuInstance(req.instanceType)) {
    report(`${subject} ${req.where}: ${req.instanceType} is a GPU instance and GPUs are not allowed here; use a CPU type or set allowGpu: true in the policy config.`);
  }
  if (req.instanceCount !== undefined && req.instanceCount > c.maxInstanceCount) {
    report(`${subject} ${req.where}: ${req.instanceCount} instances exceed maxInstanceCount ${c.maxInstanceCount}; lower the count or raise maxInstanceCount.`);
  }
}

export const endpointInstanceTypes: ResourceValidationPolicy = {
  name: "sagemaker-endpoint-instance-types",
  description: "SageMaker endpoint configuration variants use allowed hosting instance types (GPUs only where allowed) and at most maxInstanceCount instances.",
  enforcementLevel: "mandatory",
  configSchema: CONFIG_SCHEMA,
  validateResource: forTypes(TYPES.endpointConfig, (props, args, report) => {
    const c = configOf<InstanceTypeConfig>(args, CONFIG_SCHEMA);
    for (const v of props.productionVariants ?? []) {
      if (v.serverlessConfig) continue;
      checkInstanceRequest({ use: "hosting", instanceType: v.instanceType, instanceCount: v.initialInstanceCount, where: `variant ${v.variantName}` }, c, describe(args), report);
    }
  }),
};

export const jobInstanceTypes: ResourceValidationPolicy = {
  name: "sagemaker-job-instance-types",
  description:
    "Every SageMaker job uses allowed instance types for its use (training, processing, hosting), written literally, GPUs only where allowed, at most maxInstanceCount: the tasks of Step Functions definitions (createTrainingJob, createProcessingJob, createTransformJob, createHyperParameterTuningJob, createEndpointConfig; .sync or not; optimized or aws-sdk) and native aws:sagemaker TrainingJob resources.",
  enforcementLevel: "mandatory",
  configSchema: CONFIG_SCHEMA,
  validateResource: forTypes([...TYPES.stateMachine, ...TYPES.trainingJob], (props, args, report) => {
    const c = configOf<InstanceTypeConfig>(args, CONFIG_SCHEMA);
    const tasks = jobsOf(args.type, props);
    if (tasks === INVALID_DEFINITION) {
      report(`${describe(args)}: the definition is not valid JSON, so its SageMaker tasks cannot be checked.`);
      return;
    }
    for (const task of tasks) {
      for (const req of instanceRequests(task)) checkInstanceRequest(req, c, jobSubject(describe(args), task), report);
    }
  }),
};

export const instanceTypePolicies = [endpointInstanceTypes, jobInstanceTypes];
