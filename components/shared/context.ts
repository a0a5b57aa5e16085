/** Where the stack deploys: what every component needs to build ARNs from known parts. */
import * as pulumi from "@pulumi/pulumi";
import { ArnScope, bucketArn, keyAliasArn, roleArn as roleArnOf } from "../../stacks/arns";

export interface AwsContext {
  /** The account id, from `sts:GetCallerIdentity` (an invoke: known during preview). */
  accountId: pulumi.Input<string>;
  /** `aws:region` of the stack. */
  region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, derived from the region. */
  partition: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Tags every resource of the stack carries, merged over the stack's own `tags`. */
export function standardTags(project: string, stack: string, extra: Record<string, string>): Record<string, string> {
  return { ...extra, "ml-pipeline:project": project, "ml-pipeline:stack": stack, "ml-pipeline:managed-by": "pulumi" };
}

/**
 * An ARN of this stack built from known parts (stacks/arns.ts). A plain string when
 * the account id is one (pure documents such as the workflow's IAM statements, which
 * are serialized with JSON.stringify); otherwise an Output, known whenever the
 * account id is (an invoke, known at preview too).
 */
export function arnOf(context: Pick<AwsContext, "accountId" | "region" | "partition">, build: (scope: ArnScope) => string): pulumi.Input<string> {
  const { accountId, region, partition } = context;
  if (typeof accountId === "string") return build({ accountId, region, partition });
  return pulumi.output(accountId).apply((id) => build({ accountId: id, region, partition }));
}

/**
 * The stack's KMS key as other components refer to it: by alias, which is known
 * before the key exists (the key's own ARN carries a generated id). Known names keep
 * IAM documents, endpoint configs and the workflow definition known at the first
 * `pulumi preview`, so that policies can judge them there.
 */
export interface StackKey {
  /** `alias/<name>`. */
  aliasName: string;
  /** `arn:<partition>:kms:<region>:<account>:alias/<name>`: accepted wherever an API takes an alias ARN. */
  aliasArn: pulumi.Input<string>;
}

export function stackKey(context: AwsContext, alias: string): StackKey {
  return {
    aliasName: `alias/${alias}`,
    aliasArn: arnOf(context, (scope) => keyAliasArn(scope, alias)),
  };
}

/** `arn:<partition>:iam::<account>:role/<name>`, deterministic. */
export function roleArn(context: AwsContext, roleName: string): pulumi.Input<string> {
  return arnOf(context, (scope) => roleArnOf(scope, roleName));
}

/** `arn:<partition>:s3:::<bucket>`, deterministic. */
export function bucketArnOf(context: AwsContext, bucketName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(bucketName).apply((name) => bucketArn(context.partition, name));
}
