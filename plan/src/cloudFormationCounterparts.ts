/**
 * Which CloudFormation resource type each Pulumi AWS (classic) resource type manages, and how
 * their property names correspond. The plan reads which properties force a replacement from
 * AWS's own resource schemas (CloudFormation's createOnlyProperties and the resource
 * specification's "Update requires: Replacement", as packaged by AWS CDK in
 * `@aws-cdk/aws-service-spec`), because the classic provider's own flags (Terraform's
 * `ForceNew`) ship in no package this tool can read: `@pulumi/aws` carries no schema.
 *
 * This table states correspondences only, never whether a property forces replacement:
 * that comes from the spec (plan/scripts/generateReplacementFacts.ts). A classic property named
 * like a CloudFormation property (case aside) corresponds to it without a row entry.
 * test/replacements.test.ts checks every name here against both packages.
 */

export interface CloudFormationCounterpart {
  /** The CloudFormation resource type that manages the same AWS object. */
  cfn: string;
  /** The API call both create it with: the evidence that they manage the same object. */
  api: string;
  /** Classic input → CloudFormation property, where the names differ. */
  renames?: Record<string, string>;
  /**
   * Classic inputs that steer the provider itself (what it does on delete, how long it
   * waits) and reach no AWS API, so they can never force a replacement.
   */
  providerOnly?: string[];
}

const bucket: CloudFormationCounterpart = {
  cfn: "AWS::S3::Bucket",
  api: "s3:CreateBucket",
  renames: { bucket: "BucketName", bucketPrefix: "BucketNamePrefix", acl: "AccessControl" },
  providerOnly: ["forceDestroy"],
};

