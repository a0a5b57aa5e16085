/**
 * InferenceEndpoint: a SageMaker model, endpoint configuration and endpoint, with an
 * execution role scoped to the model artifacts and the key, its log group, and for
 * instance endpoints autoscaling and the alarms a blue/green rollout rolls back on.
 *
 * Ownership: Pulumi creates the endpoint with a bootstrap configuration; the workflow
 * then rolls out each new model by creating an endpoint configuration and calling
 * UpdateEndpoint. Pulumi ignores every endpoint property whose change would make the
 * provider call UpdateEndpoint (WORKFLOW_OWNED_ENDPOINT_PROPERTIES), so `pulumi up` never
 * rolls a live endpoint back to the bootstrap model.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EXPECTED_DURATION_TAG, EXPECTED_INVOCATIONS_TAG, hasLocalNvmeStorage } from "ml-pipeline-policies";
import { InstanceEndpointConfig, ServerlessEndpointConfig } from "../stacks/configSchema";
import { ecrRepositoryArn } from "../stacks/algorithmImages";
import { anySageMakerArn } from "../stacks/arns";
import { DataBucketModel, EndpointModel, Named } from "../stacks/model";
import { imagePullStatements, keyUseStatement, PolicyDocument, policyDocument, PolicyStatement, keyGrantStatement } from "../lib/iamPolicy";
import { deploymentConfig, providerShape, readRollbackAlarmsStatement } from "../lib/blueGreen";
import { serviceRole } from "./shared/serviceRole";
import { encryptedLogGroup } from "./shared/logGroups";
import { StackContext } from "./shared/stackContext";

export interface InferenceEndpointArgs {
  /** The endpoint's name, log group and rollback alarms (stack model; the workflow updates it by name). */
  endpoint: EndpointModel;
  /** The execution role. */
  role: Named;
  /** Serverless (dev) or instance-based (prod) hosting, validated by the stack schema. */
  hosting: ServerlessEndpointConfig | InstanceEndpointConfig;
  /** Inference container image. */
  image: string;
  /**
   * S3 key (under artifacts/) of the model.tar.gz to serve at first. Absent (day one): only
   * the execution role and the log group are declared, which the workflow's first deploy
   * creates the endpoint with (docs/deploying.md, "Day one").
   */
  modelDataKey?: string;
  bucket: DataBucketModel;
  /** Topic that rollback alarms notify, if any. */
  alarmTopicArn?: string;
  /**
   * Whether scheduled evaluation batch-transforms the served model (monitoring.evaluation):
   * a transform job runs as the model's execution role, this one, so it also reads
   * ground-truth/ and writes the predictions under artifacts/evaluations/.
   */
  scoresLabelledData?: boolean;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
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
function scalableResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

