/**
 * InferenceEndpoint: a SageMaker model, endpoint configuration and endpoint, with
 * an execution role scoped to the model artifacts and the key.
 *
 * Ownership: Pulumi creates the endpoint with a bootstrap configuration; the
 * workflow then rolls out each new model by creating an endpoint configuration and
 * calling UpdateEndpoint. Pulumi ignores changes to the endpoint's configuration
 * name, so `pulumi up` never rolls a live endpoint back to the bootstrap model.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { hasLocalNvmeStorage } from "../policies/facts/instanceTypes";
import { InstanceEndpointConfig, ServerlessEndpointConfig } from "../stacks/schema";
import { ecrRepositoryArn } from "../stacks/algorithmImages";
import { DATA_PREFIXES } from "./dataBucket";
import { EXPECTED_DURATION_TAG, EXPECTED_INVOCATIONS_TAG } from "../policies/cost/estimator";
import { alarmArn, anySageMakerArn, logGroupArn } from "../stacks/arns";
import { readRollbackAlarmsStatement } from "../workflow/iam";
import { rollbackAlarmNames } from "../stacks/names";
import { arnOf, AwsContext, roleArn, StackKey } from "./shared/context";
import { keyUseStatement, PolicyStatement, policyDocument, toJson } from "./shared/iam";
import { serviceRole } from "./shared/serviceRole";

export interface InferenceEndpointArgs {
  /** Physical endpoint name; deterministic because the workflow updates it by name. */
  endpointName: string;
  /** Physical name of the execution role. */
  roleName: string;
  /** Serverless (dev) or instance-based (prod) hosting, validated by the stack schema. */
  hosting: ServerlessEndpointConfig | InstanceEndpointConfig;
  /** Inference container image. */
  image: string;
  /** S3 key (under artifacts/) of the model.tar.gz to serve at first. */
  modelDataKey: string;
  /** The data bucket's name and ARN. */
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  /** The stack's KMS key (artifacts are encrypted with it; volumes and capture too). */
  key: StackKey;
  /** The key's ARN: CloudWatch Logs takes no alias. */
  keyArn: pulumi.Input<string>;
  /** Retention of the endpoint's log group. */
  logRetentionDays: number;
  /** Topic that rollback alarms notify, if any. */
  alarmTopicArn?: pulumi.Input<string>;
  context: AwsContext;
  tags: Record<string, string>;
}

/**
 * Endpoint properties whose change makes the provider call UpdateEndpoint with the
 * configuration name in Pulumi's state (pulumi/terraform-provider-aws,
 * internal/service/sagemaker/endpoint.go, resourceEndpointUpdate:
 * `d.HasChanges("endpoint_config_name", "deployment_config")`). After the first run the
 * workflow owns both: it rolls out each model with the deployment policy of the stack
 * config, so a Pulumi update would roll the endpoint back to the bootstrap model.
 */
export const WORKFLOW_OWNED_ENDPOINT_PROPERTIES = ["endpointConfigName", "deploymentConfig"];

/** `endpoint/<endpoint>/variant/<variant>`: the Application Auto Scaling resource id. */
export function scalableResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

/**
 * The endpoint's KMS key, where the API allows one: instance types with local NVMe
 * storage encrypt it in hardware and CreateEndpointConfig rejects a key for them.
 */
export function endpointKmsKey<T>(hosting: { kind: string; instanceType?: string }, keyArn: T): T | undefined {
  if (hosting.kind === "instance" && hosting.instanceType && hasLocalNvmeStorage(hosting.instanceType)) return undefined;
  return keyArn;
}

/** SageMaker blue/green settings for the instance-based endpoint, rolling back on the alarms. */
export function blueGreenDeploymentConfig(endpointName: string, hosting: InstanceEndpointConfig) {
  const d = hosting.deployment;
  const alarms = rollbackAlarmNames(endpointName);
  const step = { type: "CAPACITY_PERCENT", value: d.stepPercent };
  return {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: d.trafficRouting,
        waitIntervalInSeconds: d.waitIntervalSeconds,
        ...(d.trafficRouting === "CANARY" ? { canarySize: step } : {}),
        ...(d.trafficRouting === "LINEAR" ? { linearStepSize: step } : {}),
      },
      terminationWaitInSeconds: d.terminationWaitSeconds,
      maximumExecutionTimeoutInSeconds: d.maximumExecutionTimeoutSeconds,
    },
    autoRollbackConfiguration: { alarms: [{ alarmName: alarms.errors5xx }, { alarmName: alarms.modelLatency }] },
  };
}

