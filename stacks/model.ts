/**
 * The stack model: the stack's identity, worked out once from the validated config and
 * the account. Every physical name, ARN, S3 location, image and alarm that components and
 * the workflow refer to comes from here, and nowhere else.
 *
 * Pure and known before anything exists (no resource outputs): the workflow definition,
 * the IAM documents and therefore the policy pack's verdicts are known at the first
 * `pulumi preview` of a new stack. The one thing it cannot know is the KMS key's own ARN,
 * which carries a generated id: APIs that take an alias get the alias (ARN); components
 * that need the key ARN read it from the key resource; the workflow resolves it at run time.
 */
import { StackConfig } from "./configSchema";
import { sklearnImageUri, xgboostImageUri } from "./algorithmImages";
import { accountRootArn, alarmArn, anyKeyArn, ArnScope, bucketArn, eventRuleArn, functionArn, keyAliasArn, logGroupArn, queueArn, regionalArn, roleArn, scheduleArns, stateMachineArn, topicArn } from "./arns";

/** A resource the stack names itself: its physical name and ARN. */
export interface Named {
  name: string;
  arn: string;
}

/** The bucket's data layout; every role is scoped to the prefixes it needs. */
export const DATA_PREFIXES = {
  /** Incoming data, written by producers, read by preprocessing. */
  raw: "raw/",
  /** Preprocessing output, read by training. */
  processed: "processed/",
  /** Model artifacts, checkpoints, scripts: written by training, read by hosting. */
  artifacts: "artifacts/",
  /** Endpoint request/response capture. */
  capture: "capture/",
  /** Labelled data (label first, then the features, as in training), scored by scheduled evaluation. */
  groundTruth: "ground-truth/",
} as const;
export type DataPrefix = keyof typeof DATA_PREFIXES;

export interface DataBucketModel extends Named {
  /** Top-level prefixes (lifecycle rules are per prefix) and the artifact sub-prefixes; each ends with `/`. */
  prefixes: typeof DATA_PREFIXES & {
    models: string;
    checkpoints: string;
    code: string;
    metrics: string;
    baselines: string;
    monitoring: string;
    evaluations: string;
    /** Markers that start an evaluation (monitoring.evaluation.onNewLabels): outside ground-truth/, which the transform reads whole. */
    groundTruthReady: string;
    /** A DynamoDB source's exports, one prefix per run (`<this><run>/`): raw data, under raw/'s lifecycle and readers. */
    dynamoDbExports: string;
  };
  /** The processing script's key (uploaded by Pulumi, read by the processing job). */
  processingScriptKey: string;
  /** The Glue job's PySpark script (uploaded by Pulumi, read by the Glue job). */
  glueScriptKey: string;
  /** `s3://<bucket>/<key>` */
  uri(key: string): string;
  /** `arn:…:s3:::<bucket>/<keyPattern>` */
  objectArn(keyPattern: string): string;
}

export interface StackKeyModel {
  /** `<namePrefix>-data` (without `alias/`). */
  alias: string;
  /** `alias/<name>`: what S3 and SNS take. */
  aliasName: string;
  /** The alias ARN: accepted wherever an API takes one (SageMaker outputs, endpoint configs, Step Functions). */
  aliasArn: string;
  /** Every key of the account and region; statements narrow it by alias (`kms:ResourceAliases`). */
  anyKeyArn: string;
}

export interface EndpointModel extends Named {
  /** `/aws/sagemaker/Endpoints/<name>`, declared by the stack. */
  logGroup: Named;
  /** The alarms SageMaker watches to roll back a blue/green update (instance endpoints). */
  rollbackAlarms: { errors5xx: Named; modelLatency: Named };
}

/** An EventBridge Scheduler schedule the stack names: its name and the `aws:SourceArn` values Scheduler may send (the schedule, its group). */
export interface ScheduleModel {
  name: string;
  sourceArns: string[];
}

