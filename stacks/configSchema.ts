/**
 * The stack configuration schema: every key a stack file may set, its type and what
 * is allowed. Validation runs before any resource is declared (see `load.ts`).
 *
 * Every key carries its description (`.describe()`): `npm run docs` renders them, with the
 * types and the per-profile defaults of `defaults.ts`, into docs/configuration.md, and the
 * docs test fails when a key has none. Descriptions are markdown, and may link to other
 * pages relative to docs/.
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
    expirationDays: int(1, 3650).nullable().describe("Days after which current objects under the prefix expire; `null` keeps them."),
    infrequentAccessAfterDays: int(30, 3650)
      .nullable()
      .describe("Days after which objects move to STANDARD_IA (S3 requires at least 30), less than `expirationDays`; `null` never."),
  })
  .refine(
    (p) => p.expirationDays === null || p.infrequentAccessAfterDays === null || p.expirationDays > p.infrequentAccessAfterDays,
    { message: "expirationDays must be greater than infrequentAccessAfterDays (or one of them null)" },
  );

/** An IAM role or user ARN (key policies name principals, not sessions or groups). */
const principalArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@\/-]{1,512}$/, {
  error: "expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/KeyAdmins",
});

const dataBucketSchema = z
  .strictObject({
    keyAdministrators: z
      .array(principalArn)
      .max(10)
      .describe(
        "IAM role or user ARNs (`arn:aws:iam::<account>:role/<name>`) that administer the stack key: rotate, disable, schedule deletion, change its policy (AWS's \"key administrators\" statement). The account root statement stays in the key policy either way (AWS: without it a key can become unmanageable).",
      ),
    protect: z
      .boolean()
      .describe(
        "`true` (prod): `protect` and `retainOnDelete` on the bucket and the key (and the model package group): kept on `pulumi destroy`, replacement refused. `false` (dev): the bucket has `forceDestroy`, and a destroy tears everything down (see [Tearing a stack down](deploying.md#tearing-a-stack-down)).",
      ),
    noncurrentVersionExpirationDays: int(1, 3650).describe("Days after which noncurrent object versions expire (the bucket is versioned)."),
    abortIncompleteMultipartUploadDays: int(1, 365).describe("Days after which incomplete multipart uploads are aborted."),
    prefixes: z
      .strictObject({
        raw: prefixLifecycle.describe(
          "`raw/`: incoming data (CSV, label in the first column, header row), written by producers, and a DynamoDB source's exports (`raw/dynamodb/<run>/`); read by the preprocessing.",
        ),
        processed: prefixLifecycle.describe("`processed/`: the preprocessing's train and validation channels, and the features-only rows the drift profile reads."),
        artifacts: prefixLifecycle.describe("`artifacts/`: models, checkpoints, scripts, metrics, drift profiles and reports, evaluations."),
        capture: prefixLifecycle.describe("`capture/`: the endpoint's captured requests and responses."),
        groundTruth: prefixLifecycle.describe(
          "`ground-truth/`: labelled data for scheduled evaluation. Each evaluation scores all of it, so its expiration is the evaluation's window.",
        ),
      })
      .describe("Lifecycle of each prefix of the bucket; a stack sets only the prefixes and fields it changes."),
  })
  .describe("The data bucket and its KMS key (the stack key, rotation on): who administers the key, durability, and the lifecycle of each prefix.");

const lambdaPreprocessing = z.strictObject({
  kind: z.literal("lambda").describe("one Lambda invocation (at most 15 minutes, 10 GB of memory)"),
  memoryMb: int(128, 10240).describe("The function's memory (MB)."),
  timeoutSeconds: int(1, 900).describe("The function's timeout (seconds); also what the cost estimate prices a run at."),
  reservedConcurrency: int(1, 1000)
    .optional()
    .describe(
      "Reserved concurrency; absent (the default) reserves none. Lambda keeps 100 executions unreserved per account, so accounts with a concurrency quota of 10 cannot reserve any.",
    ),
});

const processingPreprocessing = z.strictObject({
  kind: z.literal("processing").describe("a SageMaker Processing job, sharded over its instances"),
  image: ecrImage.optional().describe("Processing image (an ECR image URI); absent: SageMaker's scikit-learn image of the region."),
  instanceType: instanceType("processing").describe("A SageMaker *processing* instance type."),
  instanceCount: int(1, 100).describe(
    "Above 1, `raw/` is sharded by key (`ShardedByS3Key`): each instance processes its share of the files, streaming, and writes `data-<host>.csv`; the split depends on the row alone, so the result is the same for any count (tested). An instance whose shard is empty (fewer files than instances) writes nothing.",
  ),
  volumeSizeGb: int(1, 16384).describe("The job's storage volume (GB)."),
  maxRuntimeSeconds: int(1, 5 * 24 * 3600).describe("The job's stopping condition (`MaxRuntimeInSeconds`); also what the cost estimate prices a run at."),
  networkIsolation: z.boolean().describe("Run the job network-isolated (the `sagemaker-network-isolation` policy requires it for jobs by default)."),
});

