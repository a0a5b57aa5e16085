/**
 * DataBucket: the pipeline's S3 bucket and the customer-managed KMS key that encrypts
 * it and every other encrypted resource of the stack (logs, topic, SageMaker volumes).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { accountRootArn, anyKeyArn, logGroupArn } from "../stacks/arns";
import { arnOf, AwsContext, bucketArnOf, StackKey, stackKey } from "./shared/context";
import { PolicyStatement, policyDocument, toJson } from "./shared/iam";

/** The data layout inside the bucket; every role is scoped to the prefixes it needs. */
export const DATA_PREFIXES = {
  /** Incoming data, written by producers, read by preprocessing. */
  raw: "raw/",
  /** Preprocessing output, read by training. */
  processed: "processed/",
  /** Model artifacts, checkpoints, scripts: written by training, read by hosting. */
  artifacts: "artifacts/",
  /** Endpoint request/response capture. */
  capture: "capture/",
} as const;
export type DataPrefix = keyof typeof DATA_PREFIXES;

/** Lifecycle of the objects under one prefix. */
export interface PrefixLifecycle {
  /** Days after which current objects expire; null keeps them forever. */
  expirationDays: number | null;
  /** Days after which objects move to STANDARD_IA; null never. */
  infrequentAccessAfterDays: number | null;
}

export interface DataBucketArgs {
  /** Physical bucket name: deterministic, so other resources can reference it before it exists. */
  bucketName: pulumi.Input<string>;
  /** KMS alias (without `alias/`) of the key. */
  keyAlias: string;
  /** IAM roles or users that administer the key, besides the account root. */
  keyAdministrators: string[];
  /** Account, region, partition: for the key policy's principals and conditions. */
  context: AwsContext;
  /** Keep bucket and key on destroy and refuse replacement (prod); otherwise tear down with contents. */
  protect: boolean;
  /** Days a noncurrent object version is kept. */
  noncurrentVersionExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted. */
  abortIncompleteMultipartUploadDays: number;
  /** Lifecycle per data prefix. */
  prefixes: Record<DataPrefix, PrefixLifecycle>;
  /** Tags for every resource. */
  tags: Record<string, string>;
}

export class DataBucket extends pulumi.ComponentResource {
  /** The customer-managed key (rotation on). */
  readonly key: aws.kms.Key;
  readonly keyArn: pulumi.Output<string>;
  /** The key by alias: known before it exists (see StackKey). */
  readonly stackKey: StackKey;
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: DataBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:storage:DataBucket", name, {}, opts);
    const { accountId, region } = args.context;
    // protect refuses deletion and replacement; retainOnDelete keeps the cloud
    // resource even if someone unprotects and destroys. dev is disposable instead.
    const durability: pulumi.CustomResourceOptions = args.protect
      ? { parent: this, protect: true, retainOnDelete: true }
      : { parent: this };

