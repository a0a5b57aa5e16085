/**
 * The shape of a workflow task module (the layout of CDK's aws-stepfunctions-tasks): each
 * module returns its states, what the state machine role needs to run them, and, where
 * the task passes a role to a service, what that role needs. `definition.ts` composes them.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { Catcher, ChoiceRule, State, TaskState, Json } from "../asl";

export interface TaskModule {
  /** The state the previous module goes to. */
  entry: string;
  /** This module's states, in order. */
  states: Record<string, State>;
  /** Upper bound of the seconds this module can take: its tasks' timeouts plus its waits. */
  timeoutSeconds: number;
  /** What the state machine role needs for these states. */
  stateMachineStatements: PolicyStatement[];
  /** The role the step runs as (passed to a job, or the invoked function's), and what that role needs. */
  executionRole?: { roleArn: string; statements: PolicyStatement[] };
}

/** Where a module goes next on success. */
export interface Wiring {
  next: string;
}

/** The state every failure path reports through (see tasks/notify.ts). */
/** Added to a job's own bound in its task's timeout: time for the service to start and wind the job down. */
export const SLACK_SECONDS = 900;

export const FAILURE_STATE = "NotifyFailure";

/**
 * A Choice rule: the path holds a string (equal to `value`, when given). A Choice on a
 * missing path is a States.Runtime error, which nothing can catch, so every test of a value
 * that may be absent goes through this.
 */
export const isString = (path: string, value?: string): ChoiceRule => ({
  And: [{ Variable: path, IsPresent: true }, { Variable: path, IsString: true }, ...(value ? [{ Variable: path, StringEquals: value }] : [])],
});

/**
 * A state that records why the run fails, for NotifyFailure to report: `cause` is the text,
 * or `{ format }` an intrinsic (States.Format) that builds it from the state.
 */
export const failState = (error: string, cause: { format: string } | string): State => ({
  Type: "Pass",
  Parameters: { Error: error, ...(typeof cause === "string" ? { Cause: cause } : { "Cause.$": cause.format }) },
  ResultPath: "$.error",
  Next: FAILURE_STATE,
});

/** Any other error: record it at $.error and report. */
export const TO_FAILURE: Catcher[] = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE }];

/** Service-integration resource ARNs (partition-aware). */
export const integration = (partition: string, api: string) => `arn:${partition}:states:::${api}`;

/** A Task that reports any error it does not handle itself. */
export function task(resource: string, parameters: { [k: string]: Json }, extra: Partial<TaskState> & { Next: string }): TaskState {
  return { Type: "Task", Resource: resource, Parameters: parameters, Catch: TO_FAILURE, ...extra };
}

/** The sum of the TimeoutSeconds of a module's Task states. */
export function taskSeconds(states: Record<string, State>): number {
  return Object.values(states).reduce((sum, s) => sum + (s.Type === "Task" ? (s.TimeoutSeconds ?? 0) : 0), 0);
}

/** Job-resource tags every SageMaker resource the workflow creates carries. */
export function workflowTags(jobPrefix: string): Json {
  return [
    { Key: "ml-pipeline:prefix", Value: jobPrefix },
    { Key: "ml-pipeline:managed-by", Value: "step-functions" },
  ];
}
