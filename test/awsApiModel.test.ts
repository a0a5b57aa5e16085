/**
 * The workflow judged by AWS's API models (the `@aws-sdk/client-*` declarations, generated
 * from each service's Smithy model), not by this project's reading of them: what every
 * Task sends, what it reads back, which error names it can see, which endpoint states exist.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ENDPOINT_STATUSES_FAILED, ENDPOINT_STATUSES_IN_PROGRESS } from "../workflow/definition";
import { StateMachineDefinition, TaskState } from "../workflow/asl";
import { ApiModels, Operation, operationOf } from "./support/apiModel";
import { definitionFor, evaluationDefinitionFor, happyHandlers, monitoringDefinitionFor, runLocally } from "./support/workflow";
import { PROJECT_DIR } from "./support/stacks";
import { GLUE_SPARK_WORKER_TYPES } from "../policies/facts/glue";
import { APPROVAL_INPUT_TRANSFORMER, approvalEventPattern } from "../components/modelRegistry";
import { HOSTING_INSTANCE_TYPES, TRANSFORM_INSTANCE_TYPES } from "../policies/facts/instanceTypes";

/** dev and prod as their stack files declare them, and each with the other preprocessing kind. */
const VARIANTS: { label: string; stack: string; overrides: Record<string, unknown> }[] = [
  { label: "dev", stack: "dev", overrides: {} },
  { label: "prod", stack: "prod", overrides: {} },
  // A promoted stage: the source's version described, its artifact copied and checked, the deployment recorded on it.
  { label: "staging (promoted from dev's group)", stack: "staging", overrides: {} },
  {
    label: "prod promoted after staging",
    stack: "prod",
    overrides: { registry: { source: { kind: "promoted", groupArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/ml-pipeline-dev-models", stage: "prod", after: ["staging"] } }, monitoring: { drift: { enabled: false }, evaluation: { enabled: false } }, training: null },
  },
  // A source that shares: the registered copy of the artifact with its checksum.
  { label: "dev, sharing its versions", stack: "dev", overrides: { registry: { shareWith: [{ account: "222222222222", namePrefix: "ml-pipeline-staging", stage: "staging" }] } } },
  { label: "dev, processing-job preprocessing", stack: "dev", overrides: { preprocessing: { kind: "processing" } } },
  { label: "prod, Lambda preprocessing", stack: "prod", overrides: { preprocessing: { kind: "lambda" } } },
  { label: "prod, processing sharded over 4 instances", stack: "prod", overrides: { preprocessing: { kind: "processing", instanceCount: 4 } } },
  {
    label: "prod, training distributed over 4 instances",
    stack: "prod",
    overrides: { preprocessing: { kind: "processing", instanceCount: 4 }, training: { instanceCount: 4 } },
  },
  { label: "prod, Glue preprocessing, training on 4 instances", stack: "prod", overrides: { preprocessing: { kind: "glue" }, training: { instanceCount: 4 } } },
  {
    label: "prod, tuned (Bayesian over continuous, integer and categorical ranges, on 2 instances per job)",
    stack: "prod",
    overrides: {
      preprocessing: { kind: "processing", instanceCount: 2 },
      training: {
        instanceCount: 2,
        tuning: {
          enabled: true,
          ranges: { continuous: { eta: { min: 0.1, max: 0.5, scaling: "Logarithmic" } }, integer: { max_depth: { min: 3, max: 10 } }, categorical: { colsample_bytree: ["0.5", "0.8", "1"] } },
        },
      },
    },
  },
  {
    label: "dev, DynamoDB source (Lambda preprocessing)",
    stack: "dev",
    overrides: { ingestion: { source: { kind: "dynamodb", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/customer-events", label: "churned", features: ["tenure_months", "monthly_spend"] } } },
  },
  {
    label: "prod, DynamoDB source, processing on 2 instances",
    stack: "prod",
    overrides: {
      ingestion: { source: { kind: "dynamodb", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/customer-events", label: "churned", features: ["tenure_months", "monthly_spend"] } },
      preprocessing: { kind: "processing", instanceCount: 2 },
      training: { instanceCount: 2 },
    },
  },
  {
    label: "dev, tuned by Hyperband",
    stack: "dev",
    overrides: { training: { tuning: { enabled: true, strategy: "Hyperband", earlyStopping: "Off", hyperband: { minResource: 10, maxResource: 200 }, ranges: { integer: { max_depth: { min: 3, max: 8 } } } } } },
  },
];

const definitions = [
  ...VARIANTS.map((v) => ({ ...v, definition: definitionFor(v.stack, v.overrides) })),
  // The monitoring state machine (drift checks): its job, table, S3, CloudWatch and Step Functions calls.
  { label: "prod, monitoring state machine", stack: "prod", overrides: {}, definition: monitoringDefinitionFor("prod") },
  // The evaluation state machine: the transform of the served model, its job, the package lookup.
  { label: "prod, evaluation state machine", stack: "prod", overrides: {}, definition: evaluationDefinitionFor("prod") },
];
const tasksOf = (d: StateMachineDefinition) => Object.entries(d.States).filter(([, s]) => s.Type === "Task") as [string, TaskState][];

/**
 * Step Functions' error names per integration (Step Functions developer guide, "Handling
 * errors in Step Functions workflows" and "AWS SDK service integrations"; see the GUIDE):
 *  - optimized integrations: the SDK's base exception (`SageMaker.AmazonSageMakerException`,
 *    `SNS.AmazonSNSException`) or `<Service>.<Error>` for an error the operation declares;
 *  - aws-sdk integrations: `<Service>.<Service>Exception` for undeclared errors, or
 *    `<Service>.<Error>` for declared ones;
 *  - lambda:invoke: the names AWS's documented retrier lists ("Handle transient Lambda
 *    service exceptions") plus declared ones.
 * Declared errors are read from the client's generated docs (`@throws` of the command).
 * A shape named without the suffix (SageMaker's `ResourceInUse`) is raised with "Exception" appended.
 */
const SERVICE_PREFIX: Record<string, string> = { sagemaker: "SageMaker", kms: "Kms", sns: "SNS", lambda: "Lambda", glue: "Glue", s3: "S3", cloudwatch: "CloudWatch", states: "StepFunctions", sfn: "Sfn", dynamodb: "DynamoDB" };
const OPTIMIZED_BASE: Record<string, string[]> = {
  sagemaker: ["SageMaker.AmazonSageMakerException"],
  sns: ["SNS.AmazonSNSException"],
  lambda: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.ClientExecutionTimeoutException"],
  // The Java SDK's base exception for Glue, AWSGlueException; public execution histories of glue:startJobRun.sync record it as the TaskFailed error.
  glue: ["Glue.AWSGlueException"],
  // The Java SDK's base exception for Step Functions (states:startExecution, optimized).
  states: ["StepFunctions.AWSStepFunctionsException"],
  // The Java SDK's base exception for DynamoDB (the optimized dynamodb:* integrations).
  dynamodb: ["DynamoDB.AmazonDynamoDBException"],
};
const PACKAGE_DIR: Record<string, string> = { sagemaker: "client-sagemaker", kms: "client-kms", sns: "client-sns", lambda: "client-lambda", glue: "client-glue", s3: "client-s3", cloudwatch: "client-cloudwatch", states: "client-sfn", sfn: "client-sfn", dynamodb: "client-dynamodb" };

function declaredErrors(op: Operation): string[] {
  const file = path.join(PROJECT_DIR, "node_modules", "@aws-sdk", PACKAGE_DIR[op.service], "dist-types", "commands", `${op.name}Command.d.ts`);
  const text = fs.readFileSync(file, "utf8");
  // The client's base class (GlueServiceException, SageMakerServiceException) is every error, not a declared one;
  // a declared error may itself end in ServiceException (Glue's InternalServiceException).
  const models = path.join(PROJECT_DIR, "node_modules", "@aws-sdk", PACKAGE_DIR[op.service], "dist-types", "models");
  const base = fs.readdirSync(models).find((f) => f.endsWith("ServiceException.d.ts"))!.replace(/\.d\.ts$/, "");
  return [...text.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]).filter((e) => e !== base);
}

function raisableErrors(resource: string): Set<string> {
  const op = operationOf(resource);
  const prefix = SERVICE_PREFIX[op.service];
  const declared = declaredErrors(op).map((e) => `${prefix}.${e.endsWith("Exception") ? e : `${e}Exception`}`);
  const base = resource.includes(":aws-sdk:") ? [`${prefix}.${prefix}Exception`] : OPTIMIZED_BASE[op.service];
  return new Set([...base, ...declared]);
}

/** JSONPaths of the definition (not `$$.` context paths, not filter expressions). */
function jsonPaths(d: StateMachineDefinition): string[] {
  return [...JSON.stringify(d).matchAll(/(?<!\$)\$\.[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\]|\[\*\])*/g)].map((m) => m[0]);
}
const segmentsOf = (p: string) => p.replace(/\[(\d+|\*)\]/g, ".[]").split(".").filter((s) => s !== "$" && s !== "");

describe("the workflow against AWS's API models", function () {
  this.timeout(60_000);
  let models: ApiModels;
  before(() => {
    const operations = new Map<string, Operation>();
    for (const { definition } of definitions) for (const [, t] of tasksOf(definition)) operations.set(t.Resource, operationOf(t.Resource));
    models = new ApiModels([...operations.values()], PROJECT_DIR);
  });

  for (const { label, definition } of definitions) {
    describe(label, () => {
      it("every Task's parameters: members, required members, types and enums of the API's input", () => {
        const problems = tasksOf(definition).flatMap(([name, t]) => models.checkInput(operationOf(t.Resource), t.Parameters ?? {}).map((p) => `${name}: ${p}`));
        assert.deepEqual(problems, []);
      });

      it("every path that reads a Task's result names members of the API's output", () => {
        const paths = jsonPaths(definition);
        const problems: string[] = [];
        let checked = 0;
        for (const [name, t] of tasksOf(definition)) {
          const op = operationOf(t.Resource);
          if (t.ResultSelector) {
            for (const v of Object.values(t.ResultSelector)) {
              if (typeof v !== "string" || !v.startsWith("$.")) continue;
              checked++;
              const problem = models.outputPathProblem(op, segmentsOf(v));
              if (problem) problems.push(`${name}.ResultSelector ${v}: ${problem}`);
            }
          } else if (typeof t.ResultPath === "string") {
            for (const p of paths.filter((x) => x.startsWith(`${t.ResultPath}.`))) {
              checked++;
              const problem = models.outputPathProblem(op, segmentsOf(p.slice(t.ResultPath.length)));
              if (problem) problems.push(`${p} (result of ${name}): ${problem}`);
            }
          }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked >= 5, `read ${checked} result paths`);
      });

      it("every error name in a Retry or Catch is one Step Functions can raise for that Task", () => {
        const problems: string[] = [];
        for (const [name, t] of tasksOf(definition)) {
          const raisable = raisableErrors(t.Resource);
          for (const rule of [...(t.Retry ?? []), ...(t.Catch ?? [])]) {
            for (const error of rule.ErrorEquals) {
              if (error.startsWith("States.")) continue;
              if (!raisable.has(error)) problems.push(`${name}: ${error} is never raised by ${t.Resource} (raisable: ${[...raisable].join(", ")})`);
            }
          }
        }
        assert.deepEqual(problems, []);
      });
    });
  }

  it("the deploy loop routes every EndpointStatus of DescribeEndpoint's model", async () => {
    const describe = operationOf("arn:aws:states:::aws-sdk:sagemaker:describeEndpoint");
    const statuses = models.enumValues(describe, "output", "EndpointStatus");
    assert.deepEqual([...statuses].sort(), ["InService", ...ENDPOINT_STATUSES_IN_PROGRESS, ...ENDPOINT_STATUSES_FAILED].sort());
    const definition = definitionFor("prod", { registry: { approval: "auto" } });
    for (const status of statuses) {
      let configName = "";
      const run = await runLocally(definition, {
        ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333" } }),
        Preprocess: () => ({ ProcessingJobName: "pp", ProcessingJobStatus: "Completed" }),
        Train: () => ({ ModelArtifacts: { S3ModelArtifacts: "s3://b/m.tar.gz" }, FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.9 }] }),
        WriteModelMetrics: () => ({}),
        RecordDeployedVersion: () => ({}),
        BaselineData: () => ({}),
        CreateMonitoringJobDefinition: () => ({ JobDefinitionArn: "arn:dq" }),
        FindMonitoringSchedule: () => ({ MonitoringScheduleConfig: { MonitoringJobDefinitionName: "old" } }),
        UpdateMonitoringSchedule: () => ({}),
        DeletePreviousJobDefinition: () => ({}),
        RegisterModel: () => ({ ModelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/1" }),
        CreateModel: () => ({}),
        CreateEndpointConfig: (i) => {
          configName = i.EndpointConfigName;
          return {};
        },
        FindEndpoint: () => ({ EndpointStatus: "InService" }),
        UpdateEndpoint: () => ({}),
        DescribeEndpoint: () => ({ EndpointStatus: status, EndpointConfigName: configName }),
        NotifyDeployed: () => ({}),
        NotifyFailure: () => ({}),
      });
      const message: string = run.inputs.NotifyFailure?.Message ?? "";
      if (status === "InService") assert.equal(run.error, undefined, status);
      else if ((ENDPOINT_STATUSES_FAILED as readonly string[]).includes(status)) {
        assert.match(message, new RegExp(`EndpointFailed: .* is ${status}`), status);
        assert.equal(run.calls.filter((c) => c === "DescribeEndpoint").length, 1, `${status} ends the run at once`);
      } else assert.match(message, /DeploymentTimedOut/, `${status} keeps polling until the limit`);
    }
  });

  it("the export loop routes every ExportStatus of DescribeExport's model: COMPLETED goes on, FAILED fails the run, IN_PROGRESS polls", async () => {
    const describe = operationOf("arn:aws:states:::aws-sdk:dynamodb:describeExport");
    const statuses = models.enumValues(describe, "output", "ExportDescription.ExportStatus");
    assert.deepEqual([...statuses].sort(), ["COMPLETED", "FAILED", "IN_PROGRESS"]);
    const source = { kind: "dynamodb", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/tab", label: "y", features: ["x"], pollSeconds: 60, timeoutMinutes: 5 };
    const definition = definitionFor("dev", { ingestion: { source } });
    for (const status of statuses) {
      const run = await runLocally(definition, {
        ...happyHandlers(),
        ExportTable: () => ({ ExportDescription: { ExportArn: "arn:aws:dynamodb:us-east-1:123456789012:table/tab/export/1", ExportStatus: "IN_PROGRESS" } }),
        DescribeExport: () => ({ ExportDescription: { ExportStatus: status, ...(status === "FAILED" ? { FailureMessage: "quota" } : {}) } }),
      });
      const message: string = run.inputs.NotifyFailure?.Message ?? "";
      if (status === "COMPLETED") assert.ok(run.calls.includes("Preprocess"), status);
      else if (status === "FAILED") assert.match(message, /DynamoDbExportFailed: .*: quota/);
      else assert.match(message, /DynamoDbExportTimedOut/, `${status} keeps polling until the limit`);
    }
  });

  it("the approval rule's pattern reads members the model package's description has (the event's detail), with statuses of its enum", () => {
    const describePackage = operationOf("arn:aws:states:::aws-sdk:sagemaker:describeModelPackage");
    const pattern = approvalEventPattern("g");
    for (const member of Object.keys(pattern.detail)) assert.equal(models.outputPathProblem(describePackage, [member]), undefined, member);
    for (const path of Object.values(APPROVAL_INPUT_TRANSFORMER.inputPaths)) assert.equal(models.outputPathProblem(describePackage, path.replace(/^\$\.detail\./, "").split(".")), undefined, path);
    const statuses = models.enumValues(describePackage, "output", "ModelApprovalStatus");
    for (const status of pattern.detail.ModelApprovalStatus) assert.ok(statuses.includes(status), status);
    const register = operationOf("arn:aws:states:::aws-sdk:sagemaker:createModelPackage");
    assert.deepEqual(["Approved", "PendingManualApproval"].filter((s) => !models.enumValues(register, "input", "ModelApprovalStatus").includes(s)), []);
  });

  it("the Glue worker types the schema offers are Spark worker types of the API model", () => {
    const start = operationOf("arn:aws:states:::glue:startJobRun.sync");
    const api = models.enumValues(start, "input", "WorkerType");
    const notSpark = GLUE_SPARK_WORKER_TYPES.filter((t) => !api.includes(t));
    assert.deepEqual(notSpark, [], "every offered type exists");
    // What the schema leaves out, it leaves out for a documented reason (streaming, Ray, Glue 1.0).
    assert.deepEqual(api.filter((t) => !(GLUE_SPARK_WORKER_TYPES as readonly string[]).includes(t)).sort(), ["G.025X", "Standard", "Z.2X"]);
  });

  it("rejects what the model rejects: the referee itself can fail", () => {
    const update = operationOf("arn:aws:states:::sagemaker:updateEndpoint");
    assert.deepEqual(models.checkInput(update, { EndpointName: "e", EndpointConfigName: "c", ExcludeRetainedVariantProperties: [{ VariantPropertyType: "DataCaptureConfig" }] }), [
      'UpdateEndpoint.ExcludeRetainedVariantProperties[0].VariantPropertyType = "DataCaptureConfig": the API documents this value as "Not currently supported"',
    ]);
    const train = operationOf("arn:aws:states:::sagemaker:createTrainingJob.sync");
    const problems = models.checkInput(train, { "TrainingJobName.$": "$.run.name", RoleArn: "r", ResourceConfig: { InstanceType: "ml.m5.huge", VolumeSizeInGB: "30" }, Typo: 1 });
    assert.ok(problems.some((p) => /ResourceConfig.InstanceType = "ml.m5.huge": expected one of/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /VolumeSizeInGB = "30": expected a number/.test(p)));
    assert.ok(problems.some((p) => /CreateTrainingJob.Typo: not a member/.test(p)));
    assert.ok(problems.some((p) => /OutputDataConfig: required member missing/.test(p)));
    assert.ok(!raisableErrors("arn:aws:states:::aws-sdk:sagemaker:describeEndpoint").has("SageMaker.ValidationException"), "DescribeEndpoint declares no errors");
    assert.ok(raisableErrors("arn:aws:states:::aws-sdk:kms:describeKey").has("Kms.NotFoundException"));
  });
});

describe("batch transform instance types against the SageMaker API model", () => {
  it("every type scheduled evaluation accepts for its transform is in TransformInstanceType, and hosts too", () => {
    const enums = fs.readFileSync(path.join(PROJECT_DIR, "node_modules", "@aws-sdk", "client-sagemaker", "dist-types", "models", "enums.d.ts"), "utf8");
    const block = /export declare const TransformInstanceType: \{([\s\S]*?)\};/.exec(enums)![1];
    const transform = new Set([...block.matchAll(/"(ml\.[^"]+)"/g)].map((m) => m[1]));
    assert.ok(transform.size > 20);
    for (const t of TRANSFORM_INSTANCE_TYPES) assert.ok(transform.has(t), `${t} is not a TransformInstanceType`);
    for (const t of TRANSFORM_INSTANCE_TYPES) assert.ok(HOSTING_INSTANCE_TYPES.includes(t), t);
    // And what it leaves out, it leaves out because the API does: t2 and the local-NVMe d types.
    for (const t of ["ml.t2.medium", "ml.m5d.large", "ml.c5d.xlarge"]) assert.ok(!transform.has(t) && !TRANSFORM_INSTANCE_TYPES.includes(t), t);
  });
});
