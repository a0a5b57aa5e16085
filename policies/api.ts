/**
 * The pack's public interface (`import … from "ml-pipeline-policies"`): the facts its rules
 * judge by, so that a program can refuse the same inputs before it declares anything; the
 * cost estimate the `monthly-cost-limit` rule applies, so that a plan can print it; and the
 * rules' metadata. The PolicyPack itself is the package's `main` (index.ts), which Pulumi
 * runs; importing this module constructs no pack.
 */

// Instance types SageMaker accepts per use, and their families (facts/instanceTypes.ts).
export {
  GPU_FAMILIES,
  HOSTING_INSTANCE_TYPES,
  INSTANCE_TYPES_BY_USE,
  LOCAL_NVME_FAMILIES,
  PROCESSING_INSTANCE_TYPES,
  TRAINING_INSTANCE_TYPES,
  TRANSFORM_INSTANCE_TYPES,
  hasLocalNvmeStorage,
  instanceFamily,
  instanceTypeProblem,
  isGpuInstance,
} from "./facts/instanceTypes";
export type { InstanceUse } from "./facts/instanceTypes";

// EventBridge schedule expressions: validity and runs a month (facts/scheduleExpression.ts).
export { runsPerMonth, scheduleExpressionProblem } from "./facts/scheduleExpression";

// AWS Glue limits and worker types (facts/glue.ts).
export { GLUE_DPUS_PER_WORKER, GLUE_MAX_TIMEOUT_MINUTES, GLUE_MIN_WORKERS, GLUE_SPARK_WORKER_TYPES, GLUE_VERSIONS } from "./facts/glue";
export type { GlueSparkWorkerType } from "./facts/glue";

// The worst-case monthly cost estimate and its prices (cost/).
export { EXPECTED_DURATION_TAG, EXPECTED_INVOCATIONS_TAG, estimateMonthlyCost, hourlyPrice } from "./cost/estimator";
export { COST_DEFAULTS } from "./cost/knobs";
export type { CostOptions } from "./cost/knobs";
export { HOURLY_USD, HOURS_PER_MONTH, REGION_FACTOR, UNLISTED_REGION_FACTOR, regionFactor } from "./cost/prices";
export type { CostEstimate, CostLine, CostResource } from "./cost/types";
export { FIXED_MONTHLY_USD, FREE_TYPES, USAGE_BASED, USAGE_PRICES, costCoverage } from "./cost/coverage";
export type { CostCoverage } from "./cost/coverage";

// The resource types the rules read, and the defaults of a policy's config schema.
export { TYPES } from "./lib/resources";
export { schemaDefaults } from "./lib/policyConfig";

// The rules and their metadata (summary, knobs, counterparts in Checkov and cdk-nag).
export { allPolicies, allRules } from "./rules";
export { counterpartsText } from "./lib/rule";
// Suppressions with a reason (every resource rule's `suppressions` knob): how a suppressed finding is marked, and what covers what.
export { SUPPRESSED_PREFIX, covers, holds, parseSuppressed, todayUtc } from "./lib/suppressions";
export type { Suppression } from "./lib/suppressions";
export type { Counterparts, Knob, Knobs, Loosens, PackRule } from "./lib/rule";
