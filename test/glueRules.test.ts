/** The Glue rules and cost on their own: compliant jobs pass; each way to break them is reported with the fix. */
import { strict as assert } from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { rule as glueJobWorkersRule } from "../policies/rules/glue-job-workers";
import { rule as glueJobEncryptionRule } from "../policies/rules/glue-job-encryption";
import { rule as monthlyCostLimitRule } from "../policies/rules/monthly-cost-limit";
import { estimateMonthlyCost } from "../policies/cost/estimator";
import { checkResource, checkStack, UNKNOWN } from "./support/policy";

const workers = glueJobWorkersRule.policy as ResourceValidationPolicy;
const encryption = glueJobEncryptionRule.policy as StackValidationPolicy;
const monthlyCostLimit = monthlyCostLimitRule.policy as StackValidationPolicy;

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const job = (props: Record<string, unknown> = {}) => ({
  type: "aws:glue/job:Job",
  name: "prep",
  urn: "urn:job",
  props: { name: "prep", roleArn: "arn:aws:iam::123456789012:role/r", glueVersion: "5.0", workerType: "G.1X", numberOfWorkers: 10, timeout: 60, securityConfiguration: "sec", command: { name: "glueetl" }, ...props },
});
const securityConfiguration = (enc: Record<string, unknown> = {}, name = "sec") => ({
  type: "aws:glue/securityConfiguration:SecurityConfiguration",
  name,
  urn: `urn:${name}`,
  props: {
    name,
    encryptionConfiguration: {
      s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
      cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY },
      ...enc,
    },
  },
});
const machine = (states: Record<string, unknown>) => ({
  type: "aws:sfn/stateMachine:StateMachine",
  name: "pipeline",
  urn: "urn:sm",
  props: { name: "pipeline", definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }) },
});
const glueRun = (parameters: Record<string, unknown>, resource = "arn:aws:states:::glue:startJobRun.sync") => ({ Type: "Task", Resource: resource, Parameters: { JobName: "prep", ...parameters }, End: true });

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

describe("rule: glue-job-encryption", () => {
  it("passes a job whose security configuration encrypts S3, logs and bookmarks with KMS, with the key unknown until deploy", () => {
    assert.deepEqual(checkStack(encryption, [job(), securityConfiguration()]), []);
    const unknownKey = securityConfiguration({ s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: UNKNOWN } });
    assert.deepEqual(checkStack(encryption, [job(), unknownKey]), []);
  });

  it("reports each target that is not KMS-encrypted (SSE-S3 passes Checkov CKV_AWS_99; this rule asks for the key)", () => {
    const weak = securityConfiguration({
      s3Encryption: { s3EncryptionMode: "SSE-S3" },
      cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS" },
    });
    const [v] = checkStack(encryption, [job(), weak]);
    assert.match(v.message, /S3 output is SSE-S3 \(want SSE-KMS\); CloudWatch Logs is DISABLED \(want SSE-KMS\); job bookmarks names no kmsKeyArn/);
    assert.equal(v.urn, "urn:sec");
  });

  it("reports a job without a security configuration, or with one the stack does not declare (CKV_AWS_195)", () => {
    assert.match(checkStack(encryption, [job({ securityConfiguration: undefined })])[0].message, /names no security configuration/);
    assert.match(checkStack(encryption, [job({ securityConfiguration: "shared" }), securityConfiguration()])[0].message, /names security configuration "shared", which the stack does not declare/);
  });

  it("a run may swap in only a declared, compliant configuration, written literally", () => {
    const ok = machine({ Prep: glueRun({ SecurityConfiguration: "sec" }) });
    assert.deepEqual(checkStack(encryption, [job(), securityConfiguration(), ok]), []);
    assert.match(checkStack(encryption, [job(), securityConfiguration(), machine({ Prep: glueRun({ SecurityConfiguration: "none" }) })])[0].message, /state Prep .* names security configuration "none"/);
    assert.match(checkStack(encryption, [job(), securityConfiguration(), machine({ Prep: glueRun({ "SecurityConfiguration.$": "$.sec" }) })])[0].message, /sets SecurityConfiguration at run time/);
  });
});

