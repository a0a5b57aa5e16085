/**
 * What every component of a stack shares: where it deploys, how it is tagged, the stack key
 * and how long its logs are kept. `MlPipeline` builds it once and passes it to each
 * component instead of the same fields in every Args.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArnScope } from "../../stacks/arns";
import { StackKeyModel } from "../../stacks/model";

export interface StackContext {
  /** Partition, region and account every ARN is built in; `scope.accountId` is the stack's account. */
  scope: ArnScope;
  /** Tags on every resource of the stack (the stack's `tags` config over its defaults). */
  tags: Record<string, string>;
  /** The stack key, as policies name it (its alias and ARN pattern). */
  key: StackKeyModel;
  /** The key's ARN as created: CloudWatch Logs and EventBridge Scheduler take no alias. */
  keyArn: pulumi.Input<string>;
  /** Days every log group keeps its events (`monitoring.logRetentionDays`). */
  logRetentionDays: number;
}

/** The context before the key exists: what the data bucket, which creates the key, is given. */
export type StackContextWithoutKeyArn = Omit<StackContext, "keyArn">;
