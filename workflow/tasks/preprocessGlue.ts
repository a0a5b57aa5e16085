/**
 * Preprocessing by the stack's Spark job on AWS Glue (`glue:startJobRun.sync`), and the job's role.
 */
import { keyUseStatement, PolicyStatement } from "../../lib/iamPolicy";
import { Json } from "../asl";
import { GLUE_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { PreprocessEngine } from "./preprocessEngine";
import { exportAttributes, exportInputUriOf } from "./exportTable";
import { integration, task } from "./task";

type GluePreprocessing = Extract<WorkflowSpec["preprocessing"], { kind: "glue" }>;

/**
 * StartJobRun for the stack's Glue job: the job definition carries workers, security
 * configuration and timeout; the run only says where to read and write. Arguments are
 * strings (Glue passes them to the script as `--name value`).
 */
function glueJobRunParameters(spec: WorkflowSpec, p: GluePreprocessing): { [key: string]: Json } {
  const { raw, processed } = spec.bucket.prefixes;
  return {
    JobName: p.jobName,
    Arguments: {
      // A DynamoDB source: this run's export, read as DYNAMODB_JSON with the attribute mapping.
      ...(spec.source.kind === "dynamodb"
        ? { "--input_uri.$": exportInputUriOf(spec), "--input_format": "dynamodb-json", "--export_attributes": JSON.stringify(exportAttributes(spec.source)) }
        : { "--input_uri": spec.bucket.uri(raw) }),
      "--output_uri.$": `States.Format('s3://${spec.bucket.name}/${processed}{}/', $.run.id)`,
      "--output_files": String(p.outputFiles),
      ...(spec.drift ? { "--write_baseline": "true" } : {}),
    },
  };
}

/**
 * The Glue job's role: raw/ and its script in; processed/ out (Spark's committer also
 * lists and deletes its temporary objects there); the key for SSE-KMS objects, job
 * bookmarks and the encrypted logs ("Setting up encryption in AWS Glue": the role needs
 * kms:Encrypt, Decrypt, GenerateDataKey and logs:AssociateKmsKey on /aws-glue/*).
 */
export function glueRoleStatements(spec: WorkflowSpec, p: GluePreprocessing): PolicyStatement[] {
  const { raw, processed } = spec.bucket.prefixes;
  return [
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: spec.bucket.arn,
      Condition: { StringLike: { "s3:prefix": [`${raw}*`, `${processed}*`] } },
    },
    { Sid: "ReadInputs", Effect: "Allow", Action: "s3:GetObject", Resource: [spec.bucket.objectArn(`${raw}*`), spec.bucket.objectArn(p.scriptKey)] },
    {
      Sid: "WriteOutputs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: spec.bucket.objectArn(`${processed}*`),
    },
    keyUseStatement("UseStackKey", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], spec.key),
    {
      // Glue names the encrypted groups after the security configuration and role and creates them itself.
      Sid: "WriteJobLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
      Resource: p.logGroupArns,
    },
    {
      Sid: "PublishJobMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*", // no resource-level permissions; the namespace condition scopes it
      Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
    },
  ];
}

export const gluePreprocessing: PreprocessEngine<GluePreprocessing> = (spec, p, { next, timeoutSeconds }) => ({
  state: task(integration(spec.partition, "glue:startJobRun.sync"), glueJobRunParameters(spec, p), {
    Comment: `Split ${spec.source.kind === "dynamodb" ? "the run's table export" : "raw/"} into processed/<run>/train and validation (Spark on AWS Glue); .sync waits for the run`,
    // The whole job run is kept: no path into a result shape the API model does not declare
    // for .sync (a wrong path would be an uncatchable States.Runtime error).
    ResultPath: "$.preprocessing",
    TimeoutSeconds: timeoutSeconds,
    Retry: GLUE_RETRY,
    Next: next,
  }),
  // Step Functions' documented statement for glue:startJobRun.sync, scoped to the stack's job.
  stateMachineStatements: [{ Sid: "RunGlueJob", Effect: "Allow", Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], Resource: p.jobArn }],
  executionRole: { roleArn: p.roleArn, statements: glueRoleStatements(spec, p) },
});
