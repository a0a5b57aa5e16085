/**
 * Parity with Checkov, judged by Checkov's own fixtures: each resource of the Terraform
 * test fixtures of a check this pack claims, translated faithfully to the Pulumi resource
 * (Terraform attribute → the provider's camelCase input, blocks → objects/lists), with
 * the verdict Checkov's own test expects for it. The pack must agree, except where it is
 * deliberately stricter; each such case says why.
 *
 * Source: bridgecrewio/checkov at 03d5fdad8d6154b1565799a7b1fb8070c158866f,
 * tests/terraform/checks/resource/aws/ (and tests/terraform/graph/checks/resources/ for
 * graph checks). Checkov's verdict "unknown" (the check does not apply) must give no finding.
 */
import { strict as assert } from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { allRules } from "../rules";
import { checkResource, checkStack, StackResource } from "./support/check";

type Verdict = "pass" | "fail" | "unknown";
interface Fixture {
  /** The Terraform resource name in Checkov's fixture. */
  name: string;
  props: Record<string, unknown>;
  checkov: Verdict;
  /** Where the pack fails what Checkov passes, on purpose: why. */
  stricter?: string;
}
interface ParityCase {
  check: string;
  /** Fixture file and test, under Checkov's tests/terraform/. */
  source: string;
  rule: string;
  type: string;
  /** Which of the rule's findings is this check's (a rule may check more than one thing). */
  finding: RegExp;
  fixtures: Fixture[];
}

