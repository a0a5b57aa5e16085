/**
 * Ingestion from a DynamoDB table (ingestion.source.kind dynamodb): the config and its
 * errors, the export the workflow requests, the bounded wait for it (executed locally), what
 * each preprocessing engine is told to read, and the state machine role's statements.
 */
import { strict as assert } from "assert";
import { ConfigError, resolveStackConfig } from "../stacks/load";
import { buildWorkflow } from "../workflow/definition";
import { awsError, happyHandlers, runLocally, specFor } from "./support/workflow";

const TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/customer-events";
const SOURCE = { kind: "dynamodb", tableArn: TABLE, label: "churned", features: ["tenure_months", "monthly_spend", "on_promotion"] };
const withSource = (source: object, more: Record<string, unknown> = {}) => ({ ingestion: { source }, ...more });

function problemsOf(values: Record<string, unknown>, stack = "dev"): ConfigError {
  try {
    resolveStackConfig({ project: "ml-pipeline", stack, region: "us-east-1", values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(values)}`);
}

describe("ingestion.source: the config", () => {
  it("is s3 unless a stack says otherwise; a DynamoDB source gets its polling defaults in dev and prod", () => {
    for (const stack of ["dev", "prod"]) {
      assert.deepEqual(specFor(stack).source, { kind: "s3" });
      assert.deepEqual(specFor(stack, withSource(SOURCE)).source, { ...SOURCE, pollSeconds: 60, timeoutMinutes: 120 });
    }
  });

  it("names the key, the value and what is allowed for each mistake", () => {
    const cases: [object, string, RegExp][] = [
      [{ ...SOURCE, tableArn: "customer-events" }, "ml-pipeline:ingestion.source.tableArn", /expected a DynamoDB table ARN such as arn:aws:dynamodb:us-east-1:123456789012:table\/events/],
      [{ ...SOURCE, features: ["a", "a"] }, "ml-pipeline:ingestion.source.features", /must not name an attribute twice/],
      [{ ...SOURCE, features: ["churned", "a"] }, "ml-pipeline:ingestion.source.features", /the label attribute cannot also be a feature/],
      [{ ...SOURCE, features: [] }, "ml-pipeline:ingestion.source.features", /at least 1|>=1/],
      [{ ...SOURCE, pollSeconds: 5 }, "ml-pipeline:ingestion.source.pollSeconds", /30/],
      [{ ...SOURCE, tableArn: TABLE.replace("us-east-1", "eu-west-1") }, "ml-pipeline:ingestion.source.tableArn", /the table is in eu-west-1, the stack in us-east-1: the workflow calls DynamoDB in the stack's region/],
      [{ kind: "kinesis" }, "ml-pipeline:ingestion.source.kind", /expected kind "s3" or "dynamodb"/],
    ];
    for (const [source, key, message] of cases) {
      const err = problemsOf(withSource(source));
      const p = err.problems.find((x) => x.key === key);
      assert.ok(p, `${JSON.stringify(source)}: no problem for ${key}; got ${err.message}`);
      assert.match(p.message, message);
    }
    assert.match(problemsOf({ ingestion: "dynamodb" }).message, /ml-pipeline:ingestion = "dynamodb": .*object/);
  });

  it("refuses more polls of the export than an execution's history holds (Step Functions keeps 25,000 events)", () => {
    const err = problemsOf(withSource({ ...SOURCE, pollSeconds: 30, timeoutMinutes: 1440 }));
    assert.match(err.message, /ml-pipeline:ingestion\.source\.pollSeconds = 30: with timeoutMinutes 1440 that is 2880 polls of the export, and a run may poll at most 1000 times .*at least every 87 seconds/);
    assert.equal(specFor("dev", withSource({ ...SOURCE, pollSeconds: 90, timeoutMinutes: 1440 })).source.kind, "dynamodb", "960 polls");
  });

  it("refuses the new-data trigger (it watches raw/, not the table) and a mapping too long for a processing job's environment", () => {
    const trigger = problemsOf(withSource(SOURCE, { schedule: { onNewData: { enabled: true } } }));
    assert.match(trigger.message, /ml-pipeline:schedule\.onNewData\.enabled = true: the new-data trigger watches raw\/ .* retrain on schedule\.expression instead/);
    const many = { ...SOURCE, features: Array.from({ length: 30 }, (_, i) => `feature_number_${i}`) };
    const long = problemsOf(withSource(many, { preprocessing: { kind: "processing" } }));
    assert.match(long.message, /ml-pipeline:ingestion\.source\.features = \(30 attributes\): a processing job receives the attribute mapping as an environment value, which SageMaker limits to 256 characters/);
    // Lambda and Glue take it in the event and the job arguments: no such limit.
    assert.equal(specFor("dev", withSource(many)).source.kind, "dynamodb");
  });
});

describe("ingestion.source dynamodb: the workflow", () => {
  const spec = specFor("dev", withSource(SOURCE));
  const workflow = buildWorkflow(spec);
  const states = workflow.definition.States as Record<string, any>;

  it("exports the table after routing and before the preprocessing: a full DYNAMODB_JSON export, SSE-KMS with the stack key, under raw/dynamodb/<run>", () => {
    assert.equal(states.RouteRun.Default ?? "", "ExportTable");
    const e = states.ExportTable;
    assert.equal(e.Resource, "arn:aws:states:::aws-sdk:dynamodb:exportTableToPointInTime");
    assert.deepEqual(e.Parameters, {
      TableArn: TABLE,
      S3Bucket: spec.bucket.name,
      S3BucketOwner: spec.accountId,
      "S3Prefix.$": "States.Format('raw/dynamodb/{}', $.run.id)",
      S3SseAlgorithm: "KMS",
      "S3SseKmsKeyId.$": "$.key.arn",
      ExportFormat: "DYNAMODB_JSON",
      ExportType: "FULL_EXPORT",
      "ClientToken.$": "$.run.id",
    });
    assert.equal(states.ExportStatus.Choices[0].Next, "Preprocess");
    // Without the source, nothing of it.
    assert.ok(!("ExportTable" in buildWorkflow(specFor("dev")).definition.States));
  });

  it("each engine reads the run's export with the attribute mapping: the Lambda's event, the processing job's input and environment, the Glue run's arguments", () => {
    const mapping = { label: "churned", features: ["tenure_months", "monthly_spend", "on_promotion"] };
    const payload = states.Preprocess.Parameters.Payload;
    assert.equal(payload["inputPrefix.$"], "States.Format('raw/dynamodb/{}/AWSDynamoDB/{}/data/', $.run.id, $.export.id)");
    assert.deepEqual(payload.source, { format: "dynamodb-json", ...mapping });
    const processing = buildWorkflow(specFor("prod", withSource(SOURCE))).definition.States.Preprocess as any;
    const input = processing.Parameters.ProcessingInputs.find((i: any) => i.InputName === "raw").S3Input;
    assert.match(input["S3Uri.$"], /^States\.Format\('s3:\/\/[a-z0-9-]+\/raw\/dynamodb\/\{\}\/AWSDynamoDB\/\{\}\/data\/', \$\.run\.id, \$\.export\.id\)$/);
    assert.deepEqual([processing.Parameters.Environment.INPUT_FORMAT, JSON.parse(processing.Parameters.Environment.EXPORT_ATTRIBUTES)], ["dynamodb-json", mapping]);
    const glue = buildWorkflow(specFor("prod", withSource(SOURCE, { preprocessing: { kind: "glue" } }))).definition.States.Preprocess as any;
    assert.equal(glue.Parameters.Arguments["--input_format"], "dynamodb-json");
    assert.deepEqual(JSON.parse(glue.Parameters.Arguments["--export_attributes"]), mapping);
    assert.match(glue.Parameters.Arguments["--input_uri.$"], /raw\/dynamodb\/\{\}\/AWSDynamoDB\/\{\}\/data\//);
  });

  it("the state machine role may export this table, read its exports, write under raw/dynamodb/ only, and use the stack key: nothing wider", () => {
    const bySid = Object.fromEntries(workflow.stateMachineStatements.map((s) => [s.Sid, s]));
    assert.deepEqual([bySid.ExportTheSourceTable.Action, bySid.ExportTheSourceTable.Resource], ["dynamodb:ExportTableToPointInTime", TABLE]);
    assert.deepEqual([bySid.DescribeTheSourceTablesExports.Action, bySid.DescribeTheSourceTablesExports.Resource], ["dynamodb:DescribeExport", `${TABLE}/export/*`]);
    assert.deepEqual(bySid.WriteTableExports.Action, ["s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"]);
    assert.equal(bySid.WriteTableExports.Resource, spec.bucket.objectArn("raw/dynamodb/*"));
    for (const a of ["kms:GenerateDataKey", "kms:Decrypt"]) assert.ok((bySid.UseStackKey.Action as string[]).includes(a), a);
    const s3Only = buildWorkflow(specFor("dev")).stateMachineStatements.map((s) => s.Sid);
    for (const sid of ["ExportTheSourceTable", "DescribeTheSourceTablesExports", "WriteTableExports"]) assert.ok(!s3Only.includes(sid), `${sid} only with a DynamoDB source`);
  });
});

describe("ingestion.source dynamodb: runs, executed locally", function () {
  this.timeout(30_000);
  const definition = buildWorkflow(specFor("dev", withSource({ ...SOURCE, pollSeconds: 60, timeoutMinutes: 5 }))).definition;
  const EXPORT_ARN = `${TABLE}/export/01764547200000-a1b2c3d4`;
  /** DescribeExport answers IN_PROGRESS `pending` times, then `last`. */
  const exportHandlers = (pending: number, last: object) => {
    let polls = 0;
    return {
      ...happyHandlers(),
      ExportTable: () => ({ ExportDescription: { ExportArn: EXPORT_ARN, ExportStatus: "IN_PROGRESS" } }),
      DescribeExport: () => (++polls <= pending ? { ExportDescription: { ExportArn: EXPORT_ARN, ExportStatus: "IN_PROGRESS" } } : { ExportDescription: { ExportArn: EXPORT_ARN, ...last } }),
    };
  };

  it("waits for the export through several polls, then preprocesses this run's export and deploys", async () => {
    const run = await runLocally(definition, exportHandlers(3, { ExportStatus: "COMPLETED", ItemCount: 1200 }));
    assert.equal(run.error, undefined, run.error?.message);
    assert.equal(run.calls.filter((c) => c === "DescribeExport").length, 4);
    assert.ok(run.calls.indexOf("Preprocess") > run.calls.lastIndexOf("DescribeExport"));
    const runId = run.inputs.ExportTable.ClientToken;
    assert.match(runId, /^[0-9a-f]{32}$/, "the run's id: one export per run");
    assert.equal(run.inputs.ExportTable.S3Prefix, `raw/dynamodb/${runId}`);
    assert.equal(run.inputs.ExportTable.S3SseKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
    assert.equal(run.inputs.DescribeExport.ExportArn, EXPORT_ARN);
    // This export's data files only (a second export under the prefix would add rows).
    assert.equal(run.inputs.Preprocess.Payload.inputPrefix, `raw/dynamodb/${runId}/AWSDynamoDB/01764547200000-a1b2c3d4/data/`);
    assert.ok(run.calls.includes("NotifyDeployed"));
  });

  it("a failed export fails the run, notified with the export's failure message", async () => {
    const run = await runLocally(definition, exportHandlers(1, { ExportStatus: "FAILED", FailureCode: "S3AccessDenied", FailureMessage: "Access denied to bucket ml-pipeline-dev-data" }));
    assert.ok(run.error, "the execution failed");
    assert.ok(!run.calls.includes("Preprocess"));
    assert.match(run.inputs.NotifyFailure.Message, /DynamoDbExportFailed: Export .*01764547200000-a1b2c3d4 of the table failed: Access denied to bucket ml-pipeline-dev-data/);
    const bare = await runLocally(definition, exportHandlers(0, { ExportStatus: "FAILED" }));
    assert.match(bare.inputs.NotifyFailure.Message, /DynamoDB gave no failure message/);
  });

  it("an export still in progress after ingestion.source.timeoutMinutes fails the run after a bounded number of polls", async () => {
    const run = await runLocally(definition, exportHandlers(1000, {}));
    assert.equal(run.calls.filter((c) => c === "DescribeExport").length, 5, "5 minutes at one poll a minute");
    assert.match(run.inputs.NotifyFailure.Message, /DynamoDbExportTimedOut: Export .* still in progress after 5 minutes \(ingestion\.source\.timeoutMinutes\)/);
  });

  it("a table without point-in-time recovery fails the run with how to turn it on; any other refusal as DynamoDB raised it", async () => {
    const pitr = await runLocally(definition, {
      ...exportHandlers(0, {}),
      ExportTable: () => {
        throw awsError("DynamoDb.PointInTimeRecoveryUnavailableException", "Point in time recovery is not enabled for table 'customer-events'");
      },
    });
    assert.match(pitr.inputs.NotifyFailure.Message, /PointInTimeRecoveryOff: DynamoDB exports only tables with point-in-time recovery: turn it on for .*customer-events \(aws dynamodb update-continuous-backups --table-name customer-events --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true\)/);
    const other = await runLocally(definition, {
      ...exportHandlers(0, {}),
      ExportTable: () => {
        throw awsError("DynamoDb.TableNotFoundException", "Table not found: customer-events");
      },
    });
    assert.match(other.inputs.NotifyFailure.Message, /DynamoDb\.TableNotFoundException: Table not found: customer-events/);
    assert.ok(!other.calls.includes("DescribeExport"));
  });
});
