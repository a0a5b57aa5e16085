/**
 * The steps a check of the served model shares (checkDrift.ts, checkPerformance.ts): the
 * served model's record, "is there anything under this prefix" before a job that would fail
 * on an empty input, and a job's verdict, read, published and routed; with the state machine
 * role's statements for them.
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { Json, State } from "../asl";
import { S3_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { DYNAMODB_RETRY, SERVED_MODEL_ID } from "./monitorDrift";
import { Monitoring } from "./retraining";
import { PUBLISH_PIPELINE_METRICS, putMetricData } from "./runMetrics";
import { integration, isString, task } from "./task";

/** ReadServedModel: the state table's record of what the endpoint serves (written by the pipeline's deploy), at $.served. */
export function readServedModel(spec: WorkflowSpec, monitoring: Monitoring, comment: string, next: string): State {
  return task(
    integration(spec.partition, "dynamodb:getItem"),
    { TableName: monitoring.stateTableName, Key: { id: { S: SERVED_MODEL_ID } }, ConsistentRead: true },
    { Comment: comment, ResultPath: "$.served", TimeoutSeconds: 60, Retry: DYNAMODB_RETRY, Next: next },
  );
}

/**
 * Two states: a ListObjectsV2 of at most one key under `prefix` (a literal, or `{path}`), and
 * a Choice to `found` when there was one, else `none`. A processing or transform input whose
 * prefix matches no object fails the job: look first.
 */
export function anyObjectUnder(
  spec: WorkflowSpec,
  names: { list: string; choice: string },
  prefix: string | { path: string },
  opts: { comment: string; resultPath: string; found: string; none: string },
): Record<string, State> {
  const count = `${opts.resultPath}.KeyCount`;
  return {
    [names.list]: task(
      integration(spec.partition, "aws-sdk:s3:listObjectsV2"),
      { Bucket: spec.bucket.name, ...(typeof prefix === "string" ? { Prefix: prefix } : { "Prefix.$": prefix.path }), MaxKeys: 1 },
      { Comment: opts.comment, ResultPath: opts.resultPath, TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: names.choice },
    ),
    [names.choice]: {
      Type: "Choice",
      Choices: [{ And: [{ Variable: count, IsPresent: true }, { Variable: count, IsNumeric: true }, { Variable: count, NumericGreaterThan: 0 }], Next: opts.found }],
      Default: opts.none,
    },
  };
}

/**
 * Three states: the job's verdict.json read into $.check.result, its metrics published (best
 * effort), and a Choice on its `verdict`: each listed value to its state, anything else
 * (insufficient data) to `otherwise`.
 */
export function verdictStates(
  spec: WorkflowSpec,
  names: { read: string; publish: string; choice: string },
  key: string,
  routes: { [verdict: string]: string },
  otherwise: string,
): Record<string, State> {
  const verdict = "$.check.result.verdict";
  return {
    [names.read]: task(
      integration(spec.partition, "aws-sdk:s3:getObject"),
      { Bucket: spec.bucket.name, "Key.$": key } as { [k: string]: Json },
      { ResultSelector: { "result.$": "States.StringToJson($.Body)" }, ResultPath: "$.check", TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: names.publish },
    ),
    [names.publish]: putMetricData(spec, { "MetricData.$": "$.check.result.metricData" }, names.choice),
    [names.choice]: {
      Type: "Choice",
      Choices: Object.entries(routes).map(([value, next]) => ({ ...isString(verdict, value), Next: next })),
      Default: otherwise,
    },
  };
}

/** What those steps need: the record, listing under `listPrefix`, the verdicts under `verdictPrefix` (SSE-KMS), the metrics. */
export function checkStepStatements(spec: WorkflowSpec, monitoring: Monitoring, sids: { list: string; read: string }, listPrefix: string, verdictPrefix: string): PolicyStatement[] {
  return [
    { Sid: "ReadServedModel", Effect: "Allow", Action: "dynamodb:GetItem", Resource: monitoring.stateTableArn },
    { Sid: sids.list, Effect: "Allow", Action: "s3:ListBucket", Resource: spec.bucket.arn, Condition: { StringLike: { "s3:prefix": `${listPrefix}*` } } },
    { Sid: sids.read, Effect: "Allow", Action: "s3:GetObject", Resource: spec.bucket.objectArn(`${verdictPrefix}*`) },
    keyUseStatement("UseStackKey", ["kms:Decrypt"], spec.key),
    PUBLISH_PIPELINE_METRICS,
  ];
}