export interface StackModel {
  /** The validated, defaulted config the model was built from. */
  config: StackConfig;
  /** Partition, region and account of every ARN. */
  scope: ArnScope;
  /** `arn:…:iam::<account>:root` */
  accountRoot: string;
  /** Tags of every resource: the stack's own plus the standard ones. */
  tags: Record<string, string>;
  /** Prefix of every physical name, and of every job, model and endpoint config the workflow creates. */
  namePrefix: string;
  key: StackKeyModel;
  bucket: DataBucketModel;
  images: {
    /** The configured training image, else the region's built-in XGBoost. */
    training: string;
    /** The endpoint's own image, else the training image (true for built-in algorithms). */
    inference: string;
    /** The configured processing image, else the region's scikit-learn image. */
    processing: string;
  };
  roles: {
    training: Named;
    preprocessing: Named;
    endpoint: Named;
    stateMachine: Named;
    schedule: Named;
    newData: Named;
    approval: Named;
    /** The role the drift and evaluation jobs run as. */
    monitor: Named;
    /** The drift-check state machine's role. */
    monitoring: Named;
    /** The role the drift-check schedule starts it with. */
    drift: Named;
    /** The evaluation state machine's role. */
    evaluationChecks: Named;
    /** The role the evaluation schedule starts it with. */
    evaluation: Named;
    /** The role the new-labels rule starts it with. */
    newLabels: Named;
  };
  endpoint: EndpointModel;
  stateMachine: Named & { logGroup: string };
  topic: Named;
  preprocessingFunction: Named & { logGroup: Named };
  /**
   * The Glue job (glue kind) and its security configuration. Glue writes the job's logs
   * under `/aws-glue/` (`logGroupArns`), in groups named after the security configuration
   * and the role, which Glue creates and encrypts itself.
   */
  glueJob: Named & { securityConfiguration: string; logGroupArns: string[] };
  /** SageMaker's account-wide job log groups. */
  jobLogGroups: { training: Named; processing: Named };
  schedule: { name: string; /** `aws:SourceArn` values Scheduler may send (the schedule, its group). */ sourceArns: string[] };
  /**
   * The model registry: the package group every run registers into, the ARN pattern of its
   * versions (`model-package/<group>/<n>`), and the rule that turns an approval or a
   * rejection into a run (manual approval).
   */
  modelRegistry: { group: Named; packageArns: string; approvalRule: Named };
  /** The stack's CloudWatch dashboard. */
  dashboard: { name: string };
  /**
   * Monitoring of the served model (monitoring.drift / monitoring.evaluation): the jobs'
   * image and scripts, the table holding the served model's record and the retraining
   * lock (both checks share it), and per check its state machine, schedule and alarm.
   */
  monitoring: {
    /** The scikit-learn processing image of the drift and evaluation jobs ("" when neither is on). */
    image: string;
    stateTable: Named;
    drift: { scriptKey: string; stateMachine: Named & { logGroup: string }; schedule: ScheduleModel; alarm: Named };
    evaluation: {
      scriptKey: string;
      stateMachine: Named & { logGroup: string };
      schedule: ScheduleModel;
      alarm: Named;
      /** The rule that starts an evaluation when a marker lands under ground-truth/ (monitoring.evaluation.onNewLabels). */
      newLabelsRule: Named;
    };
  };
  newDataRule: Named;
  triggerDeadLetterQueue: Named;
  /** Promotion across accounts (registry.source, registry.shareWith): what each side names. */
  promotion: PromotionModel;
}

/** A source stack's resources as a consumer names them: derived from its group's ARN. */
export interface PromotionSourceModel {
  accountId: string;
  group: Named;
  /** `model-package/<group>/*`: the versions the consumer reads and records its deployments on. */
  packageArns: string;
  /** The source's data bucket, whose `artifacts/models/registered/` the consumer copies a version's artifact from. */
  bucket: Named & { modelArtifactArns: string };
  /** The source's stack key (by alias): S3 decrypts the artifact with it for the copy. */
  key: { aliasName: string; anyKeyArn: string };
}

