/** glue-job-workers: worker types, worker counts and timeouts of Glue jobs and of the runs a definition starts. */
import { strict as assert } from "assert";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { rule as glueJobWorkersRule } from "../../rules/glue-job-workers";
import { checkResource } from "../support/check";
import { glueRun, job, machine } from "../support/glue";

const workers = glueJobWorkersRule.policy as ResourceValidationPolicy;

describe("rule: glue-job-workers", () => {
  it("passes a job within the limits", () => {
    assert.deepEqual(checkResource(workers, job()), []);
    assert.deepEqual(checkResource(workers, machine({ Prep: glueRun({ Arguments: { "--x.$": "$.x" } }) })), [], "arguments set at run time are fine");
  });

  it("reports a worker type not allowed, too many workers, no timeout, a long timeout, sizing by maxCapacity", () => {
    assert.match(checkResource(workers, job({ workerType: "G.16X" }))[0], /uses worker type G\.16X; allowed: G\.1X, G\.2X, G\.4X, G\.8X/);
    assert.match(checkResource(workers, job({ numberOfWorkers: 80 }))[0], /asks for 80 workers; at most 50/);
    assert.match(checkResource(workers, job({ timeout: undefined }))[0], /has no timeout: .*48 hours/);
    assert.match(checkResource(workers, job({ timeout: 2880 }))[0], /timeout of 2880 minutes; at most 1440/);
    assert.match(checkResource(workers, job({ workerType: undefined, numberOfWorkers: undefined, maxCapacity: 10 }))[0], /sizes the job by maxCapacity .* set workerType and numberOfWorkers/);
    assert.deepEqual(checkResource(workers, job({ workerType: "R.2X", numberOfWorkers: 80 }), { allowedWorkerTypes: ["R.2X"], maxWorkers: 100 }), [], "knobs widen the limits");
    // A Python shell job has no workers (0.0625 or 1 DPU by maxCapacity): only its timeout is held.
    const shell = job({ command: { name: "pythonshell" }, workerType: undefined, numberOfWorkers: undefined, maxCapacity: 0.0625 });
    assert.deepEqual(checkResource(workers, shell), []);
    assert.match(checkResource(workers, { ...shell, props: { ...shell.props, timeout: undefined } })[0], /has no timeout/);
  });

  it("reads the runs a definition starts: literal overrides are held to the limits, values set at run time are refused", () => {
    assert.match(checkResource(workers, machine({ Prep: glueRun({ WorkerType: "G.16X", NumberOfWorkers: 10 }) }))[0], /state Prep \(glue:startJobRun\) uses worker type G\.16X/);
    assert.match(checkResource(workers, machine({ Prep: glueRun({ NumberOfWorkers: 500 }) }))[0], /500 workers/);
    assert.match(checkResource(workers, machine({ Prep: glueRun({ "NumberOfWorkers.$": "$.n" }) }))[0], /sets NumberOfWorkers at run time \(a JSONPath\)/);
    const dynamicJob = machine({ Prep: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun", Parameters: { "JobName.$": "$.job" }, End: true } });
    assert.match(checkResource(workers, dynamicJob)[0], /sets JobName at run time/);
    // The aws-sdk integration and nesting in Parallel are read too.
    const nested = machine({ Fan: { Type: "Parallel", Branches: [{ StartAt: "P", States: { P: glueRun({ Timeout: 5000 }, "arn:aws:states:::aws-sdk:glue:startJobRun") } }], End: true } });
    assert.match(checkResource(workers, nested)[0], /Fan\/P .* timeout of 5000 minutes/);
    assert.match(checkResource(workers, { ...machine({}), props: { name: "x", definition: "{not json" } })[0], /not valid JSON/);
  });
});
