/**
 * Defaults per profile, resolved in this one place. A stack file sets only what
 * differs; whatever it sets is merged over these and the result is validated whole.
 *
 * dev: cheap and disposable (serverless endpoint, Lambda preprocessing, no schedule,
 * everything torn down by `pulumi destroy`).
 * prod: durable and highly available (protected bucket and key, two or more instances
 * behind autoscaling, blue/green deployment with rollback alarms, weekly retraining,
 * spot training).
 */

/** The variants of a discriminated section, keyed by `kind`, plus the kind used when the stack sets none. */
export interface KindDefaults {
  defaultKind: string;
  byKind: Record<string, Record<string, unknown>>;
}

export interface ProfileDefaults {
  dataBucket: Record<string, unknown>;
  ingestion: { source: KindDefaults };
  preprocessing: KindDefaults;
  training: Record<string, unknown>;
  endpoint: KindDefaults;
  schedule: Record<string, unknown>;
  monitoring: Record<string, unknown>;
  registry: { approval: "auto" | "manual"; source: KindDefaults; shareWith: never[] };
  tags: Record<string, string>;
}

// S3 by default: nothing to set. An export of a small table takes minutes (DynamoDB documents no
// bound): a check a minute, and two hours before a run gives up.
const ingestion = { source: { defaultKind: "s3", byKind: { s3: {}, dynamodb: { pollSeconds: 60, timeoutMinutes: 120 } } } };

// No reserved concurrency by default: accounts with a concurrency quota of 10 cannot reserve any.
const lambdaPreprocessing = { memoryMb: 1024, timeoutSeconds: 300 };
const processingPreprocessing = {
  instanceType: "ml.m5.large",
  instanceCount: 1,
  volumeSizeGb: 30,
  maxRuntimeSeconds: 3600,
  networkIsolation: true,
};

// 10 G.1X workers is Glue's own default size (CDK's PySparkEtlJob uses the same).
const gluePreprocessing = { glueVersion: "5.0", workerType: "G.1X", numberOfWorkers: 10, timeoutMinutes: 60 };

// Daily drift checks; one drift retraining a day at most. PSI 0.2 sits between the
// conventional "moderate" (0.1) and "significant" (0.25) bands; KS 0.1 is a 10-point gap
// between the two distributions; 200 rows keep a decile bin at about 20 rows.
const drift = { frequency: "daily", instanceType: "ml.m5.large", volumeSizeGb: 20, maxRuntimeSeconds: 3600, psiThreshold: 0.2, ksThreshold: 0.1, minSamples: 200 };
// Daily evaluation of the served model on the labelled data of ground-truth/; a drop of
// 0.05 in the gate's metric (AUC 0.90 → 0.85) is degraded performance.
const evaluation = { frequency: "daily", transformInstanceType: "ml.m5.large", instanceType: "ml.m5.large", volumeSizeGb: 20, maxRuntimeSeconds: 3600, tolerance: 0.05, minSamples: 100, onNewLabels: false };

// The stack's own registry, shared with nobody; a promoted stage needs no earlier stage unless it says so.
const registrySource = { defaultKind: "local", byKind: { local: {}, promoted: { after: [] } } };

const serverlessEndpoint = {
  variantName: "primary",
  memorySizeMb: 2048,
  maxConcurrency: 5,
  expectedMonthlyInvocations: 100_000,
  expectedDurationMs: 100,
};

const instanceEndpoint = {
  variantName: "primary",
  instanceType: "ml.m5.large",
  initialInstanceCount: 2,
  networkIsolation: true,
  autoscaling: {
    minCapacity: 2,
    maxCapacity: 4,
    targetInvocationsPerInstance: 1000,
    scaleInCooldownSeconds: 300,
    scaleOutCooldownSeconds: 60,
  },
  deployment: {
    trafficRouting: "CANARY",
    stepPercent: 10,
    waitIntervalSeconds: 600,
    terminationWaitSeconds: 600,
    maximumExecutionTimeoutSeconds: 3600,
  },
  dataCapture: { enabled: true, samplingPercentage: 10 },
  alarms: { invocation5xxErrors: 5, modelLatencyMs: 500 },
};

