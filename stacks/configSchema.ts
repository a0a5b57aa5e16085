/**
 * The stack configuration schema: every key a stack file may set, its type and what
 * is allowed. Validation runs before any resource is declared (see `load.ts`).
 */
import { z } from "zod";
import {
  GLUE_MAX_TIMEOUT_MINUTES,
  GLUE_MIN_WORKERS,
  GLUE_SPARK_WORKER_TYPES,
  GLUE_VERSIONS,
  instanceTypeProblem,
  InstanceUse,
  scheduleExpressionProblem,
  TRANSFORM_INSTANCE_TYPES,
} from "ml-pipeline-policies";
import { XGBOOST_VERSIONS } from "./algorithmImages";

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** An instance type valid for one SageMaker use (hosting, training, processing). */
const instanceType = (use: InstanceUse) =>
  z.string().superRefine((value, ctx) => {
    const problem = instanceTypeProblem(value, use);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Rejects a key on a variant that AWS does not support there, saying why. */
const unsupported = (why: string) => z.undefined({ error: why }).optional();

/** A container image in ECR: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`. */
const ecrImage = z
  .string()
  .regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+([:@][\w.:-]+)?$/, {
    error: "expected an ECR image URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag",
  });

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const prefixLifecycle = z
  .strictObject({
    /** Days after which current objects under the prefix expire; null keeps them. */
    expirationDays: int(1, 3650).nullable(),
    /** Days after which objects move to STANDARD_IA (S3 requires at least 30); null never. */
    infrequentAccessAfterDays: int(30, 3650).nullable(),
  })
  .refine(
    (p) => p.expirationDays === null || p.infrequentAccessAfterDays === null || p.expirationDays > p.infrequentAccessAfterDays,
    { message: "expirationDays must be greater than infrequentAccessAfterDays (or one of them null)" },
  );

/** An IAM role or user ARN (key policies name principals, not sessions or groups). */
const principalArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@\/-]{1,512}$/, {
  error: "expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/KeyAdmins",
});

const dataBucketSchema = z.strictObject({
  /**
   * Principals that administer the stack key (rotate, disable, schedule deletion, change
   * its policy). The account root statement stays in the key policy either way (AWS:
   * without it a key can become unmanageable).
   */
  keyAdministrators: z.array(principalArn).max(10),
  /** Keep bucket and key on `pulumi destroy` and refuse replacement (prod); dev tears down. */
  protect: z.boolean(),
  noncurrentVersionExpirationDays: int(1, 3650),
  abortIncompleteMultipartUploadDays: int(1, 365),
  prefixes: z.strictObject({
    raw: prefixLifecycle,
    processed: prefixLifecycle,
    artifacts: prefixLifecycle,
    capture: prefixLifecycle,
    /** Labelled data for scheduled evaluation: each evaluation scores all of it, so its expiration is the evaluation's window. */
    groundTruth: prefixLifecycle,
  }),
});

const lambdaPreprocessing = z.strictObject({
  kind: z.literal("lambda"),
  memoryMb: int(128, 10240),
  timeoutSeconds: int(1, 900),
  /**
   * Reserved concurrency; absent (the default) reserves none. Lambda keeps 100 executions
   * unreserved per account, so new accounts (quota 10) cannot reserve any.
   */
  reservedConcurrency: int(1, 1000).optional(),
});

const processingPreprocessing = z.strictObject({
  kind: z.literal("processing"),
  /** Processing image; when absent SageMaker's scikit-learn image of the region is used. */
  image: ecrImage.optional(),
  instanceType: instanceType("processing"),
  /** Above 1, raw/ is sharded by key across the instances (each writes its own objects). */
  instanceCount: int(1, 100),
  volumeSizeGb: int(1, 16384),
  maxRuntimeSeconds: int(1, 5 * 24 * 3600),
  networkIsolation: z.boolean(),
});

const gluePreprocessing = z.strictObject({
  kind: z.literal("glue"),
  /** Glue 5.x: Spark 3.5, Python 3.11. */
  glueVersion: z.enum(GLUE_VERSIONS),
  /** A Spark worker type (policies/facts/glue.ts: DPUs per worker, from the Glue API model). */
  workerType: z.enum(GLUE_SPARK_WORKER_TYPES),
  /** Workers including the driver; the upper bound is a typo guard, the real one the account's quota. */
  numberOfWorkers: int(GLUE_MIN_WORKERS, 1000),
  /** The job run's timeout; Glue stops the run (and its billing) after it. */
  timeoutMinutes: int(1, GLUE_MAX_TIMEOUT_MINUTES),
});

