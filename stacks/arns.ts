/**
 * ARN formats of the stack's resources, in one place. Pure string functions of known
 * parts: the stack model (model.ts) builds every ARN of the stack with them.
 */

/** Where an ARN lives. */
export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` */
export function regionalArn(scope: ArnScope, service: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
}

/** `arn:<partition>:iam::<account>:role/<name>` (IAM is global). */
export function roleArn(scope: Pick<ArnScope, "partition" | "accountId">, roleName: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${roleName}`;
}

/** `arn:<partition>:iam::<account>:root` */
export function accountRootArn(scope: Pick<ArnScope, "partition" | "accountId">): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:root`;
}

/** `arn:<partition>:s3:::<bucket>` (bucket names are global). */
export function bucketArn(partition: string, bucketName: string): string {
  return `arn:${partition}:s3:::${bucketName}`;
}

/** Any SageMaker resource of the account and region: the `aws:SourceArn` SageMaker's confused-deputy guidance uses. */
export const anySageMakerArn = (scope: ArnScope) => regionalArn(scope, "sagemaker", "*");
export const eventRuleArn = (scope: ArnScope, name: string) => regionalArn(scope, "events", `rule/${name}`);
/** A schedule of the default group, and the group itself (Scheduler's docs show both as aws:SourceArn). */
export const scheduleArns = (scope: ArnScope, name: string) => [regionalArn(scope, "scheduler", `schedule/default/${name}`), regionalArn(scope, "scheduler", "schedule-group/default")];
export const queueArn = (scope: ArnScope, name: string) => regionalArn(scope, "sqs", name);
export const alarmArn = (scope: ArnScope, name: string) => regionalArn(scope, "cloudwatch", `alarm:${name}`);
export const logGroupArn = (scope: ArnScope, name: string) => regionalArn(scope, "logs", `log-group:${name}`);
export const keyAliasArn = (scope: ArnScope, alias: string) => regionalArn(scope, "kms", `alias/${alias}`);
/** Every KMS key of the account and region (narrowed by conditions where used). */
export const anyKeyArn = (scope: ArnScope) => regionalArn(scope, "kms", "key/*");
export const topicArn = (scope: ArnScope, name: string) => regionalArn(scope, "sns", name);
export const functionArn = (scope: ArnScope, name: string) => regionalArn(scope, "lambda", `function:${name}`);
export const stateMachineArn = (scope: ArnScope, name: string) => regionalArn(scope, "states", `stateMachine:${name}`);
