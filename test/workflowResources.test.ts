/** The workflow's resources under mocks, for dev and prod: roles, definition, logging, schedule. */
import { strict as assert } from "assert";
import { assertValidAsl } from "./support/asl";
import { actionsOf as actions, json, runStack, stackAsDeclared, StackRun, Statement, statementsOf, T } from "./support/stacks";
import { runLocally } from "./support/workflow";

describe("workflow resources under mocks", function () {
  const runs: Record<string, StackRun> = {};
  before(async () => {
    runs.dev = await stackAsDeclared("dev");
    runs.prod = await stackAsDeclared("prod");
  });

  for (const stack of ["dev", "prod"]) {
    describe(stack, () => {
      it("declares a Standard state machine whose definition passes asl-validator", () => {
        const sm = runs[stack].named("ml-pipeline-workflow-state-machine").inputs;
        assert.equal(sm.name, `ml-pipeline-${stack}-pipeline`);
        assert.equal(sm.type, "STANDARD");
        assertValidAsl(json(sm.definition));
      });

      it("logs ALL events with execution data to a KMS-encrypted log group with retention, and traces with X-Ray", () => {
        const sm = runs[stack].named("ml-pipeline-workflow-state-machine").inputs as any;
        assert.equal(sm.loggingConfiguration.level, "ALL");
        assert.equal(sm.loggingConfiguration.includeExecutionData, true);
        const logGroupArn = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/ml-pipeline-${stack}-pipeline`;
        // Step Functions takes the log group's ARN with the `:*` suffix.
        assert.equal(sm.loggingConfiguration.logDestination, `${logGroupArn}:*`);
        assert.equal(sm.tracingConfiguration.enabled, true);
        assert.equal(sm.encryptionConfiguration.type, "CUSTOMER_MANAGED_KMS_KEY");
        const logGroup = runs[stack].named("ml-pipeline-workflow-logs").inputs;
        assert.ok(logGroup.kmsKeyId, "log group encrypted");
        assert.equal(logGroup.retentionInDays, stack === "prod" ? 365 : 14);
      });

      it("state machine role: no wildcard action, no managed policy, PassRole only to SageMaker for pipeline roles", () => {
        const statements = statementsOf(runs[stack], "ml-pipeline-workflow-role-policy");
        for (const s of statements) for (const a of actions(s)) assert.ok(!a.includes("*"), `${s.Sid}: ${a}`);
        const pass = statements.find((s) => actions(s).includes("iam:PassRole"))!;
        assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
        // prod also passes the monitor role (drift baselining and monitoring jobs).
        const passed = [`ml-pipeline-${stack}-training-role`, `ml-pipeline-${stack}-endpoint-role`, ...(stack === "prod" ? [`ml-pipeline-${stack}-preprocess-role`, `ml-pipeline-${stack}-monitor-role`] : [])];
        assert.deepEqual([pass.Resource].flat().sort(), passed.map((r) => `arn:aws:iam::123456789012:role/${r}`).sort());
        assert.equal(runs[stack].resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
      });

      it("state machine role: the documented createTrainingJob.sync statements, on the job-name prefix", () => {
        const statements = statementsOf(runs[stack], "ml-pipeline-workflow-role-policy");
        const train = statements.find((s) => s.Sid === "RunTrainingJobs")!;
        assert.deepEqual(actions(train).filter((a) => a.endsWith("TrainingJob")).sort(), ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]);
        assert.equal(train.Resource, `arn:aws:sagemaker:us-east-1:123456789012:training-job/ml-pipeline-${stack}-tr-*`);
        const rule = statements.find((s) => s.Sid === "TrainingJobSyncRule")!;
        assert.equal(rule.Resource, "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule");
        const endpoint = statements.find((s) => s.Sid === "RollOutToTheStackEndpoint")!;
        assert.ok((endpoint.Resource as string[]).includes(`arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-pipeline-${stack}-endpoint`));
        const wildcard = statements.filter((s) => s.Resource === "*").map((s) => s.Sid).sort();
        assert.deepEqual(wildcard, ["DeliverExecutionLogs", "PublishPipelineMetrics", "Tracing"]);
        // PutMetricData has no resource-level permissions; the namespace condition scopes it.
        assert.deepEqual(statements.find((s) => s.Sid === "PublishPipelineMetrics")!.Condition, { StringEquals: { "cloudwatch:namespace": "ml-pipeline" } });
      });

      it("every IAM document of the stack names its resources as ARNs (or * where documented)", () => {
        const documents = [...runs[stack].ofType(T.rolePolicy), ...runs[stack].ofType(T.bucketPolicy), ...runs[stack].ofType(T.topicPolicy)];
        assert.ok(documents.length >= 5);
        for (const d of documents) {
          for (const s of json(d.inputs.policy).Statement as Statement[]) {
            for (const r of [s.Resource].flat()) assert.match(r, /^(\*|arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+|arn:aws:s3:::.+)$/, `${d.name} ${s.Sid}: ${String(r).slice(0, 80)}`);
          }
        }
      });

      it("the workflow, training and preprocessing roles use the stack key by alias, on this account's keys", () => {
        for (const policy of ["ml-pipeline-workflow-role-policy", "ml-pipeline-training-role-policy", "ml-pipeline-preprocessing-role-policy"]) {
          const key = statementsOf(runs[stack], policy).find((s) => s.Sid === "UseStackKey")!;
          assert.equal(key.Resource, "arn:aws:kms:us-east-1:123456789012:key/*", policy);
          assert.deepEqual(key.Condition, { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/ml-pipeline-${stack}-data` } }, policy);
        }
      });

      it("training role trusts SageMaker only and reaches only its prefixes", () => {
        const trust = json(runs[stack].named("ml-pipeline-training-role").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
        const statements = statementsOf(runs[stack], "ml-pipeline-training-role-policy");
        const bucket = `arn:aws:s3:::ml-pipeline-${stack}-data-123456789012`;
        assert.deepEqual(statements.find((s) => s.Sid === "ReadInputs")!.Resource, [`${bucket}/processed/*`, `${bucket}/artifacts/checkpoints/*`]);
        assert.deepEqual(statements.find((s) => s.Sid === "WriteOutputs")!.Resource, [`${bucket}/artifacts/models/*`, `${bucket}/artifacts/checkpoints/*`]);
        for (const s of statements) for (const a of actions(s)) assert.ok(!a.includes("*"), a);
      });

      it("notification topic is KMS-encrypted and refuses non-TLS publishing", () => {
        const topic = runs[stack].one(T.topic).inputs;
        assert.equal(topic.name, `ml-pipeline-${stack}-notifications`);
        assert.equal(topic.kmsMasterKeyId, `alias/ml-pipeline-${stack}-data`);
        const policy = json(runs[stack].one(T.topicPolicy).inputs.policy);
        assert.ok(policy.Statement.some((s: Statement) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
      });

      it("exports what a user needs to start a run by hand", () => {
        const out = runs[stack].outputs;
        assert.equal(out.stateMachineArn, `arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-${stack}-pipeline`);
        assert.equal(out.topicArn, `arn:aws:sns:us-east-1:123456789012:ml-pipeline-${stack}-notifications`);
        assert.match(out.startExecutionCommand as string, /^aws stepfunctions start-execution --state-machine-arn arn:aws:states:.*:stateMachine:ml-pipeline-/);
        assert.equal(out.modelPackageGroup, `ml-pipeline-${stack}-models`);
        assert.equal(out.modelApproval, stack === "prod" ? "manual" : "auto");
        assert.match(out.deployApprovedVersionCommand as string, /--input '\{"approvedModelPackageArn":"<model package version ARN>"\}'$/);
        assert.equal(out.dashboardUrl, `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/ml-pipeline-${stack}-pipeline`);
        assert.equal(out.driftMonitoring, stack === "prod" ? "ml-pipeline-prod-monitoring" : "off");
      });
    });
  }

  describe("dev: Lambda preprocessing, no schedule", () => {
    it("a Lambda function with X-Ray, KMS-encrypted environment, a dead-letter target, and no reserved concurrency by default", () => {
      const fn = runs.dev.one(T.lambda).inputs as any;
      assert.equal(fn.name, "ml-pipeline-dev-preprocess");
      assert.equal(fn.runtime, "nodejs22.x");
      // Lambda keeps 100 executions unreserved: accounts with a quota of 10 cannot reserve any.
      assert.equal(fn.reservedConcurrentExecutions, undefined);
      assert.equal(fn.tracingConfig.mode, "Active");
      assert.ok(fn.kmsKeyArn);
      assert.equal(fn.deadLetterConfig.targetArn, "arn:aws:sns:us-east-1:123456789012:ml-pipeline-dev-notifications");
      const logs = runs.dev.named("ml-pipeline-preprocessing-logs").inputs;
      assert.equal(logs.name, "/aws/lambda/ml-pipeline-dev-preprocess");
      assert.ok(logs.kmsKeyId);
      assert.equal(logs.retentionInDays, 14);
    });

    it("the Lambda role reads raw/, writes processed/, nothing else in the bucket", () => {
      const statements = statementsOf(runs.dev, "ml-pipeline-preprocessing-role-policy");
      const bucket = "arn:aws:s3:::ml-pipeline-dev-data-123456789012";
      const s3 = statements.filter((s) => actions(s).some((a) => a.startsWith("s3:")));
      assert.deepEqual(s3.map((s) => [actions(s).join(","), s.Resource]), [
        ["s3:ListBucket", bucket],
        ["s3:GetObject", `${bucket}/raw/*`],
        ["s3:PutObject", `${bucket}/processed/*`],
      ]);
      assert.deepEqual(statements.find((s) => s.Sid === "ListRawData")!.Condition, { StringLike: { "s3:prefix": "raw/*" } });
    });

    it("the state machine invokes the function; no schedule is declared", () => {
      const def = json(runs.dev.named("ml-pipeline-workflow-state-machine").inputs.definition);
      assert.equal(def.States.Preprocess.Resource, "arn:aws:states:::lambda:invoke");
      assert.equal(runs.dev.ofType(T.schedule).length, 0);
      assert.equal(runs.dev.outputs.retrainingSchedule, "off");
    });
  });

  describe("prod: processing-job preprocessing, weekly schedule", () => {
    it("uploads the processing script as a KMS-encrypted asset and declares no Lambda", () => {
      const script = runs.prod.named("ml-pipeline-preprocessing-script").inputs as any;
      assert.equal(script.key, "artifacts/code/preprocess.py");
      assert.equal(script.serverSideEncryption, "aws:kms");
      assert.equal(runs.prod.ofType(T.lambda).length, 0);
      const def = json(runs.prod.named("ml-pipeline-workflow-state-machine").inputs.definition);
      assert.equal(def.States.Preprocess.Resource, "arn:aws:states:::sagemaker:createProcessingJob.sync");
      assert.equal(def.States.Preprocess.Parameters.AppSpecification.ImageUri, "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3");
    });

    it("schedules a weekly run with an input the workflow accepts, through a role that may only start it", () => {
      const schedule = runs.prod.named("ml-pipeline-schedule-schedule").inputs as any;
      assert.equal(schedule.scheduleExpression, "cron(0 3 ? * SUN *)");
      assert.equal(schedule.state, "ENABLED");
      assert.equal(schedule.target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline");
      assert.deepEqual(JSON.parse(schedule.target.input), { trigger: "schedule" });
      const statements = statementsOf(runs.prod, "ml-pipeline-schedule-role-policy");
      assert.deepEqual(statements.find((s) => s.Sid === "StartStateMachine")!.Resource, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline");
    });

    it("rollback alarms notify the topic", () => {
      for (const alarm of runs.prod.ofType(T.alarm)) {
        assert.deepEqual(alarm.inputs.alarmActions, ["arn:aws:sns:us-east-1:123456789012:ml-pipeline-prod-notifications"]);
      }
    });
  });

  it("at the first preview the definition and the state machine role are known (policies can judge them)", async () => {
    for (const stack of ["dev", "prod"]) {
      const run = await stackAsDeclared(stack, true);
      const sm = run.named("ml-pipeline-workflow-state-machine").inputs;
      assert.equal(typeof sm.definition, "string", `${stack} definition known`);
      assert.equal(json(sm.definition).States.Train.Parameters.ResourceConfig.InstanceType, stack === "prod" ? "ml.m5.xlarge" : "ml.m5.large");
      assert.equal(typeof run.named("ml-pipeline-workflow-role-policy").inputs.policy, "string");
    }
  });
});

describe("new-data trigger", () => {
  it("is off by default", async () => {
    const run = await stackAsDeclared("prod");
    assert.ok(!run.ofType("aws:cloudwatch/eventRule:EventRule").some((r) => r.inputs.name === "ml-pipeline-prod-new-data"));
    assert.equal(run.ofType("aws:s3/bucketNotification:BucketNotification").length, 0);
  });

  it("when on, starts the pipeline once per marker object under raw/, through a role that may only start it", async () => {
    const run = await runStack("dev", { "ml-pipeline:schedule": { onNewData: { enabled: true, marker: "_READY" } } });
    assert.equal(run.one("aws:s3/bucketNotification:BucketNotification").inputs.eventbridge, true);
    const pattern = JSON.parse(run.one("aws:cloudwatch/eventRule:EventRule").inputs.eventPattern as string);
    assert.deepEqual(pattern.detail, { bucket: { name: ["ml-pipeline-dev-data-123456789012"] }, object: { key: [{ wildcard: "raw/*_READY" }] } });
    assert.deepEqual(pattern["detail-type"], ["Object Created"]);
    const target = run.one("aws:cloudwatch/eventTarget:EventTarget").inputs;
    assert.equal(target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-dev-pipeline");
    const statements = statementsOf(run, "ml-pipeline-new-data-role-policy");
    assert.deepEqual(statements.map((s) => [s.Action, s.Resource]), [
      ["states:StartExecution", "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-dev-pipeline"],
      [["kms:GenerateDataKey"], "arn:aws:kms:us-east-1:123456789012:key/*"],
    ]);
    const trust = json(run.named("ml-pipeline-new-data-role").inputs.assumeRolePolicy).Statement[0];
    assert.deepEqual(trust.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(trust.Condition.ArnLike, { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-dev-new-data"] });
    // Undeliverable events go to the KMS-encrypted dead-letter queue, which admits this rule only.
    const queue = run.one("aws:sqs/queue:Queue").inputs;
    assert.equal(queue.kmsMasterKeyId, "alias/ml-pipeline-dev-data");
    assert.equal((target.deadLetterConfig as { arn: string }).arn, "arn:aws:sqs:us-east-1:123456789012:ml-pipeline-dev-trigger-dead-letters");
    const queuePolicy = json(run.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy).Statement;
    assert.deepEqual(queuePolicy.find((s: any) => s.Effect === "Allow").Condition, { ArnEquals: { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-dev-new-data"] } });
  });

  it("with monitoring.evaluation.onNewLabels, a marker under ground-truth-ready/ starts an evaluation (not a training), with an input it accepts", async () => {
    const run = await runStack("prod", { "ml-pipeline:schedule": { onNewData: { enabled: true, marker: "_READY" } }, "ml-pipeline:monitoring": { evaluation: { onNewLabels: true } } });
    const rule = run.ofType("aws:cloudwatch/eventRule:EventRule").find((r) => r.inputs.name === "ml-pipeline-prod-new-labels")!;
    const pattern = JSON.parse(rule.inputs.eventPattern as string);
    assert.deepEqual(pattern.detail, { bucket: { name: ["ml-pipeline-prod-data-123456789012"] }, object: { key: [{ wildcard: "ground-truth-ready/*_READY" }] } }, "outside ground-truth/, which the transform reads whole");
    const target = run.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => t.inputs.rule === "ml-pipeline-prod-new-labels")!.inputs as any;
    assert.equal(target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-evaluation");
    assert.equal(target.deadLetterConfig.arn, "arn:aws:sqs:us-east-1:123456789012:ml-pipeline-prod-trigger-dead-letters");
    const trust = json(run.named("ml-pipeline-monitoring-evaluation-on-event-role").inputs.assumeRolePolicy).Statement[0];
    assert.deepEqual(trust.Condition.ArnLike, { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-prod-new-labels"] });
    assert.deepEqual(statementsOf(run, "ml-pipeline-monitoring-evaluation-on-event-role-policy")[0].Resource, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-evaluation");
    // One bucket notification (the new-data trigger's), and the queue admits the new rule.
    assert.equal(run.ofType("aws:s3/bucketNotification:BucketNotification").length, 1);
    const queuePolicy = json(run.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy).Statement;
    assert.ok(queuePolicy.find((s: any) => s.Effect === "Allow").Condition.ArnEquals["aws:SourceArn"].includes("arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-prod-new-labels"));
    // The S3 event itself is the input: the evaluation accepts it (it reads no input).
    const event = { version: "0", source: "aws.s3", "detail-type": "Object Created", detail: { bucket: { name: "ml-pipeline-prod-data-123456789012" }, object: { key: "ground-truth-ready/2026-12-01/_READY" } } };
    const machine = json(run.named("ml-pipeline-monitoring-evaluation-checks-state-machine").inputs.definition);
    const result = await runLocally(machine, { ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/k" } }), ReadServedModel: () => ({}) } as any, event);
    assert.equal(result.error, undefined, result.error?.message);
    // Without the new-data trigger (which owns the bucket's EventBridge notifications) it is refused, with both keys named.
    await assert.rejects(runStack("prod", { "ml-pipeline:monitoring": { evaluation: { onNewLabels: true } } }), /ml-pipeline:monitoring.evaluation.onNewLabels = true: .*schedule.onNewData.enabled: true/);
  });

  it("rejects a marker that is not a plain key suffix", async () => {
    await assert.rejects(runStack("dev", { "ml-pipeline:schedule": { onNewData: { enabled: true, marker: "*" } } }), /ml-pipeline:schedule.onNewData.marker = "\*": expected 1-64 letters/);
  });
});

describe("model registry", () => {
  it("dev: a package group, approval auto (registered Approved by the run), no approval rule", async () => {
    const run = await stackAsDeclared("dev");
    const groupResource = run.one("aws:sagemaker/modelPackageGroup:ModelPackageGroup");
    const group = groupResource.inputs;
    assert.equal(group.modelPackageGroupName, "ml-pipeline-dev-models");
    assert.notEqual(groupResource.options.protect, true, "dev is disposable");
    assert.equal((group.tags as Record<string, string>)["ml-pipeline:stack"], "dev");
    assert.equal(run.ofType("aws:cloudwatch/eventRule:EventRule").length, 0, "a rule would deploy auto-approved versions a second time");
    const definition = json(run.named("ml-pipeline-workflow-state-machine").inputs.definition);
    assert.equal(definition.States.RegisterModel.Parameters.ModelApprovalStatus, "Approved");
  });

  it("prod: approval manual; approving or rejecting a version of this group starts the pipeline with the input RouteRun reads, and that run deploys it", async () => {
    const run = await stackAsDeclared("prod");
    const group = run.one("aws:sagemaker/modelPackageGroup:ModelPackageGroup");
    assert.equal(group.options.protect, true, "prod keeps its registry");
    assert.equal(group.options.retainOnDelete, true);
    const rule = run.ofType("aws:cloudwatch/eventRule:EventRule").find((r) => r.inputs.name === "ml-pipeline-prod-model-approval")!;
    const pattern = JSON.parse(rule.inputs.eventPattern as string);
    assert.deepEqual(pattern, {
      source: ["aws.sagemaker"],
      "detail-type": ["SageMaker Model Package State Change"],
      detail: { ModelPackageGroupName: ["ml-pipeline-prod-models"], ModelApprovalStatus: ["Approved", "Rejected"] },
    });
    const target = run.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => t.inputs.rule === "ml-pipeline-prod-model-approval")!.inputs as any;
    assert.equal(target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline");
    assert.equal(target.deadLetterConfig.arn, "arn:aws:sqs:us-east-1:123456789012:ml-pipeline-prod-trigger-dead-letters");
    // EventBridge's input transformer: each <name> takes the JSON value at its path (strings quoted).
    const event = { source: "aws.sagemaker", "detail-type": "SageMaker Model Package State Change", detail: { ModelPackageGroupName: "ml-pipeline-prod-models", ModelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/4", ModelApprovalStatus: "Approved" } };
    const valueAt = (path: string) => path.replace(/^\$\./, "").split(".").reduce((o: any, k) => o[k], event);
    const input = JSON.parse((target.inputTransformer.inputTemplate as string).replace(/<(\w+)>/g, (_m: string, name: string) => JSON.stringify(valueAt(target.inputTransformer.inputPaths[name]))));
    assert.deepEqual(input, { modelPackageEvent: { arn: event.detail.ModelPackageArn, status: "Approved" } });
    const definition = json(run.named("ml-pipeline-workflow-state-machine").inputs.definition);
    const handlers: Record<string, (i: any) => unknown> = {
      ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/k" } }),
      DescribeModelPackage: (i) => ({
        ModelPackageArn: i.ModelPackageName,
        ModelPackageGroupName: "ml-pipeline-prod-models",
        ModelApprovalStatus: "Approved",
        DriftCheckBaselines: { ModelDataQuality: { Statistics: { S3Uri: "s3://b/artifacts/baselines/r/statistics.json" }, Constraints: { S3Uri: "s3://b/artifacts/baselines/r/constraints.json" } } },
      }),
      CreateModel: () => ({}),
      CreateMonitoringJobDefinition: () => ({ JobDefinitionArn: "arn:dq" }),
      FindMonitoringSchedule: () => ({ MonitoringScheduleConfig: { MonitoringJobDefinitionName: "old" } }),
      UpdateMonitoringSchedule: () => ({}),
      DeletePreviousJobDefinition: () => ({}),
      RecordDeployedVersion: () => ({}),
      CreateEndpointConfig: () => ({}),
      FindEndpoint: () => ({ EndpointStatus: "InService" }),
      UpdateEndpoint: () => ({}),
      DescribeEndpoint: () => ({ EndpointStatus: "InService", EndpointConfigName: "ml-pipeline-prod-ec-" }),
      NotifyDeployed: () => ({}),
      NotifyFailure: () => ({}),
    };
    let config = "";
    handlers.CreateEndpointConfig = (i) => ((config = i.EndpointConfigName), {});
    handlers.DescribeEndpoint = () => ({ EndpointStatus: "InService", EndpointConfigName: config });
    const result = await runLocally(definition, handlers as any, input);
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.inputs.CreateModel.PrimaryContainer.ModelPackageName, event.detail.ModelPackageArn);
    // The role EventBridge assumes may only start this pipeline, for this rule only.
    const statements = statementsOf(run, "ml-pipeline-registry-approval-role-policy");
    assert.deepEqual(statements[0], { Sid: "StartPipeline", Effect: "Allow", Action: "states:StartExecution", Resource: "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline" });
    const trust = json(run.named("ml-pipeline-registry-approval-role").inputs.assumeRolePolicy).Statement[0];
    assert.deepEqual(trust.Condition.ArnLike, { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-prod-model-approval"] });
    const queuePolicy = json(run.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy).Statement;
    assert.deepEqual(queuePolicy.find((s: any) => s.Effect === "Allow").Condition.ArnEquals["aws:SourceArn"], ["arn:aws:events:us-east-1:123456789012:rule/ml-pipeline-prod-model-approval"]);
  });
});

describe("drift monitoring resources", () => {
  it("prod: the drift-check schedule starts the monitoring state machine, whose checks run the project's own job and may start one retraining", async () => {
    const run = await stackAsDeclared("prod");
    const schedule = run.named("ml-pipeline-monitoring-drift-schedule-schedule").inputs as any;
    assert.equal(schedule.name, "ml-pipeline-prod-drift-check");
    assert.equal(schedule.scheduleExpression, "cron(55 23 * * ? *)", "daily, late in the UTC day (capture folders are UTC)");
    assert.equal(schedule.scheduleExpressionTimezone, "UTC");
    assert.equal(schedule.target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-monitoring");
    assert.equal(schedule.kmsKeyArn, run.outputs.kmsKeyArn);
    const machine = run.named("ml-pipeline-monitoring-drift-checks-state-machine").inputs as any;
    assert.equal(machine.name, "ml-pipeline-prod-monitoring");
    assert.equal(machine.loggingConfiguration.level, "ALL");
    assert.equal(machine.tracingConfiguration.enabled, true);
    const definition = json(machine.definition);
    assertValidAsl(definition);
    // No Model Monitor API anywhere: it is closed to new customers.
    for (const name of ["ml-pipeline-workflow-state-machine", "ml-pipeline-monitoring-drift-checks-state-machine"]) {
      assert.doesNotMatch(run.named(name).inputs.definition as string, /MonitoringSchedule|DataQualityJobDefinition|model-monitor/, name);
    }
    assert.equal(run.ofType("aws:sagemaker/monitoringSchedule:MonitoringSchedule").length + run.ofType("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").length, 0);
    // The schedule's input is one the checks accept: executed with it, a drift verdict starts exactly one pipeline run.
    const started: any[] = [];
    const result = await runLocally(definition, {
      ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/k" } }),
      ReadServedModel: () => ({ Item: { id: { S: "served-model" }, baseline: { S: "s3://ml-pipeline-prod-data-123456789012/artifacts/baselines/r/drift-baseline.json" } } }),
      FindCapturedRequests: () => ({ KeyCount: 1 }),
      DriftJob: () => ({ ProcessingJobStatus: "Completed" }),
      ReadDriftVerdict: () => ({ Body: JSON.stringify({ verdict: "drift", rows: 900, driftedFeatures: ["feature_3"], driftedFeatureCount: 1, maxPsi: 0.4, maxKs: 0.2, metricData: [] }) }),
      PublishDriftMetrics: () => ({}),
      AcquireRetrainingLock: () => ({}),
      StartRetraining: (i: any) => (started.push(i), { ExecutionArn: "arn:x", StartDate: "2026-11-26T00:00:00Z" }),
      NotifyRetraining: () => ({}),
      ReleaseRetrainingLock: () => ({}),
    } as any, JSON.parse(schedule.target.input));
    assert.equal(result.error, undefined, result.error?.message);
    assert.deepEqual(started.map((i) => i.StateMachineArn), ["arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline"]);
    // Roles: the monitor role is assumed by SageMaker only; the schedule's role may only start the checks.
    assert.deepEqual(json(run.named("ml-pipeline-monitoring-monitor-role").inputs.assumeRolePolicy).Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
    assert.deepEqual(statementsOf(run, "ml-pipeline-monitoring-drift-schedule-role-policy")[0].Resource, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-monitoring");
    // The drift script is uploaded with the stack key, where the jobs read it.
    const script = run.named("ml-pipeline-monitoring-drift-script").inputs as any;
    assert.equal(script.key, "artifacts/code/drift.py");
    assert.equal(script.serverSideEncryption, "aws:kms");
    assert.equal(script.kmsKeyId, run.outputs.kmsKeyArn);
    assert.equal(run.outputs.driftMonitoring, "ml-pipeline-prod-monitoring");
  });

  it("the drift alarm watches the largest feature PSI the checks publish, at the stack's threshold, and notifies the topic", async () => {
    const run = await runStack("prod", { monitoring: { drift: { psiThreshold: 0.3 } } });
    const alarm = run.named("ml-pipeline-monitoring-drift-alarm").inputs as any;
    assert.equal(alarm.name, "ml-pipeline-prod-feature-drift");
    assert.equal(alarm.namespace, "ml-pipeline");
    assert.equal(alarm.metricName, "MaxFeatureDriftPSI");
    assert.deepEqual(alarm.dimensions, { Pipeline: "ml-pipeline-prod" });
    assert.equal(alarm.threshold, 0.3);
    assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
    assert.equal(alarm.treatMissingData, "notBreaching");
    assert.deepEqual(alarm.alarmActions, ["arn:aws:sns:us-east-1:123456789012:ml-pipeline-prod-notifications"]);
  });

  it("prod: the evaluation schedule starts the evaluation state machine; its alarm watches how much worse than registered the served model scores", async () => {
    const run = await stackAsDeclared("prod");
    const schedule = run.named("ml-pipeline-monitoring-evaluation-schedule-schedule").inputs as any;
    assert.equal(schedule.name, "ml-pipeline-prod-evaluation");
    assert.equal(schedule.scheduleExpression, "cron(30 1 * * ? *)");
    assert.equal(schedule.scheduleExpressionTimezone, "UTC");
    assert.equal(schedule.target.arn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-evaluation");
    const machine = run.named("ml-pipeline-monitoring-evaluation-checks-state-machine").inputs as any;
    assert.equal(machine.name, "ml-pipeline-prod-evaluation");
    const definition = json(machine.definition);
    assertValidAsl(definition);
    // The schedule's input is one the evaluation accepts.
    const result = await runLocally(definition, { ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/k" } }), ReadServedModel: () => ({}) } as any, JSON.parse(schedule.target.input));
    assert.equal(result.error, undefined, result.error?.message);
    const alarm = run.named("ml-pipeline-monitoring-evaluation-alarm").inputs as any;
    assert.equal(alarm.name, "ml-pipeline-prod-degraded-performance");
    assert.deepEqual([alarm.namespace, alarm.metricName, alarm.threshold, alarm.comparisonOperator], ["ml-pipeline", "EvaluationMetricWorseBy", 0.05, "GreaterThanThreshold"]);
    assert.deepEqual(alarm.dimensions, { Pipeline: "ml-pipeline-prod" });
    const script = run.named("ml-pipeline-monitoring-evaluation-script").inputs as any;
    assert.equal(script.key, "artifacts/code/evaluate.py");
    assert.equal(script.kmsKeyId, run.outputs.kmsKeyArn);
    assert.equal(run.outputs.scheduledEvaluation, "ml-pipeline-prod-evaluation");
    // Labelled data expires with the window the stack keeps (dataBucket.prefixes.groundTruth).
    const lifecycle = run.one(T.lifecycle).inputs as any;
    assert.deepEqual(lifecycle.rules.find((r: any) => r.filter?.prefix === "ground-truth/").expiration, { days: 90 });
  });

  it("the served model and the retraining lock live in a pay-per-request DynamoDB table encrypted with the stack key", async () => {
    const run = await stackAsDeclared("prod");
    const table = run.one("aws:dynamodb/table:Table").inputs as any;
    assert.equal(table.name, "ml-pipeline-prod-monitoring-state");
    assert.equal(table.billingMode, "PAY_PER_REQUEST");
    assert.equal(table.hashKey, "id");
    assert.equal(table.pointInTimeRecovery.enabled, true);
    assert.equal(table.serverSideEncryption.enabled, true);
    assert.equal(table.serverSideEncryption.kmsKeyArn, run.outputs.kmsKeyArn, "the stack key");
    assert.equal((await stackAsDeclared("dev")).ofType("aws:dynamodb/table:Table").length, 0);
  });

  it("dev: no drift or evaluation resources", async () => {
    const run = await stackAsDeclared("dev");
    assert.equal(run.resources.filter((r) => r.name.startsWith("ml-pipeline-monitoring")).length, 0);
    assert.equal(run.outputs.driftMonitoring, "off");
    assert.equal(run.outputs.scheduledEvaluation, "off");
  });
});
