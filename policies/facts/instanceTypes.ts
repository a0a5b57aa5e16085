/**
 * SageMaker instance-type facts shared by the policy pack and the Pulumi program.
 *
 * They live in the policy pack so that the pack stays self-contained when a platform
 * team points `pulumi preview --policy-pack` at this directory from another program;
 * the program imports them from here so that both always agree.
 *
 * Source: the SageMaker API model's enums (ProductionVariantInstanceType,
 * TrainingInstanceType, ProcessingInstanceType), as of 2025-26. The lists cover the
 * general-purpose, compute, memory and GPU families teams actually use; a type missing
 * here is rejected with a message naming the allowed families, not silently accepted.
 */

/** What an instance runs: the three SageMaker APIs accept different type lists. */
export type InstanceUse = "hosting" | "training" | "processing";

const sizes = (family: string, list: string[]): string[] => list.map((s) => `ml.${family}.${s}`);

const M5 = ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"];
const C5 = ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"];
const R5 = ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"];
const G4DN = ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const G5 = ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"];
const P3 = ["2xlarge", "8xlarge", "16xlarge"];
const T3 = ["medium", "large", "xlarge", "2xlarge"];
const T2 = ["medium", "large", "xlarge", "2xlarge"];

/** Valid for CreateEndpointConfig production variants (real-time hosting). */
export const HOSTING_INSTANCE_TYPES: readonly string[] = [
  ...sizes("t2", T2),
  ...sizes("m5", M5),
  ...sizes("m5d", M5),
  ...sizes("c5", C5),
  ...sizes("c5d", C5),
  ...sizes("r5", R5),
  ...sizes("r5d", R5),
  ...sizes("g4dn", G4DN),
  ...sizes("g5", G5),
  ...sizes("p3", P3),
];

/** Valid for CreateTrainingJob / CreateHyperParameterTuningJob resource configs. */
export const TRAINING_INSTANCE_TYPES: readonly string[] = [
  ...sizes("t3", ["medium", "large", "xlarge", "2xlarge"]),
  ...sizes("m5", M5),
  ...sizes("c5", C5),
  ...sizes("c5n", ["xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"]),
  ...sizes("r5", R5),
  ...sizes("g4dn", G4DN),
  ...sizes("g5", G5),
  ...sizes("p3", P3),
  "ml.p3dn.24xlarge",
  "ml.p4d.24xlarge",
];

/** Valid for CreateProcessingJob cluster configs. */
export const PROCESSING_INSTANCE_TYPES: readonly string[] = [
  ...sizes("t3", T3),
  ...sizes("m5", M5),
  ...sizes("c5", C5),
  ...sizes("r5", R5),
  ...sizes("r5d", R5),
  ...sizes("g4dn", G4DN),
  ...sizes("g5", G5),
  ...sizes("p3", P3),
];

/**
 * Valid for CreateTransformJob (batch transform): the hosting types of this list that the
 * API model's TransformInstanceType enum also holds (no t2, no local-NVMe d types, no r5,
 * and no ml.c5.large: the enum's c5 sizes start at xlarge). test/awsApiModel.test.ts checks
 * each against the enum.
 */
export const TRANSFORM_INSTANCE_TYPES: readonly string[] = HOSTING_INSTANCE_TYPES.filter((t) => /^ml\.(m5|c5|g4dn|g5|p3)\./.test(t) && t !== "ml.c5.large");

export const INSTANCE_TYPES_BY_USE: Record<InstanceUse, readonly string[]> = {
  hosting: HOSTING_INSTANCE_TYPES,
  training: TRAINING_INSTANCE_TYPES,
  processing: PROCESSING_INSTANCE_TYPES,
};

/**
 * Families whose instances carry local NVMe instance storage. That storage is
 * encrypted in hardware, and SageMaker rejects a KMS key for it: CreateEndpointConfig
 * fails with `KmsKeyId`, CreateTrainingJob / CreateProcessingJob fail with
 * `VolumeKmsKeyId`. Source: SageMaker API reference, CreateEndpointConfig.KmsKeyId and
 * ResourceConfig.VolumeKmsKeyId ("Certain Nitro-based instances include local storage").
 */
export const LOCAL_NVME_FAMILIES: readonly string[] = [
  "ml.m5d", "ml.c5d", "ml.r5d", "ml.m6id", "ml.c6id", "ml.r6id",
  "ml.g4dn", "ml.g5", "ml.g6", "ml.p3dn", "ml.p4d", "ml.p4de", "ml.p5",
];

/** Families with GPUs (policies allow them only where config says so). */
export const GPU_FAMILIES: readonly string[] = [
  "ml.g4dn", "ml.g5", "ml.g6", "ml.p3", "ml.p3dn", "ml.p4d", "ml.p4de", "ml.p5",
];

/** `ml.m5d.xlarge` → `ml.m5d`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.split(".").slice(0, 2).join(".");
}

/** True when the type has local NVMe storage and so must not be given a KMS volume key. */
export function hasLocalNvmeStorage(instanceType: string): boolean {
  return LOCAL_NVME_FAMILIES.includes(instanceFamily(instanceType));
}

export function isGpuInstance(instanceType: string): boolean {
  return GPU_FAMILIES.includes(instanceFamily(instanceType));
}

/** Families (e.g. `ml.m5`) of a list, for short error messages. */
export function familiesOf(types: readonly string[]): string[] {
  return [...new Set(types.map(instanceFamily))];
}

/**
 * Why a type is not valid for a use, in one sentence, or undefined when it is valid.
 * Names the uses it *is* valid for, because picking a training type for hosting is
 * the most common mistake.
 */
export function instanceTypeProblem(instanceType: string, use: InstanceUse): string | undefined {
  if (INSTANCE_TYPES_BY_USE[use].includes(instanceType)) return undefined;
  const validFor = (Object.keys(INSTANCE_TYPES_BY_USE) as InstanceUse[]).filter((u) =>
    INSTANCE_TYPES_BY_USE[u].includes(instanceType),
  );
  const where = validFor.length > 0 ? ` (it is valid for ${validFor.join(" and ")}, not ${use})` : "";
  const small = use === "hosting" ? "ml.t2.medium" : "ml.t3.medium";
  return (
    `not a SageMaker ${use} instance type${where}; allowed: ${familiesOf(INSTANCE_TYPES_BY_USE[use]).join(", ")} ` +
    `families in their listed sizes (smallest: ${small}; full list in policies/facts/instanceTypes.ts)`
  );
}