export class InferenceEndpoint extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly model: aws.sagemaker.Model;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly endpointName: pulumi.Output<string>;

  constructor(name: string, args: InferenceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:serving:InferenceEndpoint", name, {}, opts);
    const { accountId, partition } = args.context;
    const hosting = args.hosting;
    const instance = hosting.kind === "instance" ? hosting : undefined;
    const captureEnabled = instance?.dataCapture.enabled ?? false;
    const bucketArn = pulumi.output(args.bucketArn);
    const logGroupName = `/aws/sagemaker/Endpoints/${args.endpointName}`;
    const logGroup = arnOf(args.context, (scope) => logGroupArn(scope, logGroupName));
    // Declared here (KMS, retention) rather than left to SageMaker, which would create it
    // unencrypted and keep its logs forever.
    const endpointLogs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArn, tags: args.tags },
      { parent: this },
    );

    const statements: PolicyStatement[] = [
      { Sid: "ReadModelArtifacts", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucketArn}/${DATA_PREFIXES.artifacts}*` },
      keyUseStatement("UseStackKey", captureEnabled ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], args.key, args.context),
      {
        Sid: "WriteEndpointLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroup, pulumi.interpolate`${logGroup}:*`],
      },
      ...(instance
        ? [readRollbackAlarmsStatement(Object.values(rollbackAlarmNames(args.endpointName)).map((alarm) => arnOf(args.context, (scope) => alarmArn(scope, alarm))))]
        : []),
      {
        Sid: "PublishEndpointMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*", // PutMetricData has no resource-level permissions; the namespace condition scopes it
        Condition: { StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } },
      },
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }, // no resource-level permissions
    ];
    const repositoryArn = ecrRepositoryArn(args.image, partition);
    if (repositoryArn) {
      statements.push({
        Sid: "PullInferenceImage",
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        Resource: repositoryArn,
      });
    }
    if (captureEnabled) {
      statements.push({ Sid: "WriteDataCapture", Effect: "Allow", Action: "s3:PutObject", Resource: pulumi.interpolate`${bucketArn}/${DATA_PREFIXES.capture}*` });
    }

    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        roleName: args.roleName,
        service: "sagemaker.amazonaws.com",
        sourceArns: [arnOf(args.context, anySageMakerArn)],
        description: `SageMaker execution role of endpoint ${args.endpointName}`,
        policy: toJson(policyDocument(...statements)),
        accountId,
        tags: args.tags,
      },
      this,
    );
    this.role = role;

    this.model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        // The deterministic ARN keeps the model's inputs known at first preview; dependsOn orders it.
        executionRoleArn: roleArn(args.context, args.roleName),
        primaryContainer: { image: args.image, modelDataUrl: pulumi.interpolate`s3://${args.bucketName}/${args.modelDataKey}` },
        enableNetworkIsolation: instance?.networkIsolation ?? false,
        tags: args.tags,
      },
      // SageMaker checks the role's permissions when it creates the model.
      { parent: this, dependsOn: [this.role, rolePolicy] },
    );

    const variant: aws.types.input.sagemaker.EndpointConfigurationProductionVariant = instance
      ? {
          variantName: hosting.variantName,
          modelName: this.model.name,
          instanceType: instance.instanceType,
          initialInstanceCount: instance.initialInstanceCount,
          initialVariantWeight: 1,
        }
      : {
          variantName: hosting.variantName,
          modelName: this.model.name,
          serverlessConfig: {
            memorySizeInMb: (hosting as ServerlessEndpointConfig).memorySizeMb,
            maxConcurrency: (hosting as ServerlessEndpointConfig).maxConcurrency,
            provisionedConcurrency: (hosting as ServerlessEndpointConfig).provisionedConcurrency,
          },
        };

    this.endpointConfiguration = new aws.sagemaker.EndpointConfiguration(
      `${name}-bootstrap-config`,
      {
        productionVariants: [variant],
        // CreateEndpointConfig takes an alias ARN: known before the key exists.
        kmsKeyArn: endpointKmsKey(hosting, args.key.aliasArn),
        dataCaptureConfig: captureEnabled
          ? {
              enableCapture: true,
              initialSamplingPercentage: instance!.dataCapture.samplingPercentage,
              destinationS3Uri: pulumi.interpolate`s3://${args.bucketName}/${DATA_PREFIXES.capture}${args.endpointName}`,
              kmsKeyId: args.key.aliasArn,
              captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
            }
          : undefined,
        // Serverless cost depends on usage: the expected usage travels with the resource,
        // so that the policy pack's cost estimate reads it (policies/cost/estimator.ts).
        tags: instance
          ? args.tags
          : {
              ...args.tags,
              [EXPECTED_INVOCATIONS_TAG]: String((hosting as ServerlessEndpointConfig).expectedMonthlyInvocations),
              [EXPECTED_DURATION_TAG]: String((hosting as ServerlessEndpointConfig).expectedDurationMs),
            },
      },
      { parent: this },
    );

    let alarms: aws.cloudwatch.MetricAlarm[] = [];
    if (instance) alarms = this.rollbackAlarms(name, args, instance);

    this.endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      {
        name: args.endpointName,
        endpointConfigName: this.endpointConfiguration.name,
        deploymentConfig: instance ? blueGreenDeploymentConfig(args.endpointName, instance) : undefined,
        tags: args.tags,
      },
      // The workflow owns the live configuration after the first deploy (see above).
      { parent: this, ignoreChanges: WORKFLOW_OWNED_ENDPOINT_PROPERTIES, dependsOn: [...alarms, endpointLogs] },
    );
    this.endpointName = this.endpoint.name;

    if (instance) this.autoscaling(name, args, instance);

    this.registerOutputs({ endpointName: this.endpointName, roleArn: this.role.arn });
  }

  private rollbackAlarms(name: string, args: InferenceEndpointArgs, hosting: InstanceEndpointConfig): aws.cloudwatch.MetricAlarm[] {
    const names = rollbackAlarmNames(args.endpointName);
    const dimensions = { EndpointName: args.endpointName, VariantName: hosting.variantName };
    const actions = args.alarmTopicArn ? [args.alarmTopicArn] : [];
    const common = {
      namespace: "AWS/SageMaker",
      dimensions,
      period: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
      tags: args.tags,
    };
    return [
      new aws.cloudwatch.MetricAlarm(
        `${name}-invocation-5xx-alarm`,
        {
          ...common,
          name: names.errors5xx,
          alarmDescription: `5xx errors on ${args.endpointName}; SageMaker rolls a blue/green update back when this fires`,
          metricName: "Invocation5XXErrors",
          statistic: "Sum",
          threshold: hosting.alarms.invocation5xxErrors,
        },
        { parent: this },
      ),
      new aws.cloudwatch.MetricAlarm(
        `${name}-model-latency-alarm`,
        {
          ...common,
          name: names.modelLatency,
          alarmDescription: `Model latency on ${args.endpointName} above ${hosting.alarms.modelLatencyMs} ms; rolls back a blue/green update`,
          metricName: "ModelLatency",
          statistic: "Average",
          threshold: hosting.alarms.modelLatencyMs * 1000, // ModelLatency is reported in microseconds
        },
        { parent: this },
      ),
    ];
  }

  private autoscaling(name: string, args: InferenceEndpointArgs, hosting: InstanceEndpointConfig): void {
    const target = new aws.appautoscaling.Target(
      `${name}-scaling-target`,
      {
        serviceNamespace: "sagemaker",
        resourceId: scalableResourceId(args.endpointName, hosting.variantName),
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        minCapacity: hosting.autoscaling.minCapacity,
        maxCapacity: hosting.autoscaling.maxCapacity,
        tags: args.tags,
      },
      { parent: this, dependsOn: [this.endpoint] },
    );
    new aws.appautoscaling.Policy(
      `${name}-invocations-scaling`,
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: hosting.autoscaling.targetInvocationsPerInstance,
          predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
          scaleInCooldown: hosting.autoscaling.scaleInCooldownSeconds,
          scaleOutCooldown: hosting.autoscaling.scaleOutCooldownSeconds,
        },
      },
      { parent: this },
    );
  }
}
