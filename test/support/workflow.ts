/** Builds the workflow spec and definition for a stack without Pulumi, and runs it locally. */
import { StateMachine } from "aws-local-stepfunctions";
import { MOCK_ACCOUNT_ID } from "../../plan/src/engine/mockEngine";
import { RawStackConfig, resolveStackConfig } from "../../stacks/load";
import { stackModel } from "../../stacks/model";
import { readStackFiles } from "../../plan/src/engine/stackFiles";
import { buildDefinition } from "../../workflow/definition";
import { buildEvaluationWorkflow, buildMonitoringWorkflow } from "../../workflow/monitoring";
import { workflowSpec, WorkflowSpec } from "../../workflow/spec";
import { StateMachineDefinition } from "../../workflow/asl";
import { PROJECT_DIR } from "./stacks";
import { localStateMachine } from "./asl";

/** The account the mock engine answers getCallerIdentity with. */
export const ACCOUNT = MOCK_ACCOUNT_ID;

/** The raw config the loader gets for a stack: its stack file plus whole-key overrides (`{ training: {...} }`; `null` removes a key). */
export function rawStackConfig(stack: string, overrides: Record<string, unknown> = {}): RawStackConfig {
  const files = readStackFiles(PROJECT_DIR, stack);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(files.config)) if (k.startsWith(`${files.project}:`)) values[k.slice(files.project.length + 1)] = v;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete values[k];
    else values[k] = JSON.stringify(v);
  }
  return { project: files.project, stack, region: files.config["aws:region"], values };
}

/** The stack's spec, from its stack file plus whole-key overrides, in the mock's account or another. */
export function specFor(stack: string, overrides: Record<string, unknown> = {}, accountId = ACCOUNT): WorkflowSpec {
  const raw = rawStackConfig(stack, overrides);
  return workflowSpec(stackModel(resolveStackConfig(raw), { project: raw.project, stack, accountId }));
}

export function definitionFor(stack: string, overrides: Record<string, unknown> = {}, accountId = ACCOUNT): StateMachineDefinition {
  return buildDefinition(specFor(stack, overrides, accountId));
}

/** The monitoring state machine's definition (stacks with monitoring.drift.enabled). */
export function monitoringDefinitionFor(stack: string, overrides: Record<string, unknown> = {}): StateMachineDefinition {
  return buildMonitoringWorkflow(specFor(stack, overrides)).definition;
}

export type Handler = (input: any) => unknown;

export interface LocalRun {
  /** Final output, when the execution succeeded. */
  output?: any;
  /** The execution's error, when it failed. */
  error?: Error;
  /** Names of the Task states whose handler ran, in order (one entry per attempt). */
  calls: string[];
  /** Inputs each task handler received, by state name (last attempt). */
  inputs: Record<string, any>;
}

/** An error as Step Functions names it (`error.name` is the ASL error). */
export function awsError(name: string, message = name): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * One validated local state machine per distinct definition (support/asl.ts: its validator's
 * verdict, recorded): a machine runs any number of executions, each with its own overrides.
 */
const machines = new Map<string, StateMachine>();
function localMachine(definition: StateMachineDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (!machine) {
    machine = localStateMachine(definition);
    machines.set(key, machine);
  }
  return machine;
}

