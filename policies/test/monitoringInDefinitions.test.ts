/**
 * Model Monitor inside Step Functions definitions (the pipeline's own drift set-up, and any
 * other program's): data-quality job definitions and monitoring schedules are held to the
 * instance-type, encryption and isolation rules, and costed from their schedule.
 */
import { strict as assert } from "assert";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { allRules } from "../rules";
import { estimateMonthlyCost } from "../cost/estimator";
import { checkResource } from "./support/check";

const policy = (name: string) => allRules.find((r) => r.policy.name === name)!.policy as ResourceValidationPolicy;
const SFN = "aws:sfn/stateMachine:StateMachine";
const machine = (states: Record<string, unknown>) => ({ type: SFN, name: "sm", urn: "urn:sm", props: { name: "sm", definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }) } });
const sdk = (api: string, parameters: Record<string, unknown>, next?: string) => ({ Type: "Task", Resource: `arn:aws:states:::aws-sdk:sagemaker:${api}`, Parameters: parameters, ...(next ? { Next: next } : { End: true }) });
const definition = (extra: Record<string, unknown> = {}) => ({
  JobDefinitionName: "dq",
  JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 20, "VolumeKmsKeyId.$": "$.key" } },
  DataQualityJobOutputConfig: { KmsKeyId: "alias/k", MonitoringOutputs: [] },
  NetworkConfig: { EnableInterContainerTrafficEncryption: true, EnableNetworkIsolation: true },
  StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  ...extra,
});
const schedule = (api: string, config: Record<string, unknown>) => sdk(api, { MonitoringScheduleName: "s", MonitoringScheduleConfig: config });

describe("Model Monitor tasks in definitions", () => {
  it("a compliant data-quality job definition and a schedule that runs it by name pass every job rule", () => {
    const sm = machine({ Def: sdk("createDataQualityJobDefinition", definition(), "Sched"), Sched: schedule("createMonitoringSchedule", { ScheduleConfig: { ScheduleExpression: "cron(0 0 ? * * *)" }, "MonitoringJobDefinitionName.$": "$.name", MonitoringType: "DataQuality" }) });
    for (const rule of ["sagemaker-job-instance-types", "sagemaker-job-encryption", "sagemaker-network-isolation"]) assert.deepEqual(checkResource(policy(rule), sm), [], rule);
  });

  it("each gap is reported: volume and output keys, inter-container encryption, isolation, a processing instance type", () => {
    const bad = machine({
      Def: sdk("createDataQualityJobDefinition", definition({ JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.t2.medium", VolumeSizeInGB: 20 } }, DataQualityJobOutputConfig: { MonitoringOutputs: [] }, NetworkConfig: {} })),
    });
    assert.match(checkResource(policy("sagemaker-job-encryption"), bad).join("\n"), /VolumeKmsKeyId is missing[\s\S]*DataQualityJobOutputConfig.KmsKeyId is missing[\s\S]*EnableInterContainerTrafficEncryption/);
    assert.match(checkResource(policy("sagemaker-network-isolation"), bad).join(), /monitoring job definition/);
    assert.match(checkResource(policy("sagemaker-job-instance-types"), bad).join(), /processing instance type ml.t2.medium is not allowed/);
    // An inline job definition in a schedule is read the same way.
    const inline = machine({ Sched: schedule("updateMonitoringSchedule", { ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" }, MonitoringJobDefinition: { MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.p3.2xlarge", VolumeSizeInGB: 20 } }, MonitoringOutputConfig: {} } }) });
    assert.match(checkResource(policy("sagemaker-job-encryption"), inline).join(), /MonitoringOutputConfig.KmsKeyId is missing/);
    assert.match(checkResource(policy("sagemaker-job-instance-types"), inline).join(), /GPU/);
  });

  it("a model package's listed serving types are held to the hosting rules, and cost nothing", () => {
    const pkg = (types: string[]) => machine({ Register: sdk("createModelPackage", { ModelPackageGroupName: "g", InferenceSpecification: { Containers: [], SupportedRealtimeInferenceInstanceTypes: types } }) });
    assert.deepEqual(checkResource(policy("sagemaker-job-instance-types"), pkg(["ml.m5.large"])), []);
    assert.match(checkResource(policy("sagemaker-job-instance-types"), pkg(["ml.t3.medium"])).join(), /hosting instance type ml.t3.medium is not allowed/);
    // Listing serving types deploys nothing: the estimate is the same whichever types are listed (and none is unpriced).
    const listed = estimateMonthlyCost([pkg(["ml.m5.large"])]);
    const costly = estimateMonthlyCost([pkg(["ml.p4d.24xlarge", "ml.p5.48xlarge"])]);
    assert.equal(costly.monthlyUsd, listed.monthlyUsd);
    assert.deepEqual(costly.unpriced, []);
    assert.ok(listed.monthlyUsd < 1, `${listed.monthlyUsd}: transitions only`);
  });

  it("other monitoring definition APIs stay unchecked, and say so (fail closed)", () => {
    const other = machine({ Q: sdk("createModelQualityJobDefinition", { JobDefinitionName: "q" }) });
    assert.match(checkResource(policy("sagemaker-job-instance-types"), other).join(), /createModelQualityJobDefinition, whose instance types this pack cannot check/);
  });

  it("cost: the schedule's runs a month × the job it runs, once per schedule however often the workflow updates it", () => {
    const sm = machine({
      Def: sdk("createDataQualityJobDefinition", definition(), "Create"),
      Create: schedule("createMonitoringSchedule", { ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" }, "MonitoringJobDefinitionName.$": "$.n" }),
      Update: schedule("updateMonitoringSchedule", { ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" }, "MonitoringJobDefinitionName.$": "$.n" }),
    });
    const est = estimateMonthlyCost([sm]);
    const line = est.lines.find((l) => /monitoring schedule s/.test(l.basis))!;
    assert.equal(line.monthlyUsd, Math.round(744 * 0.115 * 0.5 * 100) / 100, line.basis); // 31 days × 24 runs, 30 minutes, ml.m5.large
    assert.equal(est.lines.filter((l) => /monitoring schedule/.test(l.basis)).length, 1);
    const dynamic = estimateMonthlyCost([machine({ S: schedule("createMonitoringSchedule", { "ScheduleConfig.$": "$.c", MonitoringJobDefinitionName: "x" }) })]);
    assert.match(dynamic.unbounded.map((u) => u.why).join(), /expression is set at run time/);
  });
});

describe("resource policies of a model registry", () => {
  const rule = allRules.find((r) => r.policy.name === "resource-policy-not-public")!.policy as ResourceValidationPolicy;
  const groupPolicy = (statement: Record<string, unknown>) => ({
    type: "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
    name: "registry-policy",
    props: { modelPackageGroupName: "g", resourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", Principal: "*", Resource: "*", ...statement }] }) },
  });
  it("nobody may approve a version into production through a public group policy; reading is shared with the organization, not with anyone", () => {
    assert.match(checkResource(rule, groupPolicy({ Action: ["sagemaker:UpdateModelPackage"] })).join(), /lets anyone sagemaker:UpdateModelPackage/);
    assert.match(checkResource(rule, groupPolicy({ Action: ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"] })).join(), /lets anyone sagemaker:DescribeModelPackage, sagemaker:ListModelPackages \(a public read/);
    assert.deepEqual(checkResource(rule, groupPolicy({ Action: ["sagemaker:DescribeModelPackage"], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } })), []);
    assert.deepEqual(checkResource(rule, groupPolicy({ Action: ["sagemaker:UpdateModelPackage"], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } })), []);
  });
});