const gluePreprocessing = z.strictObject({
  kind: z.literal("glue").describe("Spark on AWS Glue, for data past one machine"),
  glueVersion: z.enum(GLUE_VERSIONS).describe("Glue 5.x: Spark 3.5, Python 3.11."),
  workerType: z
    .enum(GLUE_SPARK_WORKER_TYPES)
    .describe(
      "A Glue Spark worker type, checked against the Glue API model's enum (`policies/facts/glue.ts`: DPUs per worker): `G.1X`–`G.16X` (1–16 DPU), or `R.1X`–`R.8X` (memory-optimized; no price in the cost table, give one in the policy config).",
    ),
  numberOfWorkers: int(GLUE_MIN_WORKERS, 1000).describe(
    "Workers including the driver. The upper bound is a typo guard: the real ceiling is the account's quota, and the `glue-job-workers` policy caps it (50 by default). The job writes one file per executor per channel, rounded up to a multiple of `training.instanceCount`.",
  ),
  timeoutMinutes: int(1, GLUE_MAX_TIMEOUT_MINUTES).describe("The job run's timeout; Glue stops the run (and its billing) after it."),
});

const preprocessingSchema = z
  .discriminatedUnion("kind", [lambdaPreprocessing, processingPreprocessing, gluePreprocessing], {
    error: 'expected kind "lambda", "processing" or "glue"',
  })
  .describe(
    "How `raw/` (or a run's DynamoDB export) becomes the train and validation channels under `processed/`. All three engines split by the row alone (a row's SHA-256 decides train or validation), so the result does not depend on the engine; see [Scaling out](workflow.md#scaling-out).",
  );

/** A DynamoDB attribute name as an export writes it (1 to 255 bytes; the mapping names attributes, not paths). */
const attributeName = z.string().min(1).max(255);

const s3Source = z.strictObject({
  kind: z.literal("s3").describe("CSV objects under `raw/` (label in the first column, header row), written by producers"),
});

const dynamoDbSource = z
  .strictObject({
    kind: z.literal("dynamodb").describe("a full export of a DynamoDB table at each run (`ExportTableToPointInTime`, DYNAMODB_JSON), written under `raw/dynamodb/<run>/`"),
    tableArn: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:dynamodb:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/, {
        error: "expected a DynamoDB table ARN such as arn:aws:dynamodb:us-east-1:123456789012:table/events",
      })
      .describe(
        "The table to export: the team's own, not declared here. Point-in-time recovery must be on (`aws dynamodb update-continuous-backups --table-name <name> --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`): DynamoDB refuses exports of a table without it. In the stack's region; a table of another account needs a resource policy that allows this stack's state machine role `dynamodb:ExportTableToPointInTime` and `dynamodb:DescribeExport`.",
      ),
    label: attributeName.describe("The attribute that holds the label: the first column of every row."),
    features: z
      .array(attributeName)
      .min(1)
      .max(1000)
      .describe(
        "The attributes that hold the features, in the column order training and the endpoint use. An item whose label or a feature is missing, `NULL`, or not a number (`N`, `BOOL` as 1/0, or an `S` that holds a decimal number) is dropped, as a CSV row with a missing value is.",
      ),
    pollSeconds: int(30, 3600).describe("Seconds between the run's checks of the export (`DescribeExport`)."),
    timeoutMinutes: int(5, 1440).describe("Minutes after which an export still in progress fails the run (and the failure is notified)."),
  })
  .refine((s) => new Set(s.features).size === s.features.length, { message: "features must not name an attribute twice", path: ["features"] })
  .refine((s) => !s.features.includes(s.label), { message: "the label attribute cannot also be a feature", path: ["features"] });

const ingestionSchema = z
  .strictObject({
    source: z
      .discriminatedUnion("kind", [s3Source, dynamoDbSource], { error: 'expected kind "s3" or "dynamodb"' })
      .describe("Where a run's data comes from: CSV objects under `raw/`, or a DynamoDB table exported at each run. Every preprocessing engine reads either."),
  })
  .describe("The data a run trains on ([Ingestion](workflow.md#ingestion)).");

const hyperparameterValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const trainingSchema = z
  .strictObject({
    image: ecrImage.optional().describe("Custom training image (an ECR image URI); absent: the built-in XGBoost image of the region (`xgboostVersion`)."),
    xgboostVersion: z.enum(XGBOOST_VERSIONS).describe("Version of the built-in XGBoost image."),
    instanceType: instanceType("training").describe("A SageMaker *training* instance type."),
    // How train/ is spread over several instances is resolved in trainingDistribution.ts.
    instanceCount: int(1, 100).describe(
      "Above 1, training is distributed (see `training.trainDataDistribution`). With the built-in XGBoost on CPU types, each instance needs train files of its own, so the preprocessing must write at least as many: Lambda writes 1, processing at most one per instance. Fewer is a config error (the XGBoost container would leave the extra instances out of training, billed idle). On GPU types the built-in XGBoost trains on several instances only with Dask: set `training.hyperparameters.use_dask_gpu_training: \"true\"`.",
    ),
    trainDataDistribution: z
      .enum(["ShardedByS3Key", "FullyReplicated"])
      .optional()
      .describe(
        "How `train/` reaches the instances when `instanceCount` > 1. For the built-in XGBoost it is derived: sharded by key on CPU (Rabit), replicated with Dask on GPU (AWS requires it); contradicting the derived value is an error. With a custom `training.image` it is required, because the image decides. Validation is always replicated: a distributed XGBoost host without validation data sits out. Checkpoints and the model share one prefix, since the built-in XGBoost writes them from rank 0 only.",
      ),
    volumeSizeGb: int(1, 16384).describe("The training job's storage volume (GB)."),
    maxRuntimeSeconds: int(60, 28 * 24 * 3600).describe("The training job's stopping condition (`MaxRuntimeInSeconds`); also what the cost estimate prices a run at (no spot discount assumed)."),
    spot: z.strictObject({
      enabled: z.boolean().describe("Managed spot training, with checkpoints under `artifacts/checkpoints/` so that SageMaker resumes a reclaimed job instead of restarting it."),
      maxWaitSeconds: int(60, 28 * 24 * 3600).describe(
        "Upper bound on run time plus waiting for spot capacity; SageMaker needs it ≥ `maxRuntimeSeconds` when spot is on.",
      ),
    }),
    networkIsolation: z.boolean().describe("Run training network-isolated (the `sagemaker-network-isolation` policy requires it for jobs by default)."),
    interContainerEncryption: z.boolean().describe("Encrypt the traffic between training instances (the `sagemaker-job-encryption` policy requires it by default)."),
    vpc: z
      .strictObject({
        subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1).max(16).describe("Subnet IDs (`subnet-…`)."),
        securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).min(1).max(5).describe("Security group IDs (`sg-…`)."),
      })
      .optional()
      .describe("Run training in these subnets and security groups (`{subnetIds: [subnet-…], securityGroupIds: [sg-…]}`); absent: no VPC."),
    hyperparameters: z
      .record(z.string().regex(/^[\w.:-]{1,256}$/), hyperparameterValue)
      .describe("The training job's hyperparameters; string, number and boolean values are sent as strings. The default is XGBoost's `binary:logistic`, 100 rounds, `eval_metric` auc."),
    metricDefinitions: z
      .array(z.strictObject({ name: z.string().min(1).max(255), regex: z.string().min(1).max(500) }))
      .max(40)
      .describe("`{name, regex}` pairs by which SageMaker reads metrics from the training log (needed for custom images)."),
    tuning: z
      .strictObject({
        enabled: z.boolean().describe("Run a SageMaker hyperparameter tuning job instead of one training job; the best job's model and metric go on to the gate, the registry and the deploy exactly as a single job's would."),
        strategy: z
          .enum(["Bayesian", "Random", "Hyperband", "Grid"])
          .describe("How the tuning job picks the next hyperparameters (the API's HyperParameterTuningJobStrategyType). `Grid` searches categorical ranges only and runs every combination; `Hyperband` needs `earlyStopping: Off` and `hyperband`."),
        maxTrainingJobs: int(1, 750).describe("Training jobs the tuning job may start in all (SageMaker's default quota is 750 per tuning job); the cost estimate prices every one of them at `maxRuntimeSeconds`."),
        maxParallelTrainingJobs: int(1, 100).describe("Training jobs at once (SageMaker's default quota is 10 per tuning job; raise it with AWS for more)."),
        earlyStopping: z.enum(["Auto", "Off"]).describe("`Auto` lets SageMaker stop training jobs that are unlikely to beat the best so far (the built-in XGBoost supports it); `Off` for Hyperband."),
        hyperband: z
          .strictObject({
            minResource: int(1, 20000).describe("The fewest boosting rounds (num_round) Hyperband gives a job before it may stop it."),
            maxResource: int(1, 20000).describe("The most boosting rounds Hyperband gives a job; SageMaker cannot infer it for the built-in XGBoost."),
          })
          .optional()
          .describe("Hyperband's resource bounds (`HyperbandStrategyConfig`); for the Hyperband strategy only."),
        ranges: z
          .strictObject({
            continuous: z
              .record(
                z.string().regex(/^[\w.:-]{1,256}$/),
                z.strictObject({
                  min: z.number().describe("Lowest value searched."),
                  max: z.number().describe("Highest value searched."),
                  scaling: z.enum(["Auto", "Linear", "Logarithmic", "ReverseLogarithmic"]).optional().describe("How values are spread between min and max (`Logarithmic` needs min > 0; `ReverseLogarithmic` needs 0 <= min, max < 1); absent: `Auto`."),
                }),
              )
              .optional()
              .describe("`{<hyperparameter>: {min, max, scaling?}}` searched as real numbers; for the built-in XGBoost: alpha, colsample_bylevel, colsample_bynode, colsample_bytree, eta, gamma, lambda, min_child_weight, subsample, within the ranges AWS recommends."),
            integer: z
              .record(
                z.string().regex(/^[\w.:-]{1,256}$/),
                z.strictObject({
                  min: z.number().int().describe("Lowest value searched."),
                  max: z.number().int().describe("Highest value searched."),
                  scaling: z.enum(["Auto", "Linear", "Logarithmic"]).optional().describe("How values are spread between min and max; absent: `Auto`."),
                }),
              )
              .optional()
              .describe("`{<hyperparameter>: {min, max, scaling?}}` searched as integers; for the built-in XGBoost: max_delta_step, max_depth, num_round."),
            categorical: z
              .record(z.string().regex(/^[\w.:-]{1,256}$/), z.array(z.string().min(1).max(256)).min(1).max(30))
              .optional()
              .describe("`{<hyperparameter>: [values]}`, 1-30 values each, searched as given (the only kind Grid takes)."),
          })
          .describe("The hyperparameters to search (at most 30 in all). A tuned hyperparameter is left out of the static ones (`training.hyperparameters`), which the tuning job passes unchanged to every job."),
      })
      .describe(
        "SageMaker automatic model tuning (`createHyperParameterTuningJob.sync`) of the training job: same image, data, instances, spot, keys and isolation, searching `ranges` for the best `objective.metric` (the gate's metric and direction). Off by default. With spot, jobs restart instead of resuming (no checkpoints: parallel jobs would share one prefix). Tuning job names are `<namePrefix>-hp-<12 hex digits>`, at most 32 characters, so `namePrefix` may have at most 16.",
      ),
    objective: z.strictObject({
      metric: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[^'"\\]+$/, { error: "must not contain quotes or backslashes (it is embedded in a JSONPath filter)" })
        .describe(
          "The gate's metric, as SageMaker reports it in `FinalMetricDataList` (e.g. `validation:auc`); no quotes or backslashes (it is embedded in a JSONPath filter). Scheduled evaluation needs one it computes: `auc`, `error`, `logloss`, `mae`, `rmse`.",
        ),
      goal: z.enum(["Maximize", "Minimize"]).describe("Whether a higher (`Maximize`) or a lower (`Minimize`) metric is better."),
      threshold: z.number().describe("The gate: deploy only when the metric is at least (Maximize) or at most (Minimize) this."),
    }),
  })
  .refine((t) => !t.spot.enabled || t.spot.maxWaitSeconds >= t.maxRuntimeSeconds, {
    message: "spot.maxWaitSeconds must be >= maxRuntimeSeconds (SageMaker requires it when spot is enabled)",
    path: ["spot", "maxWaitSeconds"],
  })
  .describe("The training job: image, instance type and count, spot, isolation, hyperparameters, and the objective that gates deployment.");

