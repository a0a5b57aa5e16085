/**
 * A log group the stack declares so that it is encrypted with the stack key and keeps
 * logs only as long as the stack config says, instead of leaving it to the service that
 * writes it (which would create it unencrypted and keep its logs forever).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface EncryptedLogGroupArgs {
  /** The log group's name. */
  name: string;
  /** The key's ARN: CloudWatch Logs takes no alias. */
  keyArn: pulumi.Input<string>;
  retentionDays: number;
  tags: Record<string, string>;
}

export function encryptedLogGroup(name: string, args: EncryptedLogGroupArgs, parent: pulumi.Resource): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(name, { name: args.name, retentionInDays: args.retentionDays, kmsKeyId: args.keyArn, tags: args.tags }, { parent });
}
