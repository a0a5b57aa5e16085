/**
 * Every rule of the pack, one file each (policies/rules/<rule-name>.ts). Adding a rule:
 * add its file and one line here.
 */
import { Policies } from "@pulumi/policy";
import { PackRule } from "../lib/rule";
import { rule as endpointInstanceTypes } from "./sagemaker-endpoint-instance-types";
import { rule as jobInstanceTypes } from "./sagemaker-job-instance-types";
import { rule as s3BucketProtection } from "./s3-bucket-encryption-and-access";
import { rule as kmsKeyRotation } from "./kms-key-rotation";
import { rule as endpointConfigKms } from "./sagemaker-endpoint-config-kms";
import { rule as jobEncryption } from "./sagemaker-job-encryption";
import { rule as snsTopicKms } from "./sns-topic-kms";
import { rule as logGroupKms } from "./cloudwatch-log-group-kms";
import { rule as lambdaEnvironmentKms } from "./lambda-environment-kms";
import { rule as monthlyCostLimit } from "./monthly-cost-limit";
import { rule as instanceHourlyLimit } from "./instance-hourly-price-limit";
import { rule as stateMachineLoggingTracing } from "./stepfunctions-logging-tracing";
import { rule as iamNoWildcardActions } from "./iam-no-wildcard-actions";
import { rule as iamPassRoleRestricted } from "./iam-passrole-restricted";
import { rule as iamNoManagedFullAccess } from "./iam-no-managed-full-access";
import { rule as iamTrustPolicyRestricted } from "./iam-trust-policy-restricted";
import { rule as sageMakerNetworkIsolation } from "./sagemaker-network-isolation";
import { rule as notebookInstance } from "./sagemaker-notebook-instance";
import { rule as domainKms } from "./sagemaker-domain-kms";
import { rule as monitoringJobEncryption } from "./sagemaker-monitoring-job-encryption";
import { rule as flowDefinitionKms } from "./sagemaker-flow-definition-kms";
import { rule as resourcePolicyNotPublic } from "./resource-policy-not-public";
import { rule as iamScopedResources } from "./iam-scoped-resources";
import { rule as glueJobWorkers } from "./glue-job-workers";
import { rule as glueJobEncryption } from "./glue-job-encryption";
import { rule as crossAccountPrincipals } from "./cross-account-principals";

export const allRules: PackRule[] = [
  endpointInstanceTypes,
  jobInstanceTypes,
  s3BucketProtection,
  kmsKeyRotation,
  endpointConfigKms,
  jobEncryption,
  snsTopicKms,
  logGroupKms,
  lambdaEnvironmentKms,
  monthlyCostLimit,
  instanceHourlyLimit,
  stateMachineLoggingTracing,
  iamNoWildcardActions,
  iamPassRoleRestricted,
  iamNoManagedFullAccess,
  iamTrustPolicyRestricted,
  sageMakerNetworkIsolation,
  notebookInstance,
  domainKms,
  monitoringJobEncryption,
  flowDefinitionKms,
  resourcePolicyNotPublic,
  iamScopedResources,
  glueJobWorkers,
  glueJobEncryption,
  crossAccountPrincipals,
];

export const allPolicies: Policies = allRules.map((r) => r.policy);