/** A consumer stack as its source names it (registry.shareWith). */
export interface PromotionConsumerModel {
  accountId: string;
  stage: string;
  /** The consumer's pipeline role: the one principal the source's grants admit. */
  pipelineRoleArn: string;
  /** The consumer's promotion event bus: the source forwards the group's events to it. */
  busArn: string;
}

export interface PromotionModel {
  /** Where ModelLifeCycle stages and deployments are recorded on a version (CustomerMetadataProperties keys). */
  metadataKeys: { artifactKey: string; artifactVersion: string; artifactChecksum: string; image: string; deployedIn: (stage: string) => string };
  /** A promoted stack: the source it deploys from, its stage, the stages before it; its event bus and the rule that starts its runs. */
  consumer?: { source: PromotionSourceModel; stage: string; after: string[]; bus: Named; rule: Named; role: Named };
  /** A local stack that shares: its consumers, and the rule and role that forward the group's events to their buses. */
  sharing?: { consumers: PromotionConsumerModel[]; forwardRule: Named; forwarderRole: Named };
}

/** A promoted stack's event bus: `<namePrefix>-promotions`. */
export const promotionBusName = (namePrefix: string) => `${namePrefix}-promotions`;

/** Where a shared group's versions keep their artifact (`<models>registered/<run>/model.tar.gz`): the one prefix consumers may read. */
export const REGISTERED_ARTIFACTS = "registered/";
/** Where a promoted stage copies a version's artifact (`<models>promoted/<run>/model.tar.gz` of its own bucket). */
export const PROMOTED_ARTIFACTS = "promoted/";

/** `aws`, `aws-cn` or `aws-us-gov`, derived from the region. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Tags every resource of the stack carries, merged over the stack's own `tags`. */
function standardTags(project: string, stack: string, extra: Record<string, string>): Record<string, string> {
  return { ...extra, "ml-pipeline:project": project, "ml-pipeline:stack": stack, "ml-pipeline:managed-by": "pulumi" };
}

export interface StackIdentity {
  /** Pulumi project and stack: the standard tags. */
  project: string;
  stack: string;
  /** The account id (`sts:GetCallerIdentity`). */
  accountId: string;
}

