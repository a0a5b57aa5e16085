/**
 * Benchmark program: N copies of the production pipeline in one stack (N from the
 * BENCH_PIPELINES environment variable), to measure how planning and policy checks
 * scale with the number of pipelines.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveStackConfig } from "../../stacks/load";
import { MlPipeline } from "../../components/mlPipeline";
import { partitionOf, standardTags } from "../../components/shared/context";

const count = Number(process.env.BENCH_PIPELINES ?? "1");
const identity = aws.getCallerIdentityOutput();
const endpoint = JSON.stringify({ modelDataKey: "artifacts/models/bootstrap/model.tar.gz" });

export const pipelines: pulumi.Output<string>[] = [];
for (let i = 0; i < count; i++) {
  const config = resolveStackConfig({
    project: "ml-pipeline",
    stack: "prod",
    region: "us-east-1",
    values: { namePrefix: `bench-${i}`, endpoint },
  });
  const pipeline = new MlPipeline(`pipeline-${i}`, {
    config,
    context: { accountId: identity.accountId, region: config.region, partition: partitionOf(config.region) },
    tags: standardTags("ml-pipeline-bench", pulumi.getStack(), { pipeline: String(i) }),
  });
  pipelines.push(pipeline.workflow.stateMachineArn);
}
