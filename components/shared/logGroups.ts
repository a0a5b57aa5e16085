/**
 * The log group SageMaker writes a job kind's logs to. SageMaker creates it on first use
 * without a KMS key and without retention; declaring it gives it both. It is shared by
 * every job of that kind in the account and region, so only one stack may declare it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export function sageMakerJobLogGroup(
  name: string,
  jobKind: "TrainingJobs" | "ProcessingJobs",
  args: { keyArn: pulumi.Input<string>; logRetentionDays: number; tags: Record<string, string> },
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${name}-job-logs`,
    { name: `/aws/sagemaker/${jobKind}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArn, tags: args.tags },
    { parent },
  );
}
