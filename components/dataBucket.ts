/**
 * DataBucket: the pipeline's S3 bucket and the customer-managed KMS key that encrypts
 * it and every other encrypted resource of the stack (logs, topic, queue, SageMaker volumes).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DataBucketConfig } from "../stacks/configSchema";
import { logGroupArn } from "../stacks/arns";
import { DATA_PREFIXES, DataBucketModel, DataPrefix, StackKeyModel } from "../stacks/model";
import { PolicyDocument, policyDocument, policyJson, PolicyStatement } from "../lib/iamPolicy";
import { StackContextWithoutKeyArn } from "./shared/stackContext";

export interface DataBucketArgs {
  /** The bucket's name, ARN and layout (stack model). */
  bucket: DataBucketModel;
  /** `arn:…:iam::<account>:root`. */
  accountRoot: string;
  /** Durability, lifecycle and key administrators (stack config). */
  settings: DataBucketConfig;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContextWithoutKeyArn;
  /** What other accounts' roles are granted, added to the bucket and key policies (registry.shareWith: components/shared/promotionGrants.ts). */
  crossAccountGrants: { bucketPolicy: PolicyStatement[]; keyPolicy: PolicyStatement[] };
}

export class DataBucket extends pulumi.ComponentResource {
  /** The customer-managed key (rotation on). */
  readonly key: aws.kms.Key;
  /** The key's ARN: for the APIs that take no alias (CloudWatch Logs, Lambda, Scheduler). */
  readonly keyArn: pulumi.Output<string>;
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: DataBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:storage:DataBucket", name, {}, opts);
    const protect = args.settings.protect;
    // protect refuses deletion and replacement; retainOnDelete keeps the cloud
    // resource even if someone unprotects and destroys. dev is disposable instead.
    const durability: pulumi.CustomResourceOptions = protect ? { parent: this, protect: true, retainOnDelete: true } : { parent: this };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ML pipeline data, logs and notifications of ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: protect ? 30 : 7,
        policy: policyJson(stackKeyPolicy(args)),
        tags: args.context.tags,
      },
      durability,
    );
    this.keyArn = this.key.arn;
    new aws.kms.Alias(`${name}-key-alias`, { name: args.context.key.aliasName, targetKeyId: this.key.keyId }, { parent: this });

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucket.name, forceDestroy: !protect, tags: args.context.tags }, durability);
    this.bucketName = this.bucket.bucket;
    this.bucketSettings(name, args);
    this.registerOutputs({ bucketName: this.bucketName, keyArn: this.keyArn });
  }

  /**
   * The bucket's separate v7 resources. They name the bucket by its (known) name rather
   * than its id, which is unknown until it exists, so policies pair them with the bucket
   * at the first preview.
   */
  private bucketSettings(name: string, args: DataBucketArgs): void {
    const bucket = args.bucket.name;
    const afterBucket = { parent: this, dependsOn: [this.bucket] };
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      afterBucket,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, afterBucket);
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, afterBucket);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          {
            // S3 takes the key's alias (`alias/<name>`), which is known before the key exists.
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.context.key.aliasName },
            // The bucket key cuts KMS requests (and their cost) by orders of magnitude.
            bucketKeyEnabled: true,
          },
        ],
      },
      afterBucket,
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only-policy`,
      { bucket, policy: policyJson(dataBucketPolicy(args.bucket, args.context.key, args.crossAccountGrants.bucketPolicy)) },
      // S3 rejects policies while the public access block is being applied.
      { parent: this, dependsOn: [this.bucket, publicAccessBlock] },
    );
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket, rules: lifecycleRules(args.settings) }, afterBucket);
  }
}

/**
 * The key policy: the account root statement AWS requires (without it the key can become
 * unmanageable; IAM policies grant the rest), the named administrators, and the services
 * that encrypt with the key on the stack's behalf.
 */
function stackKeyPolicy(args: Pick<DataBucketArgs, "context" | "accountRoot" | "settings" | "crossAccountGrants">): PolicyDocument {
  const { accountId, region } = args.context.scope;
  return policyDocument(
    { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: args.accountRoot }, Action: "kms:*", Resource: "*" },
    {
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(args.context.scope, "*") } },
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
    ...keyAdministratorStatements(args.settings.keyAdministrators),
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
    ...args.crossAccountGrants.keyPolicy,
  );
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

/** TLS 1.2+ only, and no upload that names another encryption or a key outside this account. */
function dataBucketPolicy(bucket: Pick<DataBucketModel, "arn" | "objectArn">, key: StackKeyModel, grants: PolicyStatement[]): PolicyDocument {
  const everything = [bucket.arn, bucket.objectArn("*")];
  return policyDocument(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      // Default encryption covers uploads that name no encryption; these refuse the
      // ones that name another (SSE-S3, DSSE) or a key outside this account and region.
      Sid: "DenyUploadsWithOtherEncryption",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: bucket.objectArn("*"),
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
      Resource: bucket.objectArn("*"),
      Condition: {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotLike: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [key.anyKeyArn, key.aliasArn] },
      },
    },
    {
      Sid: "DenyTlsOlderThan12",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    ...grants,
  );
}

/** The bucket-wide rule plus one rule per prefix that has something to do. */
function lifecycleRules(settings: Pick<DataBucketConfig, "noncurrentVersionExpirationDays" | "abortIncompleteMultipartUploadDays" | "prefixes">): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
    {
      id: "whole-bucket-housekeeping",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionExpirationDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: settings.abortIncompleteMultipartUploadDays },
      expiration: { expiredObjectDeleteMarker: true },
    },
  ];
  for (const prefix of Object.keys(DATA_PREFIXES) as DataPrefix[]) {
    const p = settings.prefixes[prefix];
    if (p.expirationDays === null && p.infrequentAccessAfterDays === null) continue;
    rules.push({
      id: `${prefix}-data`,
      status: "Enabled",
      filter: { prefix: DATA_PREFIXES[prefix] },
      ...(p.expirationDays !== null ? { expiration: { days: p.expirationDays } } : {}),
      ...(p.infrequentAccessAfterDays !== null ? { transitions: [{ days: p.infrequentAccessAfterDays, storageClass: "STANDARD_IA" }] } : {}),
    });
  }
  return rules;
}