const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
const notebook = { name: "my-notebook-instance", roleArn: "arn:aws:iam::123456789012:role/role", instanceType: "ml.t2.medium", tags: { Name: "foo" } };
const DQ = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition";
const dqBase = {
  roleArn: "arn:aws:iam::123456789012:role/MySageMakerRole",
  dataQualityAppSpecification: { imageUri: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-image:latest" },
  dataQualityJobInput: { endpointInput: { endpointName: "my-endpoint", localPath: "/opt/ml/processing/input" } },
};
const dqOutput = (kms?: string) => ({ monitoringOutputs: { s3Output: { s3Uri: "s3://my-bucket/output", localPath: "/opt/ml/processing/output" } }, ...(kms ? { kmsKeyId: kms } : {}) });
const dqResources = (volumeKms?: string) => ({ clusterConfig: { instanceCount: 1, instanceType: "ml.m5.large", volumeSizeInGb: 20, ...(volumeKms ? { volumeKmsKeyId: volumeKms } : {}) } });
const KEY = "arn:aws:kms:us-west-2:123456789012:key/my-existing-kms-key-id";

const CASES: ParityCase[] = [
  {
    check: "CKV_AWS_22",
    source: "checks/resource/aws/test_SagemakerNotebookEncryption.py",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /not encrypted with a customer-managed key/,
    fixtures: [
      { name: "test_failure", props: { ...notebook }, checkov: "fail" },
      { name: "test_success", props: { ...notebook, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }, checkov: "pass" },
    ],
  },
  {
    check: "CKV_AWS_122",
    source: "checks/resource/aws/test_SageMakerInternetAccessDisabled.py",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /direct internet access/,
    fixtures: [
      { name: "test_failure", props: { ...notebook, directInternetAccess: "Enabled" }, checkov: "fail" },
      { name: "test_success", props: { ...notebook, directInternetAccess: "Disabled" }, checkov: "pass" },
      { name: "test_success2", props: { ...notebook }, checkov: "pass", stricter: "AWS's default for DirectInternetAccess is Enabled (CreateNotebookInstance API), so leaving it out gives the notebook internet access" },
    ],
  },
  {
    check: "CKV_AWS_306",
    source: "checks/resource/aws/example_SagemakerNotebookInCustomVPC/main.tf",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /outside the customer's VPC/,
    fixtures: [
      { name: "fail", props: { ...notebook }, checkov: "fail" },
      { name: "pass", props: { ...notebook, subnetId: "subnet-0123" }, checkov: "pass" },
    ],
  },
  {
    check: "CKV_AWS_307",
    source: "checks/resource/aws/example_SagemakerNotebookRoot/main.tf",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /root access/,
    fixtures: [
      { name: "fail", props: { ...notebook, defaultCodeRepository: "example", rootAccess: "Enabled" }, checkov: "fail" },
      { name: "fail2", props: { ...notebook, defaultCodeRepository: "example" }, checkov: "fail" },
      { name: "pass", props: { ...notebook, subnetId: "subnet-0123", defaultCodeRepository: "example", rootAccess: "Disabled" }, checkov: "pass" },
    ],
  },
  {
    check: "CKV_AWS_371",
    source: "checks/resource/aws/example_SagemakerNotebookInstanceAllowsIMDSv2/main.tf",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /IMDSv1/,
    fixtures: [
      { name: "my_notebook_instance_pass", props: { ...notebook, instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" } }, checkov: "pass" },
      { name: "my_notebook_instance_fail_1", props: { ...notebook, instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "1" } }, checkov: "fail" },
      { name: "my_notebook_instance_fail_2", props: { ...notebook }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_187",
    source: "checks/resource/aws/example_SagemakerDomainEncryptedWithCMK/aws_sagemaker_domain.tf",
    rule: "sagemaker-domain-kms",
    type: "aws:sagemaker/domain:Domain",
    finding: /not encrypted with a customer-managed key/,
    fixtures: [
      { name: "pass", props: { domainName: "example", authMode: "IAM", vpcId: "vpc-1", subnetIds: ["subnet-1"], kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", defaultUserSettings: { executionRole: "arn:aws:iam::123456789012:role/r" } }, checkov: "pass" },
      { name: "fail", props: { domainName: "example", authMode: "IAM", vpcId: "vpc-1", subnetIds: ["subnet-1"], defaultUserSettings: { executionRole: "arn:aws:iam::123456789012:role/r" } }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_187 (notebook instances)",
    source: "checks/resource/aws/example_SagemakerDomainEncryptedWithCMK/aws_sagemaker_notebook_instance.tf",
    rule: "sagemaker-notebook-instance",
    type: NOTEBOOK,
    finding: /not encrypted with a customer-managed key/,
    fixtures: [
      { name: "pass", props: { ...notebook, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }, checkov: "pass" },
      { name: "fail", props: { ...notebook }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_372",
    source: "checks/resource/aws/example_SagemakerFlowDefinitionUsesKMS/main.tf",
    rule: "sagemaker-flow-definition-kms",
    type: "aws:sagemaker/flowDefinition:FlowDefinition",
    finding: /review output is not encrypted/,
    fixtures: [
      { name: "flow_pass", props: { flowDefinitionName: "example", roleArn: "arn:aws:iam::123456789012:role/r", outputConfig: { s3OutputPath: "s3://bucket/", kmsKeyId: "abc" } }, checkov: "pass" },
      { name: "flow_fail", props: { flowDefinitionName: "example", roleArn: "arn:aws:iam::123456789012:role/r", outputConfig: { s3OutputPath: "s3://bucket/" } }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_367",
    source: "checks/resource/aws/example_SagemakerDataQualityJobDefinitionEncryption/main.tf",
    rule: "sagemaker-monitoring-job-encryption",
    type: DQ,
    finding: /monitoring output is not encrypted/,
    fixtures: [
      { name: "data_quality_job_pass", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(KEY), jobResources: dqResources(KEY) }, checkov: "pass" },
      { name: "data_quality_job_fail", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(), jobResources: dqResources(KEY) }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_368",
    source: "checks/resource/aws/example_SagemakerDataQualityJobDefinitionVolumeEncryption/main.tf",
    rule: "sagemaker-monitoring-job-encryption",
    type: DQ,
    finding: /ML volumes are not encrypted/,
    fixtures: [
      { name: "data_quality_job_pass", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(KEY), jobResources: dqResources(KEY) }, checkov: "pass" },
      { name: "data_quality_job_fail_1", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(KEY), jobResources: dqResources() }, checkov: "fail" },
      { name: "data_quality_job_fail_2", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(KEY), jobResources: {} }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_369",
    source: "checks/resource/aws/example_SagemakerDataQualityJobDefinitionTrafficEncryption/main.tf",
    rule: "sagemaker-monitoring-job-encryption",
    type: DQ,
    finding: /enableInterContainerTrafficEncryption/,
    fixtures: [
      { name: "data_quality_job_pass", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(), jobResources: dqResources(), networkConfig: { enableInterContainerTrafficEncryption: true } }, checkov: "pass" },
      { name: "data_quality_job_fail_1", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(), jobResources: dqResources(), networkConfig: { enableInterContainerTrafficEncryption: false } }, checkov: "fail" },
      { name: "data_quality_job_fail_2", props: { ...dqBase, dataQualityJobOutputConfig: dqOutput(), jobResources: dqResources() }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_173",
    source: "checks/resource/aws/example_LambdaEnvironmentEncryptionSettings/main.tf",
    rule: "lambda-environment-kms",
    type: "aws:lambda/function:Function",
    finding: /./,
    fixtures: [
      { name: "fail", props: { name: "f", role: "arn:aws:iam::123456789012:role/r", handler: "index.handler", runtime: "nodejs22.x", environment: { variables: { foo: "bar" } } }, checkov: "fail" },
      { name: "failkmsnovars", props: { name: "f", role: "arn:aws:iam::123456789012:role/r", handler: "index.handler", runtime: "nodejs22.x", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }, checkov: "fail" },
      { name: "ignore", props: { name: "f", role: "arn:aws:iam::123456789012:role/r", handler: "index.handler", runtime: "nodejs22.x" }, checkov: "unknown" },
      { name: "pass", props: { name: "f", role: "arn:aws:iam::123456789012:role/r", handler: "index.handler", runtime: "nodejs22.x", environment: { variables: { foo: "bar" } }, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }, checkov: "pass" },
      { name: "failasempty", props: { name: "f", role: "arn:aws:iam::123456789012:role/r", handler: "index.handler", runtime: "nodejs22.x", kmsKeyArn: "" }, checkov: "fail" },
    ],
  },
];


const SFN = "aws:sfn/stateMachine:StateMachine";
/** The fixtures' definition: one Lambda task (the function's ARN stands in for `${aws_lambda_function.lambda.arn}`). */
const helloWorld = JSON.stringify({ StartAt: "HelloWorld", States: { HelloWorld: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:lambda", End: true } } });
const LOG_DESTINATION = "arn:aws:logs:us-east-1:123456789012:log-group:log_group_for_sfn:*";

CASES.push(
  {
    check: "CKV_AWS_7",
    source: "checks/resource/aws/example_KMSRotation/main.tf",
    rule: "kms-key-rotation",
    type: "aws:kms/key:Key",
    finding: /does not rotate/,
    fixtures: [
      { name: "pass1", props: { description: "KMS key 1", deletionWindowInDays: 10, enableKeyRotation: true }, checkov: "pass" },
      { name: "pass2", props: { description: "KMS key 1", deletionWindowInDays: 10, customerMasterKeySpec: "SYMMETRIC_DEFAULT", enableKeyRotation: true }, checkov: "pass" },
      { name: "unknown1", props: { description: "KMS key 1", deletionWindowInDays: 10, customerMasterKeySpec: "RSA_2048" }, checkov: "unknown" },
      { name: "unknown2", props: { description: "KMS key 1", deletionWindowInDays: 10, customerMasterKeySpec: "RSA_4096" }, checkov: "unknown" },
      { name: "fail1", props: { description: "KMS key 1", deletionWindowInDays: 10 }, checkov: "fail" },
      { name: "fail2", props: { description: "KMS key 1", deletionWindowInDays: 10, enableKeyRotation: false }, checkov: "fail" },
      { name: "fail3", props: { description: "KMS key 1", deletionWindowInDays: 10, customerMasterKeySpec: "SYMMETRIC_DEFAULT", enableKeyRotation: false }, checkov: "fail" },
      { name: "fail4", props: { description: "KMS key 1", deletionWindowInDays: 10, customerMasterKeySpec: "SYMMETRIC_DEFAULT" }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_26",
    source: "checks/resource/aws/example_SNSTopicEncryption/main.tf",
    rule: "sns-topic-kms",
    type: "aws:sns/topic:Topic",
    finding: /./,
    fixtures: [
      { name: "enabled", props: { name: "example", kmsMasterKeyId: "aws_kms_key.arn" }, checkov: "pass" },
      { name: "default", props: { name: "example" }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_158",
    source: "checks/resource/aws/example_CloudWatchLogGroupKMSKey/main.tf",
    rule: "cloudwatch-log-group-kms",
    type: "aws:cloudwatch/logGroup:LogGroup",
    finding: /not encrypted with KMS/,
    fixtures: [
      { name: "pass", props: { retentionInDays: 1, kmsKeyId: "someKey" }, checkov: "pass" },
      { name: "fail", props: { retentionInDays: 1 }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_66",
    source: "checks/resource/aws/example_CloudWatchLogGroupRetention/main.tf",
    rule: "cloudwatch-log-group-kms",
    type: "aws:cloudwatch/logGroup:LogGroup",
    finding: /keeps logs forever/,
    fixtures: [
      { name: "pass", props: { retentionInDays: 3 }, checkov: "pass" },
      { name: "fail", props: {}, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_284",
    source: "checks/resource/aws/example_StateMachineXray/main.tf",
    rule: "stepfunctions-logging-tracing",
    type: SFN,
    finding: /is not traced/,
    fixtures: [
      { name: "XrayEnabled", props: { name: "XrayEnabled", roleArn: "example", definition: helloWorld, tracingConfiguration: { enabled: true } }, checkov: "pass" },
      { name: "XrayDisabled", props: { name: "XrayDisabled", roleArn: "example", definition: helloWorld, tracingConfiguration: { enabled: false } }, checkov: "fail" },
      { name: "XrayDefault", props: { name: "XrayDisabled", roleArn: "example", definition: helloWorld }, checkov: "fail" },
    ],
  },
  {
    check: "CKV_AWS_285",
    source: "checks/resource/aws/example_StateMachineLoggingExecutionHistory/main.tf",
    rule: "stepfunctions-logging-tracing",
    type: SFN,
    // No logging configuration at all is reported as level OFF (which also means no execution history).
    finding: /without execution data|logs at level OFF/,
    fixtures: [
      { name: "StateMachineLoggingExecutionHistoryEnabled", props: { name: "m", roleArn: "example1", definition: helloWorld, loggingConfiguration: { logDestination: LOG_DESTINATION, includeExecutionData: true, level: "ERROR" } }, checkov: "pass" },
      { name: "StateMachineLoggingExecutionHistoryDisabled", props: { name: "m", roleArn: "example2", definition: helloWorld, loggingConfiguration: { logDestination: LOG_DESTINATION, includeExecutionData: false, level: "ERROR" } }, checkov: "fail" },
      { name: "StateMachineLoggingExecutionHistoryDefault", props: { name: "m", roleArn: "example3", definition: helloWorld }, checkov: "fail" },
    ],
  },
);


const ROLE = "aws:iam/role:Role";
const trust = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const assume = (principal: unknown, effect = "Allow") => ({ Action: "sts:AssumeRole", Principal: principal, Effect: effect, Sid: "" });
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

CASES.push(
  {
    check: "CKV_AWS_60",
    source: "checks/resource/aws/test_IAMRoleAllowsPublicAssume.py",
    rule: "iam-trust-policy-restricted",
    type: ROLE,
    finding: /lets anyone assume the role/,
    fixtures: [
      { name: "test_failure", props: { assumeRolePolicy: trust(assume({ Service: "lambda.amazonaws.com" }), assume({ AWS: "*" }), assume({ Service: "events.amazonaws.com" })) }, checkov: "fail" },
      { name: "test_failure_array", props: { assumeRolePolicy: trust(assume({ Service: "lambda.amazonaws.com" }), assume({ AWS: ["*"] }), assume({ Service: "events.amazonaws.com" })) }, checkov: "fail" },
      { name: "test_success", props: { assumeRolePolicy: trust(assume({ Service: "lambda.amazonaws.com" })) }, checkov: "pass" },
      { name: "test_success_deny", props: { assumeRolePolicy: trust(assume({ AWS: "*" }, "Deny")) }, checkov: "pass" },
      { name: "test_empty_iam_policy", props: { assumeRolePolicy: "" }, checkov: "pass" },
    ],
  },
  {
    check: "CKV_AWS_61",
    source: "checks/resource/aws/example_IAMRoleAllowAssumeFromAccount/main.tf",
    rule: "iam-trust-policy-restricted",
    type: ROLE,
    finding: /lets every principal of account/,
    fixtures: [
      { name: "fail", props: { name: "fail-default", assumeRolePolicy: trust(assume({ AWS: "123123123123" })) }, checkov: "fail" },
      { name: "fail2", props: { name: "fail-default", assumeRolePolicy: trust(assume({ AWS: "arn:aws:iam::123123123123:root" })) }, checkov: "fail" },
      { name: "fail3", props: { name: "fail-default", assumeRolePolicy: trust(assume({ AWS: ["arn:aws:iam::123456789012:role/role-name", "123456789012"] })) }, checkov: "fail" },
      { name: "fail4", props: { name: "fail-default", assumeRolePolicy: trust(assume({ AWS: ["arn:aws:iam::123456789012:role/role-name"] }), assume({ AWS: ["123456789012"] })) }, checkov: "fail" },
      { name: "pass", props: { name: "pass-default", assumeRolePolicy: trust(assume({ Service: "ecs-tasks.amazonaws.com" })) }, checkov: "pass" },
      { name: "pass2", props: { name: "pass2-default", assumeRolePolicy: "" }, checkov: "pass" },
      { name: "pass3", props: { name: "fail-default", assumeRolePolicy: trust(assume({ AWS: ["123456789012"] }, "Deny"), assume({ AWS: ["arn:aws:iam::123456789012:role/role-name"] })) }, checkov: "pass" },
    ],
  },
  ...([
    ["aws:iam/role:Role", { managedPolicyArns: [ADMIN] }, { managedPolicyArns: [READ_ONLY] }],
    ["aws:iam/policyAttachment:PolicyAttachment", { policyArn: ADMIN }, { policyArn: READ_ONLY }],
    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: ADMIN }, { policyArn: READ_ONLY }],
    ["aws:iam/userPolicyAttachment:UserPolicyAttachment", { policyArn: ADMIN }, { policyArn: READ_ONLY }],
    ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", { policyArn: ADMIN }, { policyArn: READ_ONLY }],
    ["aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", { managedPolicyArn: ADMIN }, { managedPolicyArn: "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess" }],
  ] as [string, Record<string, unknown>, Record<string, unknown>][]).map(([type, fail, pass], i): ParityCase => ({
    check: "CKV_AWS_274",
    source: `checks/resource/aws/example_IAMManagedAdminPolicy/IAMManagedAdminPolicy.tf (fail${i + 1}, pass${i + 1})`,
    rule: "iam-no-managed-full-access",
    type,
    finding: /AdministratorAccess/,
    fixtures: [
      { name: `fail${i + 1}`, props: fail, checkov: "fail" },
      { name: `pass${i + 1}`, props: pass, checkov: "pass" },
    ],
  })),
);

CASES.push({
  check: "CKV_AWS_63",
  source: "checks/resource/aws/test_IAMStarActionPolicyDocument.py",
  rule: "iam-no-wildcard-actions",
  type: "aws:iam/policy:Policy",
  finding: /allows \*|allows [a-z0-9-]+:\*/i,
  fixtures: [
    { name: "test_success", props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: ["ec2:Describe*"], Effect: "Allow", Resource: "abc*" }] }) }, checkov: "pass" },
    {
      name: "test_success_service_star",
      props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: "ec2:*", Effect: "Allow", Resource: "abc*" }] }) },
      checkov: "pass",
      stricter: "a whole service (`ec2:*`) is a wildcard too (cdk-nag AwsSolutions-IAM5 flags it as well)",
    },
    { name: "test_failure", props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: ["*"], Effect: "Allow", Resource: "abc*" }] }) }, checkov: "fail" },
    {
      name: "test_failure_multiple_statements",
      props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }, { Sid: "ALL", Effect: "Allow", Action: ["*"], Resource: ["arn:aws:s3:::my-resource"] }] }) },
      checkov: "fail",
    },
  ],
});

