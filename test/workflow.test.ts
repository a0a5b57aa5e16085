/** The workflow definition: validated with asl-validator, executed with aws-local-stepfunctions. */
import { strict as assert } from "assert";
import { assertValidAsl } from "./support/asl";
import { TaskState } from "../workflow/asl";
import { describeChoiceRule, mermaid } from "../plan/src/diagram";
import { awsError, definitionFor, evaluationDefinitionFor, Handler, happyHandlers, monitoringDefinitionFor, runLocally, specFor } from "./support/workflow";

const metric = (value: number) => [{ MetricName: "validation:auc", Value: value, Timestamp: "2026-11-25T00:00:00Z" }];

/** Registered models are approved in the run (prod's default is manual approval). */
const AUTO_APPROVAL = { registry: { approval: "auto" } };

/**
 * Tasks whose failure must not fail the run: the dashboard's metrics, the drift notification
 * (the lock must still be released), and the warning that the served model's record failed
 * (monitoring never breaks a deploy).
 */
const GOES_ON_AFTER_ERROR = new Set(["RecordTrainingMetrics", "RecordDeployedVersion", "NotifyRetraining", "NotifyMonitoringNotUpdated", "PublishDriftMetrics", "PublishEvaluationMetrics"]);
/** The lookups of the version serving (approval events): when one fails, the approved version deploys, as it did before the check. */
const SERVING_LOOKUPS = new Set(["FindServingEndpoint", "DescribeServingConfig", "DescribeServingModel"]);
/** Tasks that catch everything and go somewhere other than their Next (named with where, and why). */
const CATCHES_TO: Record<string, string> = {
  StartRetraining: "ReleaseRetrainingLockAfterFailure", // a failed start releases the drift lock first
  RecordServedModel: "NotifyMonitoringNotUpdated", // the model serves: warn, do not fail
};

/**
 * Every Task of a definition has a timeout and catches everything: to its Next where a failure
 * must not fail the run, to the state CATCHES_TO names, for the serving-version lookups to the
 * deploy (`deployApproved`), and otherwise to the failure notification.
 */
function assertEveryTaskIsCaught(definition: { States: Record<string, any> }, deployApproved?: string) {
  for (const [name, t] of Object.entries(definition.States).filter(([, st]) => st.Type === "Task") as [string, TaskState][]) {
    assert.ok(t.TimeoutSeconds && t.TimeoutSeconds > 0, `${name} timeout`);
    const catchAll = t.Catch?.find((c) => c.ErrorEquals.includes("States.ALL"))?.Next;
    assert.ok(catchAll, `${name} catches everything`);
    if (GOES_ON_AFTER_ERROR.has(name)) assert.equal(catchAll, t.Next, `${name} goes on`);
    else if (CATCHES_TO[name]) assert.equal(catchAll, CATCHES_TO[name], name);
    else if (SERVING_LOOKUPS.has(name)) assert.equal(catchAll, deployApproved, `${name}: an undecided check deploys the approved version`);
    else if (name !== "NotifyFailure") assert.equal(catchAll, "NotifyFailure", `${name} → NotifyFailure`);
  }
}

for (const stack of ["dev", "prod"]) {
  describe(`${stack}: workflow definition`, () => {
    const definition = definitionFor(stack);
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === "Task") as [string, TaskState][];

    it("passes asl-validator with path and ARN checks on", () => {
      assertValidAsl(definition);
    });

    it("every Task has a timeout and a Catch that leads to the failure notification", () => {
      assertEveryTaskIsCaught(definition, stack === "prod" ? "HasDriftBaseline" : "UseApprovedPackage");
      assert.ok(definition.TimeoutSeconds > 0);
    });

    it("never retries a job that failed on its own (States.TaskFailed / States.ALL)", () => {
      for (const [name, t] of tasks) {
        for (const r of t.Retry ?? []) {
          assert.ok(!r.ErrorEquals.includes("States.ALL") && !r.ErrorEquals.includes("States.TaskFailed") && !r.ErrorEquals.includes("States.Timeout"), name);
        }
      }
    });

    it("trains with createTrainingJob.sync, a run-derived job name within 63 characters, valid instance type", () => {
      const train = definition.States.Train as TaskState;
      assert.equal(train.Resource, "arn:aws:states:::sagemaker:createTrainingJob.sync");
      const nameFormat = (definition.States.NameRun as any).Parameters["trainingJobName.$"] as string;
      const longest = nameFormat.replace(/^States\.Format\('(.*)', .*\)$/, "$1").replace("{}", "x".repeat(32));
      assert.ok(longest.length <= 63, `${longest} is ${longest.length} characters`);
      assert.match(longest, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      const rc = (train.Parameters as any).ResourceConfig;
      // The stack file's type (prod) or the profile's default (dev), as written.
      assert.equal(rc.InstanceType, { dev: "ml.m5.large", prod: "ml.m5.xlarge" }[stack]);
    });

    it("encrypts training volumes (unless local NVMe), outputs, and traffic between containers", () => {
      const p = (definition.States.Train as TaskState).Parameters as any;
      assert.equal(p.ResourceConfig["VolumeKmsKeyId.$"], "$.key.arn"); // EBS-backed types in both stacks
      // On a type with local NVMe storage, CreateTrainingJob rejects a volume key (the storage is encrypted by the hardware).
      const nvme = (definitionFor(stack, { training: { instanceType: "ml.g4dn.xlarge" } }).States.Train as TaskState).Parameters as any;
      assert.equal(nvme.ResourceConfig.InstanceType, "ml.g4dn.xlarge");
      assert.ok(!("VolumeKmsKeyId.$" in nvme.ResourceConfig) && !("VolumeKmsKeyId" in nvme.ResourceConfig));
      assert.equal(nvme.OutputDataConfig.KmsKeyId, p.OutputDataConfig.KmsKeyId, "outputs are still encrypted with the key");
      assert.equal(p.OutputDataConfig.KmsKeyId, `arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-${stack}-data`);
      assert.equal(p.EnableInterContainerTrafficEncryption, true);
      assert.equal(p.EnableNetworkIsolation, true);
    });

    it("uses only the API's member names in the training job", () => {
      const p = (definition.States.Train as TaskState).Parameters as Record<string, unknown>;
      const members = new Set(["TrainingJobName", "RoleArn", "AlgorithmSpecification", "HyperParameters", "InputDataConfig", "OutputDataConfig", "ResourceConfig", "StoppingCondition", "EnableManagedSpotTraining", "CheckpointConfig", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "VpcConfig", "Tags"]);
      for (const k of Object.keys(p)) assert.ok(members.has(k.replace(/\.\$$/, "")), `unknown CreateTrainingJob member ${k}`);
    });

    it("deploys to the stack's endpoint with the endpoint's hosting settings", () => {
      const ec = (definition.States.CreateEndpointConfig as TaskState).Parameters as any;
      const variant = ec.ProductionVariants[0];
      if (stack === "dev") assert.deepEqual(variant.ServerlessConfig, { MemorySizeInMB: 2048, MaxConcurrency: 5 });
      else {
        assert.equal(variant.InstanceType, "ml.m5.large");
        assert.equal(ec.DataCaptureConfig.EnableCapture, true);
        const update = (definition.States.UpdateEndpoint as TaskState).Parameters as any;
        assert.equal(update.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type, "CANARY");
        assert.deepEqual(update.DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a: any) => a.AlarmName).sort(), ["ml-pipeline-prod-endpoint-invocation-5xx", "ml-pipeline-prod-endpoint-model-latency"]);
        assert.equal(update.RetainAllVariantProperties, true, "a deploy keeps the capacity autoscaling reached");
        assert.equal(update.ExcludeRetainedVariantProperties, undefined, "DataCaptureConfig is documented as not supported there");
      }
      assert.equal((definition.States.UpdateEndpoint as TaskState).Parameters!.EndpointName, `ml-pipeline-${stack}-endpoint`);
    });
  });
}

