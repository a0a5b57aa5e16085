/** sagemaker-endpoint-instance-types: hosting instance types, GPUs and instance counts of endpoint configurations. */
import { strict as assert } from "assert";
import { rule as endpointInstanceTypesRule } from "../../rules/sagemaker-endpoint-instance-types";
import { checkResource, resourcePolicy } from "../support/check";
import { endpointConfig } from "../support/sagemaker";

const endpointInstanceTypes = resourcePolicy(endpointInstanceTypesRule);

describe("rule: sagemaker-endpoint-instance-types", () => {
  it("passes an allowed hosting type and serverless variants", () => {
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({})), []);
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: undefined, serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } })), []);
  });
  it("reports a training-only type used for hosting, naming resource, value and fix", () => {
    const [m] = checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.t3.medium" }));
    assert.match(m, /EndpointConfiguration "serving" variant primary: hosting instance type ml\.t3\.medium is not allowed; use one of the policy's allowedHostingInstanceTypes/);
  });
  it("reports GPUs unless allowed, and too many instances", () => {
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.g5.xlarge" }))[0], /GPU instance and GPUs are not allowed.*allowGpu: true/);
    assert.deepEqual(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.g5.xlarge" }), { allowGpu: true }), []);
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ initialInstanceCount: 40 }))[0], /40 instances exceed maxInstanceCount 10/);
  });
  it("honours a narrowed allow-list from config", () => {
    assert.match(checkResource(endpointInstanceTypes, endpointConfig({ instanceType: "ml.m5.xlarge" }), { allowedHostingInstanceTypes: ["ml.m5.large"] })[0], /ml\.m5\.xlarge is not allowed/);
  });
});