const variantName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, {
  error: "expected 1-63 letters, digits and hyphens (SageMaker name rules)",
});

/** An S3 key under the artifacts prefix holding a model.tar.gz. */
const modelDataKey = z.string().regex(/^artifacts\/[\w./=-]+\.tar\.gz$/, {
  error: "expected an S3 key under artifacts/ ending in .tar.gz, e.g. artifacts/models/bootstrap/model.tar.gz",
});

const endpointCommon = {
  modelDataKey: modelDataKey
    .optional()
    .describe(
      "The model artifact the endpoint is created with: an S3 key under `artifacts/` ending `.tar.gz`. Absent: the endpoint is not declared yet (see [Day one: the bootstrap](deploying.md#day-one-the-bootstrap)).",
    ),
  image: ecrImage.optional().describe("Inference image (an ECR image URI); absent: the training image."),
  variantName: variantName.describe("The production variant's name (SageMaker name rules: 1–63 letters, digits and hyphens)."),
};

const serverlessEndpoint = z
  .strictObject({
    kind: z.literal("serverless").describe("a serverless endpoint, whose idle time costs nothing for hosting; AWS supports no data capture, autoscaling, network isolation, VPC or instance type on it"),
    ...endpointCommon,
    memorySizeMb: z
      .union([1024, 2048, 3072, 4096, 5120, 6144].map((n) => z.literal(n)) as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]], {
        error: "expected one of 1024, 2048, 3072, 4096, 5120, 6144 (MB, SageMaker serverless)",
      })
      .describe("Memory of the serverless endpoint (MB)."),
    maxConcurrency: int(1, 200).describe("Most concurrent invocations the serverless endpoint serves."),
    provisionedConcurrency: int(1, 200).optional().describe("Provisioned concurrency, at most `maxConcurrency`; absent: none."),
    // Expected usage, for the cost estimate only.
    expectedMonthlyInvocations: int(0, 1e10).describe("Expected invocations a month, for the cost estimate only."),
    expectedDurationMs: int(1, 60_000).describe("Expected duration of one invocation (ms), for the cost estimate only."),
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
    kind: z.literal("instance").describe("instances behind autoscaling, blue/green deployment with rollback alarms, data capture"),
    ...endpointCommon,
    instanceType: instanceType("hosting").describe("A SageMaker *hosting* instance type."),
    initialInstanceCount: int(1, 100).describe(
      "Instances when the endpoint is created, within `autoscaling.minCapacity`..`maxCapacity`. A deploy keeps the count autoscaling has reached (`RetainAllVariantProperties`).",
    ),
    networkIsolation: z.boolean().describe("Serve the model network-isolated (the `sagemaker-network-isolation` policy requires it for models in prod)."),
    autoscaling: z.strictObject({
      minCapacity: int(1, 100).describe("Fewest instances autoscaling keeps (≤ `maxCapacity`)."),
      maxCapacity: int(1, 100).describe("Most instances autoscaling adds; the cost estimate prices the endpoint at this × 730 h."),
      targetInvocationsPerInstance: z.number().positive().describe("The target of the scaling policy: `InvocationsPerInstance`, which it tracks."),
      scaleInCooldownSeconds: int(0, 3600).describe("Cooldown after scaling in (seconds)."),
      scaleOutCooldownSeconds: int(0, 3600).describe("Cooldown after scaling out (seconds)."),
    }),
    // SageMaker blue/green deployment: the workflow sends it with every UpdateEndpoint.
    deployment: z.strictObject({
      trafficRouting: z.enum(["CANARY", "LINEAR", "ALL_AT_ONCE"]).describe("SageMaker blue/green traffic shifting."),
      stepPercent: int(1, 100).describe("Share of capacity in the canary, or in each linear step."),
      waitIntervalSeconds: int(0, 3600).describe("Wait between traffic shifting steps (seconds)."),
      terminationWaitSeconds: int(0, 3600).describe("Wait before the old fleet is terminated once all traffic has shifted (seconds)."),
      maximumExecutionTimeoutSeconds: int(600, 28800).describe("Longest the whole blue/green deployment may take (seconds)."),
    }),
    dataCapture: z.strictObject({
      enabled: z.boolean().describe("Capture the endpoint's requests and responses to `capture/`; drift monitoring reads them."),
      samplingPercentage: int(0, 100).describe("Share of requests captured (%)."),
    }),
    alarms: z.strictObject({
      invocation5xxErrors: int(1, 1_000_000).describe("Roll back a deployment when `Invocation5XXErrors` in one minute reach this count, two minutes in a row."),
      modelLatencyMs: z.number().positive().describe("Roll back a deployment when the average `ModelLatency` over a minute reaches this (milliseconds), two minutes in a row."),
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

const endpointSchema = z
  .discriminatedUnion("kind", [serverlessEndpoint, instanceEndpoint], {
    error: 'expected kind "serverless" or "instance"',
  })
  .describe(
    "The SageMaker endpoint. Hosting settings are part of the workflow definition: change them in the stack config, `pulumi up`, and the next workflow run rolls them out (see [Who owns the live endpoint](deploying.md#who-owns-the-live-endpoint)).",
  );

const scheduleSchema = z
  .strictObject({
    enabled: z.boolean().describe("Retrain on `expression` (an EventBridge Scheduler schedule)."),
    expression: z
      .string()
      .superRefine((value, ctx) => {
        const problem = scheduleExpressionProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .describe("EventBridge Scheduler expression: `rate(n unit)` or `cron(6 fields)`, e.g. `rate(7 days)` or `cron(0 3 ? * SUN *)`."),
    timezone: z
      .string()
      .regex(/^(UTC|[A-Za-z]+\/[A-Za-z_+-]+(\/[A-Za-z_+-]+)?)$/, { error: "expected an IANA time zone such as UTC or Europe/Berlin" })
      .describe("IANA time zone of the schedule, such as `UTC` or `Europe/Berlin`."),
    onNewData: z.strictObject({
      enabled: z
        .boolean()
        .describe(
          "Also start a run when a marker object lands under `raw/` (turns on the bucket's EventBridge notifications): upload the data, then the marker; one run per marker, not per file.",
        ),
      marker: z
        .string()
        .regex(/^[\w.-]{1,64}$/, { error: "expected 1-64 letters, digits, _ . or -" })
        .describe(
          "Key suffix of the marker object (`raw/<anything>_READY`): `_READY` matches `raw/2026-11-25/_READY`. 1–64 letters, digits, `_`, `.` or `-`. `monitoring.evaluation.onNewLabels` uses the same marker.",
        ),
    }),
  })
  .describe("When the pipeline retrains on its own: a schedule and, optionally, new data under `raw/`. A start a trigger cannot deliver goes to a KMS-encrypted dead-letter queue.");

const monitoringSchema = z
  .strictObject({
    logRetentionDays: z
      .union(LOG_RETENTION_DAYS.map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]], {
        error: `expected one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .describe("Retention of the stack's log groups (CloudWatch Logs accepts only these values)."),
    notificationEmails: z
      .array(z.email())
      .max(10)
      .describe("E-mail addresses subscribed to the notification topic's failure and success messages (each confirms by mail)."),
    declareJobLogGroups: z
      .boolean()
      .describe(
        "Declare SageMaker's account-wide job log groups (`/aws/sagemaker/TrainingJobs` and `ProcessingJobs`) with the stack key and retention. If they exist already, import them once; if another stack of the account and region declares them, set `false` (see [Deploying for real](deploying.md#sagemakers-job-log-groups-are-account-wide)).",
      ),
    minHoursBetweenRetrains: int(1, 720).describe(
      "After a retraining started by drift or by degraded performance starts, neither starts another for this long (they notify instead).",
    ),
    drift: z
      .strictObject({
        enabled: z
          .boolean()
          .describe(
            "Check the endpoint's captured requests against each served model's profile; drift starts a retraining (see [Drift monitoring](workflow.md#drift-monitoring)). Needs an instance endpoint with `dataCapture.enabled` (serverless endpoints have no data capture) and a region with the scikit-learn image.",
          ),
        frequency: z
          .enum(["hourly", "daily"])
          .describe("`daily` (`cron(55 23 * * ? *)` UTC) or `hourly` (`cron(55 * * * ? *)`); each check reads the captured requests of the UTC day so far."),
        instanceType: instanceType("processing").describe("A SageMaker *processing* instance type, for the profiling and the check jobs."),
        volumeSizeGb: int(1, 16384).describe("The drift jobs' storage volume (GB)."),
        maxRuntimeSeconds: int(60, 86_400).describe("A drift job's limit (per job); at most 3600 with `hourly` (a check ends within its hour)."),
        psiThreshold: z
          .number()
          .gt(0)
          .max(10)
          .describe(
            "A feature drifts when its population stability index exceeds this (by convention < 0.1 is no significant change, > 0.25 a significant one); also the drift alarm's threshold.",
          ),
        ksThreshold: z.number().gt(0).max(1).describe("…or when a numeric feature's Kolmogorov–Smirnov distance exceeds this."),
        minSamples: int(1, 10_000_000).describe("Fewer usable captured rows than this in the window is \"insufficient data\", never a retraining."),
      })
      .refine((d) => d.frequency !== "hourly" || d.maxRuntimeSeconds <= 3600, {
        message: "an hourly drift check must end within the hour: maxRuntimeSeconds of at most 3600",
        path: ["maxRuntimeSeconds"],
      })
      .describe(
        "Drift monitoring of the endpoint's captured requests against a profile of the served model's training data, by the project's own job (`monitoring/drift.py` on SageMaker Processing; no Model Monitor); drift starts a retraining run (at most one per `minHoursBetweenRetrains`).",
      ),
    evaluation: z
      .strictObject({
        enabled: z
          .boolean()
          .describe(
            "Score the served model on the labelled data of `ground-truth/` on a schedule; worse than registered by more than `tolerance` starts a retraining (see [Scheduled evaluation](workflow.md#scheduled-evaluation-degraded-performance)). The gate's metric must be one it computes: `auc`, `error`, `logloss`, `mae`, `rmse`.",
          ),
        frequency: z.enum(["daily", "weekly"]).describe("`daily` (`cron(30 1 * * ? *)`, 01:30 UTC) or `weekly` (`cron(30 1 ? * MON *)`, Monday 01:30 UTC)."),
        transformInstanceType: z
          .string()
          .superRefine((value, ctx) => {
            if (!TRANSFORM_INSTANCE_TYPES.includes(value)) ctx.addIssue({ code: "custom", message: `not a SageMaker batch transform instance type; allowed: ${TRANSFORM_INSTANCE_TYPES.join(", ")}` });
          })
          .describe(
            "The batch transform's instance: a type both hosting and batch transform accept (the API model's TransformInstanceType: no t2, no local-NVMe `d` types, no r5, no `ml.c5.large`).",
          ),
        instanceType: instanceType("processing").describe("A SageMaker *processing* instance type, for the evaluation job."),
        volumeSizeGb: int(1, 16384).describe("The evaluation job's storage volume (GB)."),
        maxRuntimeSeconds: int(60, 86_400).describe(
          "The evaluation job's limit, and the transform's (its state's timeout: CreateTransformJob has no stopping condition).",
        ),
        tolerance: z
          .number()
          .gt(0)
          .max(1_000_000)
          .describe(
            "How much worse than the registered value the metric may get before a retraining (absolute, in the metric's units, in the goal's direction); also the alarm's threshold.",
          ),
        minSamples: int(1, 10_000_000).describe("Fewer scored rows than this (or, for AUC, one class only) is \"insufficient data\", never a retraining."),
        onNewLabels: z
          .boolean()
          .describe(
            "Also evaluate when a marker object lands under `ground-truth-ready/` (`ground-truth-ready/<anything><schedule.onNewData.marker>`: upload the labels to `ground-truth/`, then the marker; the marker stays outside `ground-truth/`, which the transform reads whole). Needs `schedule.onNewData.enabled`, whose trigger turns the bucket's EventBridge notifications on.",
          ),
      })
      .describe(
        "Scheduled evaluation of the served model on the labelled data `ground-truth/` holds (its lifecycle expiration is the window): a batch transform of the served model scores it, `monitoring/evaluate.py` computes the gate's metric, and a result worse than the registered value by more than `tolerance` starts a retraining (through the same lock and cooldown as drift).",
      ),
  })
  .describe("Logs, notifications, drift checks and scheduled evaluation.");

/** A 12-digit AWS account id. */
const accountId = z.string().regex(/^\d{12}$/, { error: "expected a 12-digit AWS account id (quoted in YAML, so that leading zeros stay)" });

/** A stage of the promotion (the registry's ModelLifeCycle stage): also part of a metadata key and a JSONPath, so letters and digits only. */
const stageName = z.string().regex(/^[a-z][a-z0-9]{0,31}$/, { error: "expected a stage name of lower-case letters and digits (at most 32), such as staging or prod" });

const namePrefixValue = z
  .string()
  .regex(/^[a-z0-9](-?[a-z0-9])*$/, { error: "expected lower-case letters, digits and single hyphens" })
  // 24 keeps every derived SageMaker name (prefix + "-tr-" + 32-char run id) within 63 characters.
  .max(24);

const registrySourceSchema = z
  .discriminatedUnion("kind", [
    z
      .strictObject({ kind: z.literal("local").describe("the stack trains, registers in its own group and deploys from it") })
      .describe("Versions of the stack's own group."),
    z
      .strictObject({
        kind: z.literal("promoted").describe("the stack trains nothing; it deploys versions of another account's group that are approved for its stage"),
        groupArn: z
          .string()
          .regex(/^arn:aws(-cn|-us-gov)?:sagemaker:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:model-package-group\/[a-z0-9](-?[a-z0-9])*-models$/, {
            error: "expected the ARN of a source stack's group, arn:aws:sagemaker:<region>:<account>:model-package-group/<namePrefix>-models",
          })
          .describe(
            "The source stack's model package group (`<namePrefix>-models` in its account). Its bucket (`<namePrefix>-data-<account>`) and key alias (`alias/<namePrefix>-data`) follow from it. The source lists this stack in `registry.shareWith`.",
          ),
        stage: stageName.describe(
          "The stage this stack deploys: a version whose ModelLifeCycle is this stage with status `Approved` is copied into the stack's bucket and deployed (see [Promotion across accounts](workflow.md#promotion-across-accounts)).",
        ),
        after: z
          .array(stageName)
          .max(5)
          .describe("Stages that must have deployed a version before this one may (prod: `[staging]`): their runs record it on the version."),
      })
      .describe("Versions of another account's group, promoted stage by stage."),
  ])
  .describe("Where the versions this stack deploys come from.");

const registrySchema = z
  .strictObject({
    approval: z
      .enum(["auto", "manual"])
      .describe(
        "`auto`: a model that passes the gate is registered Approved in `<namePrefix>-models` and deployed in the same run. `manual`: it is registered `PendingManualApproval`, the run ends and notifies; approving the version (console or `aws sagemaker update-model-package`) starts a run that deploys exactly it (see [Model registry and approval](workflow.md#model-registry-and-approval)). Local source only: a promoted stack that sets it is an error.",
      ),
    source: registrySourceSchema,
    shareWith: z
      .array(
        z
          .strictObject({
            account: accountId.describe("The consumer stack's account."),
            namePrefix: namePrefixValue.describe("The consumer stack's `namePrefix`: its roles and its promotion event bus are named after it."),
            stage: stageName.describe("The consumer's `registry.source.stage`: the only ModelLifeCycle stage its runs may record on a version."),
          })
          .describe("A stack in another account that deploys this stack's versions."),
      )
      // The group's policy grows by each stage's statements; at 8 with the longest names it still fits
      // PutModelPackageGroupPolicy's 20,480 characters (test/promotion.test.ts).
      .max(8, { error: "expected at most 8 stages: the group's policy holds each stage's statements within PutModelPackageGroupPolicy's 20,480 characters" })
      .describe(
        "Local source only: the stacks (stages) that deploy this stack's versions. Each gets read access to the group's versions, to the registered artifact copies under `artifacts/models/registered/` and to the key that encrypts them (through S3 only), its pipeline role only; the right to record its own deployment on a version; and the group's state-change events on its promotion event bus. Each must match the consumer's own config (`namePrefix`, `registry.source.stage`); a stage of a consumer's `after` must be listed here too. Empty: nothing is shared.",
      ),
  })
  .describe("The model registry: every model that passes the gate is a version of the stack's model package group, or, for a promoted stack, the group of the account it promotes from.");

const tagsSchema = z
  .record(
    z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { error: "expected a tag key of 1-128 characters, not starting with aws:" }),
    z.string().max(256),
  )
  .describe("Tags on every resource: keys of 1–128 characters, not starting with `aws:`; values of at most 256 characters.");

export const stackConfigSchema = z.strictObject({
  profile: z
    .enum(["dev", "prod"])
    .describe(
      "Which defaults apply: `dev` is cheap and disposable, `prod` durable and highly available. Implied by a stack named `dev` or `prod`; required for any other stack.",
    ),
  namePrefix: namePrefixValue.describe(
      "Prefix of every physical name: lower-case letters, digits and single hyphens, so that it is valid for S3 and SageMaker alike. At most 24 characters, which keeps every name a run derives (`<namePrefix>-tr-<32-character id>`) within SageMaker's 63.",
    ),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "expected an AWS region such as us-east-1" })
    .describe(
      "The AWS region to deploy to, set as `aws:region` (the AWS provider's key, outside the project's namespace). The built-in images need one of the regions in `stacks/algorithmImages.ts`; elsewhere set `training.image` (and `preprocessing.image`).",
    ),
  dataBucket: dataBucketSchema,
  ingestion: ingestionSchema,
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
export type IngestionSource = StackConfig["ingestion"]["source"];
export type DynamoDbSource = Extract<IngestionSource, { kind: "dynamodb" }>;
export type LambdaPreprocessingConfig = Extract<PreprocessingConfig, { kind: "lambda" }>;
export type GluePreprocessingConfig = Extract<PreprocessingConfig, { kind: "glue" }>;
export type TrainingConfig = StackConfig["training"];
export type EndpointConfig = StackConfig["endpoint"];
export type InstanceEndpointConfig = Extract<EndpointConfig, { kind: "instance" }>;
export type ServerlessEndpointConfig = Extract<EndpointConfig, { kind: "serverless" }>;
export type DriftConfig = StackConfig["monitoring"]["drift"];
export type EvaluationConfig = StackConfig["monitoring"]["evaluation"];
export type RegistryConfig = StackConfig["registry"];
export type PromotedSource = Extract<RegistryConfig["source"], { kind: "promoted" }>;
export type ShareWith = RegistryConfig["shareWith"][number];