/** Runs the definition with every Task overridden; retries and waits take no time. */
export async function runLocally(definition: StateMachineDefinition, handlers: Record<string, Handler>, input: unknown = {}, context: { name?: string } = {}): Promise<LocalRun> {
  const name = context.name ?? "run-2026-11-25";
  const calls: string[] = [];
  const inputs: Record<string, any> = {};
  const taskNames = Object.entries(definition.States).filter(([, s]) => s.Type === "Task").map(([n]) => n);
  const local: Record<string, (input: any) => Promise<any>> = {};
  for (const name of taskNames) {
    local[name] = async (i: any) => {
      calls.push(name);
      inputs[name] = i;
      const h = handlers[name];
      if (!h) throw new Error(`test gave no handler for task ${name}`);
      return (await h(i)) ?? {};
    };
  }
  const waits = Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Type === "Wait").map(([n]) => [n, 0]));
  const retries = Object.fromEntries(taskNames.map((n) => [n, 0]));
  const machine = localMachine(definition);
  const execution = machine.run(input as any, {
    overrides: { taskResourceLocalHandlers: local, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    context: { Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:pipeline:${name}`, Name: name, StartTime: "2026-11-25T00:00:00Z", Input: input, RoleArn: "arn:aws:iam::123456789012:role/x" } } as any,
  });
  try {
    return { output: await execution.result, calls, inputs };
  } catch (error) {
    return { error: error as Error, calls, inputs };
  }
}

/** The evaluation state machine's definition (stacks with monitoring.evaluation.enabled). */
export function evaluationDefinitionFor(stack: string, overrides: Record<string, unknown> = {}): StateMachineDefinition {
  return buildEvaluationWorkflow(specFor(stack, overrides)).definition;
}

const metric = (value: number) => [{ MetricName: "validation:auc", Value: value, Timestamp: "2026-11-25T00:00:00Z" }];

/** Handlers for a run where everything works; tests override the parts they break. */
export function happyHandlers(endpointExists = true): Record<string, Handler> {
  let polls = 0;
  // This run's own endpoint config, reported back by DescribeEndpoint once InService.
  let configName = "";
  return {
    ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333" } }),
    Preprocess: () => ({ Payload: { train: 80, validation: 20 }, ProcessingJobName: "pp", ProcessingJobStatus: "Completed" }),
    Train: (i) => ({
      TrainingJobName: i.TrainingJobName,
      TrainingJobStatus: "Completed",
      ModelArtifacts: { S3ModelArtifacts: `s3://b/artifacts/models/${i.TrainingJobName}/output/model.tar.gz` },
      FinalMetricDataList: metric(0.91),
    }),
    WriteModelMetrics: () => ({ ETag: "e" }),
    RegisterModel: (i) => ({ ModelPackageArn: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${i.ModelPackageGroupName}/1` }),
    CreateModel: () => ({ ModelArn: "arn:model" }),
    CreateEndpointConfig: (i) => {
      configName = i.EndpointConfigName;
      return { EndpointConfigArn: "arn:ec" };
    },
    FindEndpoint: () => {
      if (!endpointExists) throw endpointNotFound();
      return { EndpointStatus: "InService", EndpointConfigName: "old" };
    },
    UpdateEndpoint: () => ({ EndpointArn: "arn:ep" }),
    CreateEndpoint: () => ({ EndpointArn: "arn:ep" }),
    DescribeEndpoint: () => {
      polls++;
      return { EndpointStatus: polls < 3 ? "Updating" : "InService", EndpointConfigName: configName };
    },
    RecordTrainingMetrics: () => ({}),
    BaselineData: (i) => ({ ProcessingJobName: i.ProcessingJobName, ProcessingJobStatus: "Completed" }),
    RecordServedModel: () => ({}),
    // Version 3 of the stack's group serves (approval events compare with it).
    FindServingEndpoint: () => ({ EndpointName: "ep", EndpointConfigName: "ml-pipeline-prod-ec-old", EndpointStatus: "InService" }),
    DescribeServingConfig: () => ({ EndpointConfigName: "ml-pipeline-prod-ec-old", ProductionVariants: [{ VariantName: "primary", ModelName: "ml-pipeline-prod-md-old" }] }),
    DescribeServingModel: () => ({ ModelName: "ml-pipeline-prod-md-old", PrimaryContainer: { ModelPackageName: "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/3" } }),
    NotifyMonitoringNotUpdated: () => ({ MessageId: "6" }),
    RecordDeployedVersion: () => ({}),
    NotifyDeployed: () => ({ MessageId: "1" }),
    NotifyNotDeployed: () => ({ MessageId: "2" }),
    NotifyPendingApproval: () => ({ MessageId: "4" }),
    NotifyRejected: () => ({ MessageId: "5" }),
    NotifyStaleApproval: () => ({ MessageId: "7" }),
    DescribeModelPackage: (i) => ({
      ModelPackageArn: i.ModelPackageName,
      ModelPackageGroupName: i.ModelPackageName.split("/")[1],
      ModelApprovalStatus: "Approved",
      DriftCheckBaselines: { ModelDataQuality: { Statistics: { ContentType: "application/json", S3Uri: "s3://b/artifacts/baselines/r1/drift-baseline.json" } } },
    }),
    NotifyFailure: () => ({ MessageId: "3" }),
  };
}

/** What Step Functions raises for DescribeEndpoint on a missing endpoint: the API model declares no error, so `<Service>.<Service>Exception`, with SageMaker's message. */
export const endpointNotFound = () =>
  awsError("SageMaker.SageMakerException", 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x". (Service: SageMaker, Status Code: 400, Request ID: 0b1c2d3e)');