    const rootArn = arnOf(args.context, accountRootArn);
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ML pipeline data, logs and notifications of ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: args.protect ? 30 : 7,
        policy: toJson(
          policyDocument(
            {
              // Without this the key becomes unmanageable; IAM policies grant the rest.
              Sid: "AccountAdministersKeyThroughIam",
              Effect: "Allow",
              Principal: { AWS: rootArn },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
              Effect: "Allow",
              Principal: { Service: `logs.${region}.amazonaws.com` },
              Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
              Resource: "*",
              Condition: {
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": arnOf(args.context, (scope) => logGroupArn(scope, "*")) },
              },
            },
            {
              // Step Functions delivers the encrypted state machine's logs through this service.
              Sid: "LogDeliveryDecryptsForEncryptedStateMachine",
              Effect: "Allow",
              Principal: { Service: "delivery.logs.amazonaws.com" },
              Action: "kms:Decrypt",
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            ...keyAdministratorStatements(args.keyAdministrators),
            {
              // EventBridge sends undeliverable trigger events to the KMS-encrypted dead-letter queue.
              Sid: "EventBridgeWritesEncryptedDeadLetters",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            {
              // CloudWatch alarms publish to the KMS-encrypted notification topic.
              Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
          ),
        ),
        tags: args.tags,
      },
      durability,
    );
    this.keyArn = this.key.arn;
    this.stackKey = stackKey(args.context, args.keyAlias);
    new aws.kms.Alias(`${name}-key-alias`, { name: this.stackKey.aliasName, targetKeyId: this.key.keyId }, { parent: this });

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, forceDestroy: !args.protect, tags: args.tags },
      durability,
    );
    // Sub-resources name the bucket by its (known) name rather than its id, which is
    // unknown until it exists; policies pair them with the bucket at first preview.
    const bucketId = pulumi.output(args.bucketName);
    const afterBucket = { parent: this, dependsOn: [this.bucket] };
    this.bucketName = this.bucket.bucket;
    // From the name, not the resource: known before the bucket exists.
    this.bucketArn = bucketArnOf(args.context, args.bucketName);

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      afterBucket,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      afterBucket,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
      afterBucket,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          {
            // S3 takes the key's alias (`alias/<name>`), which is known before the key exists.
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.stackKey.aliasName },
            // The bucket key cuts KMS requests (and their cost) by orders of magnitude.
            bucketKeyEnabled: true,
          },
        ],
      },
      afterBucket,
    );

    const bucketArn = this.bucketArn;
    new aws.s3.BucketPolicy(
      `${name}-tls-only-policy`,
      {
        bucket: bucketId,
        policy: toJson(
          policyDocument(
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
              // Default encryption covers uploads that name no encryption; these refuse the
              // ones that name another (SSE-S3, DSSE) or a key outside this account and region.
              Sid: "DenyUploadsWithOtherEncryption",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: {
                Null: { "s3:x-amz-server-side-encryption": "false" },
                StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
              },
            },
            {
              // Not the key's own ARN: it carries a generated id, unknown before the key exists,
              // and the policy must be known at the first preview for the pack to judge it.
              Sid: "DenyUploadsWithKeysOfOtherAccounts",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: {
                Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
                StringNotLike: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [arnOf(args.context, anyKeyArn), this.stackKey.aliasArn] },
              },
            },
            {
              Sid: "DenyTlsOlderThan12",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
              Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
            },
          ),
        ),
      },
      // S3 rejects policies while the public access block is being applied.
      { parent: this, dependsOn: [this.bucket, publicAccessBlock] },
    );

    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: bucketId, rules: lifecycleRules(args) },
      afterBucket,
    );

    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, keyArn: this.keyArn });
  }
}

/**
 * The administrators' statement of AWS's default key policy ("Allow access for Key
 * Administrators", KMS Developer Guide, "Default key policy"): manage the key, not use it.
 */
function keyAdministratorStatements(administrators: string[]): PolicyStatement[] {
  if (administrators.length === 0) return [];
  return [
    {
      Sid: "KeyAdministrators",
      Effect: "Allow",
      Principal: { AWS: administrators },
      Action: [
        "kms:Create*",
        "kms:Describe*",
        "kms:Enable*",
        "kms:List*",
        "kms:Put*",
        "kms:Update*",
        "kms:Revoke*",
        "kms:Disable*",
        "kms:Get*",
        "kms:Delete*",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:RotateKeyOnDemand",
      ],
      Resource: "*",
    },
  ];
}

/** The bucket-wide rule plus one rule per prefix that has something to do. */
export function lifecycleRules(args: Pick<DataBucketArgs, "noncurrentVersionExpirationDays" | "abortIncompleteMultipartUploadDays" | "prefixes">): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
    {
      id: "whole-bucket-housekeeping",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteMultipartUploadDays },
      expiration: { expiredObjectDeleteMarker: true },
    },
  ];
  for (const prefix of Object.keys(DATA_PREFIXES) as DataPrefix[]) {
    const p = args.prefixes[prefix];
    if (p.expirationDays === null && p.infrequentAccessAfterDays === null) continue;
    rules.push({
      id: `${prefix}-data`,
      status: "Enabled",
      filter: { prefix: DATA_PREFIXES[prefix] },
      ...(p.expirationDays !== null ? { expiration: { days: p.expirationDays } } : {}),
      ...(p.infrequentAccessAfterDays !== null
        ? { transitions: [{ days: p.infrequentAccessAfterDays, storageClass: "STANDARD_IA" }] }
        : {}),
    });
  }
  return rules;
}
