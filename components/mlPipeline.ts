/**
 * MlPipeline: the whole pipeline of one stack, composed from its components.
 * `index.ts` instantiates it once; benchmarks instantiate it many times.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../stacks/schema";
import { physicalNames, PhysicalNames } from "../stacks/names";
import { inferenceImage } from "../stacks/images";
import { DataBucket } from "./dataBucket";
import { InferenceEndpoint } from "./inferenceEndpoint";
import { AwsContext } from "./shared/context";

export interface MlPipelineArgs {
  /** The validated, defaulted stack configuration. */
  config: StackConfig;
  context: AwsContext;
  /** Tags for every resource (stack tags plus the standard ones). */
  tags: Record<string, string>;
}

export class MlPipeline extends pulumi.ComponentResource {
  readonly names: PhysicalNames;
  readonly data: DataBucket;
  /** Undefined until the config names a model artifact (bootstrap, see README). */
  readonly endpoint?: InferenceEndpoint;

  constructor(name: string, args: MlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:index:MlPipeline", name, {}, opts);
    const { config, context, tags } = args;
    this.names = physicalNames(config.namePrefix, context.accountId);

    this.data = new DataBucket(
      `${name}-data`,
      {
        bucketName: this.names.bucket,
        keyAlias: this.names.keyAlias,
        context,
        protect: config.dataBucket.protect,
        noncurrentVersionExpirationDays: config.dataBucket.noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays: config.dataBucket.abortIncompleteMultipartUploadDays,
        prefixes: config.dataBucket.prefixes,
        tags,
      },
      { parent: this },
    );

    if (config.endpoint.modelDataKey !== undefined) {
      this.endpoint = new InferenceEndpoint(
        `${name}-serving`,
        {
          endpointName: this.names.endpoint,
          roleName: this.names.endpointRole,
          hosting: config.endpoint,
          image: inferenceImage(config),
          modelDataKey: config.endpoint.modelDataKey,
          bucketName: this.data.bucketName,
          bucketArn: this.data.bucketArn,
          key: this.data.stackKey,
          context,
          tags,
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      bucketName: this.data.bucketName,
      keyArn: this.data.keyArn,
      endpointName: this.endpoint?.endpointName,
    });
  }
}
