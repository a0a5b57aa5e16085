/** The shape every preprocessing engine module has (preprocessLambda.ts, preprocessProcessing.ts, preprocessGlue.ts). */
import { PolicyStatement } from "../../lib/iamPolicy";
import { TaskState } from "../asl";
import { WorkflowSpec } from "../spec";
import { TaskModule } from "./task";

/**
 * One way to run the preprocessing step: its Task's resource, parameters and result handling,
 * what the state machine may call for it, and the role the step runs as (with its statements:
 * this module owns that role's policy).
 */
export type PreprocessEngine<P> = (
  spec: WorkflowSpec,
  settings: P,
  step: { next: string; timeoutSeconds: number },
) => { state: TaskState; stateMachineStatements: PolicyStatement[]; executionRole: NonNullable<TaskModule["executionRole"]> };
