/**
 * The check state machines of the served model, each started by its own schedule:
 *
 *   drift checks (monitoring.drift.enabled):    initialize → resolveStackKey → checkDrift
 *   evaluation (monitoring.evaluation.enabled): initialize → resolveStackKey → checkPerformance
 *   either, on drift or degraded performance: the retraining lock, at most one retraining
 *   (a run of the pipeline) per cooldown, shared by both; any failure → notifyFailure
 *
 * State machines of their own rather than routes of the pipeline's: their runs are frequent
 * and cheap, so they stay out of the pipeline's run metrics; their roles can run their jobs
 * and start the pipeline but cannot train, register or deploy; and the cost estimate
 * prices each one's jobs by its own schedule, not by the retraining schedule.
 */
import { composeWorkflow, Workflow } from "./definition";
import { WorkflowSpec } from "./spec";
import { checkDrift } from "./tasks/checkDrift";
import { checkPerformance } from "./tasks/checkPerformance";
import { resolveStackKey } from "./tasks/resolveStackKey";
import { TaskModule, Wiring } from "./tasks/task";

/** Keep the input aside and derive a 32-character check id from the execution name (job and report names). */
function initialize(_spec: WorkflowSpec, wiring: Wiring): TaskModule {
  return {
    entry: "Initialize",
    states: {
      Initialize: {
        Type: "Pass",
        Parameters: { "input.$": "$", run: { "id.$": "States.Hash($$.Execution.Name, 'MD5')", "execution.$": "$$.Execution.Name" } },
        Next: wiring.next,
      },
    },
    timeoutSeconds: 0,
    stateMachineStatements: [],
  };
}

export function buildMonitoringWorkflow(spec: WorkflowSpec): Workflow {
  const { drift, monitoring } = spec;
  if (!drift || !monitoring) throw new Error("the drift-check state machine exists only with monitoring.drift.enabled");
  return composeWorkflow(spec, `ML pipeline ${spec.jobPrefix}: drift checks of the endpoint's captured requests`, [initialize, resolveStackKey, (s) => checkDrift(s, drift, monitoring)]);
}

export function buildEvaluationWorkflow(spec: WorkflowSpec): Workflow {
  const { evaluation, monitoring } = spec;
  if (!evaluation || !monitoring) throw new Error("the evaluation state machine exists only with monitoring.evaluation.enabled");
  return composeWorkflow(spec, `ML pipeline ${spec.jobPrefix}: scheduled evaluation of the served model on labelled data`, [initialize, resolveStackKey, (s) => checkPerformance(s, evaluation, monitoring)]);
}
