/**
 * What the estimate covers, per resource type (Infracost's "N estimated, M free, K not
 * supported"): the types it prices, the ones that cost nothing by themselves, and the ones it
 * does not price, each with why, so that "worst case" never silently means "$0 for what we
 * could not see". Fixed monthly prices of everyday resources are here too.
 */
import type { CostCoverage, CostLine, CostResource } from "./types";
import { numeric } from "../lib/resources";

export type { CostCoverage };

/**
 * Fixed monthly prices (us-east-1; each from the service's pricing page): charged for a
 * resource's existence, whatever the usage. `count` reads how many units a resource is.
 */
export const FIXED_MONTHLY_USD: Record<string, { usd: number; unit: string; count?: (props: Record<string, any>) => number }> = {
  // AWS KMS pricing: $1/month per customer managed key, plus $1/month for each of its first two
  // rotations (requests are usage): $3 the worst case of a rotating key, as the pack requires.
  "aws:kms/key:Key": { usd: 1, unit: "customer managed key (and its rotations)", count: (p) => (p.enableKeyRotation === true ? 3 : 1) },
  // CloudWatch pricing, alarms: $0.10 per standard-resolution alarm metric a month, $0.30 at high
  // resolution (a period under 60 s); a metric-math alarm pays per metric it reads.
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    usd: 0.1,
    unit: "standard-resolution alarm metric ($0.30 = 3 units at high resolution)",
    count: (p) => {
      const metrics = (p.metricQueries ?? []).filter((q: any) => q?.metric !== undefined);
      const highResolution = (period: unknown) => typeof period === "number" && period < 60;
      return metrics.length > 0 ? metrics.reduce((n: number, q: any) => n + (highResolution(q.metric?.period) ? 3 : 1), 0) : highResolution(p.period) ? 3 : 1;
    },
  },
  // CloudWatch pricing, dashboards: $3 per dashboard a month (the first 3 of an account are free: not counted, the worst case).
  "aws:cloudwatch/dashboard:Dashboard": { usd: 3, unit: "dashboard" },
  // CloudWatch pricing, metrics: a metric filter publishes a custom metric, $0.30 a month each.
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": { usd: 0.3, unit: "custom metric" },
  // Secrets Manager pricing: $0.40 per secret a month (API calls are usage).
  "aws:secretsmanager/secret:Secret": { usd: 0.4, unit: "secret" },
};

/**
 * What a unit of usage costs, for the types billed by usage (us-east-1 list prices, each from
 * its service's pricing page): priced when the policy config's `usage` knob says how much a
 * resource of the type uses a month (the usage assumption, as Infracost's usage file), else
 * listed as not priced.
 */
export const USAGE_PRICES: Record<string, { unit: string; usd: number }> = {
  // CloudWatch pricing, logs: $0.50 per GB ingested (standard class).
  "aws:cloudwatch/logGroup:LogGroup": { unit: "GB ingested", usd: 0.5 },
  // S3 pricing: $0.023 per GB-month of S3 Standard (first 50 TB).
  "aws:s3/bucket:Bucket": { unit: "GB stored", usd: 0.023 },
  "aws:s3/bucketV2:BucketV2": { unit: "GB stored", usd: 0.023 },
  // SNS pricing: $0.50 per million publishes.
  "aws:sns/topic:Topic": { unit: "million publishes", usd: 0.5 },
  // SQS pricing: $0.40 per million standard-queue requests.
  "aws:sqs/queue:Queue": { unit: "million requests", usd: 0.4 },
  // DynamoDB on-demand pricing: $0.625 per million write request units (reads are cheaper: the worst case); a provisioned table is priced by its capacity instead.
  "aws:dynamodb/table:Table": { unit: "million request units (on demand)", usd: 0.625 },
  // EventBridge Scheduler pricing: $1.00 per million invocations (the free tier not counted: the worst case).
  "aws:scheduler/schedule:Schedule": { unit: "million invocations", usd: 1 },
};

/**
 * DynamoDB provisioned capacity (the provider's default billing mode, PROVISIONED): declared
 * by the program, billed by the hour whether used or not (DynamoDB pricing, provisioned
 * capacity, us-east-1: $0.00065 per WCU-hour, $0.00013 per RCU-hour), the table's and its
 * global secondary indexes'. Undefined for an on-demand table (PAY_PER_REQUEST: usage).
 */
