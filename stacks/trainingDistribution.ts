/**
 * How the train channel is spread over the training instances: the one cross-key
 * decision of distributed training, resolved here so that the workflow, the schema
 * checks and the docs (docs/workflow.md, "Scaling out") agree. Pure.
 *
 * Sources (aws/sagemaker-xgboost-container, read 2026-11):
 * - `algorithm_mode/channel_validation.py`: the built-in XGBoost accepts ShardedByS3Key
 *   and FullyReplicated on both `train` and `validation`.
 * - `algorithm_mode/train.py`: with more than one host (no Dask) training runs over
 *   Rabit; a host without training data, or without validation data when the channel
 *   exists, is left out of training ("Please divide the training data across instances
 *   properly"): it is billed and idle. So validation stays FullyReplicated (every host
 *   has it) and train is sharded only when enough files exist for every host.
 * - `checkpointing.py` / `train.py`: only rank 0 writes checkpoints and the model, so one
 *   checkpoint prefix and one output path serve every host.
 * - SageMaker Developer Guide, "XGBoost algorithm", distributed GPU training: with Dask
 *   (`use_dask_gpu_training: "true"`, XGBoost 1.5-1 and later) the train channel must be
 *   FullyReplicated (or omitted); Dask splits the data itself. Multi-instance GPU training
 *   without Dask is not a mode the guide documents.
 */
import type { PreprocessingConfig, StackConfig } from "./configSchema";
import { isGpuInstance } from "ml-pipeline-policies";

export type DataDistribution = "ShardedByS3Key" | "FullyReplicated";

/** A problem with the training keys, worded for `ConfigError` (path below `training`). */
export interface DistributionProblem {
  path: string[];
  message: string;
}

export interface TrainDistribution {
  /** S3DataDistributionType of the `train` channel. */
  train: DataDistribution;
  /** Problems that make the configured distribution unusable; empty when fine. */
  problems: DistributionProblem[];
}

/**
 * How many files the Glue job writes per channel: one per executor (workers less the
 * driver), rounded up to a multiple of the training instances so that sharding by key
 * gives each instance the same number of files.
 */
export function glueOutputFiles(numberOfWorkers: number, trainingInstances: number): number {
  const executors = Math.max(1, numberOfWorkers - 1);
  return Math.ceil(executors / trainingInstances) * trainingInstances;
}

/** The most train files one run of the preprocessing writes (one per Lambda run, one per processing host). */
export function maxTrainFiles(pre: PreprocessingConfig, trainingInstances: number): number {
  if (pre.kind === "lambda") return 1;
  if (pre.kind === "glue") return glueOutputFiles(pre.numberOfWorkers, trainingInstances);
  return pre.instanceCount;
}

export function trainDistribution(config: Pick<StackConfig, "training" | "preprocessing">): TrainDistribution {
  const t = config.training;
  const problems: DistributionProblem[] = [];
  const configured = t.trainDataDistribution;
  const hosts = t.instanceCount;
  const dask = t.hyperparameters.use_dask_gpu_training === "true";
  const builtin = t.image === undefined;
  const gpu = isGpuInstance(t.instanceType);

  if (builtin && dask && !gpu) {
    problems.push({
      path: ["hyperparameters", "use_dask_gpu_training"],
      message: `Dask training in the built-in XGBoost is GPU training; ${t.instanceType} has no GPU (use a GPU type such as ml.g5.xlarge, or remove the hyperparameter)`,
    });
  }
  if (hosts === 1) return { train: configured ?? "FullyReplicated", problems };

  if (!builtin) {
    // A custom image decides how it reads its data; we cannot know, so the stack must say.
    if (configured === undefined) {
      problems.push({
        path: ["trainDataDistribution"],
        message: `required with a custom training.image and instanceCount ${hosts}: ShardedByS3Key (each instance reads its share of train/) or FullyReplicated (each reads all of it), whichever the image expects`,
      });
    }
    return { train: configured ?? "FullyReplicated", problems };
  }

  if (gpu) {
    if (!dask) {
      problems.push({
        path: ["hyperparameters", "use_dask_gpu_training"],
        message: `built-in XGBoost trains on several GPU instances only with Dask: set training.hyperparameters.use_dask_gpu_training to "true" (XGBoost 1.5-1 and later), or use instanceCount 1 (${t.instanceType} x ${hosts})`,
      });
    }
    if (configured === "ShardedByS3Key") {
      problems.push({
        path: ["trainDataDistribution"],
        message: "Dask GPU training needs the train channel FullyReplicated (AWS: Dask splits the data itself); remove trainDataDistribution",
      });
    }
    return { train: "FullyReplicated", problems };
  }

  if (configured === "FullyReplicated") {
    problems.push({
      path: ["trainDataDistribution"],
      message: `with the built-in XGBoost on ${hosts} CPU instances every instance would read and train on all of train/ (no speed-up, ${hosts}x the cost); remove it to shard by key`,
    });
  }
  const files = maxTrainFiles(config.preprocessing, hosts);
  if (files < hosts) {
    const engine = config.preprocessing.kind === "lambda" ? "Lambda preprocessing writes 1 train file" : `processing on ${files} instance${files === 1 ? "" : "s"} writes at most ${files} train file${files === 1 ? "" : "s"}`;
    problems.push({
      path: ["instanceCount"],
      message: `${hosts} instances read train/ sharded by key, but ${engine}: ${hosts - files} instance${hosts - files === 1 ? "" : "s"} would get no data (the XGBoost container leaves them out of training, billed idle); use preprocessing.kind processing with instanceCount >= ${hosts}, or fewer training instances`,
    });
  }
  return { train: "ShardedByS3Key", problems };
}
