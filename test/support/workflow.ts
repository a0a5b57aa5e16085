/** Builds the workflow spec and definition for a stack without Pulumi, and runs it locally. */
import { StateMachine } from "aws-local-stepfunctions";
import { MOCK_ACCOUNT_ID } from "../../plan/src/engine/mockEngine";
import { resolveStackConfig } from "../../stacks/load";
import { stackModel } from "../../stacks/model";
import { readStackFiles } from "../../plan/src/engine/stackFiles";
import { buildDefinition } from "../../workflow/definition";
import { buildEvaluationWorkflow, buildMonitoringWorkflow } from "../../workflow/monitoring";
import { workflowSpec, WorkflowSpec } from "../../workflow/spec";
import { StateMachineDefinition } from "../../workflow/asl";
import { PROJECT_DIR } from "./stacks";

/** The account the mock engine answers getCallerIdentity with. */
export const ACCOUNT = MOCK_ACCOUNT_ID;

/** The stack's spec, from its stack file plus whole-key overrides (`{ training: {...} }`). */
export function specFor(stack: string, overrides: Record<string, unknown> = {}): WorkflowSpec {
  const files = readStackFiles(PROJECT_DIR, stack);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(files.config)) if (k.startsWith(`${files.project}:`)) values[k.slice(files.project.length + 1)] = v;
  for (const [k, v] of Object.entries(overrides)) values[k] = JSON.stringify(v);
  const config = resolveStackConfig({ project: files.project, stack, region: files.config["aws:region"], values });
  return workflowSpec(stackModel(config, { project: files.project, stack, accountId: ACCOUNT }));
}

export function definitionFor(stack: string, overrides: Record<string, unknown> = {}): StateMachineDefinition {
  return buildDefinition(specFor(stack, overrides));
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
 * One validated local state machine per distinct definition: constructing one validates the
 * definition (asl-validator, ~175 ms for the pipeline's), and a machine runs any number of
 * executions, each with its own overrides.
 */
const machines = new Map<string, StateMachine>();
function localMachine(definition: StateMachineDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(definition as any, { validationOptions: { checkArn: true, checkPaths: true } });
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