describe("cost: Glue jobs", () => {
  const schedule = { type: "aws:scheduler/schedule:Schedule", name: "s", urn: "urn:s", props: { scheduleExpression: "rate(1 day)", target: { arn: "arn:aws:states:us-east-1:1:stateMachine:pipeline" } } };
  const line = (resources: any[], options = {}) => estimateMonthlyCost(resources, options);

  it("runs of the workflow that starts it × workers × DPUs per worker × timeout × $0.44 per DPU-hour", () => {
    const est = line([job({ workerType: "G.2X", numberOfWorkers: 10, timeout: 120 }), machine({ Prep: glueRun({}) }), schedule]);
    const glue = est.lines.find((l) => l.urn === "urn:job")!;
    assert.equal(glue.monthlyUsd, Math.round(31 * 10 * 2 * 2 * 0.44 * 100) / 100);
    assert.match(glue.basis, /31 runs\/month of pipeline .* × 10 × G\.2X \(2 DPU\) × 2 h timeout/);
  });

  it("a run's literal overrides count; overrides set at run time cannot be bounded", () => {
    const est = line([job(), machine({ Prep: glueRun({ NumberOfWorkers: 20, Timeout: 30 }) }), schedule]);
    assert.equal(est.lines.find((l) => l.urn === "urn:job")!.monthlyUsd, Math.round(31 * 20 * 1 * 0.5 * 0.44 * 100) / 100);
    const dynamic = line([job(), machine({ Prep: glueRun({ "NumberOfWorkers.$": "$.n" }) }), schedule]);
    assert.match(dynamic.unbounded[0].why, /NumberOfWorkers is set at run time/);
    assert.match(checkStack(monthlyCostLimit, [job(), machine({ Prep: glueRun({ "NumberOfWorkers.$": "$.n" }) }), schedule])[0].message, /cannot be bounded/);
  });

  it("scheduled Glue triggers count; a job nothing starts counts the usage default", () => {
    const trigger = { type: "aws:glue/trigger:Trigger", name: "nightly", urn: "urn:t", props: { type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ jobName: "prep" }] } };
    assert.equal(line([job(), trigger]).lines.find((l) => l.urn === "urn:job")!.monthlyUsd, Math.round(31 * 10 * 1 * 1 * 0.44 * 100) / 100);
    const idle = line([job()]).lines.find((l) => l.urn === "urn:job")!;
    assert.match(idle.basis, /4 runs\/month \(nothing in the stack starts it\)/);
  });

  it("jobs sized in DPUs (Python shell, Glue 1.0-era Spark) are priced by their DPUs", () => {
    const shell = job({ command: { name: "pythonshell" }, workerType: undefined, numberOfWorkers: undefined, maxCapacity: 1, timeout: 30 });
    assert.equal(line([shell]).lines[0].monthlyUsd, Math.round(4 * 1 * 0.44 * 0.5 * 100) / 100);
    assert.deepEqual(checkStack(monthlyCostLimit, [shell]), []);
    const small = job({ command: { name: "pythonshell" }, workerType: undefined, numberOfWorkers: undefined, timeout: 60 });
    assert.match(line([small]).lines[0].basis, /× 0\.0625 DPU × 1 h timeout/);
  });

  it("memory-optimized workers have no price in the table: reported, not guessed, and priced from config", () => {
    const r = job({ workerType: "R.2X" });
    assert.match(checkStack(monthlyCostLimit, [r])[0].message, /No price for glue:R\.2X/);
    assert.deepEqual(checkStack(monthlyCostLimit, [r], { prices: { "glue:R.2X": 1.1 } }), []);
    assert.equal(line([r], { prices: { "glue:R.2X": 1.1 } }).lines[0].monthlyUsd, Math.round(4 * 10 * 1.1 * 1 * 100) / 100);
  });
});
