/** The worst-case monthly cost estimate itself (cost/estimator.ts), for SageMaker and for Glue; the rule that applies it: rules/monthly-cost-limit.test.ts. */
import { strict as assert } from "assert";
import { estimateMonthlyCost } from "../cost/estimator";
import { endpointConfig, stateMachine, trainingTask } from "./support/sagemaker";
import { glueRun, job, line, machine, schedule } from "./support/glue";

describe("cost estimate", () => {
  const scheduled = (expression: string) => ({ type: "aws:scheduler/schedule:Schedule", name: "s", urn: "urn:s", props: { scheduleExpression: expression, target: { arn: "arn:aws:states:us-east-1:1:stateMachine:pipeline" } } });
  it("estimates endpoints at the autoscaling maximum and scheduled jobs at max runtime, on-demand", () => {
    const sm = { ...stateMachine({ Train: trainingTask({ InstanceType: "ml.m5.xlarge", InstanceCount: 2 }) }), urn: "urn:sm" };
    const ec = { ...endpointConfig({ instanceType: "ml.m5.large" }), urn: "urn:ec" };
    const target = { type: "aws:appautoscaling/target:Target", name: "t", urn: "urn:t", props: { serviceNamespace: "sagemaker", resourceId: "endpoint/e/variant/primary", maxCapacity: 4 } };
    const est = estimateMonthlyCost([sm, ec, target, scheduled("rate(1 day)")]);
    const endpoint = est.lines.find((l) => l.urn === "urn:ec")!;
    assert.equal(endpoint.monthlyUsd, Math.round(4 * 0.115 * 730 * 100) / 100);
    assert.match(endpoint.basis, /4 × ml\.m5\.large × 730 h \(autoscaling max\)/);
    const training = est.lines.find((l) => l.urn === "urn:sm")!;
    assert.ok(Math.abs(training.monthlyUsd - 31 * 2 * 0.23 * 1) < 0.5, `${training.monthlyUsd}`);
    assert.match(training.basis, /31 runs\/month from rate\(1 day\)/);
  });
  it("prices a tuning job as every training job it may start, and never as one job when that number is unknown", () => {
    const tune = (config: Record<string, unknown>) => ({
      ...stateMachine({ Tune: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { HyperParameterTuningJobConfig: config, TrainingJobDefinition: { ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 2 }, StoppingCondition: { MaxRuntimeInSeconds: 1800 } } }, End: true } }),
      urn: "urn:sm",
    });
    const est = estimateMonthlyCost([tune({ Strategy: "Bayesian", ResourceLimits: { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 3 } }), scheduled("rate(7 days)")]);
    const line = est.lines.find((l) => l.urn === "urn:sm")!;
    assert.match(line.basis, /Tune: 12 jobs × 2 × ml\.m5\.xlarge × 0\.5 h max/);
    assert.ok(Math.abs(line.monthlyUsd - 5 * 12 * 2 * 0.23 * 0.5) < 0.05, `${line.monthlyUsd}`);
    assert.deepEqual(est.unbounded, []);
    for (const config of [{ Strategy: "Bayesian", ResourceLimits: { "MaxNumberOfTrainingJobs.$": "$.jobs", MaxParallelTrainingJobs: 3 } }, { Strategy: "Random", ResourceLimits: { MaxParallelTrainingJobs: 3 } }]) {
      assert.deepEqual(estimateMonthlyCost([tune(config)]).unbounded.map((u) => [u.where, u.why]), [["Tune", "the tuning job's number of training jobs is not a literal MaxNumberOfTrainingJobs (a JSONPath, or none)"]], JSON.stringify(config));
    }
  });

  it("applies the region factor", () => {
    const ec = { ...endpointConfig({}), urn: "urn:ec" };
    const base = estimateMonthlyCost([ec]).monthlyUsd;
    assert.ok(Math.abs(estimateMonthlyCost([ec], { region: "eu-central-1" }).monthlyUsd - base * 1.2) < 0.02);
  });

  describe("cost: Glue jobs", () => {
    it("runs of the workflow that starts it × workers × DPUs per worker × timeout × $0.44 per DPU-hour", () => {
      const est = line([job({ workerType: "G.2X", numberOfWorkers: 10, timeout: 120 }), machine({ Prep: glueRun({}) }), schedule]);
      const glue = est.lines.find((l) => l.urn === "urn:job")!;
      assert.equal(glue.monthlyUsd, Math.round(31 * 10 * 2 * 2 * 0.44 * 100) / 100);
      assert.match(glue.basis, /31 runs\/month of pipeline .* × 10 × G\.2X \(2 DPU\) × 2 h timeout/);
    });

    it("scheduled Glue triggers count; a job nothing starts counts the usage default", () => {
      const trigger = { type: "aws:glue/trigger:Trigger", name: "nightly", urn: "urn:t", props: { type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ jobName: "prep" }] } };
      assert.equal(line([job(), trigger]).lines.find((l) => l.urn === "urn:job")!.monthlyUsd, Math.round(31 * 10 * 1 * 1 * 0.44 * 100) / 100);
      const idle = line([job()]).lines.find((l) => l.urn === "urn:job")!;
      assert.match(idle.basis, /4 runs\/month \(nothing in the stack starts it\)/);
    });
  });
});

