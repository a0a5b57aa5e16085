/** instance-hourly-price-limit: the hourly price of each instance, in endpoint configurations, definitions and native TrainingJob resources. */
import { strict as assert } from "assert";
import { rule as instanceHourlyLimitRule } from "../../rules/instance-hourly-price-limit";
import { checkResource, resourcePolicy } from "../support/check";
import { endpointConfig, stateMachine, trainingJob as job, trainingTask } from "../support/sagemaker";

const instanceHourlyLimit = resourcePolicy(instanceHourlyLimitRule);

describe("rule: instance-hourly-price-limit", () => {
  it("caps the hourly price per instance", () => {
    assert.deepEqual(checkResource(instanceHourlyLimit, endpointConfig({ instanceType: "ml.p3.2xlarge" })), [], "3.825 is under the default 5");
    assert.match(checkResource(instanceHourlyLimit, endpointConfig({ instanceType: "ml.p3.2xlarge" }), { maxHourlyUsd: 1 })[0], /above maxHourlyUsd \$1; choose a smaller type/);
    assert.match(checkResource(instanceHourlyLimit, stateMachine({ Train: trainingTask({ InstanceType: "ml.p3.16xlarge" }) }))[0], /state Train \(createTrainingJob\) ResourceConfig: ml\.p3\.16xlarge costs about/);
  });
});

describe("rule: instance-hourly-price-limit, on native aws:sagemaker TrainingJob resources", () => {
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    assert.deepEqual(checkResource(instanceHourlyLimit, job({})), [], instanceHourlyLimit.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    assert.match(checkResource(instanceHourlyLimit, job({ instanceType: "ml.p3.16xlarge" }))[0], /TrainingJob "nightly" ResourceConfig: ml\.p3\.16xlarge costs about/);
  });
});