const preprocessingSchema = z.discriminatedUnion("kind", [lambdaPreprocessing, processingPreprocessing, gluePreprocessing], {
  error: 'expected kind "lambda", "processing" or "glue"',
});

const hyperparameterValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const trainingSchema = z
  .strictObject({
    /** Custom training image; when absent the built-in XGBoost image of the region is used. */
    image: ecrImage.optional(),
    xgboostVersion: z.enum(XGBOOST_VERSIONS),
    instanceType: instanceType("training"),
    /** Above 1, training is distributed; how train/ is spread is resolved in trainingDistribution.ts. */
    instanceCount: int(1, 100),
    /**
     * How train/ reaches the instances when instanceCount > 1. Derived for the built-in
     * XGBoost (sharded on CPU, replicated for Dask on GPU); required with a custom image.
     */
    trainDataDistribution: z.enum(["ShardedByS3Key", "FullyReplicated"]).optional(),
    volumeSizeGb: int(1, 16384),
    maxRuntimeSeconds: int(60, 28 * 24 * 3600),
    spot: z.strictObject({
      enabled: z.boolean(),
      /** Upper bound on run time plus waiting for spot capacity; SageMaker needs it >= maxRuntimeSeconds. */
      maxWaitSeconds: int(60, 28 * 24 * 3600),
    }),
    networkIsolation: z.boolean(),
    interContainerEncryption: z.boolean(),
    vpc: z
      .strictObject({
        subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1).max(16),
        securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).min(1).max(5),
      })
      .optional(),
    hyperparameters: z.record(z.string().regex(/^[\w.:-]{1,256}$/), hyperparameterValue),
    metricDefinitions: z.array(z.strictObject({ name: z.string().min(1).max(255), regex: z.string().min(1).max(500) })).max(40),
    objective: z.strictObject({
      /** Metric name as SageMaker reports it in FinalMetricDataList, e.g. `validation:auc`. */
      metric: z.string().min(1).max(255).regex(/^[^'"\\]+$/, { error: "must not contain quotes or backslashes (it is embedded in a JSONPath filter)" }),
      goal: z.enum(["Maximize", "Minimize"]),
      /** Deploy only when the metric is at least (Maximize) / at most (Minimize) this. */
      threshold: z.number(),
    }),
  })
  .refine((t) => !t.spot.enabled || t.spot.maxWaitSeconds >= t.maxRuntimeSeconds, {
    message: "spot.maxWaitSeconds must be >= maxRuntimeSeconds (SageMaker requires it when spot is enabled)",
    path: ["spot", "maxWaitSeconds"],
  });

const variantName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, {
  error: "expected 1-63 letters, digits and hyphens (SageMaker name rules)",
});

/** An S3 key under the artifacts prefix holding a model.tar.gz. */
const modelDataKey = z.string().regex(/^artifacts\/[\w./=-]+\.tar\.gz$/, {
  error: "expected an S3 key under artifacts/ ending in .tar.gz, e.g. artifacts/models/bootstrap/model.tar.gz",
});

const endpointCommon = {
  /** The model artifact to serve. Absent: the endpoint is not declared yet (bootstrap, see README). */
  modelDataKey: modelDataKey.optional(),
  /** Inference image; defaults to the training image. */
  image: ecrImage.optional(),
  variantName,
};

const serverlessEndpoint = z
  .strictObject({
    kind: z.literal("serverless"),
    ...endpointCommon,
    memorySizeMb: z.union([1024, 2048, 3072, 4096, 5120, 6144].map((n) => z.literal(n)) as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]], {
      error: "expected one of 1024, 2048, 3072, 4096, 5120, 6144 (MB, SageMaker serverless)",
    }),
    maxConcurrency: int(1, 200),
    provisionedConcurrency: int(1, 200).optional(),
    /** Expected usage, for the cost estimate only. */
    expectedMonthlyInvocations: int(0, 1e10),
    expectedDurationMs: int(1, 60_000),
    instanceType: unsupported("serverless endpoints have no instance type; set kind: instance to choose one"),
    dataCapture: unsupported("serverless endpoints do not support data capture (AWS); use kind: instance or remove dataCapture"),
    autoscaling: unsupported("serverless endpoints scale by maxConcurrency, not Application Auto Scaling; remove autoscaling"),
    networkIsolation: unsupported("serverless endpoints do not support network isolation (AWS); use kind: instance"),
    vpc: unsupported("serverless endpoints do not support VPC configuration (AWS); use kind: instance"),
  })
  .refine((e) => e.provisionedConcurrency === undefined || e.provisionedConcurrency <= e.maxConcurrency, {
    message: "provisionedConcurrency must be <= maxConcurrency",
    path: ["provisionedConcurrency"],
  });