const training = {
  xgboostVersion: "1.7-1",
  instanceType: "ml.m5.large",
  instanceCount: 1,
  volumeSizeGb: 30,
  maxRuntimeSeconds: 3600,
  spot: { enabled: false, maxWaitSeconds: 7200 },
  networkIsolation: true,
  interContainerEncryption: true,
  hyperparameters: { objective: "binary:logistic", num_round: "100", max_depth: "5", eta: "0.2", eval_metric: "auc" },
  metricDefinitions: [],
  objective: { metric: "validation:auc", goal: "Maximize", threshold: 0.75 },
  // Off; when turned on, a Bayesian search of 20 jobs, 2 at a time, stopping hopeless ones early.
  tuning: { enabled: false, strategy: "Bayesian", maxTrainingJobs: 20, maxParallelTrainingJobs: 2, earlyStopping: "Auto", ranges: {} },
};

export const PROFILE_DEFAULTS: Record<"dev" | "prod", ProfileDefaults> = {
  dev: {
    dataBucket: {
      keyAdministrators: [],
      protect: false,
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 1,
      prefixes: {
        raw: { expirationDays: 30, infrequentAccessAfterDays: null },
        processed: { expirationDays: 14, infrequentAccessAfterDays: null },
        artifacts: { expirationDays: null, infrequentAccessAfterDays: null },
        capture: { expirationDays: 7, infrequentAccessAfterDays: null },
        groundTruth: { expirationDays: 30, infrequentAccessAfterDays: null },
      },
    },
    ingestion,
    preprocessing: { defaultKind: "lambda", byKind: { lambda: lambdaPreprocessing, processing: processingPreprocessing, glue: gluePreprocessing } },
    training,
    endpoint: {
      defaultKind: "serverless",
      byKind: { serverless: serverlessEndpoint, instance: { ...instanceEndpoint, initialInstanceCount: 1, autoscaling: { ...instanceEndpoint.autoscaling, minCapacity: 1, maxCapacity: 1 } } },
    },
    schedule: { enabled: false, expression: "rate(7 days)", timezone: "UTC", onNewData: { enabled: false, marker: "_READY" } },
    monitoring: { logRetentionDays: 14, notificationEmails: [], declareJobLogGroups: true, minHoursBetweenRetrains: 24, drift: { ...drift, enabled: false }, evaluation: { ...evaluation, enabled: false } },
    registry: { approval: "auto", source: registrySource, shareWith: [] },
    tags: {},
  },
  prod: {
    dataBucket: {
      keyAdministrators: [],
      protect: true,
      noncurrentVersionExpirationDays: 90,
      abortIncompleteMultipartUploadDays: 7,
      prefixes: {
        raw: { expirationDays: null, infrequentAccessAfterDays: 30 },
        processed: { expirationDays: 180, infrequentAccessAfterDays: 30 },
        artifacts: { expirationDays: null, infrequentAccessAfterDays: 90 },
        capture: { expirationDays: 365, infrequentAccessAfterDays: 30 },
        // Each evaluation scores what ground-truth/ holds: the last 90 days of labels.
        groundTruth: { expirationDays: 90, infrequentAccessAfterDays: null },
      },
    },
    ingestion,
    preprocessing: { defaultKind: "processing", byKind: { lambda: lambdaPreprocessing, processing: processingPreprocessing, glue: gluePreprocessing } },
    training: { ...training, spot: { enabled: true, maxWaitSeconds: 7200 } },
    endpoint: { defaultKind: "instance", byKind: { serverless: serverlessEndpoint, instance: instanceEndpoint } },
    schedule: { enabled: true, expression: "cron(0 3 ? * SUN *)", timezone: "UTC", onNewData: { enabled: false, marker: "_READY" } },
    monitoring: { logRetentionDays: 365, notificationEmails: [], declareJobLogGroups: true, minHoursBetweenRetrains: 24, drift: { ...drift, enabled: true }, evaluation: { ...evaluation, enabled: true } },
    registry: { approval: "manual", source: registrySource, shareWith: [] },
    tags: {},
  },
};