/** CKV_AWS_20 (graph check S3PublicACLRead): buckets with their BucketAcl, one stack, verdict per bucket. */
const S3_ACL: { name: string; bucket: Record<string, unknown>; acl?: Record<string, unknown>; checkov: Verdict; note?: string }[] = [
  { name: "private_acl", bucket: { bucket: "example", acl: "private" }, checkov: "pass" },
  { name: "no_acl", bucket: { bucket: "example_no_acl" }, checkov: "pass" },
  { name: "public_read", bucket: { bucket: "example", acl: "public-read" }, checkov: "fail", note: "Checkov's expected.yaml lists public_read under pass as well (a second fixture of the same name in same_resource_name/); the main fixture fails" },
  { name: "public_read_write", bucket: { bucket: "example", acl: "public-read-write" }, checkov: "fail" },
  { name: "website", bucket: { bucket: "example", acl: "website" }, checkov: "fail" },
  { name: "authenticated_read", bucket: { bucket: "example", acl: "authenticated-read" }, checkov: "fail" },
  { name: "private_acl_v4", bucket: { bucket: "example" }, acl: { acl: "private" }, checkov: "pass" },
  { name: "no_grant", bucket: { bucket: "example" }, acl: { accessControlPolicy: { owner: { id: "owner" } } }, checkov: "pass" },
  { name: "grant_onwer", bucket: { bucket: "example" }, acl: { accessControlPolicy: { owner: { id: "owner" }, grants: [{ grantee: { id: "owner", type: "CanonicalUser" }, permission: "READ" }] } }, checkov: "pass" },
  { name: "public_read_v4", bucket: { bucket: "example" }, acl: { acl: "public-read" }, checkov: "fail" },
  { name: "public_read_write_v4", bucket: { bucket: "example" }, acl: { acl: "public-read-write" }, checkov: "fail" },
  { name: "website_v4", bucket: { bucket: "example" }, acl: { acl: "website" }, checkov: "fail" },
  { name: "authenticated_read_v4", bucket: { bucket: "example" }, acl: { acl: "authenticated-read" }, checkov: "fail" },
  {
    name: "grant_public_read_all",
    bucket: { bucket: "example" },
    acl: { accessControlPolicy: { owner: { id: "owner" }, grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }] } },
    checkov: "fail",
  },
];

