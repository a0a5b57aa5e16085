/** Initialize and NameRun: accept any input, and name this run's SageMaker resources. */
import { WorkflowSpec } from "../spec";
import { TaskModule, Wiring } from "./task";

export function nameRun(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const prefix = spec.jobPrefix;
  return {
    entry: "Initialize",
    states: {
      Initialize: {
        Type: "Pass",
        Comment: "Keep the execution input aside (any JSON starts a run; RouteRun reads it) and derive a 32-character run id from the execution name",
        // ResultPath "$" (the default) replaces the input, so an input of any shape is fine.
        Parameters: { "input.$": "$", run: { "id.$": "States.Hash($$.Execution.Name, 'MD5')", "execution.$": "$$.Execution.Name" } },
        Next: "NameRun",
      },
      NameRun: {
        Type: "Pass",
        Comment: "SageMaker names: <prefix>-<kind>-<run id>, at most 63 characters",
        Parameters: {
          "id.$": "$.run.id",
          "execution.$": "$.run.execution",
          "processingJobName.$": `States.Format('${prefix}-pp-{}', $.run.id)`,
          "trainingJobName.$": `States.Format('${prefix}-tr-{}', $.run.id)`,
          // At most 32 characters, which the run id does not fit: 12 random hex digits (a UUID's last group).
          ...(spec.training.tuning.enabled ? { "tuningJobName.$": `States.Format('${prefix}-hp-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))` } : {}),
          "modelName.$": `States.Format('${prefix}-md-{}', $.run.id)`,
          "endpointConfigName.$": `States.Format('${prefix}-ec-{}', $.run.id)`,
        },
        ResultPath: "$.run",
        Next: wiring.next,
      },
    },
    timeoutSeconds: 0,
    stateMachineStatements: [],
  };
}
