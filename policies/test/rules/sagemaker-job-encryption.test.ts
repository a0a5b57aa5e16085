/** sagemaker-job-encryption: volume, output and inter-container encryption of the SageMaker jobs a definition starts, and of native TrainingJob resources. */
import { strict as assert } from "assert";
import { rule as jobEncryptionRule } from "../../rules/sagemaker-job-encryption";
import { checkResource, resourcePolicy } from "../support/check";
import { stateMachine, trainingJob as job, trainingTask } from "../support/sagemaker";

const jobEncryption = resourcePolicy(jobEncryptionRule);

describe("rule: sagemaker-job-encryption", () => {
  it("passes a fully encrypted training task (volume key given as a path)", () => {
    assert.deepEqual(checkResource(jobEncryption, stateMachine({ Train: trainingTask({}) })), []);
  });
  it("reports missing volume key, output key and inter-container encryption", () => {
    const task = trainingTask({ "VolumeKmsKeyId.$": undefined }, { OutputDataConfig: { S3OutputPath: "s3://b" }, EnableInterContainerTrafficEncryption: false });
    const m = checkResource(jobEncryption, stateMachine({ Train: task }));
    assert.ok(m.some((x) => /ResourceConfig\.VolumeKmsKeyId is missing/.test(x)));
    assert.ok(m.some((x) => /OutputDataConfig\.KmsKeyId is missing/.test(x)));
    assert.ok(m.some((x) => /EnableInterContainerTrafficEncryption: true/.test(x)));
  });
  it("requires the volume key to be absent on local-NVMe types", () => {
    assert.match(checkResource(jobEncryption, stateMachine({ Train: trainingTask({ InstanceType: "ml.g5.xlarge" }) }))[0], /VolumeKmsKeyId must be absent for ml\.g5\.xlarge/);
    assert.deepEqual(checkResource(jobEncryption, stateMachine({ Train: trainingTask({ InstanceType: "ml.g5.xlarge", "VolumeKmsKeyId.$": undefined }) })), []);
  });
});

describe("rule: sagemaker-job-encryption, on native aws:sagemaker TrainingJob resources", () => {
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    assert.deepEqual(checkResource(jobEncryption, job({})), [], jobEncryption.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    const enc = checkResource(jobEncryption, job({ volumeKmsKeyId: undefined }, { outputDataConfig: { s3OutputPath: "s3://b" }, enableInterContainerTrafficEncryption: false }));
    assert.equal(enc.length, 3);
    assert.match(enc[0], /^TrainingJob "nightly": ResourceConfig\.VolumeKmsKeyId is missing/);
    assert.match(checkResource(jobEncryption, job({ instanceType: "ml.g5.xlarge" }))[0], /VolumeKmsKeyId must be absent for ml\.g5\.xlarge/);
  });
});
