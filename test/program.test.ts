/** The program under Pulumi's mock engine, for dev and prod: what it declares. */
import { strict as assert } from "assert";
import { ProgramError } from "../plan/src/engine/mockEngine";
import { actionsOf, json, runStack, stackAsDeclared, StackRun, Statement, T } from "./support/stacks";

describe("program under mocks", function () {
  const runs: Record<string, StackRun> = {};
  before(async () => {
    runs.dev = await stackAsDeclared("dev");
    runs.prod = await stackAsDeclared("prod");
  });

  for (const stack of ["dev", "prod"]) {
    describe(`${stack}: data bucket`, () => {
      it("has a deterministic physical name from project, stack and account", () => {
        assert.equal(runs[stack].one(T.bucket).inputs.bucket, `ml-pipeline-${stack}-data-123456789012`);
        assert.equal(runs[stack].outputs.bucketName, `ml-pipeline-${stack}-data-123456789012`);
      });

      it("is encrypted with the stack's customer-managed key (SSE-KMS, bucket key)", () => {
        const rule = (runs[stack].one(T.sse).inputs.rules as any[])[0];
        assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, `alias/ml-pipeline-${stack}-data`);
        assert.equal(rule.bucketKeyEnabled, true);
      });

      it("the key rotates and has a key policy allowing only this account and CloudWatch Logs/alarms in it", () => {
        const key = runs[stack].one(T.key).inputs;
        assert.equal(key.enableKeyRotation, true);
        const policy = json(key.policy);
        const principals = policy.Statement.map((s: Statement) => JSON.stringify(s.Principal));
        assert.ok(principals.includes(JSON.stringify({ AWS: "arn:aws:iam::123456789012:root" })));
        for (const s of policy.Statement as Statement[]) {
          if (JSON.stringify(s.Principal).includes("Service")) assert.ok(s.Condition, `service statement ${s.Sid} is conditioned`);
        }
        assert.equal(runs[stack].one(T.alias).inputs.name, `alias/ml-pipeline-${stack}-data`);
      });

      it("blocks public access in all four ways and enforces bucket-owner object ownership", () => {
        const pab = runs[stack].one(T.pab).inputs;
        for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(pab[k], true, k);
        assert.equal((runs[stack].one(T.ownership).inputs.rule as any).objectOwnership, "BucketOwnerEnforced");
      });

      it("is versioned", () => {
        assert.equal((runs[stack].one(T.versioning).inputs.versioningConfiguration as any).status, "Enabled");
      });

      it("denies any access without TLS, and TLS older than 1.2", () => {
        const policy = json(runs[stack].one(T.bucketPolicy).inputs.policy);
        const insecure = policy.Statement.find((s: Statement) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
        assert.ok(insecure);
        assert.equal(insecure.Effect, "Deny");
        assert.equal(insecure.Principal, "*");
        assert.equal(insecure.Action, "s3:*");
        assert.deepEqual(insecure.Resource, [`arn:aws:s3:::ml-pipeline-${stack}-data-123456789012`, `arn:aws:s3:::ml-pipeline-${stack}-data-123456789012/*`]);
        const oldTls = policy.Statement.find((s: Statement) => s.Condition?.NumericLessThan?.["s3:TlsVersion"] === "1.2");
        assert.equal(oldTls?.Effect, "Deny");
      });

      it("has lifecycle rules: noncurrent versions expire, multipart uploads abort, per-prefix rules", () => {
        const rules = runs[stack].one(T.lifecycle).inputs.rules as any[];
        const housekeeping = rules.find((r) => r.id === "whole-bucket-housekeeping");
        assert.ok(housekeeping.noncurrentVersionExpiration.noncurrentDays > 0);
        assert.ok(housekeeping.abortIncompleteMultipartUpload.daysAfterInitiation > 0);
        const prefixes = rules.filter((r) => r.filter?.prefix).map((r) => r.filter.prefix);
        for (const p of ["raw/", "processed/", "capture/"]) assert.ok(prefixes.includes(p), `rule for ${p}`);
        assert.ok(rules.every((r) => r.status === "Enabled"));
      });
    });

    describe(`${stack}: inference endpoint`, () => {
      it("has a deterministic name and is exported", () => {
        assert.equal(runs[stack].one(T.endpoint).inputs.name, `ml-pipeline-${stack}-endpoint`);
        assert.equal(runs[stack].outputs.endpointName, `ml-pipeline-${stack}-endpoint`);
      });

      it("never lets Pulumi call UpdateEndpoint: ignores every property the provider's update sends through it", () => {
        // pulumi/terraform-provider-aws, internal/service/sagemaker/endpoint.go, resourceEndpointUpdate:
        // `if d.HasChanges("endpoint_config_name", "deployment_config") { ... conn.UpdateEndpoint(...) }`
        // (Terraform's snake_case names, camelCase in Pulumi).
        const providerUpdateEndpointTriggers = ["endpointConfigName", "deploymentConfig"];
        const ignored = runs[stack].one(T.endpoint).options.ignoreChanges ?? [];
        for (const property of providerUpdateEndpointTriggers) assert.ok(ignored.includes(property), `${property} is ignored`);
      });

      it("serves the configured model artifact from the bucket, with the built-in image of the region", () => {
        const container = runs[stack].one(T.model).inputs.primaryContainer as any;
        assert.equal(container.modelDataUrl, `s3://ml-pipeline-${stack}-data-123456789012/artifacts/models/bootstrap/model.tar.gz`);
        assert.equal(container.image, "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1");
      });

      it("its role trusts only SageMaker on behalf of this account", () => {
        const trust = json(runs[stack].named("ml-pipeline-serving-role").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
        assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], "123456789012");
      });

      it("its role reads only the artifacts prefix and uses only the stack key; no wildcard action", () => {
        const policy = json(runs[stack].named("ml-pipeline-serving-role-policy").inputs.policy);
        const statements = policy.Statement as Statement[];
        for (const s of statements) {
          assert.equal(s.Effect, "Allow");
          for (const a of actionsOf(s)) assert.ok(!a.includes("*"), `no wildcard action: ${a}`);
        }
        const read = statements.find((s) => s.Sid === "ReadModelArtifacts")!;
        assert.equal(read.Resource, `arn:aws:s3:::ml-pipeline-${stack}-data-123456789012/artifacts/*`);
        const kms = statements.find((s) => s.Sid === "UseStackKey")!;
        assert.deepEqual(kms.Condition, { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/ml-pipeline-${stack}-data` } });
        const wildcardResources = statements.filter((s) => s.Resource === "*").map((s) => s.Sid).sort();
        assert.deepEqual(wildcardResources, ["EcrLogin", "PublishEndpointMetrics"], "only actions without resource-level permissions use Resource *");
      });

      it("encrypts at rest with the stack key where the API allows it", () => {
        const cfg = runs[stack].one(T.endpointConfig).inputs;
        const variant = (cfg.productionVariants as any[])[0];
        // dev is serverless, prod an EBS-backed type; the local-NVMe case (no key) is its own test below.
        assert.equal(variant.instanceType, { dev: undefined, prod: "ml.m5.large" }[stack]);
        assert.equal(cfg.kmsKeyArn, `arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-${stack}-data`);
      });
    });
  }

  describe("SageMaker log groups and the key's administrators", () => {
    it("declares the job and endpoint log groups with the stack key and retention", () => {
      for (const stack of ["dev", "prod"]) {
        const logGroups = runs[stack].ofType(T.logGroup).map((r) => r.inputs);
        const named = (name: string) => logGroups.find((l) => l.name === name);
        const expected = ["/aws/sagemaker/TrainingJobs", `/aws/sagemaker/Endpoints/ml-pipeline-${stack}-endpoint`, ...(stack === "prod" ? ["/aws/sagemaker/ProcessingJobs"] : [])];
        for (const name of expected) {
          const group = named(name);
          assert.ok(group, `${stack}: ${name} declared`);
          assert.equal(group.retentionInDays, stack === "prod" ? 365 : 14);
          assert.ok(group.kmsKeyId, `${stack}: ${name} encrypted`);
        }
        if (stack === "dev") assert.equal(named("/aws/sagemaker/ProcessingJobs"), undefined, "no processing jobs in dev");
      }
    });

    it("leaves the account-wide job log groups to another stack when told to", async () => {
      const run = await runStack("dev", { "ml-pipeline:monitoring": { declareJobLogGroups: false } });
      const names = run.ofType(T.logGroup).map((r) => r.inputs.name);
      assert.ok(!names.includes("/aws/sagemaker/TrainingJobs"));
      assert.ok(names.includes("/aws/sagemaker/Endpoints/ml-pipeline-dev-endpoint"), "the endpoint's own group stays");
    });

    it("names key administrators next to the account root statement", async () => {
      const admin = "arn:aws:iam::123456789012:role/KeyAdmins";
      const run = await runStack("dev", { "ml-pipeline:dataBucket": { keyAdministrators: [admin] } });
      const statements = json(run.one(T.key).inputs.policy).Statement;
      const admins = statements.find((s: any) => s.Sid === "KeyAdministrators");
      assert.deepEqual(admins.Principal, { AWS: [admin] });
      assert.ok(admins.Action.includes("kms:ScheduleKeyDeletion") && !admins.Action.includes("kms:Decrypt"), "manage, not use");
      assert.ok(statements.some((s: any) => s.Principal?.AWS === "arn:aws:iam::123456789012:root" && s.Action === "kms:*"), "the root statement stays");
      assert.equal(json(runs.dev.one(T.key).inputs.policy).Statement.find((s: any) => s.Sid === "KeyAdministrators"), undefined, "none by default");
    });
  });

  describe("dev specifics", () => {
    it("serves from a serverless variant sized from config, so idle hosting costs nothing", () => {
      const variant = (runs.dev.one(T.endpointConfig).inputs.productionVariants as any[])[0];
      assert.deepEqual(variant.serverlessConfig, { memorySizeInMb: 2048, maxConcurrency: 5 });
      assert.equal(variant.instanceType, undefined);
      assert.equal(runs.dev.one(T.endpointConfig).inputs.dataCaptureConfig, undefined);
    });

    it("has no autoscaling, no blue/green, no alarms (serverless)", () => {
      assert.equal(runs.dev.ofType(T.scalingTarget).length, 0);
      assert.equal(runs.dev.ofType(T.alarm).length, 0);
      assert.equal(runs.dev.one(T.endpoint).inputs.deploymentConfig, undefined);
    });

    it("bucket and key are disposable: forceDestroy, not protected", () => {
      assert.equal(runs.dev.one(T.bucket).inputs.forceDestroy, true);
      assert.notEqual(runs.dev.one(T.bucket).options.protect, true);
      assert.notEqual(runs.dev.one(T.key).options.retainOnDelete, true);
    });
  });

  describe("prod specifics", () => {
    it("bucket and key survive destroy and refuse replacement", () => {
      for (const t of [T.bucket, T.key]) {
        assert.equal(runs.prod.one(t).options.protect, true, `${t} protect`);
        assert.equal(runs.prod.one(t).options.retainOnDelete, true, `${t} retainOnDelete`);
      }
      assert.equal(runs.prod.one(T.bucket).inputs.forceDestroy, false);
    });

    it("serves from instances of the configured type and count", () => {
      const variant = (runs.prod.one(T.endpointConfig).inputs.productionVariants as any[])[0];
      assert.equal(variant.instanceType, "ml.m5.large");
      assert.equal(variant.initialInstanceCount, 2);
      assert.equal(variant.serverlessConfig, undefined);
    });

    it("autoscales the variant between min and max on invocations per instance", () => {
      const target = runs.prod.one(T.scalingTarget).inputs;
      assert.equal(target.resourceId, "endpoint/ml-pipeline-prod-endpoint/variant/primary");
      assert.equal(target.scalableDimension, "sagemaker:variant:DesiredInstanceCount");
      assert.equal(target.minCapacity, 2);
      assert.equal(target.maxCapacity, 6);
      const policy = runs.prod.one(T.scalingPolicy).inputs as any;
      assert.equal(policy.policyType, "TargetTrackingScaling");
      assert.equal(policy.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, "SageMakerVariantInvocationsPerInstance");
    });

    it("deploys blue/green with canary traffic shifting and rolls back on the alarms it creates", () => {
      const dc = runs.prod.one(T.endpoint).inputs.deploymentConfig as any;
      assert.equal(dc.blueGreenUpdatePolicy.trafficRoutingConfiguration.type, "CANARY");
      assert.deepEqual(dc.blueGreenUpdatePolicy.trafficRoutingConfiguration.canarySize, { type: "CAPACITY_PERCENT", value: 10 });
      // The endpoint's own alarms (the drift alarm is not one SageMaker rolls back on).
      const endpointAlarms = runs.prod.ofType(T.alarm).filter((a) => a.inputs.namespace === "AWS/SageMaker");
      assert.deepEqual(dc.autoRollbackConfiguration.alarms.map((a: any) => a.alarmName).sort(), endpointAlarms.map((a) => a.inputs.name).sort());
      const metrics = endpointAlarms.map((a) => a.inputs.metricName).sort();
      assert.deepEqual(metrics, ["Invocation5XXErrors", "ModelLatency"]);
      const latency = endpointAlarms.find((a) => a.inputs.metricName === "ModelLatency")!;
      assert.equal(latency.inputs.threshold, 500_000, "500 ms in microseconds");
    });

    it("captures a sample of requests to the bucket, encrypted with the key", () => {
      const capture = runs.prod.one(T.endpointConfig).inputs.dataCaptureConfig as any;
      assert.equal(capture.enableCapture, true);
      assert.equal(capture.initialSamplingPercentage, 10);
      assert.equal(capture.destinationS3Uri, "s3://ml-pipeline-prod-data-123456789012/capture/ml-pipeline-prod-endpoint");
      assert.equal(capture.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-prod-data");
      const policy = json(runs.prod.named("ml-pipeline-serving-role-policy").inputs.policy);
      const write = policy.Statement.find((s: Statement) => s.Sid === "WriteDataCapture");
      assert.equal(write.Resource, "arn:aws:s3:::ml-pipeline-prod-data-123456789012/capture/*");
    });

    it("isolates the model from the network", () => {
      assert.equal(runs.prod.one(T.model).inputs.enableNetworkIsolation, true);
    });
  });

  describe("tags", () => {
    it("every taggable resource carries the stack tags and the standard ones", () => {
      for (const stack of ["dev", "prod"]) {
        const tagged = runs[stack].resources.filter((r) => r.custom && "tags" in r.inputs);
        assert.ok(tagged.length >= 6);
        for (const r of tagged) {
          const tags = r.inputs.tags as Record<string, string>;
          assert.equal(tags.environment, stack, r.urn);
          assert.equal(tags["ml-pipeline:stack"], stack, r.urn);
        }
      }
    });
  });
});

describe("program: variants of the config", () => {
  it("day one: with no model artifact configured, no endpoint is declared and the rest is", async () => {
    const run = await runStack("dev", { "ml-pipeline:endpoint": { kind: "serverless" } });
    for (const t of [T.model, T.endpointConfig, T.endpoint]) assert.equal(run.ofType(t).length, 0, t);
    assert.equal(run.ofType(T.bucket).length, 1);
    assert.equal(run.outputs.endpointDeclared, false);
    assert.equal(run.outputs.endpointName, "ml-pipeline-dev-endpoint", "the name the first workflow run will create");
    assert.equal(run.ofType(T.stateMachine).length, 1, "the workflow is there to create the endpoint");
    // With the execution role the workflow's first CreateModel names, and the endpoint's encrypted log group.
    const definition = json(run.one(T.stateMachine).inputs.definition);
    const roleArn = definition.States.CreateModel.Parameters.ExecutionRoleArn;
    const role = run.ofType(T.role).find((r) => r.inputs.name === roleArn.split("/").pop());
    assert.ok(role, `the role ${roleArn} is declared`);
    assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
    const logs = run.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === "/aws/sagemaker/Endpoints/ml-pipeline-dev-endpoint");
    assert.ok(logs?.inputs.kmsKeyId, "the endpoint's log group, with the stack key");
  });

  it("day one of an instance endpoint: the rollback alarms the workflow's first deploy names are declared too", async () => {
    const run = await runStack("prod", { "ml-pipeline:endpoint": { kind: "instance", instanceType: "ml.m5.large" } });
    assert.equal(run.ofType(T.endpoint).length, 0);
    const definitions = run.ofType(T.stateMachine).map((m) => String(m.inputs.definition)).join("\n");
    const named = [...new Set([...definitions.matchAll(/"AlarmName":\s*"([^"]+)"/g)].map((m) => m[1]))];
    const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name);
    assert.ok(named.length >= 2, `the deploy names its rollback alarms: ${definitions.slice(0, 200)}`);
    for (const alarm of named) assert.ok(alarms.includes(alarm), `${alarm} is declared (${alarms.join(", ")})`);
  });

  it("an instance type with local NVMe storage gets no KMS key on the endpoint config (the API rejects it)", async () => {
    const run = await runStack("prod", { "ml-pipeline:endpoint": { modelDataKey: "artifacts/m/model.tar.gz", instanceType: "ml.g4dn.xlarge" } });
    const cfg = run.one(T.endpointConfig).inputs;
    assert.equal((cfg.productionVariants as any[])[0].instanceType, "ml.g4dn.xlarge");
    assert.equal(cfg.kmsKeyArn, undefined);
    assert.ok((cfg.dataCaptureConfig as any).kmsKeyId, "data capture is still encrypted with the key");
  });

  it("linear traffic shifting sets linearStepSize", async () => {
    const run = await runStack("prod", {
      "ml-pipeline:endpoint": { modelDataKey: "artifacts/m/model.tar.gz", deployment: { trafficRouting: "LINEAR", stepPercent: 25 } },
    });
    const routing = (run.one(T.endpoint).inputs.deploymentConfig as any).blueGreenUpdatePolicy.trafficRoutingConfiguration;
    assert.equal(routing.type, "LINEAR");
    assert.deepEqual(routing.linearStepSize, { type: "CAPACITY_PERCENT", value: 25 });
    assert.equal(routing.canarySize, undefined);
  });

  it("a bad config stops the program with the clear message and declares no resource at all", async () => {
    await assert.rejects(
      runStack("prod", { "ml-pipeline:endpoint": { modelDataKey: "artifacts/m/model.tar.gz", instanceType: "ml.t3.medium" } }),
      (e: unknown) => {
        assert.ok(e instanceof ProgramError);
        assert.match(e.message, /ml-pipeline:endpoint.instanceType = "ml.t3.medium": not a SageMaker hosting instance type/);
        assert.deepEqual(e.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), [], "nothing half-declared");
        return true;
      },
    );
  });

  it("at the first preview (no computed outputs), IAM and encryption settings are already known", async () => {
    const run = await stackAsDeclared("prod", true);
    const policy = run.named("ml-pipeline-serving-role-policy").inputs.policy;
    assert.equal(typeof policy, "string", "role policy known");
    const cfg = run.one(T.endpointConfig).inputs;
    assert.equal(cfg.kmsKeyArn, "arn:aws:kms:us-east-1:123456789012:alias/ml-pipeline-prod-data");
    assert.equal((cfg.productionVariants as any[])[0].instanceType, "ml.m5.large");
    assert.equal(typeof run.one(T.bucketPolicy).inputs.policy, "string", "bucket policy known");
  });
});
