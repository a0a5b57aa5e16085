/**
 * The monitoring state machine (monitoring.drift.enabled), started by the drift-check
 * schedule:
 *
 *   initialize → resolveStackKey → checkDrift (tasks/checkDrift.ts) → drift: the lock,
 *   at most one retraining (a run of the pipeline) per cooldown
 *   any failure → notifyFailure
 *
 * A state machine of its own rather than a route of the pipeline's: its runs are frequent
 * and cheap, so they stay out of the pipeline's run metrics and alarms; its role can run
 * the drift job and start the pipeline but cannot train, register or deploy; and the cost
 * estimate prices its job by the drift schedule, not by the retraining schedule.
 */
import { composeWorkflow, Workflow } from "./definition";
import { WorkflowSpec } from "./spec";
import { checkDrift } from "./tasks/checkDrift";
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
  const drift = spec.drift;
  if (!drift) throw new Error("the monitoring state machine exists only with monitoring.drift.enabled");
  return composeWorkflow(spec, `ML pipeline ${spec.jobPrefix}: drift checks of the endpoint's captured requests`, [initialize, resolveStackKey, (s) => checkDrift(s, drift)]);
}
