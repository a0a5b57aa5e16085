/**
 * ExportTable (`ingestion.source.kind: dynamodb`): each run exports the team's table to
 * `raw/dynamodb/<run>/` (ExportTableToPointInTime: a full export, DYNAMODB_JSON, SSE-KMS
 * with the stack key) and waits for it; the preprocessing then reads the export.
 *
 *   ExportTable → StartExportPolling → WaitForExport → DescribeExport → CountExportPoll → ExportStatus
 *     COMPLETED → the preprocessing · FAILED → RecordExportFailure · polls used up → RecordExportTimeout
 *     IN_PROGRESS → WaitForExport
 *   ExportTable failing → ExportRefused: point-in-time recovery off (how to turn it on), or the error as raised
 *
 * Error names: DynamoDB's aws-sdk errors are routed by what their name ends with, not by a
 * service prefix, and the read-only DescribeExport retries any task failure.
 */
import { keyUseStatement } from "../../lib/iamPolicy";
import { State } from "../asl";
import { WorkflowSpec } from "../spec";
import { DynamoDbSource } from "../../stacks/configSchema";
import { failState, FAILURE_STATE, integration, task, TaskModule, Wiring } from "./task";

/** The S3 prefix of a run's export (DynamoDB writes `<it>/AWSDynamoDB/<export id>/…` under it), as a States.Format. */
export const exportPrefixOf = (spec: WorkflowSpec) => `States.Format('${spec.bucket.prefixes.dynamoDbExports}{}', $.run.id)`;
/**
 * Where the preprocessing reads a run's export: this export's data files only
 * (`<prefix>/AWSDynamoDB/<export id>/data/`, the DynamoDB guide's "table export output
 * format"), as a key prefix or an `s3://` URI.
 */
export const exportInputPrefixOf = (spec: WorkflowSpec) => `States.Format('${spec.bucket.prefixes.dynamoDbExports}{}/AWSDynamoDB/{}/data/', $.run.id, $.export.id)`;
export const exportInputUriOf = (spec: WorkflowSpec) => `States.Format('${spec.bucket.uri(spec.bucket.prefixes.dynamoDbExports)}{}/AWSDynamoDB/{}/data/', $.run.id, $.export.id)`;

/** The attribute mapping every preprocessing engine applies to an export (preprocessing/*: label first, then the features). */
export const exportAttributes = (source: DynamoDbSource) => ({ label: source.label, features: source.features });

/** The exception DynamoDB raises for a table without point-in-time recovery (its API model; the DynamoDB guide, "Requesting a table export"). */
const PITR_OFF = "*PointInTimeRecoveryUnavailableException";

