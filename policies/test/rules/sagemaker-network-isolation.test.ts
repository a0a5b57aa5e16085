/** sagemaker-network-isolation: models and jobs run isolated from the network where the config requires. */
import { strict as assert } from "assert";
import { rule as sageMakerNetworkIsolationRule } from "../../rules/sagemaker-network-isolation";
import { checkResource, resourcePolicy } from "../support/check";
import { stateMachine, trainingJob as job, trainingTask } from "../support/sagemaker";

const sageMakerNetworkIsolation = resourcePolicy(sageMakerNetworkIsolationRule);

describe("rule: sagemaker-network-isolation", () => {
  it("models and jobs isolated where config requires", () => {
    const model = { type: "aws:sagemaker/model:Model", name: "m", props: { enableNetworkIsolation: false } };
    assert.match(checkResource(sageMakerNetworkIsolation, model)[0], /Model "m" runs without network isolation/);
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, model, { requireForModels: false }), []);
    const m = checkResource(sageMakerNetworkIsolation, stateMachine({ Train: trainingTask({}, { EnableNetworkIsolation: false }) }));
    assert.match(m[0], /state Train \(createTrainingJob\): set EnableNetworkIsolation: true/);
  });
});

describe("rule: sagemaker-network-isolation, on tuning jobs", () => {
  const tuning = (parameters: Record<string, unknown>) =>
    stateMachine({ Tune: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { HyperParameterTuningJobConfig: { Strategy: "Bayesian", ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 } }, ...parameters }, End: true } });
  it("every training job definition of a tuning job is isolated, or the tuning job is reported", () => {
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, tuning({ TrainingJobDefinition: { EnableNetworkIsolation: true } })), []);
    assert.match(checkResource(sageMakerNetworkIsolation, tuning({ TrainingJobDefinition: { EnableNetworkIsolation: false } }))[0], /state Tune .*set TrainingJobDefinition\.EnableNetworkIsolation: true on the tuning job/);
    assert.match(checkResource(sageMakerNetworkIsolation, tuning({ TrainingJobDefinitions: [{ EnableNetworkIsolation: true }, {}] }))[0], /set TrainingJobDefinitions\[1\]\.EnableNetworkIsolation: true/);
    assert.match(checkResource(sageMakerNetworkIsolation, tuning({ "TrainingJobDefinition.$": "$.definition" })).join(), /set at run time \(a JSONPath\), so its network isolation cannot be checked/);
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, tuning({ TrainingJobDefinition: {} }), { requireForJobs: false }), [], "the knob turns it off with the other jobs");
  });
});

describe("rule: sagemaker-network-isolation, on native aws:sagemaker TrainingJob resources", () => {
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, job({})), [], sageMakerNetworkIsolation.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    assert.match(checkResource(sageMakerNetworkIsolation, job({}, { enableNetworkIsolation: false }))[0], /TrainingJob "nightly": set EnableNetworkIsolation: true/);
  });
});
