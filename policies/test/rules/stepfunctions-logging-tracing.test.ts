/** stepfunctions-logging-tracing: state machines log ALL with execution data and are traced. */
import { strict as assert } from "assert";
import { rule as stateMachineLoggingTracingRule } from "../../rules/stepfunctions-logging-tracing";
import { checkResource, resourcePolicy } from "../support/check";
import { stateMachine, trainingTask } from "../support/sagemaker";

const stateMachineLoggingTracing = resourcePolicy(stateMachineLoggingTracingRule);

describe("rule: stepfunctions-logging-tracing", () => {
  it("passes ALL + execution data + X-Ray; reports each gap", () => {
    assert.deepEqual(checkResource(stateMachineLoggingTracing, stateMachine({ Train: trainingTask({}) })), []);
    const m = checkResource(stateMachineLoggingTracing, stateMachine({ Train: trainingTask({}) }, { loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: "x" }, tracingConfiguration: undefined }));
    assert.ok(m.some((x) => /logs at level ERROR; set loggingConfiguration.level: "ALL"/.test(x)));
    assert.ok(m.some((x) => /without execution data/.test(x)));
    assert.ok(m.some((x) => /is not traced/.test(x)));
  });
});
