/** sagemaker-job-instance-types: instance types and counts of the SageMaker jobs a definition starts, and of native TrainingJob resources. */
import { strict as assert } from "assert";
import { rule as jobInstanceTypesRule } from "../../rules/sagemaker-job-instance-types";
import { checkResource, resourcePolicy } from "../support/check";
import { stateMachine, trainingJob as job, trainingTask } from "../support/sagemaker";

const jobInstanceTypes = resourcePolicy(jobInstanceTypesRule);

describe("rule: sagemaker-job-instance-types", () => {
  it("passes allowed types in every SageMaker task", () => {
    assert.deepEqual(checkResource(jobInstanceTypes, stateMachine({ Train: trainingTask({}) })), []);
  });
  it("finds tasks with and without .sync, via aws-sdk, and nested in Parallel and Map", () => {
    const bad = { InstanceType: "ml.t2.medium" };
    const defs = {
      A: trainingTask(bad, {}, "arn:aws:states:::sagemaker:createTrainingJob"),
      B: trainingTask(bad, {}, "arn:aws:states:::aws-sdk:sagemaker:createTrainingJob"),
      C: { Type: "Parallel", Branches: [{ StartAt: "D", States: { D: trainingTask(bad) } }], End: true },
      E: { Type: "Map", ItemProcessor: { StartAt: "F", States: { F: trainingTask(bad) } }, End: true },
    };
    const messages = checkResource(jobInstanceTypes, stateMachine(defs));
    assert.equal(messages.length, 4);
    assert.ok(messages.some((m) => /state C\/D \(createTrainingJob\) ResourceConfig: training instance type ml\.t2\.medium is not allowed/.test(m)));
    assert.ok(messages.some((m) => /state E\/F/.test(m)));
  });
  it("checks processing, transform, tuning and endpoint-config tasks against their own lists", () => {
    const states = {
      P: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createProcessingJob.sync", Parameters: { ProcessingResources: { ClusterConfig: { InstanceType: "ml.t2.medium", InstanceCount: 1 } } }, Next: "T" },
      T: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createTransformJob.sync", Parameters: { TransformResources: { InstanceType: "ml.t3.medium", InstanceCount: 1 } }, Next: "H" },
      H: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { TrainingJobDefinition: { ResourceConfig: { InstanceType: "ml.p3.2xlarge", InstanceCount: 40 } } }, Next: "E" },
      E: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createEndpointConfig", Parameters: { ProductionVariants: [{ InstanceType: "ml.t3.medium", InitialInstanceCount: 1 }] }, End: true },
    };
    const m = checkResource(jobInstanceTypes, stateMachine(states));
    assert.ok(m.some((x) => /state P \(createProcessingJob\).*processing instance type ml\.t2\.medium/.test(x)));
    assert.ok(m.some((x) => /state T \(createTransformJob\).*hosting instance type ml\.t3\.medium/.test(x)));
    assert.ok(m.some((x) => /state H .*ml\.p3\.2xlarge is a GPU instance/.test(x)));
    assert.ok(m.some((x) => /state H .*40 instances exceed maxInstanceCount/.test(x)));
    assert.ok(m.some((x) => /state E \(createEndpointConfig\) ProductionVariants\[0\]: hosting instance type ml\.t3\.medium/.test(x)));
  });
  it("holds a tuning job to maxTuningJobs training jobs, written as a number (a Grid search counts its combinations)", () => {
    const tuning = (config: Record<string, unknown>) =>
      stateMachine({ Tune: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { HyperParameterTuningJobConfig: config, TrainingJobDefinition: { ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1 } } }, End: true } });
    assert.deepEqual(checkResource(jobInstanceTypes, tuning({ Strategy: "Bayesian", ResourceLimits: { MaxNumberOfTrainingJobs: 100, MaxParallelTrainingJobs: 2 } })), []);
    assert.match(checkResource(jobInstanceTypes, tuning({ Strategy: "Bayesian", ResourceLimits: { MaxNumberOfTrainingJobs: 500, MaxParallelTrainingJobs: 2 } }))[0], /state Tune .*500 training jobs exceed maxTuningJobs 100/);
    assert.deepEqual(checkResource(jobInstanceTypes, tuning({ Strategy: "Bayesian", ResourceLimits: { MaxNumberOfTrainingJobs: 500, MaxParallelTrainingJobs: 2 } }), { maxTuningJobs: 500 }), [], "the knob raises it");
    for (const config of [{ Strategy: "Bayesian", ResourceLimits: { "MaxNumberOfTrainingJobs.$": "$.jobs", MaxParallelTrainingJobs: 2 } }, { Strategy: "Bayesian", "ResourceLimits.$": "$.limits" }, { Strategy: "Random", ResourceLimits: { MaxParallelTrainingJobs: 2 } }]) {
      assert.match(checkResource(jobInstanceTypes, tuning(config)).join(), /not a literal HyperParameterTuningJobConfig\.ResourceLimits\.MaxNumberOfTrainingJobs/, JSON.stringify(config));
    }
    const grid = (values: number) => ({ Strategy: "Grid", ResourceLimits: { MaxParallelTrainingJobs: 2 }, ParameterRanges: { CategoricalParameterRanges: [{ Name: "max_depth", Values: Array.from({ length: values }, (_, i) => String(i + 1)) }, { Name: "eta", Values: ["0.1", "0.2", "0.3", "0.4", "0.5"] }] } });
    assert.deepEqual(checkResource(jobInstanceTypes, tuning(grid(20))), [], "20 × 5 = 100 combinations");
    assert.match(checkResource(jobInstanceTypes, tuning(grid(21)))[0], /105 training jobs exceed maxTuningJobs 100/);
  });

  it("reports an instance type set at run time, which cannot be checked", () => {
    const task = trainingTask({});
    (task.Parameters.ResourceConfig as any) = { "InstanceType.$": "$.type", InstanceCount: 1 };
    assert.match(checkResource(jobInstanceTypes, stateMachine({ Train: task }))[0], /set at run time .* write it as a literal/);
  });
  it("does not apply to other resource types", () => {
    assert.deepEqual(checkResource(jobInstanceTypes, { type: "aws:s3/bucket:Bucket", name: "b", props: {} }), []);
  });
});

describe("rule: sagemaker-job-instance-types, on native aws:sagemaker TrainingJob resources", () => {
  it("a compliant job passes every job rule, with the volume key unknown until deploy", () => {
    assert.deepEqual(checkResource(jobInstanceTypes, job({})), [], jobInstanceTypes.name);
  });
  it("is held to the same instance-type, encryption and isolation rules as jobs in definitions", () => {
    assert.match(checkResource(jobInstanceTypes, job({ instanceType: "ml.t2.medium" }))[0], /^TrainingJob "nightly" ResourceConfig: training instance type ml\.t2\.medium is not allowed/);
  });
});