const instanceEndpoint = z
  .strictObject({
    kind: z.literal("instance"),
    ...endpointCommon,
    instanceType: instanceType("hosting"),
    initialInstanceCount: int(1, 100),
    networkIsolation: z.boolean(),
    autoscaling: z.strictObject({
      minCapacity: int(1, 100),
      maxCapacity: int(1, 100),
      targetInvocationsPerInstance: z.number().positive(),
      scaleInCooldownSeconds: int(0, 3600),
      scaleOutCooldownSeconds: int(0, 3600),
    }),
    deployment: z.strictObject({
      /** SageMaker blue/green traffic shifting. */
      trafficRouting: z.enum(["CANARY", "LINEAR", "ALL_AT_ONCE"]),
      /** Share of capacity in the canary or in each linear step. */
      stepPercent: int(1, 100),
      waitIntervalSeconds: int(0, 3600),
      terminationWaitSeconds: int(0, 3600),
      maximumExecutionTimeoutSeconds: int(600, 28800),
    }),
    dataCapture: z.strictObject({
      enabled: z.boolean(),
      samplingPercentage: int(0, 100),
    }),
    alarms: z.strictObject({
      /** Roll back when Invocation5XXErrors in one minute reach this count. */
      invocation5xxErrors: int(1, 1_000_000),
      /** Roll back when average ModelLatency over a minute exceeds this (milliseconds). */
      modelLatencyMs: z.number().positive(),
    }),
  })
  .refine((e) => e.autoscaling.minCapacity <= e.autoscaling.maxCapacity, {
    message: "autoscaling.minCapacity must be <= autoscaling.maxCapacity",
    path: ["autoscaling", "minCapacity"],
  })
  .refine((e) => e.initialInstanceCount >= e.autoscaling.minCapacity && e.initialInstanceCount <= e.autoscaling.maxCapacity, {
    message: "initialInstanceCount must lie within autoscaling.minCapacity..maxCapacity",
    path: ["initialInstanceCount"],
  });

const endpointSchema = z.discriminatedUnion("kind", [serverlessEndpoint, instanceEndpoint], {
  error: 'expected kind "serverless" or "instance"',
});

