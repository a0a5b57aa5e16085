/**
 * Everything the workflow definition needs, as plain known values. Built from the
 * stack config and deterministic names only (no resource outputs), so that the
 * definition is known at the first `pulumi preview` of a new stack and policies can
 * check the instance types, spot and encryption settings it carries.
 */
import { StackConfig, TrainingConfig, PreprocessingConfig, InstanceEndpointConfig, ServerlessEndpointConfig } from "../stacks/schema";
import { PhysicalNames } from "../stacks/names";
import { sklearnImageUri } from "../stacks/algorithmImages";
import { functionArn, keyAliasArn, roleArn, topicArn } from "../stacks/arns";
import { inferenceImage, trainingImage } from "../stacks/images";

export interface WorkflowSpec {
  /** Prefix of every job, model and endpoint-config name the workflow creates. */
  jobPrefix: string;
  partition: string;
  region: string;
  accountId: string;
  bucketName: string;
  /** `alias/<name>` of the stack key (resolved to its ARN at run time, see definition.ts). */
  keyAlias: string;
  /** Alias ARN: accepted where an API takes an alias (output, endpoint config). */
  keyAliasArn: string;
  topicArn: string;
  preprocessing:
    | { kind: "lambda"; functionArn: string; timeoutSeconds: number }
    | (Extract<PreprocessingConfig, { kind: "processing" }> & { image: string; roleArn: string; scriptKey: string });
  training: TrainingConfig & { image: string; roleArn: string };
  endpoint: {
    name: string;
    roleArn: string;
    image: string;
    hosting: ServerlessEndpointConfig | InstanceEndpointConfig;
  };
}

export const ARTIFACT_KEYS = {
  models: "artifacts/models/",
  checkpoints: "artifacts/checkpoints/",
  code: "artifacts/code/",
} as const;

/** The processing script's key in the bucket. */
export const PROCESSING_SCRIPT_KEY = `${ARTIFACT_KEYS.code}preprocess.py`;

export function workflowSpec(config: StackConfig, names: Omit<PhysicalNames, "bucket">, ctx: { accountId: string; partition: string; bucketName: string }): WorkflowSpec {
  const { accountId, partition, bucketName } = ctx;
  const region = config.region;
  const scope = { partition, region, accountId };
  const role = (name: string) => roleArn(scope, name);
  const pre = config.preprocessing;
  return {
    jobPrefix: names.jobPrefix,
    partition,
    region,
    accountId,
    bucketName,
    keyAlias: `alias/${names.keyAlias}`,
    keyAliasArn: keyAliasArn(scope, names.keyAlias),
    topicArn: topicArn(scope, names.topic),
    preprocessing:
      pre.kind === "lambda"
        ? { kind: "lambda", functionArn: functionArn(scope, names.preprocessingFunction), timeoutSeconds: pre.timeoutSeconds }
        : { ...pre, image: pre.image ?? sklearnImageUri(region), roleArn: role(names.preprocessingRole), scriptKey: PROCESSING_SCRIPT_KEY },
    training: { ...config.training, image: trainingImage(config), roleArn: role(names.trainingRole) },
    endpoint: { name: names.endpoint, roleArn: role(names.endpointRole), image: inferenceImage(config), hosting: config.endpoint },
  };
}
