/** What the two instance-type rules share: their knobs and the check of one instance pool. */
import { ReportViolation } from "@pulumi/policy";
import { HOSTING_INSTANCE_TYPES, PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, isGpuInstance, InstanceUse } from "../facts/instanceTypes";
import { InstanceRequest } from "./jobsInDefinitions";
import { knob, KnobValues } from "./rule";

export const INSTANCE_TYPE_KNOBS = {
  allowedHostingInstanceTypes: knob.stringList(HOSTING_INSTANCE_TYPES, "Instance types allowed for endpoint variants and transform jobs", "wider"),
  allowedTrainingInstanceTypes: knob.stringList(TRAINING_INSTANCE_TYPES, "Instance types allowed for training and tuning jobs", "wider"),
  allowedProcessingInstanceTypes: knob.stringList(PROCESSING_INSTANCE_TYPES, "Instance types allowed for processing jobs", "wider"),
  allowGpu: knob.boolean(false, "Allow GPU families (ml.g4dn, ml.g5, ml.p3, ...)", "true"),
  maxInstanceCount: knob.integer(10, "Largest instance count of one variant or job", "higher", 1),
};
export type InstanceTypeConfig = KnobValues<typeof INSTANCE_TYPE_KNOBS>;

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
  if (req.instanceCountAtRunTime) {
    report(`${subject} ${req.where}: the instance count is set at run time (a JSONPath), so maxInstanceCount cannot be checked; write it as a literal.`);
  } else if (req.instanceCount !== undefined && req.instanceCount > c.maxInstanceCount) {
    report(`${subject} ${req.where}: ${req.instanceCount} instances exceed maxInstanceCount ${c.maxInstanceCount}; lower the count or raise maxInstanceCount.`);
  }
}