export function provisionedCapacityUsd(props: Record<string, any>): { usd: number; basis: string } | undefined {
  if (props.billingMode === "PAY_PER_REQUEST") return undefined;
  const indexes = Array.isArray(props.globalSecondaryIndexes) ? props.globalSecondaryIndexes : [];
  const rcu = numeric(props.readCapacity ?? 0) + indexes.reduce((n: number, i: any) => n + numeric(i?.readCapacity ?? 0), 0);
  const wcu = numeric(props.writeCapacity ?? 0) + indexes.reduce((n: number, i: any) => n + numeric(i?.writeCapacity ?? 0), 0);
  if (!Number.isFinite(rcu) || !Number.isFinite(wcu)) return undefined;
  return { usd: (rcu * 0.00013 + wcu * 0.00065) * 730, basis: `${rcu} RCU + ${wcu} WCU provisioned × 730 h` };
}

/** Types that cost nothing by themselves (configuration, identity, wiring); what they configure is priced, or not, on its own. */
export const FREE_TYPES: readonly string[] = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:kms/alias:Alias",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketNotification:BucketNotification",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:lambda/permission:Permission",
  "aws:sagemaker/model:Model",
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
  "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
  "aws:sagemaker/endpoint:Endpoint", // billed through its endpoint configuration's instances or serverless use
  "aws:appautoscaling/target:Target",
  "aws:appautoscaling/policy:Policy",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  "aws:glue/securityConfiguration:SecurityConfiguration",
];

/** Types whose cost is usage the program does not declare: not priced, and why. */
export const USAGE_BASED: Record<string, string> = {
  "aws:s3/bucket:Bucket": "S3 storage and requests (per GB-month and per request)",
  "aws:s3/bucketV2:BucketV2": "S3 storage and requests (per GB-month and per request)",
  "aws:s3/bucketObjectv2:BucketObjectv2": "S3 storage of the object (per GB-month)",
  "aws:s3/bucketObject:BucketObject": "S3 storage of the object (per GB-month)",
  "aws:cloudwatch/logGroup:LogGroup": "log ingestion and storage (per GB)",
  "aws:sns/topic:Topic": "SNS requests and deliveries (per million)",
  "aws:sqs/queue:Queue": "SQS requests (per million)",
  "aws:dynamodb/table:Table": "DynamoDB reads, writes and storage (on demand: per request and GB-month)",
  "aws:scheduler/schedule:Schedule": "EventBridge Scheduler invocations (per million, 14 million a month free)",
  "aws:cloudwatch/eventRule:EventRule": "EventBridge events (events from AWS services are free; custom events per million)",
  // EventBridge pricing: events a custom bus receives, from another account too, are custom events.
  "aws:cloudwatch/eventBus:EventBus": "events the bus receives (custom events per million, those from other accounts included)",
  "aws:lambda/function:Function": "Lambda invocations no workflow of the stack makes (per request and GB-second)",
  "aws:ecr/repository:Repository": "ECR storage (per GB-month)",
};

/** The estimate's coverage of these resources, given the lines it priced. */
export function costCoverage(resources: CostResource[], lines: CostLine[]): CostCoverage {
  const pricedUrns = new Set(lines.map((l) => l.urn));
  const tally = new Map<string, { type: string; count: number; why?: string }>();
  const add = (bucket: string, type: string, why?: string) => {
    const key = `${bucket}\0${type}`;
    const entry = tally.get(key) ?? { type, count: 0, ...(why ? { why } : {}) };
    entry.count++;
    tally.set(key, entry);
  };
  for (const r of resources) {
    if (r.type.startsWith("pulumi:")) continue; // providers and the stack
    if (pricedUrns.has(r.urn)) add("priced", r.type);
    else if (FREE_TYPES.includes(r.type)) add("free", r.type);
    else add("notPriced", r.type, USAGE_BASED[r.type] ?? "the estimate has no price for this type");
  }
  const of = (bucket: string) =>
    [...tally.entries()]
      .filter(([k]) => k.startsWith(`${bucket}\0`))
      .map(([, v]) => v)
      .sort((a, b) => a.type.localeCompare(b.type));
  return { priced: of("priced"), free: of("free"), notPriced: of("notPriced") as CostCoverage["notPriced"] };
}