const scheduleSchema = z.strictObject({
  enabled: z.boolean(),
  /** EventBridge Scheduler expression: `rate(7 days)` or `cron(0 3 ? * SUN *)`. */
  expression: z.string().superRefine((value, ctx) => {
    const problem = scheduleExpressionProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  timezone: z.string().regex(/^(UTC|[A-Za-z]+\/[A-Za-z_+-]+(\/[A-Za-z_+-]+)?)$/, { error: "expected an IANA time zone such as UTC or Europe/Berlin" }),
  /** Also start a run when a marker object lands under raw/ (one run per marker, not per file). */
  onNewData: z.strictObject({
    enabled: z.boolean(),
    /** Key suffix of the marker object, e.g. `_READY` matches `raw/2026-11-25/_READY`. */
    marker: z.string().regex(/^[\w.-]{1,64}$/, { error: "expected 1-64 letters, digits, _ . or -" }),
  }),
});

const monitoringSchema = z.strictObject({
  logRetentionDays: z.union(LOG_RETENTION_DAYS.map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]], {
    error: `expected one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  }),
  /** Addresses subscribed to failure/success notifications (each must confirm by mail). */
  notificationEmails: z.array(z.email()).max(10),
  /**
   * Declare SageMaker's account-wide job log groups (/aws/sagemaker/TrainingJobs,
   * ProcessingJobs) with the stack key and retention. false when another stack of the
   * account and region declares them, or they exist already (see README).
   */
  declareJobLogGroups: z.boolean(),
  /** After a retraining started by drift or by degraded performance, neither starts another for this long. */
  minHoursBetweenRetrains: int(1, 720),
  /**
   * Drift monitoring of the endpoint's captured requests against a profile of the served
   * model's training data, by the project's own job (monitoring/drift.py on SageMaker
   * Processing; no Model Monitor); drift starts a retraining run (at most one per
   * minHoursBetweenRetrains). Instance endpoints with data capture only.
   */
  drift: z
    .strictObject({
      enabled: z.boolean(),
      /** How often the drift check runs: hourly at :55 or daily at 23:55 UTC, each over the captured requests of the UTC day so far. */
      frequency: z.enum(["hourly", "daily"]),
      /** Processing instance of the baselining and drift jobs. */
      instanceType: instanceType("processing"),
      volumeSizeGb: int(1, 16384),
      /** A drift job's limit. */
      maxRuntimeSeconds: int(60, 86_400),
      /** A feature drifts when its population stability index exceeds this (0.1 moderate, 0.25 significant, by convention). */
      psiThreshold: z.number().gt(0).max(10),
      /** ...or when the Kolmogorov-Smirnov distance of a numeric feature exceeds this (0-1). */
      ksThreshold: z.number().gt(0).max(1),
      /** Fewer usable captured rows than this in a window is "insufficient data": never a retraining. */
      minSamples: int(1, 10_000_000),
    })
    .refine((d) => d.frequency !== "hourly" || d.maxRuntimeSeconds <= 3600, {
      message: "an hourly drift check must end within the hour: maxRuntimeSeconds of at most 3600",
      path: ["maxRuntimeSeconds"],
    }),
  /**
   * Scheduled evaluation of the served model on the labelled data ground-truth/ holds (its
   * lifecycle expiration is the window): a batch transform of the served model scores it, monitoring/evaluate.py computes the
   * gate's metric, and a result worse than the registered value by more than `tolerance`
   * starts a retraining (through the same lock and cooldown as drift).
   */
  evaluation: z.strictObject({
    enabled: z.boolean(),
    /** daily (01:30 UTC) or weekly (Monday 01:30 UTC). */
    frequency: z.enum(["daily", "weekly"]),
    /** The batch transform's instance (a type both hosting and batch transform accept). */
    transformInstanceType: z.string().superRefine((value, ctx) => {
      if (!TRANSFORM_INSTANCE_TYPES.includes(value)) ctx.addIssue({ code: "custom", message: `not a SageMaker batch transform instance type; allowed: ${TRANSFORM_INSTANCE_TYPES.join(", ")}` });
    }),
    /** The evaluation job's processing instance. */
    instanceType: instanceType("processing"),
    volumeSizeGb: int(1, 16384),
    /** Each job's limit (the transform's is the state's timeout: CreateTransformJob has no stopping condition). */
    maxRuntimeSeconds: int(60, 86_400),
    /** How much worse than the registered value the metric may get before a retraining (absolute, in the metric's units). */
    tolerance: z.number().gt(0).max(1_000_000),
    /** Fewer labelled rows than this is "insufficient data": never a retraining. */
    minSamples: int(1, 10_000_000),
    /**
     * Also evaluate when a marker object lands under ground-truth/ (the marker of
     * schedule.onNewData, whose bucket notifications to EventBridge this needs).
     */
    onNewLabels: z.boolean(),
  }),
});

const registrySchema = z.strictObject({
  /**
   * auto: a model that passes the gate is registered Approved and deployed in the same run.
   * manual: it is registered PendingManualApproval; approving it (console or
   * `aws sagemaker update-model-package`) starts a run that deploys exactly that package.
   */
  approval: z.enum(["auto", "manual"]),
});

const tagsSchema = z.record(
  z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { error: "expected a tag key of 1-128 characters, not starting with aws:" }),
  z.string().max(256),
);

export const stackConfigSchema = z.strictObject({
  /** Which defaults apply: dev is cheap and disposable, prod durable and highly available. */
  profile: z.enum(["dev", "prod"]),
  /** Prefix of every physical name; lower-case so that it is valid for S3 and SageMaker alike. */
  namePrefix: z.string().regex(/^[a-z0-9](-?[a-z0-9])*$/, { error: "expected lower-case letters, digits and single hyphens" })
    // 24 keeps every derived SageMaker name (prefix + "-tr-" + 32-char run id) within 63 characters.
    .max(24),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "expected an AWS region such as us-east-1" }),
  dataBucket: dataBucketSchema,
  preprocessing: preprocessingSchema,
  training: trainingSchema,
  endpoint: endpointSchema,
  schedule: scheduleSchema,
  monitoring: monitoringSchema,
  registry: registrySchema,
  tags: tagsSchema,
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type DataBucketConfig = StackConfig["dataBucket"];
export type PreprocessingConfig = StackConfig["preprocessing"];
export type LambdaPreprocessingConfig = Extract<PreprocessingConfig, { kind: "lambda" }>;
export type GluePreprocessingConfig = Extract<PreprocessingConfig, { kind: "glue" }>;
export type TrainingConfig = StackConfig["training"];
export type EndpointConfig = StackConfig["endpoint"];
export type InstanceEndpointConfig = Extract<EndpointConfig, { kind: "instance" }>;
export type ServerlessEndpointConfig = Extract<EndpointConfig, { kind: "serverless" }>;
export type DriftConfig = StackConfig["monitoring"]["drift"];
export type EvaluationConfig = StackConfig["monitoring"]["evaluation"];
