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

describe("rule: sagemaker-network-isolation, on native aws:sagemaker TrainingJob resources", () => {
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    assert.deepEqual(checkResource(sageMakerNetworkIsolation, job({})), [], sageMakerNetworkIsolation.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    assert.match(checkResource(sageMakerNetworkIsolation, job({}, { enableNetworkIsolation: false }))[0], /TrainingJob "nightly": set EnableNetworkIsolation: true/);
  });
});