export function exportTable(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const source = spec.source;
  if (source.kind !== "dynamodb") return undefined;
  const p = spec.partition;
  const maxPolls = Math.ceil((source.timeoutMinutes * 60) / source.pollSeconds);
  const table = source.tableArn;
  const states: Record<string, State> = {
    ExportTable: {
      ...task(
        integration(p, "aws-sdk:dynamodb:exportTableToPointInTime"),
        {
          TableArn: table,
          S3Bucket: spec.bucket.name,
          S3BucketOwner: spec.accountId,
          "S3Prefix.$": exportPrefixOf(spec),
          S3SseAlgorithm: "KMS",
          "S3SseKmsKeyId.$": "$.key.arn",
          ExportFormat: "DYNAMODB_JSON",
          ExportType: "FULL_EXPORT",
          // One export per run, even if the call is repeated (idempotent for 8 hours: the API model).
          "ClientToken.$": "$.run.id",
        },
        {
          Comment: "A full export of the table as it is now, under raw/dynamodb/<run>/",
          // The export's id ends its ARN (table/<name>/export/<id>): the folder its data files are in.
          ResultSelector: { "arn.$": "$.ExportDescription.ExportArn", "id.$": "States.ArrayGetItem(States.StringSplit($.ExportDescription.ExportArn, '/'), 3)" },
          ResultPath: "$.export",
          TimeoutSeconds: 60,
          Next: "StartExportPolling",
        },
      ),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.exportError", Next: "ExportRefused" }],
    },
    ExportRefused: {
      Type: "Choice",
      Choices: [{ Variable: "$.exportError.Error", StringMatches: PITR_OFF, Next: "RecordPitrOff" }],
      Default: "RecordExportError",
    },
    RecordPitrOff: {
      Type: "Pass",
      Parameters: {
        Error: "PointInTimeRecoveryOff",
        Cause: `DynamoDB exports only tables with point-in-time recovery: turn it on for ${table} (aws dynamodb update-continuous-backups --table-name ${table.split("/")[1]} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true) and run again`,
      },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    RecordExportError: {
      Type: "Pass",
      Parameters: { "Error.$": "$.exportError.Error", "Cause.$": "$.exportError.Cause" },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    StartExportPolling: { Type: "Pass", Result: { polls: 0 }, ResultPath: "$.exportPolling", Next: "WaitForExport" },
    WaitForExport: { Type: "Wait", Seconds: source.pollSeconds, Next: "DescribeExport" },
    DescribeExport: task(
      integration(p, "aws-sdk:dynamodb:describeExport"),
      { "ExportArn.$": "$.export.arn" },
      {
        ResultSelector: { "description.$": "$.ExportDescription" },
        ResultPath: "$.exportStatus",
        TimeoutSeconds: 60,
        // A read: any failure (throttling among them) is worth two more tries before the run fails.
        Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" }],
        Next: "CountExportPoll",
      },
    ),
    CountExportPoll: { Type: "Pass", Parameters: { "polls.$": "States.MathAdd($.exportPolling.polls, 1)" }, ResultPath: "$.exportPolling", Next: "ExportStatus" },
    ExportStatus: {
      Type: "Choice",
      Comment: "Every ExportStatus of the API model: COMPLETED, FAILED, or still IN_PROGRESS",
      Choices: [
        { Variable: "$.exportStatus.description.ExportStatus", StringEquals: "COMPLETED", Next: wiring.next },
        {
          And: [{ Variable: "$.exportStatus.description.ExportStatus", StringEquals: "FAILED" }, { Variable: "$.exportStatus.description.FailureMessage", IsPresent: true }],
          Next: "RecordExportFailure",
        },
        { Variable: "$.exportStatus.description.ExportStatus", StringEquals: "FAILED", Next: "RecordExportFailureWithoutReason" },
        { Variable: "$.exportPolling.polls", NumericGreaterThanEquals: maxPolls, Next: "RecordExportTimeout" },
      ],
      Default: "WaitForExport",
    },
    RecordExportFailure: failState("DynamoDbExportFailed", { format: "States.Format('Export {} of the table failed: {}', $.export.arn, $.exportStatus.description.FailureMessage)" }),
    RecordExportFailureWithoutReason: failState("DynamoDbExportFailed", { format: "States.Format('Export {} of the table failed (DynamoDB gave no failure message)', $.export.arn)" }),
    RecordExportTimeout: failState("DynamoDbExportTimedOut", { format: `States.Format('Export {} still in progress after ${source.timeoutMinutes} minutes (ingestion.source.timeoutMinutes)', $.export.arn)` }),
  };
  return {
    entry: "ExportTable",
    states,
    // The export call, then polling for as long as the config allows (each poll: its wait, its call and two retries).
    timeoutSeconds: 60 + maxPolls * (source.pollSeconds + 3 * 60 + 15),
    stateMachineStatements: [
      // The DynamoDB guide, "Requesting a table export in DynamoDB": the export action on the
      // table; the export's own ARN (table/<name>/export/<id>) for DescribeExport (the
      // Service Authorization Reference's resource type for it).
      { Sid: "ExportTheSourceTable", Effect: "Allow", Action: "dynamodb:ExportTableToPointInTime", Resource: table },
      { Sid: "DescribeTheSourceTablesExports", Effect: "Allow", Action: "dynamodb:DescribeExport", Resource: `${table}/export/*` },
      // The same page: the caller's S3 permissions write the export, here only under raw/dynamodb/.
      {
        Sid: "WriteTableExports",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"],
        Resource: spec.bucket.objectArn(`${spec.bucket.prefixes.dynamoDbExports}*`),
      },
      // SSE-KMS uploads: a data key per object; multipart uploads also decrypt it (S3 guide, "Using SSE-KMS").
      keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
    ],
  };
}