export function stackModel(config: StackConfig, identity: StackIdentity): StackModel {
  const prefix = config.namePrefix;
  const scope: ArnScope = { partition: partitionOf(config.region), region: config.region, accountId: identity.accountId };
  const named = (name: string, arn: (scope: ArnScope, name: string) => string): Named => ({ name, arn: arn(scope, name) });
  const role = (suffix: string): Named => ({ name: `${prefix}-${suffix}`, arn: roleArn(scope, `${prefix}-${suffix}`) });
  const logGroup = (name: string): Named => named(name, logGroupArn);

  const bucketName = `${prefix}-data-${identity.accountId}`; // the account id makes the global name unique
  const bucketArnValue = bucketArn(scope.partition, bucketName);
  const artifacts = DATA_PREFIXES.artifacts;
  const prefixes = { ...DATA_PREFIXES, models: `${artifacts}models/`, checkpoints: `${artifacts}checkpoints/`, code: `${artifacts}code/`, metrics: `${artifacts}metrics/`, baselines: `${artifacts}baselines/`, monitoring: `${artifacts}monitoring/`, evaluations: `${artifacts}evaluations/`, groundTruthReady: "ground-truth-ready/", dynamoDbExports: `${DATA_PREFIXES.raw}dynamodb/` };

  const training = config.training.image ?? xgboostImageUri(config.region, config.training.xgboostVersion);
  const pre = config.preprocessing;
  const endpointName = `${prefix}-endpoint`;
  const functionName = `${prefix}-preprocess`;
  const stateMachineName = `${prefix}-pipeline`;
  const scheduleName = `${prefix}-retrain`;

  return {
    config,
    scope,
    accountRoot: accountRootArn(scope),
    tags: standardTags(identity.project, identity.stack, config.tags),
    namePrefix: prefix,
    key: { alias: `${prefix}-data`, aliasName: `alias/${prefix}-data`, aliasArn: keyAliasArn(scope, `${prefix}-data`), anyKeyArn: anyKeyArn(scope) },
    bucket: {
      name: bucketName,
      arn: bucketArnValue,
      prefixes,
      processingScriptKey: `${prefixes.code}preprocess.py`,
      glueScriptKey: `${prefixes.code}preprocess_glue.py`,
      uri: (key) => `s3://${bucketName}/${key}`,
      objectArn: (keyPattern) => `${bucketArnValue}/${keyPattern}`,
    },
    images: {
      training,
      inference: config.endpoint.image ?? training,
      // Only processing-kind preprocessing has an image; the default is resolved only then,
      // so that Lambda stacks in regions without the scikit-learn registry still work.
      processing: pre.kind === "processing" ? (pre.image ?? sklearnImageUri(config.region)) : "",
    },
    roles: {
      training: role("training-role"),
      preprocessing: role("preprocess-role"),
      endpoint: role("endpoint-role"),
      stateMachine: role("pipeline-role"),
      schedule: role("schedule-role"),
      newData: role("new-data-role"),
      approval: role("approval-role"),
      monitor: role("monitor-role"),
      monitoring: role("monitoring-role"),
      drift: role("drift-role"),
      evaluationChecks: role("evaluation-checks-role"),
      evaluation: role("evaluation-role"),
      newLabels: role("new-labels-role"),
    },
    endpoint: {
      name: endpointName,
      arn: regionalArn(scope, "sagemaker", `endpoint/${endpointName}`),
      logGroup: logGroup(`/aws/sagemaker/Endpoints/${endpointName}`),
      rollbackAlarms: {
        errors5xx: named(`${endpointName}-invocation-5xx`, alarmArn),
        modelLatency: named(`${endpointName}-model-latency`, alarmArn),
      },
    },
    // The /aws/vendedlogs/ prefix keeps the log-delivery resource policy small (AWS advice).
    stateMachine: { ...named(stateMachineName, stateMachineArn), logGroup: `/aws/vendedlogs/states/${stateMachineName}` },
    topic: named(`${prefix}-notifications`, topicArn),
    preprocessingFunction: { ...named(functionName, functionArn), logGroup: logGroup(`/aws/lambda/${functionName}`) },
    glueJob: {
      name: functionName,
      arn: regionalArn(scope, "glue", `job/${functionName}`),
      securityConfiguration: `${prefix}-preprocess`,
      logGroupArns: [logGroupArn(scope, "/aws-glue/*"), `${logGroupArn(scope, "/aws-glue/*")}:*`],
    },
    jobLogGroups: { training: logGroup("/aws/sagemaker/TrainingJobs"), processing: logGroup("/aws/sagemaker/ProcessingJobs") },
    schedule: { name: scheduleName, sourceArns: scheduleArns(scope, scheduleName) },
    newDataRule: named(`${prefix}-new-data`, eventRuleArn),
    dashboard: { name: `${prefix}-pipeline` },
    monitoring: {
      // Resolved only when on, so that stacks without monitoring work in regions without the registry.
      image: config.monitoring.drift.enabled || config.monitoring.evaluation.enabled ? sklearnImageUri(config.region) : "",
      stateTable: named(`${prefix}-monitoring-state`, (s, n) => regionalArn(s, "dynamodb", `table/${n}`)),
      drift: {
        scriptKey: `${prefixes.code}drift.py`,
        stateMachine: { ...named(`${prefix}-monitoring`, stateMachineArn), logGroup: `/aws/vendedlogs/states/${prefix}-monitoring` },
        schedule: { name: `${prefix}-drift-check`, sourceArns: scheduleArns(scope, `${prefix}-drift-check`) },
        alarm: named(`${prefix}-feature-drift`, alarmArn),
      },
      evaluation: {
        scriptKey: `${prefixes.code}evaluate.py`,
        stateMachine: { ...named(`${prefix}-evaluation`, stateMachineArn), logGroup: `/aws/vendedlogs/states/${prefix}-evaluation` },
        schedule: { name: `${prefix}-evaluation`, sourceArns: scheduleArns(scope, `${prefix}-evaluation`) },
        alarm: named(`${prefix}-degraded-performance`, alarmArn),
        newLabelsRule: named(`${prefix}-new-labels`, eventRuleArn),
      },
    },
    modelRegistry: {
      group: { name: `${prefix}-models`, arn: regionalArn(scope, "sagemaker", `model-package-group/${prefix}-models`) },
      packageArns: regionalArn(scope, "sagemaker", `model-package/${prefix}-models/*`),
      approvalRule: named(`${prefix}-model-approval`, eventRuleArn),
    },
    triggerDeadLetterQueue: named(`${prefix}-trigger-dead-letters`, queueArn),
    promotion: promotionModel(config, scope, prefix),
  };
}