describe("prod: spot training", () => {
  it("is on by default, with checkpoints and MaxWaitTimeInSeconds", () => {
    const p = (definitionFor("prod").States.Train as TaskState).Parameters as any;
    assert.equal(p.EnableManagedSpotTraining, true);
    assert.ok(p.StoppingCondition.MaxWaitTimeInSeconds >= p.StoppingCondition.MaxRuntimeInSeconds);
    assert.match(p.CheckpointConfig["S3Uri.$"], /artifacts\/checkpoints\//);
  });
  it("is off in dev: no checkpoint config, no wait time", () => {
    const p = (definitionFor("dev").States.Train as TaskState).Parameters as any;
    assert.equal(p.EnableManagedSpotTraining, false);
    assert.equal(p.CheckpointConfig, undefined);
    assert.equal(p.StoppingCondition.MaxWaitTimeInSeconds, undefined);
  });
});

describe("workflow executed locally", () => {
  for (const stack of ["dev", "prod"]) {
    // prod approves by hand (registry.approval manual, tested below); here it approves like dev, to run the deploy.
    describe(stack === "prod" ? "prod (approval auto)" : stack, () => {
      const definition = definitionFor(stack, stack === "prod" ? AUTO_APPROVAL : {});

      it("happy path: preprocesses, trains, passes the gate, updates the endpoint, waits for InService, notifies", async () => {
        const run = await runLocally(definition, happyHandlers(), { anything: ["goes"] });
        assert.equal(run.error, undefined, run.error?.message);
        // prod monitors drift: a drift profile before registering, the served model recorded after the deploy.
        const drift = stack === "prod";
        assert.deepEqual(run.calls.filter((c) => c !== "DescribeEndpoint"), [
          "ResolveStackKey", "Preprocess", "Train", ...(drift ? ["BaselineData"] : []), "WriteModelMetrics", "RegisterModel", "CreateModel", "CreateEndpointConfig", "FindEndpoint", "UpdateEndpoint",
          ...(drift ? ["RecordServedModel"] : []),
          "RecordDeployedVersion", "NotifyDeployed",
        ]);
        assert.equal(run.calls.filter((c) => c === "DescribeEndpoint").length, 3, "polled until InService");
        assert.match(run.inputs.Train.TrainingJobName, new RegExp(`^ml-pipeline-${stack}-tr-[0-9a-f]{32}$`));
        // Registered Approved with the run's artifact and metrics; the endpoint's model is that package version.
        const reg = run.inputs.RegisterModel;
        assert.equal(reg.ModelApprovalStatus, "Approved");
        assert.equal(reg.InferenceSpecification.Containers[0].ModelDataUrl, `s3://b/artifacts/models/${run.inputs.Train.TrainingJobName}/output/model.tar.gz`);
        assert.equal(reg.ModelMetrics.ModelQuality.Statistics.S3Uri, `s3://ml-pipeline-${stack}-data-123456789012/${run.inputs.WriteModelMetrics.Key}`);
        assert.equal(run.inputs.WriteModelMetrics.ServerSideEncryption, "aws:kms");
        assert.deepEqual(JSON.parse(run.inputs.WriteModelMetrics.Body), metric(0.91));
        assert.equal(reg.ClientToken, run.inputs.Train.TrainingJobName.slice(-32), "retries of the same run register one version");
        assert.equal(run.inputs.CreateModel.PrimaryContainer.ModelPackageName, `arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-${stack}-models/1`);
        assert.equal(run.inputs.CreateModel.PrimaryContainer.ModelDataUrl, undefined, "the model comes from the package, not the raw artifact");
        assert.equal(run.inputs.UpdateEndpoint.EndpointConfigName, run.inputs.CreateEndpointConfig.EndpointConfigName);
        if (stack === "prod") assert.equal(run.inputs.Train.ResourceConfig.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
        assert.match(run.inputs.NotifyDeployed.Message, /validation:auc = 0.91/);
      });

      it("day one: no endpoint yet, so the deploy step creates it", async () => {
        const run = await runLocally(definition, happyHandlers(false));
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(run.calls.includes("CreateEndpoint"));
        assert.ok(!run.calls.includes("UpdateEndpoint"));
      });

      it("training fails: no deploy, a failure notification, a failed execution", async () => {
        const handlers = { ...happyHandlers(), Train: () => { throw awsError("States.TaskFailed", "AlgorithmError: bad input"); } };
        const run = await runLocally(definition, handlers);
        assert.ok(run.error, "execution failed");
        assert.equal(run.calls.filter((c) => c === "Train").length, 1, "a job that failed on its own is not retried");
        assert.ok(!run.calls.includes("CreateModel") && !run.calls.includes("UpdateEndpoint"));
        assert.match(run.inputs.NotifyFailure.Message, /States.TaskFailed: AlgorithmError: bad input/);
      });

      it("throttling is retried, then the run succeeds", async () => {
        let attempts = 0;
        const base = happyHandlers();
        const run = await runLocally(definition, {
          ...base,
          Train: (i) => {
            attempts++;
            // Optimized SageMaker integrations report throttling as SageMaker.AmazonSageMakerException.
            if (attempts < 3) throw awsError("SageMaker.AmazonSageMakerException", "Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException)");
            return base.Train(i);
          },
        });
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(attempts, 3);
        assert.ok(run.calls.includes("UpdateEndpoint"));
      });

      it("metric below the threshold: no deploy, a notification saying why, the execution succeeds", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, Train: (i) => ({ ...(base.Train(i) as object), FinalMetricDataList: metric(0.6) }) });
        assert.equal(run.error, undefined);
        assert.ok(!run.calls.includes("CreateModel") && !run.calls.includes("UpdateEndpoint"));
        assert.match(run.inputs.NotifyNotDeployed.Message, /validation:auc = 0.6 does not meet the threshold 0.75/);
      });

      it("objective metric missing: no deploy, failure notification", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, Train: (i) => ({ ...(base.Train(i) as object), FinalMetricDataList: [{ MetricName: "train:auc", Value: 0.99 }] }) });
        assert.ok(run.error);
        assert.ok(!run.calls.includes("UpdateEndpoint"));
        assert.match(run.inputs.NotifyFailure.Message, /ObjectiveMetricMissing/);
      });

      it("endpoint update ends Failed: a notification and a failed execution", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, DescribeEndpoint: () => ({ EndpointStatus: "Failed", FailureReason: "model container crashed" }) });
        assert.ok(run.error);
        assert.match(run.inputs.NotifyFailure.Message, /EndpointFailed: .*model container crashed/);
      });

      it("blue/green rolled back (InService on the old config, no reason): a notification naming the alarms, a failed execution", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, DescribeEndpoint: () => ({ EndpointStatus: "InService", EndpointConfigName: "previous-config" }) });
        assert.ok(run.error);
        assert.match(run.inputs.NotifyFailure.Message, /DeploymentRolledBack: Endpoint is InService on previous-config/);
        if (stack === "prod") assert.match(run.inputs.NotifyFailure.Message, /rollback alarms ml-pipeline-prod-endpoint-invocation-5xx and ml-pipeline-prod-endpoint-model-latency/);
      });

      it("update failed and SageMaker kept the old config: the failure reason is reported, not an alarm", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, {
          ...base,
          DescribeEndpoint: () => ({ EndpointStatus: "InService", EndpointConfigName: "previous-config", FailureReason: "The primary container for production variant primary did not pass the ping health check." }),
        });
        assert.ok(run.error);
        assert.match(run.inputs.NotifyFailure.Message, /DeploymentFailed: Endpoint stays InService on previous-config .*did not pass the ping health check/);
        assert.doesNotMatch(run.inputs.NotifyFailure.Message, /alarm/);
      });

      it("UpdateRollbackFailed: reported at once with the failure reason, not polled until the limit", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, DescribeEndpoint: () => ({ EndpointStatus: "UpdateRollbackFailed", FailureReason: "rollback could not restore capacity" }) });
        assert.ok(run.error);
        assert.equal(run.calls.filter((c) => c === "DescribeEndpoint").length, 1);
        assert.match(run.inputs.NotifyFailure.Message, new RegExp(`EndpointFailed: Endpoint ml-pipeline-${stack}-endpoint is UpdateRollbackFailed: rollback could not restore capacity`));
      });

      it("day one, but the lookup is denied: reported as the failure it is, no endpoint created", async () => {
        const run = await runLocally(definition, {
          ...happyHandlers(),
          FindEndpoint: () => { throw awsError("SageMaker.SageMakerException", "User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: sagemaker:DescribeEndpoint"); },
        });
        assert.ok(run.error);
        assert.ok(!run.calls.includes("CreateEndpoint") && !run.calls.includes("UpdateEndpoint"));
        assert.match(run.inputs.NotifyFailure.Message, /SageMaker.SageMakerException: User: .* is not authorized/);
      });

      it("errors the API model declares as permanent are not retried (key not found, job name in use)", async () => {
        for (const [state, error] of [["ResolveStackKey", "Kms.NotFoundException"], ["CreateModel", "SageMaker.ResourceInUseException"]]) {
          const run = await runLocally(definition, { ...happyHandlers(), [state]: () => { throw awsError(error, "permanent"); } });
          assert.ok(run.error, state);
          assert.equal(run.calls.filter((c) => c === state).length, 1, `${state} ran once`);
          assert.match(run.inputs.NotifyFailure.Message, new RegExp(`${error}: permanent`));
        }
      });

      it("endpoint never settles: the poll limit ends the run with a notification", async () => {
        const base = happyHandlers();
        const run = await runLocally(definition, { ...base, DescribeEndpoint: () => ({ EndpointStatus: "Updating", EndpointConfigName: "previous-config" }) });
        assert.ok(run.error);
        assert.match(run.inputs.NotifyFailure.Message, /DeploymentTimedOut/);
      });

      it("preprocessing fails: nothing trained or deployed, failure notified", async () => {
        const run = await runLocally(definition, { ...happyHandlers(), Preprocess: () => { throw awsError("States.TaskFailed", "no data under raw/"); } });
        assert.ok(run.error);
        assert.deepEqual(run.calls, ["ResolveStackKey", "Preprocess", "NotifyFailure"]);
      });

      it("the failure notification itself failing still ends the execution failed", async () => {
        const run = await runLocally(definition, {
          ...happyHandlers(),
          Preprocess: () => { throw awsError("States.TaskFailed", "boom"); },
          NotifyFailure: () => { throw awsError("States.TaskFailed", "sns down"); },
        });
        assert.ok(run.error);
      });
    });
  }

  it("no failure path ever reaches UpdateEndpoint", async () => {
    const failures: Record<string, Handler> = {
      ResolveStackKey: () => { throw awsError("Kms.NotFoundException"); },
      Preprocess: () => { throw awsError("States.TaskFailed"); },
      Train: () => { throw awsError("States.TaskFailed"); },
      WriteModelMetrics: () => { throw awsError("S3.S3Exception", "Access Denied"); },
      RegisterModel: () => { throw awsError("SageMaker.SageMakerException", "ValidationException"); },
      CreateModel: () => { throw awsError("SageMaker.AmazonSageMakerException", "Error Code: ValidationException"); },
      CreateEndpointConfig: () => { throw awsError("SageMaker.AmazonSageMakerException", "Error Code: ValidationException"); },
    };
    for (const stack of ["dev", "prod"]) {
      for (const [state, fail] of Object.entries(failures)) {
        const run = await runLocally(definitionFor(stack, AUTO_APPROVAL), { ...happyHandlers(), [state]: fail });
        assert.ok(run.error, `${stack}/${state} fails the execution`);
        assert.ok(!run.calls.includes("UpdateEndpoint") && !run.calls.includes("CreateEndpoint"), `${stack}/${state}`);
        assert.ok(run.calls.includes("NotifyFailure"), `${stack}/${state} notifies`);
      }
    }
  });

  describe("model registry and approval", () => {
    const prod = definitionFor("prod"); // registry.approval: manual
    const GROUP = "ml-pipeline-prod-models";
    const pkg = (n: number, group = GROUP) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${n}`;
    const deployCalls = ["CreateModel", "CreateEndpointConfig", "UpdateEndpoint", "CreateEndpoint"];

    it("prod registers the model pending approval, says so, and ends without touching the endpoint", async () => {
      const run = await runLocally(prod, happyHandlers());
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls, ["ResolveStackKey", "Preprocess", "Train", "BaselineData", "WriteModelMetrics", "RegisterModel", "NotifyPendingApproval"]);
      assert.equal(run.inputs.RegisterModel.ModelApprovalStatus, "PendingManualApproval");
      assert.equal(run.inputs.RegisterModel.ModelPackageGroupName, GROUP);
      assert.match(run.inputs.RegisterModel.ModelPackageDescription, /^Run run-2026-11-25: validation:auc = 0\.91 \(training job ml-pipeline-prod-tr-[0-9a-f]{32}\)$/);
      assert.match(run.inputs.NotifyPendingApproval.Message, new RegExp(`model-package/${GROUP}/1 awaits approval; .*update-model-package --model-package-name .* --model-approval-status Approved`));
    });

    it("an approval event deploys exactly the approved package, without preprocessing or training", async () => {
      const run = await runLocally(prod, happyHandlers(), { modelPackageEvent: { arn: pkg(7), status: "Approved" } });
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls.filter((c) => c !== "DescribeEndpoint"), ["ResolveStackKey", "DescribeModelPackage", "FindServingEndpoint", "DescribeServingConfig", "DescribeServingModel", "CreateModel", "CreateEndpointConfig", "FindEndpoint", "UpdateEndpoint", "RecordServedModel", "RecordDeployedVersion", "NotifyDeployed"]);
      assert.equal(run.inputs.DescribeServingConfig.EndpointConfigName, "ml-pipeline-prod-ec-old");
      assert.equal(run.inputs.DescribeServingModel.ModelName, "ml-pipeline-prod-md-old");
      // The dashboard's "deployed version" is the package's version number.
      assert.equal(run.inputs.RecordDeployedVersion.MetricData[0].Value, 7);
      assert.deepEqual(run.inputs.RecordDeployedVersion.MetricData[0].Dimensions, [{ Name: "Pipeline", Value: "ml-pipeline-prod" }]);
      assert.equal(run.inputs.DescribeModelPackage.ModelPackageName, pkg(7));
      assert.equal(run.inputs.CreateModel.PrimaryContainer.ModelPackageName, pkg(7));
      assert.equal(run.inputs.UpdateEndpoint.EndpointConfigName, run.inputs.CreateEndpointConfig.EndpointConfigName);
      assert.match(run.inputs.NotifyDeployed.Message, new RegExp(`approved model package ${pkg(7)}; endpoint ml-pipeline-prod-endpoint now serves ml-pipeline-prod-md-`));
    });

    it("an approval event for a version no newer than the one serving (late, repeated) deploys nothing and says how to deploy it anyway", async () => {
      for (const version of [3, 2]) {
        const run = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: (i) => ({ ModelPackageArn: i.ModelPackageName, ModelPackageGroupName: GROUP, ModelApprovalStatus: "Approved", ModelPackageVersion: version }) }, { modelPackageEvent: { arn: pkg(version), status: "Approved" } });
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(!run.calls.includes("CreateModel") && !run.calls.includes("UpdateEndpoint"), `version ${version}`);
        assert.match(run.inputs.NotifyStaleApproval.Message, new RegExp(`already serves version 3 of ${GROUP}; .*sets approvedModelPackageArn to ${pkg(version).replace(/[/.]/g, "\\$&")} `));
        assert.equal(run.output !== undefined, true);
      }
      // Newer than the one serving: deployed.
      const newer = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: (i) => ({ ModelPackageArn: i.ModelPackageName, ModelPackageGroupName: GROUP, ModelApprovalStatus: "Approved", ModelPackageVersion: 4 }) }, { modelPackageEvent: { arn: pkg(4), status: "Approved" } });
      assert.ok(newer.calls.includes("UpdateEndpoint"));
    });

    it("the check never blocks an approved version it cannot decide: no endpoint yet, the bootstrap model, a failed lookup", async () => {
      const described = (i: any) => ({ ModelPackageArn: i.ModelPackageName, ModelPackageGroupName: GROUP, ModelApprovalStatus: "Approved", ModelPackageVersion: 1 });
      const cases: [string, Record<string, Handler>][] = [
        ["no endpoint yet", { FindServingEndpoint: () => { throw awsError("SageMaker.SageMakerException", 'Could not find endpoint "x"'); } }],
        ["the bootstrap model (no package)", { DescribeServingModel: () => ({ ModelName: "bootstrap", PrimaryContainer: { Image: "img", ModelDataUrl: "s3://b/artifacts/models/bootstrap/model.tar.gz" } }) }],
        ["a config the role may not read (the bootstrap's)", { DescribeServingConfig: () => { throw awsError("SageMaker.SageMakerException", "AccessDeniedException"); } }],
      ];
      for (const [label, override] of cases) {
        const run = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: described, ...override }, { modelPackageEvent: { arn: pkg(1), status: "Approved" } });
        assert.equal(run.error, undefined, `${label}: ${run.error?.message}`);
        assert.ok(run.calls.includes("UpdateEndpoint"), label);
      }
    });

    it("deploying an earlier approved version by hand is the same path (the rollback a person can do)", async () => {
      const run = await runLocally(prod, happyHandlers(), { approvedModelPackageArn: pkg(3) });
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(run.inputs.CreateModel.PrimaryContainer.ModelPackageName, pkg(3));
      assert.ok(!run.calls.includes("Train"));
    });

    it("a rejection only notifies: nothing is trained or deployed", async () => {
      const run = await runLocally(prod, happyHandlers(), { modelPackageEvent: { arn: pkg(8), status: "Rejected" } });
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls, ["ResolveStackKey", "NotifyRejected"]);
      assert.match(run.inputs.NotifyRejected.Message, new RegExp(`${pkg(8)} was rejected; nothing was deployed`));
    });

    it("a package that is not an Approved version of this stack's group is refused, and reported", async () => {
      const cases: [string, Record<string, unknown>][] = [
        ["pending", { ModelPackageArn: pkg(9), ModelPackageGroupName: GROUP, ModelApprovalStatus: "PendingManualApproval" }],
        ["another group", { ModelPackageArn: pkg(1, "someone-else"), ModelPackageGroupName: "someone-else", ModelApprovalStatus: "Approved" }],
        ["unversioned (no group, no status)", { ModelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/loose" }],
      ];
      for (const [label, description] of cases) {
        const run = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: () => description }, { approvedModelPackageArn: String(description.ModelPackageArn) });
        assert.ok(run.error, label);
        assert.ok(!run.calls.some((c) => deployCalls.includes(c)), `${label}: nothing deployed`);
        assert.match(run.inputs.NotifyFailure.Message, /ModelPackageNotApproved: .* is not an Approved version of ml-pipeline-prod-models/, label);
      }
      const missing = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: () => { throw awsError("SageMaker.SageMakerException", "ValidationException: Model package does not exist"); } }, { approvedModelPackageArn: pkg(99) });
      assert.ok(missing.error);
      assert.ok(!missing.calls.some((c) => deployCalls.includes(c)));
    });

    it("training time and billable seconds are published when the job reports them; a failed publish does not fail the run", async () => {
      const auto = definitionFor("prod", AUTO_APPROVAL);
      const timed = { ...happyHandlers() };
      const train = timed.Train;
      timed.Train = async (i) => ({ ...((await train(i)) as object), TrainingTimeInSeconds: 1200, BillableTimeInSeconds: 480 });
      const run = await runLocally(auto, timed);
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.inputs.RecordTrainingMetrics.MetricData.map((m: any) => [m.MetricName, m.Value, m.Unit]), [["TrainingTimeSeconds", 1200, "Seconds"], ["TrainingBillableSeconds", 480, "Seconds"]]);
      const failing = await runLocally(auto, { ...timed, RecordTrainingMetrics: () => { throw awsError("CloudWatch.CloudWatchException", "throttled"); }, RecordDeployedVersion: () => { throw awsError("States.TaskFailed"); } });
      assert.equal(failing.error, undefined, failing.error?.message);
      assert.ok(failing.calls.includes("NotifyDeployed"), "deployed and notified all the same");
    });

    it("inputs of any other shape start a full run (the schedule, new data, a person)", async () => {
      for (const input of [[1, 2], "text", 42, { modelPackageEvent: "x" }, { modelPackageEvent: { status: "Approved" } }, { approvedModelPackageArn: 5 }]) {
        const run = await runLocally(prod, happyHandlers(), input);
        assert.equal(run.error, undefined, `${JSON.stringify(input)}: ${run.error?.message}`);
        assert.ok(run.calls.includes("Train"), JSON.stringify(input));
        assert.ok(!run.calls.includes("DescribeModelPackage"), JSON.stringify(input));
      }
    });
  });

  describe("drift monitoring (prod): the pipeline's part", () => {
    const prod = definitionFor("prod");
    const auto = definitionFor("prod", AUTO_APPROVAL);
    const BUCKET = "s3://ml-pipeline-prod-data-123456789012";

    it("a run that passes the gate profiles its features with the project's drift job and registers the profile with the package", async () => {
      const run = await runLocally(prod, happyHandlers());
      assert.equal(run.error, undefined, run.error?.message);
      const pre = run.inputs.Preprocess;
      assert.equal(pre.Environment.WRITE_BASELINE, "true", "preprocessing writes the features-only rows");
      assert.ok(pre.ProcessingOutputConfig.Outputs.some((o: any) => o.OutputName === "baseline"));
      const b = run.inputs.BaselineData;
      const id = run.inputs.Train.TrainingJobName.slice(-32);
      assert.equal(b.AppSpecification.ImageUri, "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3");
      assert.deepEqual(b.AppSpecification.ContainerEntrypoint, ["python3", "/opt/ml/processing/code/drift.py", "baseline"]);
      assert.equal(b.ProcessingInputs.find((i: any) => i.InputName === "code").S3Input.S3Uri, `${BUCKET}/artifacts/code/drift.py`);
      const data = b.ProcessingInputs.find((i: any) => i.InputName === "baseline").S3Input;
      assert.equal(data.S3Uri, `${BUCKET}/processed/${id}/baseline`);
      assert.equal(data.LocalPath, b.Environment.BASELINE_INPUT);
      assert.equal(b.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri, `${BUCKET}/artifacts/baselines/${id}/`);
      assert.equal(b.ProcessingOutputConfig.Outputs[0].S3Output.LocalPath, b.Environment.PROCESSING_OUTPUT);
      assert.equal(b.ProcessingResources.ClusterConfig.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
      assert.equal(b.ProcessingOutputConfig.KmsKeyId, "arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-prod-data");
      assert.equal(b.NetworkConfig.EnableNetworkIsolation, true);
      assert.deepEqual(run.inputs.RegisterModel.DriftCheckBaselines, { ModelDataQuality: { Statistics: { ContentType: "application/json", S3Uri: `${BUCKET}/artifacts/baselines/${id}/drift-baseline.json` } } });
    });

    it("a deploy records the served package, model and profile where the drift checks read them", async () => {
      const run = await runLocally(auto, happyHandlers());
      assert.equal(run.error, undefined, run.error?.message);
      const item = run.inputs.RecordServedModel;
      assert.equal(item.TableName, "ml-pipeline-prod-monitoring-state");
      assert.deepEqual(item.Item.id, { S: "served-model" });
      assert.equal(item.Item.packageArn.S, "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/1");
      assert.equal(item.Item.modelName.S, run.inputs.CreateModel.ModelName);
      assert.equal(item.Item.baseline.S, run.inputs.RegisterModel.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri);
      // An approved package brings its own profile.
      const approved = await runLocally(prod, happyHandlers(), { approvedModelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/5" });
      assert.equal(approved.error, undefined, approved.error?.message);
      assert.equal(approved.inputs.RecordServedModel.Item.baseline.S, "s3://b/artifacts/baselines/r1/drift-baseline.json");
      assert.equal(approved.inputs.RecordServedModel.Item.packageArn.S, "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/5");
    });

    it("a package without a drift profile (none, or a Model Monitor statistics.json) is deployed all the same, and says drift is not checked", async () => {
      const packages = [
        { ModelApprovalStatus: "Approved" },
        { ModelApprovalStatus: "Approved", DriftCheckBaselines: { ModelDataQuality: { Statistics: { ContentType: "application/json", S3Uri: "s3://b/artifacts/baselines/r0/statistics.json" } } } },
      ];
      for (const extra of packages) {
        const run = await runLocally(prod, { ...happyHandlers(), DescribeModelPackage: (i) => ({ ModelPackageArn: i.ModelPackageName, ModelPackageGroupName: "ml-pipeline-prod-models", ...extra }) }, { approvedModelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/2" });
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(run.calls.includes("UpdateEndpoint"));
        assert.equal(run.inputs.RecordServedModel.Item.baseline.S, "none");
        assert.match(run.inputs.NotifyDeployed.Message, /registered without a drift profile: drift is not checked while it serves/);
      }
    });

    it("monitoring never breaks a deploy: a refused RecordServedModel ends deployed, with a warning naming the call and the error", async () => {
      const refusals = [
        awsError("DynamoDB.AmazonDynamoDBException", "User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: dynamodb:PutItem (AccessDeniedException)"),
        awsError("DynamoDB.ResourceNotFoundException", "Requested resource not found"),
        awsError("States.Timeout", "Task timed out"),
      ];
      for (const refusal of refusals) {
        const run = await runLocally(auto, { ...happyHandlers(), RecordServedModel: () => { throw refusal; } });
        assert.equal(run.error, undefined, `${refusal.name}: ${run.error?.message}`);
        assert.ok(run.calls.includes("RecordDeployedVersion") && run.calls.includes("NotifyDeployed"), refusal.name);
        assert.ok(!run.calls.includes("NotifyFailure"), refusal.name);
        assert.match(run.inputs.NotifyMonitoringNotUpdated.Message, new RegExp(`the model is deployed, but RecordServedModel \\(dynamodb:PutItem on ml-pipeline-prod-monitoring-state\\) failed: ${refusal.name.replace(".", "\\.")}`));
      }
      // Even when the warning cannot be sent.
      const silent = await runLocally(auto, { ...happyHandlers(), RecordServedModel: () => { throw refusals[0]; }, NotifyMonitoringNotUpdated: () => { throw awsError("SNS.AmazonSNSException"); } });
      assert.equal(silent.error, undefined);
      assert.ok(silent.calls.includes("NotifyDeployed"));
    });

    it("no Model Monitor API is called anywhere (closed to new customers)", () => {
      for (const definition of [prod, monitoringDefinitionFor("prod")]) {
        for (const [name, state] of Object.entries(definition.States)) {
          if (state.Type === "Task") assert.doesNotMatch((state as TaskState).Resource, /MonitoringSchedule|DataQualityJobDefinition|MonitoringExecution/i, name);
        }
      }
    });
  });

  describe("drift checks (prod): the monitoring state machine", () => {
    const checks = monitoringDefinitionFor("prod");
    const BUCKET = "s3://ml-pipeline-prod-data-123456789012";
    const PROFILE = `${BUCKET}/artifacts/baselines/r1/drift-baseline.json`;
    const verdict = (v: Record<string, unknown>) => () => ({ Body: JSON.stringify({ rows: 900, minSamples: 200, driftedFeatures: [], driftedFeatureCount: 0, maxPsi: 0.01, maxKs: 0.02, metricData: [{ MetricName: "DriftSampleCount", Unit: "Count", Value: 900, Dimensions: [] }], ...v }) });
    const checkHandlers = (): Record<string, Handler> => ({
      ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333" } }),
      ReadServedModel: () => ({ Item: { id: { S: "served-model" }, baseline: { S: PROFILE }, packageArn: { S: "arn:p/4" } } }),
      FindCapturedRequests: () => ({ KeyCount: 1, Contents: [{ Key: "capture/x" }] }),
      DriftJob: (i) => ({ ProcessingJobName: i.ProcessingJobName, ProcessingJobStatus: "Completed" }),
      ReadDriftVerdict: verdict({ verdict: "no_drift" }),
      PublishDriftMetrics: () => ({}),
      NotifyFailure: () => ({ MessageId: "f" }),
    });

    it("passes asl-validator; every Task has a timeout and reports what it does not handle; no job that failed is retried", () => {
      assertValidAsl(checks);
      assertEveryTaskIsCaught(checks);
      for (const [name, t] of Object.entries(checks.States).filter(([, s]) => s.Type === "Task") as [string, TaskState][]) {
        for (const r of t.Retry ?? []) assert.ok(!r.ErrorEquals.some((e) => ["States.ALL", "States.TaskFailed", "States.Timeout"].includes(e)), name);
      }
      assert.ok(checks.TimeoutSeconds >= 24 * 3600, "the lock holder waits out the cooldown");
    });

    it("no drift: the job compares the day's capture with the served model's profile, metrics are published, nothing retrains", async () => {
      // The local engine starts executions now (it ignores a StartTime in the context): the window is today's UTC day.
      const utcDay = () => new Date().toISOString().slice(0, 10).replace(/-/g, "/");
      const before = utcDay();
      const run = await runLocally(checks, checkHandlers(), { trigger: "drift-check" });
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls, ["ResolveStackKey", "ReadServedModel", "FindCapturedRequests", "DriftJob", "ReadDriftVerdict", "PublishDriftMetrics"]);
      // The window: the UTC day of the execution's start, under SageMaker's capture layout <prefix>/<endpoint>/<variant>/yyyy/mm/dd/.
      const day = run.inputs.FindCapturedRequests.Prefix;
      assert.ok([before, utcDay()].some((d) => day === `capture/ml-pipeline-prod-endpoint/ml-pipeline-prod-endpoint/primary/${d}/`), day);
      assert.deepEqual(run.inputs.FindCapturedRequests, { Bucket: "ml-pipeline-prod-data-123456789012", Prefix: day, MaxKeys: 1 });
      const job = run.inputs.DriftJob;
      assert.match(job.ProcessingJobName, /^ml-pipeline-prod-dr-[0-9a-f]{32}$/);
      assert.deepEqual(job.AppSpecification.ContainerEntrypoint, ["python3", "/opt/ml/processing/code/drift.py", "compare"]);
      const input = (name: string) => job.ProcessingInputs.find((i: any) => i.InputName === name).S3Input;
      assert.equal(input("baseline").S3Uri, PROFILE, "the served model's own profile");
      assert.equal(input("baseline").LocalPath, job.Environment.BASELINE_INPUT);
      assert.equal(input("capture").S3Uri, `${BUCKET}/${day}`);
      assert.equal(input("capture").LocalPath, job.Environment.CAPTURE_INPUT);
      assert.deepEqual([job.Environment.PSI_THRESHOLD, job.Environment.KS_THRESHOLD, job.Environment.MIN_SAMPLES, job.Environment.PIPELINE], ["0.2", "0.1", "200", "ml-pipeline-prod"]);
      assert.equal(job.ProcessingResources.ClusterConfig.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
      assert.equal(job.ProcessingOutputConfig.KmsKeyId, "arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-prod-data");
      assert.deepEqual(job.NetworkConfig, { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true });
      const id = job.ProcessingJobName.slice(-32);
      assert.equal(job.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri, `${BUCKET}/artifacts/monitoring/${id}/`);
      assert.deepEqual(run.inputs.ReadDriftVerdict, { Bucket: "ml-pipeline-prod-data-123456789012", Key: `artifacts/monitoring/${id}/verdict.json` });
      assert.deepEqual(run.inputs.PublishDriftMetrics, { Namespace: "ml-pipeline", MetricData: [{ MetricName: "DriftSampleCount", Unit: "Count", Value: 900, Dimensions: [] }] });
    });

    it("the thresholds are the stack's", () => {
      const job = (monitoringDefinitionFor("prod", { monitoring: { drift: { psiThreshold: 0.25, ksThreshold: 0.15, minSamples: 1000 } } }).States.DriftJob as TaskState).Parameters as any;
      assert.deepEqual([job.Environment.PSI_THRESHOLD, job.Environment.KS_THRESHOLD, job.Environment.MIN_SAMPLES], ["0.25", "0.15", "1000"]);
    });

    it("insufficient data never retrains: too few rows in the verdict, or nothing captured at all (then no job runs)", async () => {
      const few = await runLocally(checks, { ...checkHandlers(), ReadDriftVerdict: verdict({ verdict: "insufficient_data", rows: 12 }) });
      assert.equal(few.error, undefined, few.error?.message);
      assert.ok(!few.calls.includes("AcquireRetrainingLock"));
      const none = await runLocally(checks, { ...checkHandlers(), FindCapturedRequests: () => ({ KeyCount: 0 }) });
      assert.equal(none.error, undefined);
      assert.deepEqual(none.calls, ["ResolveStackKey", "ReadServedModel", "FindCapturedRequests"]);
    });

    it("nothing to compare with: no served model recorded, or one without a drift profile, runs no job", async () => {
      for (const item of [{}, { Item: { id: { S: "served-model" }, baseline: { S: "none" } } }, { Item: { id: { S: "served-model" }, baseline: { S: "s3://b/artifacts/baselines/r0/statistics.json" } } }]) {
        const run = await runLocally(checks, { ...checkHandlers(), ReadServedModel: () => item });
        assert.equal(run.error, undefined, run.error?.message);
        assert.deepEqual(run.calls, ["ResolveStackKey", "ReadServedModel"], JSON.stringify(item));
      }
    });

    it("a drift job that fails is a notified failure, and never a retraining", async () => {
      const run = await runLocally(checks, { ...checkHandlers(), DriftJob: () => { throw awsError("States.TaskFailed", "ProcessingJob failed: AlgorithmError"); } });
      assert.ok(run.error);
      assert.ok(!run.calls.includes("AcquireRetrainingLock") && !run.calls.includes("StartRetraining"));
      assert.match(run.inputs.NotifyFailure.Message, /States\.TaskFailed: ProcessingJob failed/);
    });

    /**
     * Drift handlers sharing one lock item, as DynamoDB holds it for every execution: a
     * conditional put fails while it exists; the holder's status is whatever `holderStatus`
     * says (the check that took it, still waiting out its cooldown, is RUNNING).
     */
    function driftHandlers(lock: { holder?: string; holderStatus?: string }, started: string[]) {
      return {
        ...checkHandlers(),
        ReadDriftVerdict: verdict({ verdict: "drift", driftedFeatures: ["feature_3"], driftedFeatureCount: 1, maxPsi: 0.41, maxKs: 0.22 }),
        AcquireRetrainingLock: (i: any) => {
          assert.equal(i.ConditionExpression, "attribute_not_exists(id)");
          assert.deepEqual(i.Key ?? { id: i.Item.id }, { id: { S: "retraining" } });
          if (lock.holder) throw awsError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed");
          lock.holder = i.Item.holder.S;
          lock.holderStatus = "RUNNING";
          return {};
        },
        ReadRetrainingLock: () => (lock.holder ? { Item: { id: { S: "retraining" }, holder: { S: lock.holder } } } : {}),
        DescribeLockHolder: (i: any) => {
          assert.equal(i.IncludedData, "METADATA_ONLY", "the holder's status, not its input and output");
          if (lock.holderStatus === "GONE") throw awsError("Sfn.ExecutionDoesNotExistException", "Execution Does Not Exist");
          return { ExecutionArn: i.ExecutionArn, Status: lock.holderStatus };
        },
        RemoveStaleRetrainingLock: (i: any) => {
          assert.equal(i.ExpressionAttributeValues[":stale"].S, lock.holder, "only the stale holder's lock is removed");
          lock.holder = undefined;
          return {};
        },
        StartRetraining: (i: any) => {
          started.push(i.Input.checkJob);
          return { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:ml-pipeline-prod-pipeline:${started.length}`, StartDate: "2026-11-26T00:00:00Z" };
        },
        NotifyRetraining: () => ({}),
        NotifyRetrainingCooldown: () => ({}),
        ReleaseRetrainingLock: () => {
          lock.holder = undefined;
          return {};
        },
        ReleaseRetrainingLockAfterFailure: () => {
          lock.holder = undefined;
          return {};
        },
      };
    }

    it("drift starts exactly one retraining (a pipeline run) within the cooldown, and says so either way", async () => {
      const lock: { holder?: string; holderStatus?: string } = {};
      const started: string[] = [];
      const handlers = driftHandlers(lock, started);
      const first = await runLocally(checks, { ...handlers, ReleaseRetrainingLock: () => ({}) });
      assert.equal(first.error, undefined, first.error?.message);
      assert.deepEqual(first.calls.slice(-5), ["PublishDriftMetrics", "AcquireRetrainingLock", "StartRetraining", "NotifyRetraining", "ReleaseRetrainingLock"]);
      assert.equal(first.inputs.AcquireRetrainingLock.TableName, "ml-pipeline-prod-monitoring-state");
      assert.equal(first.inputs.AcquireRetrainingLock.Item.holder.S, "arn:aws:states:us-east-1:123456789012:execution:pipeline:run-2026-11-25");
      assert.equal(first.inputs.StartRetraining.StateMachineArn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline");
      assert.deepEqual(first.inputs.StartRetraining.Input, {
        trigger: "drift",
        checkJob: `Drift job ${first.inputs.DriftJob.ProcessingJobName}`,
        AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: "arn:aws:states:us-east-1:123456789012:execution:pipeline:run-2026-11-25",
      });
      assert.match(first.inputs.NotifyRetraining.Message, /^Drift job ml-pipeline-prod-dr-[0-9a-f]{32} found drift: 1 feature\(s\) over the thresholds, e\.g\. \["feature_3"\] \(max PSI 0\.41, max KS 0\.22; 900 captured rows; report s3:\/\/.*\/report\.json\)\. Retraining: arn:aws:states:.*No other retraining for 24 h/);
      assert.equal((checks.States.HoldRetrainingCooldown as any).Seconds, 24 * 3600, "monitoring.minHoursBetweenRetrains");
      assert.equal(first.inputs.ReleaseRetrainingLock.ExpressionAttributeValues[":me"].S, first.inputs.AcquireRetrainingLock.Item.holder.S, "a check releases only its own lock");
      // While the holder waits, more drift (the next checks) only notifies.
      for (let i = 0; i < 3; i++) {
        const noisy = await runLocally(checks, handlers, {}, { name: `check-${i}` });
        assert.equal(noisy.error, undefined, noisy.error?.message);
        assert.deepEqual(noisy.calls.slice(-4), ["AcquireRetrainingLock", "ReadRetrainingLock", "DescribeLockHolder", "NotifyRetrainingCooldown"]);
        assert.match(noisy.inputs.NotifyRetrainingCooldown.Message, /found drift: .*A retraining started less than 24 h ago \(by arn:aws:states:/);
      }
      assert.equal(started.length, 1, "exactly one retraining");
      // After the cooldown the holder releases the lock, and drift may retrain again.
      lock.holder = undefined;
      const later = await runLocally(checks, handlers, {}, { name: "check-later" });
      assert.equal(later.error, undefined);
      assert.equal(started.length, 2);
      assert.equal(lock.holder, undefined, "released after the wait");
    });

    it("a lock write that succeeded but whose answer was lost: the retry finds this execution holding it and goes on to retrain", async () => {
      const lock: { holder?: string; holderStatus?: string } = {};
      const started: string[] = [];
      let attempts = 0;
      const handlers = driftHandlers(lock, started);
      const run = await runLocally(checks, {
        ...handlers,
        AcquireRetrainingLock: (i: any) => {
          attempts++;
          if (attempts === 1) {
            // DynamoDB wrote the item; the response never arrived, and the retry's condition fails on our own item.
            lock.holder = i.Item.holder.S;
            lock.holderStatus = "RUNNING";
            throw awsError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed");
          }
          return handlers.AcquireRetrainingLock(i);
        },
      });
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls.slice(-5), ["AcquireRetrainingLock", "ReadRetrainingLock", "StartRetraining", "NotifyRetraining", "ReleaseRetrainingLock"]);
      assert.equal(started.length, 1);
      assert.ok(!run.calls.includes("NotifyRetrainingCooldown"));
    });

    it("a lock whose holder no longer runs (stopped by hand, or its history gone) is stale: it is taken over and drift retrains", async () => {
      for (const status of ["ABORTED", "SUCCEEDED", "FAILED", "TIMED_OUT", "GONE"]) {
        const lock = { holder: "arn:aws:states:us-east-1:123456789012:execution:ml-pipeline-prod-monitoring:stopped", holderStatus: status };
        const started: string[] = [];
        const run = await runLocally(checks, driftHandlers(lock, started));
        assert.equal(run.error, undefined, `${status}: ${run.error?.message}`);
        assert.deepEqual(run.calls.slice(6, 11), ["AcquireRetrainingLock", "ReadRetrainingLock", "DescribeLockHolder", "RemoveStaleRetrainingLock", "AcquireRetrainingLock"], status);
        assert.equal(started.length, 1, status);
      }
    });

    it("a failed metrics publish does not hide drift; a lock that cannot be written, or a retraining that cannot start, is a reported failure that leaves no lock", async () => {
      const lock: { holder?: string; holderStatus?: string } = {};
      const started: string[] = [];
      const unpublished = await runLocally(checks, { ...driftHandlers(lock, started), PublishDriftMetrics: () => { throw awsError("CloudWatch.CloudWatchException", "Rate exceeded"); }, ReleaseRetrainingLock: () => ((lock.holder = undefined), {}) });
      assert.equal(unpublished.error, undefined);
      assert.equal(started.length, 1);
      assert.equal((monitoringDefinitionFor("prod", { monitoring: { minHoursBetweenRetrains: 6 } }).States.HoldRetrainingCooldown as any).Seconds, 6 * 3600);
      const denied = await runLocally(checks, { ...driftHandlers(lock, []), AcquireRetrainingLock: () => { throw awsError("DynamoDB.AmazonDynamoDBException", "AccessDeniedException"); } });
      assert.ok(denied.error);
      assert.ok(!denied.calls.includes("StartRetraining"));
      assert.match(denied.inputs.NotifyFailure.Message, /AccessDeniedException/);
      const cannotStart = await runLocally(checks, { ...driftHandlers(lock, []), StartRetraining: () => { throw awsError("StepFunctions.ExecutionLimitExceededException"); } });
      assert.ok(cannotStart.error);
      assert.ok(cannotStart.calls.includes("ReleaseRetrainingLockAfterFailure"));
      assert.equal(lock.holder, undefined);
    });

    it("dev monitors no drift: no profile, no record, no monitoring state machine", () => {
      const dev = definitionFor("dev");
      for (const state of ["BaselineData", "RecordServedModel", "HasDriftBaseline"]) assert.equal(dev.States[state], undefined, state);
      assert.equal(((dev.States.Preprocess as TaskState).Parameters as any).Payload.baseline, undefined);
      assert.throws(() => monitoringDefinitionFor("dev"), /only with monitoring.drift.enabled/);
    });
  });

  describe("scheduled evaluation (prod): the evaluation state machine", () => {
    const evaluation = evaluationDefinitionFor("prod");
    const BUCKET = "s3://ml-pipeline-prod-data-123456789012";
    const PKG = "arn:aws:sagemaker:us-east-1:123456789012:model-package/ml-pipeline-prod-models/4";
    const METRICS = `${BUCKET}/artifacts/metrics/r4/metrics.json`;
    const verdict = (v: Record<string, unknown>) => () => ({ Body: JSON.stringify({ metric: "validation:auc", goal: "Maximize", rows: 500, minSamples: 100, registered: 0.91, tolerance: 0.05, metricData: [], ...v }) });
    const handlers = (): Record<string, Handler> => ({
      ResolveStackKey: () => ({ KeyMetadata: { Arn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333" } }),
      ReadServedModel: () => ({ Item: { id: { S: "served-model" }, packageArn: { S: PKG }, modelName: { S: "ml-pipeline-prod-md-4" } } }),
      DescribeServedPackage: (i) => ({ ModelPackageArn: i.ModelPackageName, ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: METRICS } } } }),
      FindLabelledData: () => ({ KeyCount: 1 }),
      ScoreLabelledData: (i) => ({ TransformJobName: i.TransformJobName, TransformJobStatus: "Completed" }),
      EvaluationJob: (i) => ({ ProcessingJobName: i.ProcessingJobName, ProcessingJobStatus: "Completed" }),
      ReadEvaluationVerdict: verdict({ verdict: "ok", current: 0.9, worseBy: 0.01 }),
      PublishEvaluationMetrics: () => ({}),
      NotifyFailure: () => ({ MessageId: "f" }),
      AcquireRetrainingLock: () => ({}),
      StartRetraining: (i) => ({ ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:ml-pipeline-prod-pipeline:${i.Input.trigger}`, StartDate: "2026-11-26T00:00:00Z" }),
      NotifyRetraining: () => ({}),
      ReleaseRetrainingLock: () => ({}),
    });

    it("passes asl-validator; every Task has a timeout and reports what it does not handle", () => {
      assertValidAsl(evaluation);
      assertEveryTaskIsCaught(evaluation);
    });

    it("scores the served model (a batch transform, not live traffic) on ground-truth/ and compares the gate's metric with the registered value", async () => {
      const run = await runLocally(evaluation, handlers(), { trigger: "schedule" });
      assert.equal(run.error, undefined, run.error?.message);
      assert.deepEqual(run.calls, ["ResolveStackKey", "ReadServedModel", "DescribeServedPackage", "FindLabelledData", "ScoreLabelledData", "EvaluationJob", "ReadEvaluationVerdict", "PublishEvaluationMetrics"]);
      assert.deepEqual(run.inputs.FindLabelledData, { Bucket: "ml-pipeline-prod-data-123456789012", Prefix: "ground-truth/", MaxKeys: 1 });
      const t = run.inputs.ScoreLabelledData;
      assert.match(t.TransformJobName, /^ml-pipeline-prod-sc-[0-9a-f]{32}$/);
      assert.equal(t.ModelName, "ml-pipeline-prod-md-4", "the served version's own model");
      assert.deepEqual(t.TransformInput, { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: `${BUCKET}/ground-truth/` } }, ContentType: "text/csv", SplitType: "Line" });
      // "Associate Prediction Results with Input Records": features in, label and prediction out.
      assert.deepEqual(t.DataProcessing, { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$[0,-1]" });
      assert.equal(t.TransformOutput.KmsKeyId, "arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-prod-data");
      assert.equal(t.TransformResources.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
      assert.equal(t.TransformResources.InstanceType, "ml.m5.large");
      const job = run.inputs.EvaluationJob;
      const id = t.TransformJobName.slice(-32);
      const input = (name: string) => job.ProcessingInputs.find((i: any) => i.InputName === name).S3Input;
      assert.equal(input("predictions").S3Uri, t.TransformOutput.S3OutputPath, "the transform's output");
      assert.equal(input("predictions").S3Uri, `${BUCKET}/artifacts/evaluations/${id}/predictions/`);
      assert.equal(input("metrics").S3Uri, METRICS, "the served version's registered metrics");
      assert.equal(input("code").S3Uri, `${BUCKET}/artifacts/code/evaluate.py`);
      assert.deepEqual([job.Environment.METRIC, job.Environment.GOAL, job.Environment.TOLERANCE, job.Environment.MIN_SAMPLES], ["validation:auc", "Maximize", "0.05", "100"]);
      assert.deepEqual(job.NetworkConfig, { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true });
      assert.equal(job.ProcessingResources.ClusterConfig.VolumeKmsKeyId, t.TransformResources.VolumeKmsKeyId);
      assert.deepEqual(run.inputs.ReadEvaluationVerdict, { Bucket: "ml-pipeline-prod-data-123456789012", Key: `artifacts/evaluations/${id}/verdict.json` });
    });

    it("performance below the tolerance starts exactly one retraining through the shared lock; within tolerance none", async () => {
      const degraded = await runLocally(evaluation, { ...handlers(), ReadEvaluationVerdict: verdict({ verdict: "degraded", current: 0.8, worseBy: 0.11 }) });
      assert.equal(degraded.error, undefined, degraded.error?.message);
      assert.deepEqual(degraded.calls.slice(-4), ["AcquireRetrainingLock", "StartRetraining", "NotifyRetraining", "ReleaseRetrainingLock"]);
      assert.equal(degraded.inputs.AcquireRetrainingLock.TableName, "ml-pipeline-prod-monitoring-state");
      assert.deepEqual(degraded.inputs.AcquireRetrainingLock.Item.id, { S: "retraining" }, "the same lock the drift checks take");
      assert.equal(degraded.inputs.AcquireRetrainingLock.Item.reason.S, "degraded-performance");
      assert.equal(degraded.inputs.StartRetraining.StateMachineArn, "arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-prod-pipeline");
      assert.equal(degraded.inputs.StartRetraining.Input.trigger, "degraded-performance");
      assert.match(degraded.inputs.NotifyRetraining.Message, new RegExp(`^Evaluation ml-pipeline-prod-ev-[0-9a-f]{32} found degraded-performance: validation:auc is 0.8 on 500 labelled rows against 0.91 registered for ${PKG.replace(/[/.]/g, "\\$&")} \\(worse by 0.11, tolerance 0.05\\)`));
      const ok = await runLocally(evaluation, handlers());
      assert.ok(!ok.calls.includes("AcquireRetrainingLock"));
      // A drift check holding the lock (its cooldown) means the evaluation only notifies.
      const held = await runLocally(evaluation, {
        ...handlers(),
        ReadEvaluationVerdict: verdict({ verdict: "degraded", current: 0.8, worseBy: 0.11 }),
        AcquireRetrainingLock: () => { throw awsError("DynamoDB.ConditionalCheckFailedException"); },
        ReadRetrainingLock: () => ({ Item: { id: { S: "retraining" }, holder: { S: "arn:aws:states:us-east-1:123456789012:execution:ml-pipeline-prod-monitoring:check-1" } } }),
        DescribeLockHolder: (i) => ({ ExecutionArn: i.ExecutionArn, Status: "RUNNING" }),
        NotifyRetrainingCooldown: () => ({}),
      });
      assert.equal(held.error, undefined);
      assert.ok(!held.calls.includes("StartRetraining"));
      assert.match(held.inputs.NotifyRetrainingCooldown.Message, /found degraded-performance: .*A retraining started less than 24 h ago \(by arn:aws:states:us-east-1:123456789012:execution:ml-pipeline-prod-monitoring:check-1\)/);
    });

    it("no retraining and no job without something to judge: no served model, no registered metric, no labelled data, too few rows", async () => {
      const cases: [string, Record<string, Handler>, string[]][] = [
        ["nothing served yet", { ReadServedModel: () => ({}) }, ["ResolveStackKey", "ReadServedModel"]],
        ["no metric registered", { DescribeServedPackage: (i) => ({ ModelPackageArn: i.ModelPackageName }) }, ["ResolveStackKey", "ReadServedModel", "DescribeServedPackage"]],
        ["no labelled data", { FindLabelledData: () => ({ KeyCount: 0 }) }, ["ResolveStackKey", "ReadServedModel", "DescribeServedPackage", "FindLabelledData"]],
      ];
      for (const [label, override, calls] of cases) {
        const run = await runLocally(evaluation, { ...handlers(), ...override });
        assert.equal(run.error, undefined, `${label}: ${run.error?.message}`);
        assert.deepEqual(run.calls, calls, label);
      }
      const few = await runLocally(evaluation, { ...handlers(), ReadEvaluationVerdict: verdict({ verdict: "insufficient_data", rows: 12 }) });
      assert.equal(few.error, undefined);
      assert.ok(!few.calls.includes("AcquireRetrainingLock"));
    });

    it("a transform or evaluation job that fails is a notified failure, never a retraining", async () => {
      for (const state of ["ScoreLabelledData", "EvaluationJob"]) {
        const run = await runLocally(evaluation, { ...handlers(), [state]: () => { throw awsError("States.TaskFailed", `${state} failed: ClientError`); } });
        assert.ok(run.error, state);
        assert.ok(!run.calls.includes("AcquireRetrainingLock"), state);
        assert.match(run.inputs.NotifyFailure.Message, new RegExp(`States.TaskFailed: ${state} failed`));
      }
    });

    it("the settings are the stack's: weekly, another transform type, the tolerance, the gate's metric and goal", () => {
      const d = evaluationDefinitionFor("prod", { monitoring: { evaluation: { frequency: "weekly", transformInstanceType: "ml.c5.xlarge", tolerance: 0.1, minSamples: 1000 } }, training: { objective: { metric: "validation:rmse", goal: "Minimize", threshold: 0.5 } } });
      const t = (d.States.ScoreLabelledData as TaskState).Parameters as any;
      const job = (d.States.EvaluationJob as TaskState).Parameters as any;
      assert.equal(t.TransformResources.InstanceType, "ml.c5.xlarge");
      assert.deepEqual([job.Environment.METRIC, job.Environment.GOAL, job.Environment.TOLERANCE, job.Environment.MIN_SAMPLES], ["validation:rmse", "Minimize", "0.1", "1000"]);
      assert.throws(() => evaluationDefinitionFor("dev"), /only with monitoring.evaluation.enabled/);
    });
  });

  it("processing-job preprocessing runs the processing job with volume KMS and isolation", async () => {
    const spec = specFor("dev", { preprocessing: { kind: "processing" } });
    assert.equal(spec.preprocessing.kind, "processing");
    const definition = definitionFor("dev", { preprocessing: { kind: "processing" } });
    assertValidAsl(definition);
    const pre = definition.States.Preprocess as TaskState;
    assert.equal(pre.Resource, "arn:aws:states:::sagemaker:createProcessingJob.sync");
    const run = await runLocally(definition, happyHandlers());
    assert.equal(run.error, undefined, run.error?.message);
    const p = run.inputs.Preprocess;
    assert.match(p.ProcessingJobName, /^ml-pipeline-dev-pp-[0-9a-f]{32}$/);
    assert.equal(p.ProcessingResources.ClusterConfig.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333");
    assert.equal(p.NetworkConfig.EnableNetworkIsolation, true);
    assert.match(p.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri, /^s3:\/\/ml-pipeline-dev-data-123456789012\/processed\/[0-9a-f]{32}\/train$/);
    const input = (name: string) => p.ProcessingInputs.find((i: any) => i.InputName === name).S3Input;
    assert.equal(input("raw").S3DataDistributionType, "FullyReplicated", "one instance reads everything");
    assert.equal(input("code").S3DataDistributionType, "FullyReplicated");
  });

  describe("Glue preprocessing (Spark)", () => {
    const overrides = { preprocessing: { kind: "glue", numberOfWorkers: 10 }, training: { instanceCount: 4 } };
    const definition = definitionFor("prod", overrides);
    const calls = (run: { calls: string[] }, name: string) => run.calls.filter((c) => c === name).length;

    it("starts the stack's Glue job with this run's output prefix and waits for it (.sync), then trains on what it wrote", async () => {
      assertValidAsl(definition);
      const pre = definition.States.Preprocess as TaskState;
      assert.equal(pre.Resource, "arn:aws:states:::glue:startJobRun.sync");
      const run = await runLocally(definition, { ...happyHandlers(), Preprocess: () => ({ Id: "jr_1", JobName: "ml-pipeline-prod-preprocess", JobRunState: "SUCCEEDED" }) });
      assert.equal(run.error, undefined, run.error?.message);
      const p = run.inputs.Preprocess;
      assert.equal(p.JobName, "ml-pipeline-prod-preprocess");
      assert.equal(p.Arguments["--input_uri"], "s3://ml-pipeline-prod-data-123456789012/raw/");
      assert.match(p.Arguments["--output_uri"], /^s3:\/\/ml-pipeline-prod-data-123456789012\/processed\/[0-9a-f]{32}\/$/);
      // 9 executors rounded up to a multiple of the 4 training instances: each instance gets 3 files.
      assert.equal(p.Arguments["--output_files"], "12");
      assert.ok(Object.values(p.Arguments).every((v) => typeof v === "string"), "Glue arguments are strings");
      const train = run.inputs.Train.InputDataConfig.find((c: any) => c.ChannelName === "train").DataSource.S3DataSource;
      assert.equal(train.S3Uri, `${p.Arguments["--output_uri"]}train`);
      assert.equal(train.S3DataDistributionType, "ShardedByS3Key");
    });

    it("a failed job run (States.TaskFailed) is not retried: nothing trained, failure notified", async () => {
      const run = await runLocally(definition, { ...happyHandlers(), Preprocess: () => { throw awsError("States.TaskFailed", "Job run failed: too few usable rows to split"); } });
      assert.ok(run.error);
      assert.equal(calls(run, "Preprocess"), 1);
      assert.deepEqual(run.calls, ["ResolveStackKey", "Preprocess", "NotifyFailure"]);
      assert.match(run.inputs.NotifyFailure.Message, /too few usable rows/);
    });

    it("another run still going (ConcurrentRunsExceededException) and transient Glue errors are retried, then the run goes on", async () => {
      for (const name of ["Glue.ConcurrentRunsExceededException", "Glue.AWSGlueException", "Glue.InternalServiceException"]) {
        let attempts = 0;
        const run = await runLocally(definition, {
          ...happyHandlers(),
          Preprocess: () => {
            if (++attempts < 3) throw awsError(name);
            return { Id: "jr_2", JobRunState: "SUCCEEDED" };
          },
        });
        assert.equal(run.error, undefined, `${name}: ${run.error?.message}`);
        assert.equal(calls(run, "Preprocess"), 3, name);
        assert.ok(run.calls.includes("Train"));
      }
    });

    it("a job that does not exist (EntityNotFoundException) fails at once", async () => {
      const run = await runLocally(definition, { ...happyHandlers(), Preprocess: () => { throw awsError("Glue.EntityNotFoundException"); } });
      assert.ok(run.error);
      assert.equal(calls(run, "Preprocess"), 1);
      assert.ok(run.calls.includes("NotifyFailure"));
    });
  });

  it("processing over several instances shards raw/ by key (each instance its files) and still gives every instance the script", async () => {
    const definition = definitionFor("prod", { preprocessing: { kind: "processing", instanceCount: 4 } });
    const run = await runLocally(definition, happyHandlers());
    assert.equal(run.error, undefined, run.error?.message);
    const p = run.inputs.Preprocess;
    assert.equal(p.ProcessingResources.ClusterConfig.InstanceCount, 4);
    const input = (name: string) => p.ProcessingInputs.find((i: any) => i.InputName === name).S3Input;
    assert.equal(input("raw").S3DataDistributionType, "ShardedByS3Key");
    assert.equal(input("code").S3DataDistributionType, "FullyReplicated");
    // Training reads the whole processed prefix, so it sees every host's data-<host>.csv.
    const train = run.inputs.Train.InputDataConfig.find((c: any) => c.ChannelName === "train").DataSource.S3DataSource;
    assert.equal(train.S3DataType, "S3Prefix");
    assert.equal(train.S3Uri, p.ProcessingOutputConfig.Outputs.find((o: any) => o.OutputName === "train").S3Output.S3Uri);
  });

  it("distributed training shards train/ by key over the instances and replicates validation; Dask on GPU replicates both", async () => {
    const channels = (stack: string, overrides: Record<string, unknown>) => {
      const p = (definitionFor(stack, overrides).States.Train as TaskState).Parameters as any;
      const of = (name: string) => p.InputDataConfig.find((c: any) => c.ChannelName === name).DataSource.S3DataSource.S3DataDistributionType;
      return { count: p.ResourceConfig.InstanceCount, train: of("train"), validation: of("validation") };
    };
    assert.deepEqual(channels("dev", {}), { count: 1, train: "FullyReplicated", validation: "FullyReplicated" });
    assert.deepEqual(channels("prod", { training: { instanceCount: 4 }, preprocessing: { kind: "processing", instanceCount: 4 } }), {
      count: 4, train: "ShardedByS3Key", validation: "FullyReplicated",
    });
    assert.deepEqual(channels("prod", { training: { instanceCount: 2, instanceType: "ml.g5.xlarge", hyperparameters: { use_dask_gpu_training: "true" } } }), {
      count: 2, train: "FullyReplicated", validation: "FullyReplicated",
    });
    // And it runs: spot checkpoints keep one prefix per run (the container writes them from rank 0 only).
    const definition = definitionFor("prod", { training: { instanceCount: 4 }, preprocessing: { kind: "processing", instanceCount: 4 } });
    const run = await runLocally(definition, happyHandlers());
    assert.equal(run.error, undefined, run.error?.message);
    assert.match(run.inputs.Train.CheckpointConfig.S3Uri, /\/artifacts\/checkpoints\/[0-9a-f]{32}\/$/);
  });

  it("local-NVMe training instances get no VolumeKmsKeyId (the API rejects it)", () => {
    const p = (definitionFor("prod", { training: { instanceType: "ml.g5.xlarge" } }).States.Train as TaskState).Parameters as any;
    assert.equal(p.ResourceConfig["VolumeKmsKeyId.$"], undefined);
    assert.ok(p.OutputDataConfig.KmsKeyId, "outputs stay encrypted");
  });
});

describe("intrinsic functions as Step Functions parses them", () => {
  // States.Format: "{}" is a placeholder; a literal brace must be escaped ("\\{"), or the call fails at run
  // time with "Invalid template" (a States.Runtime error nothing catches; aws/aws-cdk#29261 quotes the
  // service's message). The local engine accepts them, so the rule is checked here.
  it("every States.Format template holds only {} placeholders and escaped braces, in every definition", () => {
    const definitions = { dev: definitionFor("dev"), prod: definitionFor("prod"), monitoring: monitoringDefinitionFor("prod"), evaluation: evaluationDefinitionFor("prod") };
    const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : []);
    let templates = 0;
    for (const [label, definition] of Object.entries(definitions)) {
      for (const text of strings(definition)) {
        // A template: between the quotes after States.Format(, where a backslash escapes the next character (ASL intrinsic syntax).
        for (const m of text.matchAll(/States\.Format\('((?:[^'\\]|\\.)*)'/g)) {
          templates++;
          const stray = m[1].replace(/\\[{}]/g, "").replace(/\{\}/g, "");
          assert.ok(!/[{}]/.test(stray), `${label}: unescaped brace in States.Format('${m[1]}')`);
        }
      }
    }
    assert.ok(templates > 20, `${templates} templates checked`);
  });
});

describe("workflow diagram", () => {
  it("draws every state once and every transition of the definition", () => {
    const definition = definitionFor("prod");
    const text = mermaid(definition as any);
    assert.match(text, /^flowchart TD\n/);
    for (const [name, state] of Object.entries(definition.States)) {
      assert.equal(text.split("\n").filter((l) => new RegExp(`^  ${name}[\\[\\(\\{]`).test(l)).length, 1, `node ${name}`);
      if ("Next" in state && state.Next) assert.ok(text.includes(`  ${name} --> ${state.Next}`), `${name} → ${state.Next}`);
      if (state.Type === "Choice") assert.ok(text.includes(`  ${name} -->|default| ${state.Default}`), `${name} default`);
    }
    assert.ok(text.includes("  Train -.->|States.ALL| NotifyFailure"));
    assert.ok(text.includes("  FindEndpoint -.->|SageMaker.SageMakerException| EndpointMissing"));
    assert.ok(text.includes("  EndpointMissing --> CreateEndpoint") || text.includes("  EndpointMissing -->|"), "the not-found branch is drawn");
  });

  it("each Task node names its integration, so the diagram shows the engine the stack uses", () => {
    const node = (stack: string, overrides: Record<string, unknown>) => mermaid(definitionFor(stack, overrides) as any).split("\n").find((l) => l.startsWith("  Preprocess["));
    assert.equal(node("dev", {}), '  Preprocess["Preprocess<br/>lambda:invoke"]');
    assert.equal(node("prod", {}), '  Preprocess["Preprocess<br/>sagemaker:createProcessingJob.sync"]');
    assert.equal(node("prod", { preprocessing: { kind: "glue" } }), '  Preprocess["Preprocess<br/>glue:startJobRun.sync"]');
  });

  it("labels each Choice branch with its condition, read from the definition", () => {
    const definition = definitionFor("prod");
    const text = mermaid(definition as any);
    // Every rule of every Choice gets its own labelled edge (the labels' wording is checked
    // below against literals, not against the function that writes them).
    for (const [name, state] of Object.entries<any>(definition.States)) {
      if (state.Type !== "Choice") continue;
      const labelled = text.split("\n").filter((l) => l.startsWith(`  ${name} -->|"`));
      assert.equal(labelled.length, state.Choices.length, `${name}: one labelled edge per rule`);
      for (const rule of state.Choices) assert.ok(labelled.some((l) => l.endsWith(`| ${rule.Next}`) && !/-->\|""\|/.test(l)), `${name} → ${rule.Next}`);
    }
    assert.ok(text.includes(`  EndpointStatus -->|"$.endpoint.EndpointStatus == 'InService'"| InServiceOn`));
    const threshold = (definition.States.CheckObjective as any).Choices.find((c: any) => c.NumericGreaterThanEquals !== undefined);
    assert.ok(text.includes(`>= ${threshold.NumericGreaterThanEquals}"| BaselineData`), "the objective threshold is on the registering branch (prod baselines first)");
  });

  it("describes every kind of Choice rule: comparisons, paths, Is* tests, Not/And/Or, JSONata conditions", () => {
    assert.equal(describeChoiceRule({ Variable: "$.n", NumericLessThan: 3 }), "$.n < 3");
    assert.equal(describeChoiceRule({ Variable: "$.a", StringEqualsPath: "$.b" }), "$.a == $.b");
    assert.equal(describeChoiceRule({ Variable: "$.x", IsPresent: false }), "not IsPresent($.x)");
    assert.equal(describeChoiceRule({ Not: { Variable: "$.ok", BooleanEquals: true } }), "not ($.ok == true)");
    assert.equal(describeChoiceRule({ Or: [{ Variable: "$.s", StringEquals: "A" }, { Variable: "$.s", StringEquals: "B" }] }), "$.s in ('A', 'B')");
    assert.equal(describeChoiceRule({ And: [{ Or: [{ Variable: "$.a", IsNull: true }, { Variable: "$.b", IsNull: true }] }, { Variable: "$.c", TimestampGreaterThan: "2026-01-01T00:00:00Z" }] }), "$.c > '2026-01-01T00:00:00Z' and (IsNull($.a) or IsNull($.b))");
    assert.equal(describeChoiceRule({ Condition: "{% $states.input.score >= 0.8 %}" }), "$states.input.score >= 0.8");
  });
});

describe("workflow executed locally: tuned training (training.tuning)", () => {
  const TUNING = { enabled: true, maxTrainingJobs: 6, maxParallelTrainingJobs: 3, ranges: { continuous: { eta: { min: 0.1, max: 0.5 } }, integer: { max_depth: { min: 3, max: 10 } } } };
  const definition = definitionFor("prod", { ...AUTO_APPROVAL, training: { instanceType: "ml.m5.xlarge", tuning: TUNING } });
  const BEST = "ml-pipeline-prod-hp-0123456789ab-004-5c2a9e1f";
  /** The tuning job ends Completed with a best job (DescribeHyperParameterTuningJob's shape); the best job is described as Train's result would be. */
  const tunedHandlers = (bestAuc = 0.93, best: string | null = BEST): Record<string, Handler> => {
    const base = happyHandlers();
    return {
      ...base,
      Tune: (i) => ({
        HyperParameterTuningJobName: i.HyperParameterTuningJobName,
        HyperParameterTuningJobStatus: "Completed",
        ...(best ? { BestTrainingJob: { TrainingJobName: best, TrainingJobStatus: "Completed", FinalHyperParameterTuningJobObjectiveMetric: { MetricName: "validation:auc", Value: bestAuc } } } : {}),
      }),
      DescribeBestTrainingJob: (i) => ({ ...(base.Train({ TrainingJobName: i.TrainingJobName }) as object), FinalMetricDataList: metric(bestAuc) }),
    };
  };

  it("tunes instead of training, then carries the best job's model and metric through the gate, the registry and the deploy", async () => {
    const run = await runLocally(definition, tunedHandlers());
    assert.equal(run.error, undefined, run.error?.message);
    assert.ok(!run.calls.includes("Train"));
    assert.deepEqual(run.calls.slice(0, 4), ["ResolveStackKey", "Preprocess", "Tune", "DescribeBestTrainingJob"]);
    const tune = run.inputs.Tune;
    assert.match(tune.HyperParameterTuningJobName, /^ml-pipeline-prod-hp-[0-9a-f]{12}$/);
    assert.ok(tune.HyperParameterTuningJobName.length <= 32, "SageMaker's limit for tuning job names");
    assert.deepEqual(tune.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective, { Type: "Maximize", MetricName: "validation:auc" }, "the gate's metric and direction");
    // 2 rounds of 3 jobs, each up to spot's 7200 s wait plus 600 s of overhead: SageMaker stops the tuning job there.
    assert.deepEqual(tune.HyperParameterTuningJobConfig.ResourceLimits, { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 3, MaxRuntimeInSeconds: 2 * (7200 + 600) });
    assert.equal((definition.States.Tune as TaskState).TimeoutSeconds, 2 * (7200 + 600) + 900, "the state waits for SageMaker's own limit, plus slack");
    const job = tune.TrainingJobDefinition;
    assert.equal(job.ResourceConfig.VolumeKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333", "the stack key, resolved at run time as for one job");
    assert.deepEqual(Object.keys(job.StaticHyperParameters).sort(), ["eval_metric", "num_round", "objective"], "tuned hyperparameters (eta, max_depth) are not static");
    assert.equal(job.EnableNetworkIsolation, true);
    assert.equal(job.EnableInterContainerTrafficEncryption, true);
    assert.match(job.OutputDataConfig.KmsKeyId, /alias\/ml-pipeline-prod-data$/);
    assert.equal(job.CheckpointConfig, undefined, "parallel jobs would share a checkpoint prefix");
    assert.equal(run.inputs.DescribeBestTrainingJob.TrainingJobName, BEST);
    assert.equal(run.inputs.RegisterModel.InferenceSpecification.Containers[0].ModelDataUrl, `s3://b/artifacts/models/${BEST}/output/model.tar.gz`);
    assert.ok(run.calls.includes("UpdateEndpoint"));
    assert.match(run.inputs.NotifyDeployed.Message, /validation:auc = 0.93/);
  });

  it("the best job's metric decides the gate: below the threshold, nothing is registered or deployed", async () => {
    const run = await runLocally(definition, tunedHandlers(0.6));
    assert.equal(run.error, undefined, run.error?.message);
    assert.ok(!run.calls.includes("RegisterModel") && !run.calls.includes("UpdateEndpoint"));
    assert.match(run.inputs.NotifyNotDeployed.Message, /validation:auc = 0.6 does not meet the threshold 0.75/);
  });

  it("a tuning job that fails is notified with its cause, and is not retried", async () => {
    const run = await runLocally(definition, { ...tunedHandlers(), Tune: () => { throw awsError("States.TaskFailed", "No training job succeeded"); } });
    assert.ok(run.error, "execution failed");
    assert.equal(run.calls.filter((c) => c === "Tune").length, 1);
    assert.ok(!run.calls.includes("DescribeBestTrainingJob") && !run.calls.includes("RegisterModel"));
    assert.match(run.inputs.NotifyFailure.Message, /States.TaskFailed: No training job succeeded/);
  });

  it("a tuning job that ends without a best job fails the run with a message, not a runtime error", async () => {
    const run = await runLocally(definition, tunedHandlers(0.9, null));
    assert.ok(run.error, `execution failed: ${run.calls.join(", ")}`);
    assert.ok(!run.calls.includes("DescribeBestTrainingJob"));
    assert.match(run.inputs.NotifyFailure.Message, /NoBestTrainingJob: Tuning job ml-pipeline-prod-hp-[0-9a-f]{12} ended Completed without a best training job/);
  });
});
