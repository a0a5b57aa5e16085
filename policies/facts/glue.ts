/**
 * AWS Glue facts the stack schema, the policies and the cost estimate share.
 *
 * Worker types and their capacity: the Glue API model (`@aws-sdk/client-glue`,
 * `StartJobRunRequest.WorkerType` documentation, read 2026-11): G.1X = 1 DPU, G.2X = 2,
 * G.4X = 4, G.8X = 8, G.12X = 12, G.16X = 16 (general purpose); R.1X..R.8X = 1..8 M-DPU
 * (memory-optimized, twice the memory per unit). G.025X is for streaming jobs only, Z.2X
 * for Ray and Standard for Glue 1.0 and earlier: none of them run a Glue 5 Spark batch job.
 * test/awsApiModel.test.ts checks this list against the API model's WorkerType enum.
 */
export const GLUE_SPARK_WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X"] as const;
export type GlueSparkWorkerType = (typeof GLUE_SPARK_WORKER_TYPES)[number];

/** DPUs (M-DPUs for R types) per worker: what Glue bills per worker-hour. */
export const GLUE_DPUS_PER_WORKER: Readonly<Record<GlueSparkWorkerType, number>> = {
  "G.1X": 1,
  "G.2X": 2,
  "G.4X": 4,
  "G.8X": 8,
  "G.12X": 12,
  "G.16X": 16,
  "R.1X": 1,
  "R.2X": 2,
  "R.4X": 4,
  "R.8X": 8,
};

/** Glue versions with Spark 3.5 and Python 3.11 (Glue 5.x; CDK's GlueVersion lists V5_0 and V5_1). */
export const GLUE_VERSIONS = ["5.0", "5.1"] as const;

/** A job run's timeout in minutes: "less than 7 days or 10080 minutes" (API model, StartJobRun.Timeout). */
export const GLUE_MAX_TIMEOUT_MINUTES = 10_080;

/**
 * A Spark job needs a driver and at least one executor: Glue allocates at least 2 DPUs to
 * a Spark job (API model, MaxCapacity "from 2 to 100 DPUs") and 2 workers is the smallest
 * worker configuration. The largest is an account quota, not an API limit; the
 * glue-job-workers policy's maxWorkers is where a platform team caps it.
 */
export const GLUE_MIN_WORKERS = 2;