export class InferenceEndpoint extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  /** The model, configuration and endpoint Pulumi declares: absent until the config names a model artifact. */
  readonly declared?: { model: aws.sagemaker.Model; endpointConfiguration: aws.sagemaker.EndpointConfiguration; endpoint: aws.sagemaker.Endpoint };
  /** The endpoint's name, declared or not (the workflow creates and updates it by this name). */
  readonly endpointName: pulumi.Output<string>;

  constructor(name: string, args: InferenceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:serving:InferenceEndpoint", name, {}, opts);
    const logGroup = encryptedLogGroup(`${name}-logs`, { name: args.endpoint.logGroup.name, keyArn: args.context.keyArn, retentionDays: args.context.logRetentionDays, tags: args.context.tags }, this);

    const { role, policy: rolePolicy } = serviceRole(
      name,
      {
        role: args.role,
        service: "sagemaker.amazonaws.com",
        sourceArns: [anySageMakerArn(args.context.scope)],
        description: `SageMaker execution role of endpoint ${args.endpoint.name}`,
        policy: endpointRolePolicy(args),
        accountId: args.context.scope.accountId,
        tags: args.context.tags,
      },
      this,
    );
    this.role = role;

    this.endpointName = pulumi.output(args.endpoint.name);
    // Declared on day one too: the workflow's first deploy (CreateEndpoint, then UpdateEndpoint) names them.
    const alarms = args.hosting.kind === "instance" ? this.rollbackAlarms(name, args, args.hosting) : [];
    if (args.modelDataKey !== undefined) this.declared = this.declareEndpoint(name, { ...args, modelDataKey: args.modelDataKey }, [role, rolePolicy], [...alarms, logGroup]);
    this.registerOutputs({ endpointName: this.endpointName, roleArn: this.role.arn, endpointDeclared: this.declared !== undefined });
  }

  private declareEndpoint(
    name: string,
    args: InferenceEndpointArgs & { modelDataKey: string },
    rolePolicy: pulumi.Resource[],
    /** What the endpoint waits for: its rollback alarms and log group. */
    before: pulumi.Resource[],
  ): NonNullable<InferenceEndpoint["declared"]> {
    const instance = args.hosting.kind === "instance" ? args.hosting : undefined;
    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        // The known ARN keeps the model's inputs known at first preview; dependsOn orders it.
        executionRoleArn: args.role.arn,
        primaryContainer: { image: args.image, modelDataUrl: args.bucket.uri(args.modelDataKey) },
        enableNetworkIsolation: instance?.networkIsolation ?? false,
        tags: args.context.tags,
      },
      // SageMaker checks the role's permissions when it creates the model.
      { parent: this, dependsOn: rolePolicy },
    );
    const endpointConfiguration = this.bootstrapConfiguration(name, args, model);

    const endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      {
        name: args.endpoint.name,
        endpointConfigName: endpointConfiguration.name,
        deploymentConfig: instance
          ? (providerShape(deploymentConfig(instance, Object.values(args.endpoint.rollbackAlarms).map((a) => a.name))) as aws.types.input.sagemaker.EndpointDeploymentConfig)
          : undefined,
        tags: args.context.tags,
      },
      // The workflow owns the live configuration after the first deploy (see above).
      { parent: this, ignoreChanges: WORKFLOW_OWNED_ENDPOINT_PROPERTIES, dependsOn: before },
    );
    if (instance) this.autoscaling(name, args, instance, endpoint);
    return { model, endpointConfiguration, endpoint };
  }

  /** The configuration the endpoint is created with; the workflow replaces it with each model. */
  private bootstrapConfiguration(name: string, args: InferenceEndpointArgs, model: aws.sagemaker.Model): aws.sagemaker.EndpointConfiguration {
    const hosting = args.hosting;
    const variant: aws.types.input.sagemaker.EndpointConfigurationProductionVariant =
      hosting.kind === "instance"
        ? { variantName: hosting.variantName, modelName: model.name, instanceType: hosting.instanceType, initialInstanceCount: hosting.initialInstanceCount, initialVariantWeight: 1 }
        : {
            variantName: hosting.variantName,
            modelName: model.name,
            serverlessConfig: { memorySizeInMb: hosting.memorySizeMb, maxConcurrency: hosting.maxConcurrency, provisionedConcurrency: hosting.provisionedConcurrency },
          };
    const capture = hosting.kind === "instance" && hosting.dataCapture.enabled ? hosting.dataCapture : undefined;
    return new aws.sagemaker.EndpointConfiguration(
      `${name}-bootstrap-config`,
      {
        productionVariants: [variant],
        // CreateEndpointConfig takes an alias ARN (known before the key exists); local-NVMe
        // types take no key (hardware-encrypted; the API rejects one).
        kmsKeyArn: hosting.kind === "instance" && hasLocalNvmeStorage(hosting.instanceType) ? undefined : args.context.key.aliasArn,
        dataCaptureConfig: capture
          ? {
              enableCapture: true,
              initialSamplingPercentage: capture.samplingPercentage,
              destinationS3Uri: args.bucket.uri(`${args.bucket.prefixes.capture}${args.endpoint.name}`),
              kmsKeyId: args.context.key.aliasArn,
              captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
            }
          : undefined,
        // Serverless cost depends on usage: the expected usage travels with the resource,
        // so that the policy pack's cost estimate reads it (policies/cost/estimator.ts).
        tags:
          hosting.kind === "instance"
            ? args.context.tags
            : { ...args.context.tags, [EXPECTED_INVOCATIONS_TAG]: String(hosting.expectedMonthlyInvocations), [EXPECTED_DURATION_TAG]: String(hosting.expectedDurationMs) },
      },
      { parent: this },
    );
  }

  private rollbackAlarms(name: string, args: InferenceEndpointArgs, hosting: InstanceEndpointConfig): aws.cloudwatch.MetricAlarm[] {
    const alarms = args.endpoint.rollbackAlarms;
    const endpointName = args.endpoint.name;
    const actions = args.alarmTopicArn ? [args.alarmTopicArn] : [];
    const common = {
      namespace: "AWS/SageMaker",
      dimensions: { EndpointName: endpointName, VariantName: hosting.variantName },
      period: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
      tags: args.context.tags,
    };
    return [
      new aws.cloudwatch.MetricAlarm(
        `${name}-invocation-5xx-alarm`,
        {
          ...common,
          name: alarms.errors5xx.name,
          alarmDescription: `5xx errors on ${endpointName}; SageMaker rolls a blue/green update back when this fires`,
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
          name: alarms.modelLatency.name,
          alarmDescription: `Model latency on ${endpointName} above ${hosting.alarms.modelLatencyMs} ms; rolls back a blue/green update`,
          metricName: "ModelLatency",
          statistic: "Average",
          threshold: hosting.alarms.modelLatencyMs * 1000, // ModelLatency is reported in microseconds
        },
        { parent: this },
      ),
    ];
  }

  private autoscaling(name: string, args: InferenceEndpointArgs, hosting: InstanceEndpointConfig, endpoint: aws.sagemaker.Endpoint): void {
    const target = new aws.appautoscaling.Target(
      `${name}-scaling-target`,
      {
        serviceNamespace: "sagemaker",
        resourceId: scalableResourceId(args.endpoint.name, hosting.variantName),
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        minCapacity: hosting.autoscaling.minCapacity,
        maxCapacity: hosting.autoscaling.maxCapacity,
        tags: args.context.tags,
      },
      { parent: this, dependsOn: [endpoint] },
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

/** The endpoint's execution role: read artifacts, write capture, its logs and metrics, its image, the rollback alarms. */
function endpointRolePolicy(args: Pick<InferenceEndpointArgs, "endpoint" | "hosting" | "image" | "bucket" | "context" | "scoresLabelledData">): PolicyDocument {
  const instance = args.hosting.kind === "instance" ? args.hosting : undefined;
  const captureEnabled = instance?.dataCapture.enabled ?? false;
  const writes = captureEnabled || args.scoresLabelledData;
  const logGroup = args.endpoint.logGroup.arn;
  const statements: PolicyStatement[] = [
    { Sid: "ReadModelArtifacts", Effect: "Allow", Action: "s3:GetObject", Resource: args.bucket.objectArn(`${args.bucket.prefixes.artifacts}*`) },
    // Encrypt: TransformOutput.KmsKeyId, as for the other jobs' output keys.
    keyUseStatement("UseStackKey", writes ? ["kms:Decrypt", "kms:GenerateDataKey", ...(args.scoresLabelledData ? ["kms:Encrypt"] : [])] : ["kms:Decrypt"], args.context.key),
    {
      Sid: "WriteEndpointLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroup, `${logGroup}:*`],
    },
    ...(instance ? [readRollbackAlarmsStatement(Object.values(args.endpoint.rollbackAlarms).map((a) => a.arn))] : []),
    {
      Sid: "PublishEndpointMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // PutMetricData has no resource-level permissions; the namespace condition scopes it
      Condition: { StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } },
    },
    ...imagePullStatements("PullInferenceImage", ecrRepositoryArn(args.image, args.context.scope.partition)),
  ];
  if (captureEnabled) {
    statements.push({ Sid: "WriteDataCapture", Effect: "Allow", Action: "s3:PutObject", Resource: args.bucket.objectArn(`${args.bucket.prefixes.capture}*`) });
  }
  if (args.scoresLabelledData) {
    const { groundTruth, evaluations } = args.bucket.prefixes;
    statements.push(
      { Sid: "ListLabelledData", Effect: "Allow", Action: "s3:ListBucket", Resource: args.bucket.arn, Condition: { StringLike: { "s3:prefix": `${groundTruth}*` } } },
      { Sid: "ReadLabelledData", Effect: "Allow", Action: "s3:GetObject", Resource: args.bucket.objectArn(`${groundTruth}*`) },
      { Sid: "WritePredictions", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: args.bucket.objectArn(`${evaluations}*`) },
      // TransformResources.VolumeKmsKeyId: AWS documents the grant for training and processing volumes as the
      // job's role's; for transforms it names no role, so the model's role may grant it too (the caller can).
      keyGrantStatement("GrantStackKeyToTransformVolumes", args.context.key),
    );
  }
  return policyDocument(...statements);
}