const rulePolicy = (name: string) => {
  const rule = allRules.find((r) => r.policy.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
};

describe("parity with Checkov's own fixtures", () => {
  for (const c of CASES) {
    it(`${c.check} (${c.source}) → ${c.rule}`, () => {
      const rule = rulePolicy(c.rule);
      assert.ok(rule.counterparts.checkov?.includes(c.check.split(" ")[0]), `${c.rule} lists ${c.check} as a counterpart`);
      const misses: string[] = [];
      for (const f of c.fixtures) {
        const found = checkResource(rule.policy as ResourceValidationPolicy, { type: c.type, name: f.name, props: f.props }).some((m) => c.finding.test(m));
        const expected = f.checkov === "fail" || f.stricter !== undefined;
        if (found !== expected) misses.push(`${f.name}: Checkov ${f.checkov}, pack ${found ? "fail" : "pass"}`);
      }
      assert.deepEqual(misses, []);
    });
  }

  it("CKV_AWS_20 (graph/checks/resources/S3PublicACLRead) → s3-bucket-encryption-and-access", () => {
    const rule = rulePolicy("s3-bucket-encryption-and-access");
    assert.ok(rule.counterparts.checkov?.includes("CKV_AWS_20"));
    const resources: StackResource[] = S3_ACL.flatMap((f) => {
      const bucketUrn = `urn:pulumi:test::parity::aws:s3/bucket:Bucket::${f.name}`;
      const out: StackResource[] = [{ type: "aws:s3/bucket:Bucket", name: f.name, urn: bucketUrn, props: f.bucket }];
      if (f.acl) out.push({ type: "aws:s3/bucketAcl:BucketAcl", name: `${f.name}-acl`, urn: `${bucketUrn}-acl`, props: { bucket: "example", ...f.acl }, propertyDependencies: { bucket: [bucketUrn] } });
      return out;
    });
    const findings = checkStack(rule.policy as StackValidationPolicy, resources).filter((v) => /through its ACL/.test(v.message));
    const failed = new Set(findings.map((v) => v.urn?.split("::").pop()));
    const misses = S3_ACL.filter((f) => failed.has(f.name) !== (f.checkov === "fail")).map((f) => `${f.name}: Checkov ${f.checkov}`);
    assert.deepEqual(misses, []);
  });
  /** A stack of buckets, each with the sub-resources its fixture wires to it by reference (`aws_s3_bucket.x.id` → a property dependency). */
  interface BucketFixture {
    name: string;
    bucket: Record<string, unknown>;
    subs?: { type: string; props: Record<string, unknown> }[];
    checkov: Verdict;
    stricter?: string;
  }
  function s3Parity(check: string, finding: RegExp, fixtures: BucketFixture[], knobs: Record<string, unknown> = {}): string[] {
    const rule = rulePolicy("s3-bucket-encryption-and-access");
    assert.ok(rule.counterparts.checkov?.includes(check), `the S3 rule lists ${check}`);
    const resources: StackResource[] = fixtures.flatMap((f) => {
      const urn = `urn:pulumi:test::parity::aws:s3/bucket:Bucket::${f.name}`;
      return [
        { type: "aws:s3/bucket:Bucket", name: f.name, urn, props: f.bucket },
        ...(f.subs ?? []).map((sub, i) => ({ type: sub.type, name: `${f.name}-${i}`, urn: `${urn}-${i}`, props: { bucket: f.bucket.bucket, ...sub.props }, propertyDependencies: { bucket: [urn] } })),
      ];
    });
    const failed = new Set(checkStack(rule.policy as StackValidationPolicy, resources, knobs).filter((v) => finding.test(v.message)).map((v) => v.urn?.split("::").pop()));
    return fixtures.filter((f) => failed.has(f.name) !== (f.checkov === "fail" || f.stricter !== undefined)).map((f) => `${f.name}: Checkov ${f.checkov}, pack ${failed.has(f.name) ? "fail" : "pass"}`);
  }
  const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
  const sse = (algorithm?: string, key?: string) => ({ rules: [{ applyServerSideEncryptionByDefault: { ...(algorithm ? { sseAlgorithm: algorithm } : {}), ...(key ? { kmsMasterKeyId: key } : {}) } }] });
  const inline = (algorithm: string, key?: string) => ({ serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: algorithm, ...(key ? { kmsMasterKeyId: key } : {}) } } } });
  const MYKEY = "arn:aws:kms:us-east-1:123456789012:key/mykey";
  const CUSTOMER_KEY = "the pack requires SSE-KMS with a customer-managed key (policies/README.md, s3-bucket-encryption-and-access); Checkov accepts SSE-S3 (AES256) and S3's default encryption";

  it("CKV_AWS_19 (graph/checks/resources/S3BucketEncryption) → s3-bucket-encryption-and-access", () => {
    const misses = s3Parity("CKV_AWS_19", /no SSE-KMS default encryption|AWS-managed key/, [
      { name: "bucket_good_1", bucket: { bucket: "bucket_good" }, subs: [{ type: SSE, props: sse("aws:kms", MYKEY) }], checkov: "pass" },
      { name: "bucket_good_2", bucket: { bucket: "bucket_good" }, subs: [{ type: SSE, props: sse("AES256", MYKEY) }], checkov: "pass", stricter: CUSTOMER_KEY },
      { name: "bucket_good_3", bucket: { bucket: "bucket_good", ...inline("aws:kms", MYKEY) }, checkov: "pass" },
      { name: "bucket_good_5", bucket: { bucket: "bucket_good", ...inline("AES256") }, checkov: "pass", stricter: CUSTOMER_KEY },
      { name: "bucket_good_6", bucket: { bucket: "bucket_good" }, subs: [{ type: SSE, props: sse("aws:kms") }], checkov: "pass", stricter: "SSE-KMS without kmsMasterKeyId uses the AWS-managed aws/s3 key, not a customer key" },
      { name: "default_encryption_bucket", bucket: { bucket: "default_encryption_bucket" }, checkov: "pass", stricter: CUSTOMER_KEY },
      { name: "bucket_bad_2", bucket: { bucket: "bucket_bad_2", ...inline("metallica", MYKEY) }, checkov: "fail" },
      { name: "bucket_bad_3", bucket: { bucket: "bucket_bad_3" }, subs: [{ type: SSE, props: sse("iron maiden", MYKEY) }], checkov: "fail" },
      { name: "bucket_bad_4", bucket: { bucket: "bucket_bad_4" }, subs: [{ type: SSE, props: sse(undefined, MYKEY) }], checkov: "fail" },
      { name: "bucket_bad_5", bucket: { bucket: "bucket_good", ...inline("jack daniels") }, checkov: "fail" },
      { name: "bucket_bad_6", bucket: { bucket: "bucket_bad_6" }, subs: [{ type: SSE, props: sse("johnnie walker") }], checkov: "fail" },
    ]);
    assert.deepEqual(misses, []);
  });

  it("CKV_AWS_145 (graph/checks/resources/S3KMSEncryptedByDefault) → s3-bucket-encryption-and-access", () => {
    const misses = s3Parity("CKV_AWS_145", /no SSE-KMS default encryption|AWS-managed key/, [
      { name: "bucket_good_1", bucket: { bucket: "bucket_good" }, subs: [{ type: SSE, props: sse("aws:kms", MYKEY) }], checkov: "pass" },
      { name: "bucket_good_3", bucket: { bucket: "bucket_good", ...inline("aws:kms", MYKEY) }, checkov: "pass" },
      { name: "bucket_good_6", bucket: { bucket: "bucket_good" }, subs: [{ type: SSE, props: sse("aws:kms") }], checkov: "pass", stricter: "SSE-KMS without kmsMasterKeyId uses the AWS-managed aws/s3 key, not a customer key" },
      { name: "bucket_bad_1", bucket: { bucket: "bucket_bad_1" }, checkov: "fail" },
      { name: "bucket_bad_2", bucket: { bucket: "bucket_bad_2", ...inline("metallica", MYKEY) }, checkov: "fail" },
      { name: "bucket_bad_3", bucket: { bucket: "bucket_bad_3" }, subs: [{ type: SSE, props: sse("iron maiden", MYKEY) }], checkov: "fail" },
      { name: "bucket_bad_4", bucket: { bucket: "bucket_bad_4" }, subs: [{ type: SSE, props: sse(undefined, MYKEY) }], checkov: "fail" },
      { name: "bucket_bad_5", bucket: { bucket: "bucket_good", ...inline("jack daniels") }, checkov: "fail" },
      { name: "bucket_bad_6", bucket: { bucket: "bucket_bad_6" }, subs: [{ type: SSE, props: sse("johnnie walker") }], checkov: "fail" },
    ]);
    assert.deepEqual(misses, []);
  });

  it("CKV_AWS_21 (graph/checks/resources/S3BucketVersioning) → s3-bucket-encryption-and-access", () => {
    const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
    const misses = s3Parity("CKV_AWS_21", /is not versioned/, [
      { name: "enabled", bucket: { bucket: "example", versioning: { enabled: true } }, checkov: "pass" },
      { name: "enabled_var", bucket: { bucket: "example", versioning: { enabled: true } }, checkov: "pass" }, // var.versioning_enabled defaults to true
      { name: "default", bucket: { bucket: "example" }, checkov: "fail" },
      { name: "disabled", bucket: { bucket: "example", versioning: { enabled: false } }, checkov: "fail" },
      { name: "enabled_v4", bucket: { bucket: "example" }, subs: [{ type: VERSIONING, props: { versioningConfiguration: { status: "Enabled" } } }], checkov: "pass" },
      { name: "disabled_v4", bucket: { bucket: "example" }, subs: [{ type: VERSIONING, props: { versioningConfiguration: { status: "Suspended" } } }], checkov: "fail" },
    ]);
    assert.deepEqual(misses, []);
  });

  it("CKV_AWS_18 (graph/checks/resources/S3BucketLogging), with requireAccessLogging on → s3-bucket-encryption-and-access", () => {
    const misses = s3Parity(
      "CKV_AWS_18",
      /no server access logging/,
      [
        { name: "bucket_good_1", bucket: { bucket: "bucket_good" }, subs: [{ type: "aws:s3/bucketLogging:BucketLogging", props: { targetBucket: "log_bucket", targetPrefix: "log/" } }], checkov: "pass" },
        { name: "bucket_good_2", bucket: { bucket: "bucket_good", logging: { targetBucket: "log_bucket", targetPrefix: "log/" } }, checkov: "pass" },
        { name: "bucket_bad_1", bucket: { bucket: "bucket_bad_1" }, checkov: "fail" },
      ],
      { requireAccessLogging: true },
    );
    assert.deepEqual(misses, []);
  });

  it("CKV_AWS_53/54/55/56 (checks/resource/aws/test_S3{BlockPublicACLs,BlockPublicPolicy,IgnorePublicACLs,RestrictPublicBuckets}.py) → s3-bucket-encryption-and-access", () => {
    const rule = rulePolicy("s3-bucket-encryption-and-access");
    const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    const misses: string[] = [];
    settings.forEach((setting, i) => {
      assert.ok(rule.counterparts.checkov?.includes(`CKV_AWS_${53 + i}`));
      for (const value of [false, true]) {
        // Checkov's test_failure sets this one setting false and the other three true; test_success all four true.
        const pab = Object.fromEntries(settings.map((s) => [s, s === setting ? value : true]));
        const bucketUrn = "urn:pulumi:test::parity::aws:s3/bucket:Bucket::foo";
        const v = checkStack(rule.policy as StackValidationPolicy, [
          { type: "aws:s3/bucket:Bucket", name: "foo", urn: bucketUrn, props: { bucket: "foo" } },
          { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "foo-pab", urn: `${bucketUrn}-pab`, props: { bucket: "foo", ...pab }, propertyDependencies: { bucket: [bucketUrn] } },
        ]).filter((x) => x.message.includes(`does not set ${setting}`));
        if ((v.length > 0) !== !value) misses.push(`${setting} = ${value}: Checkov ${value ? "pass" : "fail"}, pack ${v.length > 0 ? "fail" : "pass"}`);
      }
    });
    assert.deepEqual(misses, []);
  });
});