describe("cost coverage: what the estimate prices, what is free, what it does not price", () => {
  it("prices fixed monthly charges, lists configuration as free and usage it cannot see as not priced, with why; an unknown type is not priced, never free", () => {
    const r = (type: string, name: string, props: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:s::p::${type}::${name}`, type, name, props });
    const estimate = estimateMonthlyCost([
      r("aws:kms/key:Key", "key"),
      r("aws:cloudwatch/metricAlarm:MetricAlarm", "math", { metricQueries: [{ id: "a", metric: {} }, { id: "b", metric: {} }, { id: "e", expression: "a/b" }] }),
      r("aws:iam/role:Role", "role"),
      r("aws:s3/bucket:Bucket", "data"),
      r("aws:s3/bucket:Bucket", "logs"),
      r("aws:foo/bar:Bar", "mystery"),
    ]);
    assert.deepEqual(estimate.lines.map((l) => [l.urn.split("::").pop(), l.monthlyUsd, l.basis]), [
      ["key", 1, "customer managed key (and its rotations) × $1/month"],
      ["math", 0.2, "2 × standard-resolution alarm metric ($0.30 = 3 units at high resolution) × $0.1/month"],
    ]);
    assert.deepEqual(estimate.coverage!.priced, [{ type: "aws:cloudwatch/metricAlarm:MetricAlarm", count: 1 }, { type: "aws:kms/key:Key", count: 1 }]);
    assert.deepEqual(estimate.coverage!.free, [{ type: "aws:iam/role:Role", count: 1 }]);
    assert.deepEqual(estimate.coverage!.notPriced, [
      { type: "aws:foo/bar:Bar", count: 1, why: "the estimate has no price for this type" },
      { type: "aws:s3/bucket:Bucket", count: 2, why: "S3 storage and requests (per GB-month and per request)" },
    ]);
    // The usage assumption (the policy config's usage knob) prices what it names, per resource; the rest stays listed.
    const assumed = estimateMonthlyCost([r("aws:s3/bucket:Bucket", "data"), r("aws:cloudwatch/logGroup:LogGroup", "logs"), r("aws:sqs/queue:Queue", "q")], {
      usage: { "aws:s3/bucket:Bucket": 500, "aws:cloudwatch/logGroup:LogGroup": 4 },
    });
    assert.deepEqual(assumed.lines.map((l) => [l.urn.split("::").pop(), l.monthlyUsd, l.basis]), [
      ["data", 11.5, "500 GB stored × $0.023 (usage assumed by the policy config)"],
      ["logs", 2, "4 GB ingested × $0.5 (usage assumed by the policy config)"],
    ]);
    assert.deepEqual(assumed.coverage!.notPriced.map((x) => x.type), ["aws:sqs/queue:Queue"]);
    // Provisioned DynamoDB capacity is declared, billed whether used or not; on demand is usage.
    const tables = estimateMonthlyCost([r("aws:dynamodb/table:Table", "prov", { readCapacity: 100, writeCapacity: 10, globalSecondaryIndexes: [{ readCapacity: 5, writeCapacity: 5 }] }), r("aws:dynamodb/table:Table", "od", { billingMode: "PAY_PER_REQUEST" })]);
    assert.deepEqual(tables.lines.map((l) => [l.urn.split("::").pop(), l.monthlyUsd, l.basis]), [["prov", 17.08, "105 RCU + 15 WCU provisioned × 730 h"]]);
    assert.deepEqual(tables.coverage!.notPriced.map((x) => [x.type, x.count]), [["aws:dynamodb/table:Table", 1]], "the on-demand table, without a usage assumption");
    // A rotating key's worst case: $1 and $1 for each of its first two rotations; a high-resolution alarm metric is 3 units.
    const rotating = estimateMonthlyCost([r("aws:kms/key:Key", "key", { enableKeyRotation: true }), r("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", { period: 10 })]);
    assert.deepEqual(rotating.lines.map((l) => l.monthlyUsd), [3, 0.3]);
    const frankfurt = estimateMonthlyCost([r("aws:kms/key:Key", "key")], { region: "eu-central-1" });
    assert.ok(frankfurt.lines[0].monthlyUsd >= 1, "the region factor applies to fixed charges too");
  });
});
