/**
 * Preprocessing by the stack's Lambda function: invoked with where to read and write; the
 * function's role (raw/ in, processed/ out, the key, its log group, the dead-letter topic).
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { LAMBDA_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { PreprocessEngine } from "./preprocessEngine";
import { exportAttributes, exportInputPrefixOf } from "./exportTable";
import { integration, task } from "./task";

type LambdaPreprocessing = Extract<WorkflowSpec["preprocessing"], { kind: "lambda" }>;

/** The function's role: raw/ in, processed/ out, the key, its own log group, the dead-letter topic. */
export function lambdaRoleStatements(spec: WorkflowSpec, p: LambdaPreprocessing): PolicyStatement[] {
  const { raw, processed } = spec.bucket.prefixes;
  return [
    {
      Sid: "ListRawData",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: spec.bucket.arn,
      Condition: { StringLike: { "s3:prefix": `${raw}*` } },
    },
    { Sid: "ReadRawData", Effect: "Allow", Action: "s3:GetObject", Resource: spec.bucket.objectArn(`${raw}*`) },
    { Sid: "WriteProcessedData", Effect: "Allow", Action: "s3:PutObject", Resource: spec.bucket.objectArn(`${processed}*`) },
    keyUseStatement("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], spec.key),
    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${p.logGroupArn}:*` },
    { Sid: "DeadLetterToTopic", Effect: "Allow", Action: "sns:Publish", Resource: spec.topicArn },
    {
      Sid: "Tracing",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*", // X-Ray has no resource-level permissions
    },
  ];
}

export const lambdaPreprocessing: PreprocessEngine<LambdaPreprocessing> = (spec, p, { next, timeoutSeconds }) => {
  const { raw, processed } = spec.bucket.prefixes;
  return {
    state: task(
      integration(spec.partition, "lambda:invoke"),
      {
        FunctionName: p.functionArn,
        Payload: {
          bucket: spec.bucket.name,
          // A DynamoDB source: this run's export, read as DYNAMODB_JSON with the attribute mapping.
          ...(spec.source.kind === "dynamodb"
            ? { "inputPrefix.$": exportInputPrefixOf(spec), source: { format: "dynamodb-json", ...exportAttributes(spec.source) } }
            : { inputPrefix: raw }),
          "outputPrefix.$": `States.Format('${processed}{}/', $.run.id)`,
          ...(spec.drift ? { baseline: true } : {}),
        },
      },
      {
        Comment: `Split ${spec.source.kind === "dynamodb" ? "the run's table export" : "raw/"} into processed/<run>/train and validation (Lambda)`,
        ResultSelector: { "summary.$": "$.Payload" },
        ResultPath: "$.preprocessing",
        TimeoutSeconds: timeoutSeconds,
        Retry: LAMBDA_RETRY,
        Next: next,
      },
    ),
    stateMachineStatements: [{ Sid: "InvokePreprocessing", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [p.functionArn, `${p.functionArn}:*`] }],
    executionRole: { roleArn: p.roleArn, statements: lambdaRoleStatements(spec, p) },
  };
};
