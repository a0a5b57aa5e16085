/** sagemaker-endpoint-config-kms: the endpoint's storage and data capture are encrypted with a KMS key. */
import { strict as assert } from "assert";
import { rule as endpointConfigKmsRule } from "../../rules/sagemaker-endpoint-config-kms";
import { checkResource, resourcePolicy, UNKNOWN } from "../support/check";
import { endpointConfig } from "../support/sagemaker";

const endpointConfigKms = resourcePolicy(endpointConfigKmsRule);

describe("rule: sagemaker-endpoint-config-kms", () => {
  it("requires the key, except on local-NVMe types where it must be absent", () => {
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({})), []);
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({}, { kmsKeyArn: UNKNOWN })), [], "an unknown key ARN is a set key");
    assert.match(checkResource(endpointConfigKms, endpointConfig({}, { kmsKeyArn: undefined }))[0], /has no kmsKeyArn; set it/);
    assert.deepEqual(checkResource(endpointConfigKms, endpointConfig({ instanceType: "ml.g4dn.xlarge" }, { kmsKeyArn: undefined })), []);
    assert.match(checkResource(endpointConfigKms, endpointConfig({ instanceType: "ml.g4dn.xlarge" }))[0], /runs on ml\.g4dn\.xlarge, whose local NVMe storage .* Remove kmsKeyArn/);
  });
  it("requires data capture to be encrypted", () => {
    const capture = { dataCaptureConfig: { enableCapture: true, initialSamplingPercentage: 5, destinationS3Uri: "s3://b/c", captureOptions: [] } };
    assert.match(checkResource(endpointConfigKms, endpointConfig({}, capture))[0], /captures data without a KMS key/);
  });
});