export const CLOUDFORMATION_COUNTERPARTS: Record<string, CloudFormationCounterpart> = {
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketV2:BucketV2": bucket,
  "aws:s3/bucketPolicy:BucketPolicy": { cfn: "AWS::S3::BucketPolicy", api: "s3:PutBucketPolicy", renames: { policy: "PolicyDocument" } },
  "aws:iam/role:Role": {
    cfn: "AWS::IAM::Role",
    api: "iam:CreateRole",
    // A prefix generates the name: a new prefix is a new name.
    renames: { name: "RoleName", namePrefix: "RoleName", assumeRolePolicy: "AssumeRolePolicyDocument", inlinePolicies: "Policies" },
    providerOnly: ["forceDetachPolicies"],
  },
  "aws:iam/rolePolicy:RolePolicy": { cfn: "AWS::IAM::RolePolicy", api: "iam:PutRolePolicy", renames: { name: "PolicyName", namePrefix: "PolicyName", role: "RoleName", policy: "PolicyDocument" } },
  "aws:iam/policy:Policy": {
    cfn: "AWS::IAM::ManagedPolicy",
    api: "iam:CreatePolicy",
    renames: { name: "ManagedPolicyName", namePrefix: "ManagedPolicyName", policy: "PolicyDocument" },
    providerOnly: ["delayAfterPolicyCreationInMs"],
  },
  "aws:kms/key:Key": {
    cfn: "AWS::KMS::Key",
    api: "kms:CreateKey",
    renames: { customerMasterKeySpec: "KeySpec", deletionWindowInDays: "PendingWindowInDays", isEnabled: "Enabled", policy: "KeyPolicy" },
  },
  "aws:kms/alias:Alias": { cfn: "AWS::KMS::Alias", api: "kms:CreateAlias", renames: { name: "AliasName", namePrefix: "AliasName" } },
  "aws:sagemaker/model:Model": { cfn: "AWS::SageMaker::Model", api: "sagemaker:CreateModel", renames: { name: "ModelName" } },
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": {
    cfn: "AWS::SageMaker::EndpointConfig",
    api: "sagemaker:CreateEndpointConfig",
    renames: { name: "EndpointConfigName", namePrefix: "EndpointConfigName", kmsKeyArn: "KmsKeyId" },
  },
  "aws:sagemaker/endpoint:Endpoint": { cfn: "AWS::SageMaker::Endpoint", api: "sagemaker:CreateEndpoint", renames: { name: "EndpointName" } },
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup": { cfn: "AWS::SageMaker::ModelPackageGroup", api: "sagemaker:CreateModelPackageGroup" },
  "aws:sagemaker/notebookInstance:NotebookInstance": {
    cfn: "AWS::SageMaker::NotebookInstance",
    api: "sagemaker:CreateNotebookInstance",
    renames: { name: "NotebookInstanceName", securityGroups: "SecurityGroupIds", volumeSize: "VolumeSizeInGB" },
  },
  "aws:sagemaker/domain:Domain": { cfn: "AWS::SageMaker::Domain", api: "sagemaker:CreateDomain" },
  "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": {
    cfn: "AWS::SageMaker::DataQualityJobDefinition",
    api: "sagemaker:CreateDataQualityJobDefinition",
    renames: { name: "JobDefinitionName" },
  },
  "aws:sagemaker/monitoringSchedule:MonitoringSchedule": { cfn: "AWS::SageMaker::MonitoringSchedule", api: "sagemaker:CreateMonitoringSchedule", renames: { name: "MonitoringScheduleName" } },
  "aws:sfn/stateMachine:StateMachine": {
    cfn: "AWS::StepFunctions::StateMachine",
    api: "states:CreateStateMachine",
    renames: { name: "StateMachineName", namePrefix: "StateMachineName", type: "StateMachineType", definition: "DefinitionString" },
  },
  "aws:sns/topic:Topic": { cfn: "AWS::SNS::Topic", api: "sns:CreateTopic", renames: { name: "TopicName", namePrefix: "TopicName" } },
  // Not `arn` → Topics: the classic policy belongs to one topic, CloudFormation's to a list it
  // can change in place; another topic is another policy, so that change stays "unknown".
  "aws:sns/topicPolicy:TopicPolicy": { cfn: "AWS::SNS::TopicPolicy", api: "sns:SetTopicAttributes", renames: { policy: "PolicyDocument" } },
  "aws:sqs/queue:Queue": {
    cfn: "AWS::SQS::Queue",
    api: "sqs:CreateQueue",
    renames: {
      name: "QueueName",
      namePrefix: "QueueName",
      maxMessageSize: "MaximumMessageSize",
      messageRetentionSeconds: "MessageRetentionPeriod",
      receiveWaitTimeSeconds: "ReceiveMessageWaitTimeSeconds",
      visibilityTimeoutSeconds: "VisibilityTimeout",
    },
  },
  // Likewise not `queueUrl` → Queues.
  "aws:sqs/queuePolicy:QueuePolicy": { cfn: "AWS::SQS::QueuePolicy", api: "sqs:SetQueueAttributes", renames: { policy: "PolicyDocument" } },
  "aws:dynamodb/table:Table": {
    cfn: "AWS::DynamoDB::Table",
    api: "dynamodb:CreateTable",
    renames: {
      name: "TableName",
      hashKey: "KeySchema",
      rangeKey: "KeySchema",
      attributes: "AttributeDefinitions",
      pointInTimeRecovery: "PointInTimeRecoverySpecification",
      serverSideEncryption: "SSESpecification",
      ttl: "TimeToLiveSpecification",
      readCapacity: "ProvisionedThroughput",
      writeCapacity: "ProvisionedThroughput",
      streamEnabled: "StreamSpecification",
      streamViewType: "StreamSpecification",
      importTable: "ImportSourceSpecification",
    },
  },
  "aws:cloudwatch/logGroup:LogGroup": { cfn: "AWS::Logs::LogGroup", api: "logs:CreateLogGroup", renames: { name: "LogGroupName", namePrefix: "LogGroupName" }, providerOnly: ["skipDestroy"] },
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
    cfn: "AWS::Logs::MetricFilter",
    api: "logs:PutMetricFilter",
    renames: { name: "FilterName", pattern: "FilterPattern", metricTransformation: "MetricTransformations" },
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    cfn: "AWS::CloudWatch::Alarm",
    api: "cloudwatch:PutMetricAlarm",
    renames: { name: "AlarmName", metricQueries: "Metrics", evaluateLowSampleCountPercentiles: "EvaluateLowSampleCountPercentile" },
  },
  "aws:cloudwatch/dashboard:Dashboard": { cfn: "AWS::CloudWatch::Dashboard", api: "cloudwatch:PutDashboard" },
  "aws:cloudwatch/eventRule:EventRule": { cfn: "AWS::Events::Rule", api: "events:PutRule", renames: { namePrefix: "Name", isEnabled: "State" }, providerOnly: ["forceDestroy"] },
  "aws:scheduler/schedule:Schedule": { cfn: "AWS::Scheduler::Schedule", api: "scheduler:CreateSchedule", renames: { namePrefix: "Name" } },
  "aws:appautoscaling/target:Target": { cfn: "AWS::ApplicationAutoScaling::ScalableTarget", api: "application-autoscaling:RegisterScalableTarget" },
  "aws:appautoscaling/policy:Policy": { cfn: "AWS::ApplicationAutoScaling::ScalingPolicy", api: "application-autoscaling:PutScalingPolicy", renames: { name: "PolicyName" } },
  "aws:lambda/function:Function": {
    cfn: "AWS::Lambda::Function",
    api: "lambda:CreateFunction",
    renames: { name: "FunctionName", s3Bucket: "Code", s3Key: "Code", s3ObjectVersion: "Code", imageUri: "Code", fileSystemConfig: "FileSystemConfigs" },
    providerOnly: ["skipDestroy"],
  },
  "aws:lambda/permission:Permission": { cfn: "AWS::Lambda::Permission", api: "lambda:AddPermission", renames: { function: "FunctionName" } },
  "aws:glue/job:Job": { cfn: "AWS::Glue::Job", api: "glue:CreateJob", renames: { roleArn: "Role" } },
  "aws:glue/securityConfiguration:SecurityConfiguration": { cfn: "AWS::Glue::SecurityConfiguration", api: "glue:CreateSecurityConfiguration" },
  "aws:ecr/repository:Repository": {
    cfn: "AWS::ECR::Repository",
    api: "ecr:CreateRepository",
    renames: { name: "RepositoryName", encryptionConfigurations: "EncryptionConfiguration" },
    providerOnly: ["forceDelete"],
  },
};