describe("new SageMaker resources are costed", () => {
  it("a notebook instance counts a full month at its hourly price, and an expensive one trips the hourly ceiling", () => {
    const hourly = allRules.find((r) => r.policy.name === "instance-hourly-price-limit")!.policy as ResourceValidationPolicy;
    assert.match(checkResource(hourly, { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", props: { instanceType: "ml.p3.2xlarge" } }, { maxHourlyUsd: 1 }).join(), /ml.p3.2xlarge costs about \$3.825\/hour/);
    const monthly = allRules.find((r) => r.policy.name === "monthly-cost-limit")!.policy as StackValidationPolicy;
    const v = checkStack(monthly, [{ type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", urn: "urn:nb", props: { instanceType: "ml.m5.xlarge" } }], { maxMonthlyUsd: 100 });
    assert.match(v.map((x) => x.message).join(), /exceeds maxMonthlyUsd \$100.*ml.m5.xlarge notebook × 730 h/);
  });
});

/**
 * Parity with cdk-nag, by its own tests (cdklabs/cdk-nag at 03430b294b6f, test/rules/SageMaker.test.ts):
 * each compliant and non-compliant CloudFormation resource translated to the Pulumi resource.
 */
describe("parity with cdk-nag's own tests", () => {
  const notebookRole = "arn:aws:iam::123456789012:role/rNotebookRole";
  const cases: { rule: string; id: string; type: string; finding: RegExp; nonCompliant: Record<string, unknown>; compliant: Record<string, unknown> }[] = [
    { rule: "sagemaker-notebook-instance", id: "AwsSolutions-SM1", type: "aws:sagemaker/notebookInstance:NotebookInstance", finding: /outside the customer's VPC/, nonCompliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole }, compliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole, subnetId: "subnet-0bb1c79de3EXAMPLE" } },
    { rule: "sagemaker-notebook-instance", id: "AwsSolutions-SM2", type: "aws:sagemaker/notebookInstance:NotebookInstance", finding: /not encrypted with a customer-managed key/, nonCompliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole }, compliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole, kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } },
    { rule: "sagemaker-notebook-instance", id: "AwsSolutions-SM3", type: "aws:sagemaker/notebookInstance:NotebookInstance", finding: /direct internet access/, nonCompliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole }, compliant: { instanceType: "ml.t3.xlarge", roleArn: notebookRole, subnetId: "subnet-0bb1c79de3EXAMPLE", directInternetAccess: "Disabled" } },
    { rule: "sagemaker-endpoint-config-kms", id: "SageMakerEndpointConfigurationKMSKeyConfigured", type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", finding: /no kmsKeyArn/, nonCompliant: { productionVariants: [] }, compliant: { productionVariants: [], kmsKeyArn: "somecoolIDkey" } },
  ];
  for (const c of cases) {
    it(`${c.id} → ${c.rule}`, () => {
      const rule = rulePolicy(c.rule);
      assert.ok(rule.counterparts.cdkNag?.includes(c.id), `${c.rule} lists ${c.id}`);
      const finds = (props: Record<string, unknown>) => checkResource(rule.policy as ResourceValidationPolicy, { type: c.type, name: "rNotebook", props }).some((m) => c.finding.test(m));
      assert.equal(finds(c.nonCompliant), true, "non-compliant is reported");
      assert.equal(finds(c.compliant), false, "compliant passes");
    });
  }
});

describe("Model Monitor jobs and notebooks: instance types and cost", () => {
  const DQ_TYPE = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition";
  it("a data-quality job definition's instance type is a processing type within the limits; GPU notebooks need allowGpu", () => {
    const types = rulePolicy("sagemaker-job-instance-types").policy as ResourceValidationPolicy;
    const dq = (instanceType: string, instanceCount: number) => checkResource(types, { type: DQ_TYPE, name: "dq", props: { jobResources: { clusterConfig: { instanceType, instanceCount, volumeSizeInGb: 20 } } } }, { maxInstanceCount: 2 });
    assert.deepEqual(dq("ml.m5.large", 1), []);
    assert.match(dq("ml.m5.large", 4).join(), /4 instances exceed maxInstanceCount 2/);
    assert.match(dq("ml.t2.medium", 1).join(), /processing instance type ml.t2.medium is not allowed/);
    assert.match(checkResource(types, { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", props: { instanceType: "ml.g5.xlarge" } }).join(), /GPU instance/);
  });

  it("a scheduled data-quality job costs its runs × max runtime; an unscheduled one nothing", () => {
    const monthly = rulePolicy("monthly-cost-limit").policy as StackValidationPolicy;
    const dqJob = { type: DQ_TYPE, name: "dq", urn: "urn:dq", props: { name: "dq", jobResources: { clusterConfig: { instanceType: "ml.m5.xlarge", instanceCount: 1 } }, stoppingCondition: { maxRuntimeInSeconds: 3600 } } };
    const hourlySchedule = { type: "aws:sagemaker/monitoringSchedule:MonitoringSchedule", name: "ms", urn: "urn:ms", props: { monitoringScheduleConfig: { monitoringJobDefinitionName: "dq", monitoringType: "DataQuality", scheduleConfig: { scheduleExpression: "cron(0 * ? * * *)" } } } };
    const v = checkStack(monthly, [dqJob, hourlySchedule], { maxMonthlyUsd: 100 });
    assert.match(v.map((x) => x.message).join(), /exceeds maxMonthlyUsd \$100.*monitoring runs × 1 × ml.m5.xlarge × 1 h max/);
    assert.deepEqual(checkStack(monthly, [dqJob], { maxMonthlyUsd: 1 }), []);
  });
});

/**
 * Glue, by Checkov's own fixtures: CKV_AWS_99 (tests/terraform/checks/resource/aws/
 * test_GlueSecurityConfiguration.py) and CKV_AWS_195 (example_GlueSecurityConfigurationEnabled/main.tf).
 */
describe("parity with Checkov's own fixtures: Glue", () => {
  const rule = rulePolicy("glue-job-encryption");
  const SEC = "aws:glue/securityConfiguration:SecurityConfiguration";
  const KMS = "arn:aws:kms:us-east-1:123456789012:key/example";
  const failing = (resources: StackResource[]) => new Set(checkStack(rule.policy as StackValidationPolicy, resources).map((v) => v.urn));

  it("CKV_AWS_99 → glue-job-encryption: the fixture Checkov fails fails, the one it passes passes", () => {
    assert.ok(rule.counterparts.checkov?.includes("CKV_AWS_99"));
    const config = (name: string, encryptionConfiguration: Record<string, unknown>): StackResource => ({ type: SEC, name, urn: `urn:${name}`, props: { name: "example", encryptionConfiguration } });
    const testFailure = config("test_failure", {
      cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" },
      s3Encryption: { kmsKeyArn: KMS, s3EncryptionMode: "SSE-KMS" },
    });
    const testSuccess = config("test_success", {
      cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KMS },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KMS },
      s3Encryption: { kmsKeyArn: KMS, s3EncryptionMode: "SSE-KMS" },
    });
    assert.ok(failing([testFailure]).has("urn:test_failure"));
    assert.equal(failing([testSuccess]).size, 0);
  });

  it("CKV_AWS_195 → glue-job-encryption: crawlers, dev endpoints and jobs without a configuration fail", () => {
    assert.ok(rule.counterparts.checkov?.includes("CKV_AWS_195"));
    const component = (type: string, name: string, props: Record<string, unknown>): StackResource => ({ type, name, urn: `urn:${name}`, props });
    const crawler = { databaseName: "aws_glue_catalog_database.example.name", name: "example", role: "aws_iam_role.example.arn" };
    const devEndpoint = { name: "example", roleArn: "aws_iam_role.example.arn" };
    const job = { name: "example", roleArn: "aws_iam_role.example.arn", command: { scriptLocation: "s3://aws_s3_bucket.example.bucket/example.py" } };
    // The fixture quotes the reference, so HCL reads it as a literal name.
    const secName = "aws_glue_security_configuration.example.name";
    const fixtures: { resource: StackResource; checkov: Verdict; stricter?: string }[] = [
      { resource: component("aws:glue/crawler:Crawler", "crawler.default", crawler), checkov: "fail" },
      { resource: component("aws:glue/devEndpoint:DevEndpoint", "dev_endpoint.default", devEndpoint), checkov: "fail" },
      { resource: component("aws:glue/job:Job", "job.default", job), checkov: "fail" },
      ...[
        component("aws:glue/crawler:Crawler", "crawler.enabled", { ...crawler, securityConfiguration: secName }),
        component("aws:glue/devEndpoint:DevEndpoint", "dev_endpoint.enabled", { ...devEndpoint, securityConfiguration: secName }),
        component("aws:glue/job:Job", "job.enabled", { ...job, securityConfiguration: secName }),
      ].map((resource) => ({ resource, checkov: "pass" as Verdict, stricter: "the named configuration is not in the fixture, so its encryption cannot be checked; the pack asks for it to be declared in the stack" })),
    ];
    const failed = failing(fixtures.map((f) => f.resource));
    const misses = fixtures.filter((f) => failed.has(f.resource.urn) !== (f.checkov === "fail" || f.stricter !== undefined)).map((f) => f.resource.name);
    assert.deepEqual(misses, []);
    // Declared and compliant, the "enabled" components pass.
    const declared: StackResource = {
      type: SEC,
      name: "example",
      urn: "urn:example",
      props: {
        name: secName,
        encryptionConfiguration: {
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KMS },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KMS },
          s3Encryption: { kmsKeyArn: KMS, s3EncryptionMode: "SSE-KMS" },
        },
      },
    };
    assert.equal(failing([declared, ...fixtures.filter((f) => f.checkov === "pass").map((f) => f.resource)]).size, 0);
  });
});

/**
 * Glue, by cdk-nag's own tests (cdklabs/cdk-nag at 34b3deed7d38, test/rules/Glue.test.ts):
 * GlueEncryptedCloudWatchLogs (AwsSolutions-GL1) and GlueJobBookmarkEncrypted
 * (AwsSolutions-GL3). `CfnSecurityConfiguration.ref` is the configuration's name.
 */
describe("parity with cdk-nag's own tests: Glue", () => {
  const rule = rulePolicy("glue-job-encryption");
  const SEC = "aws:glue/securityConfiguration:SecurityConfiguration";
  const JOB = "aws:glue/job:Job";
  const CRAWLER = "aws:glue/crawler:Crawler";
  const r = (type: string, name: string, props: Record<string, unknown>): StackResource => ({ type, name, urn: `urn:${name}`, props });
  const fails = (resources: StackResource[]) => checkStack(rule.policy as StackValidationPolicy, resources).length > 0;
  const STRICTER = "cdk-nag checks one target per rule and accepts a mode without a key; this rule asks for KMS with a key on all three targets";
  const cases: { id: string; test: string; resources: StackResource[]; cdkNag: "compliant" | "non-compliant"; stricter?: string }[] = [
    { id: "AwsSolutions-GL1", test: "Noncompliance 1", resources: [r(CRAWLER, "rCrawler", { role: "foo", name: "c" })], cdkNag: "non-compliant" },
    { id: "AwsSolutions-GL1", test: "Noncompliance 2", resources: [r(CRAWLER, "rCrawler", { role: "foo", securityConfiguration: "bar" }), r(SEC, "rSecurityConfig", { name: "bar", encryptionConfiguration: {} })], cdkNag: "non-compliant" },
    { id: "AwsSolutions-GL1", test: "Noncompliance 3", resources: [r(JOB, "rJob", { roleArn: "foo", command: {}, securityConfiguration: "foo" }), r(SEC, "rSecurityConfig", { name: "foo", encryptionConfiguration: { cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" } } })], cdkNag: "non-compliant" },
    {
      id: "AwsSolutions-GL1",
      test: "Compliance",
      resources: [r(CRAWLER, "rCrawler", { role: "foo", securityConfiguration: "bar" }), r(JOB, "rJob", { roleArn: "foo", command: {}, securityConfiguration: "bar" }), r(SEC, "rSecurityConfig", { name: "bar", encryptionConfiguration: { cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS" } } })],
      cdkNag: "compliant",
      stricter: STRICTER,
    },
    { id: "AwsSolutions-GL3", test: "Noncompliance 1", resources: [r(JOB, "rJob", { roleArn: "foo", command: {} })], cdkNag: "non-compliant" },
    { id: "AwsSolutions-GL3", test: "Noncompliance 2", resources: [r(JOB, "rJob", { roleArn: "foo", command: {}, securityConfiguration: "bar" }), r(SEC, "rSecurityConfig", { name: "bar", encryptionConfiguration: {} })], cdkNag: "non-compliant" },
    { id: "AwsSolutions-GL3", test: "Noncompliance 3", resources: [r(JOB, "rJob", { roleArn: "foo", command: {}, securityConfiguration: "foo" }), r(SEC, "rSecurityConfig", { name: "foo", encryptionConfiguration: { jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" } } })], cdkNag: "non-compliant" },
    {
      id: "AwsSolutions-GL3",
      test: "Compliance",
      resources: [r(JOB, "rJob1", { roleArn: "foo", command: {}, securityConfiguration: "bar" }), r(JOB, "rJob2", { roleArn: "foo", command: {}, securityConfiguration: "bar" }), r(SEC, "rSecurityConfig", { name: "bar", encryptionConfiguration: { jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS" } } })],
      cdkNag: "compliant",
      stricter: STRICTER,
    },
  ];
  for (const c of cases) {
    it(`${c.id} ${c.test}: cdk-nag ${c.cdkNag}${c.stricter ? " (stricter here, on purpose)" : ""}`, () => {
      assert.ok(rule.counterparts.cdkNag?.includes(c.id));
      assert.equal(fails(c.resources), c.cdkNag === "non-compliant" || c.stricter !== undefined);
    });
  }
  it("the compliant cases pass once every target has KMS with a key", () => {
    const KMS = "arn:aws:kms:us-east-1:123456789012:key/k";
    const full = { s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KMS }, cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KMS }, jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KMS } };
    assert.equal(fails([r(CRAWLER, "rCrawler", { role: "foo", securityConfiguration: "bar" }), r(JOB, "rJob", { roleArn: "foo", command: {}, securityConfiguration: "bar" }), r(SEC, "rSecurityConfig", { name: "bar", encryptionConfiguration: full })]), false);
  });
});