function promotionModel(config: StackConfig, scope: ArnScope, prefix: string): PromotionModel {
  const { source, shareWith } = config.registry;
  const metadataKeys = {
    artifactKey: "mlpipeline_artifact_key",
    artifactVersion: "mlpipeline_artifact_version",
    artifactChecksum: "mlpipeline_artifact_crc64nvme",
    // The serving image, recorded at registration: UpdateModelPackage can replace a version's
    // InferenceSpecification and no IAM condition key guards it, so a consumer compares the two.
    image: "mlpipeline_image",
    // Letters, digits and underscores only: the key is read by a JSONPath in dot notation.
    deployedIn: (stage: string) => `mlpipeline_deployed_${stage}`,
  };
  const busArn = (s: ArnScope, namePrefix: string) => regionalArn(s, "events", `event-bus/${promotionBusName(namePrefix)}`);
  let consumer: PromotionModel["consumer"];
  if (source.kind === "promoted") {
    const [, partition, , region, accountId, resource] = source.groupArn.split(":");
    const sourceScope: ArnScope = { partition, region, accountId };
    const groupName = resource.slice("model-package-group/".length);
    const sourcePrefix = groupName.replace(/-models$/, "");
    const bucketName = `${sourcePrefix}-data-${accountId}`;
    const busName = promotionBusName(prefix);
    consumer = {
      source: {
        accountId,
        group: { name: groupName, arn: source.groupArn },
        packageArns: regionalArn(sourceScope, "sagemaker", `model-package/${groupName}/*`),
        bucket: { name: bucketName, arn: bucketArn(partition, bucketName), modelArtifactArns: `${bucketArn(partition, bucketName)}/${DATA_PREFIXES.artifacts}models/${REGISTERED_ARTIFACTS}*` },
        key: { aliasName: `alias/${sourcePrefix}-data`, anyKeyArn: anyKeyArn(sourceScope) },
      },
      stage: source.stage,
      after: source.after,
      bus: { name: busName, arn: busArn(scope, prefix) },
      // A rule on a custom bus has the bus in its ARN.
      rule: { name: `${prefix}-promotion`, arn: regionalArn(scope, "events", `rule/${busName}/${prefix}-promotion`) },
      role: { name: `${prefix}-promotion-role`, arn: roleArn(scope, `${prefix}-promotion-role`) },
    };
  }
  const sharing: PromotionModel["sharing"] =
    source.kind === "local" && shareWith.length > 0
      ? {
          consumers: shareWith.map((c) => {
            const consumerScope: ArnScope = { ...scope, accountId: c.account };
            return { accountId: c.account, stage: c.stage, pipelineRoleArn: roleArn(consumerScope, `${c.namePrefix}-pipeline-role`), busArn: busArn(consumerScope, c.namePrefix) };
          }),
          forwardRule: { name: `${prefix}-promotion-events`, arn: eventRuleArn(scope, `${prefix}-promotion-events`) },
          forwarderRole: { name: `${prefix}-promotion-forwarder-role`, arn: roleArn(scope, `${prefix}-promotion-forwarder-role`) },
        }
      : undefined;
  return { metadataKeys, consumer, sharing };
}
