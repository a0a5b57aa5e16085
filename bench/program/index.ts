/**
 * Benchmark program: N copies of the production pipeline in one stack (N from the
 * BENCH_PIPELINES environment variable), to measure how planning and policy checks
 * scale with the number of pipelines.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveStackConfig } from "../../stacks/load";
import { declarePipeline } from "../../components/mlPipeline";

export = async () => {
  const count = Number(process.env.BENCH_PIPELINES ?? "1");
  const { accountId } = await aws.getCallerIdentity();
  const endpoint = JSON.stringify({ modelDataKey: "artifacts/models/bootstrap/model.tar.gz" });
  const pipelines: string[] = [];
  for (let i = 0; i < count; i++) {
    const config = resolveStackConfig({
      project: "ml-pipeline",
      stack: "prod",
      region: "us-east-1",
      values: {
        namePrefix: `bench-${i}`,
        endpoint,
        tags: JSON.stringify({ pipeline: String(i) }),
        // SageMaker's job log groups are account-wide: one pipeline declares them.
        monitoring: JSON.stringify({ declareJobLogGroups: i === 0 }),
      },
    });
    const pipeline = declarePipeline(`pipeline-${i}`, config, { project: "ml-pipeline-bench", stack: pulumi.getStack(), accountId });
    pipelines.push(pipeline.model.stateMachine.arn);
  }
  return { pipelines };
};
