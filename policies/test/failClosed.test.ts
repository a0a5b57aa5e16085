/**
 * Fail closed: every input a rule cannot read or that grants more than it looks like gets
 * a violation (or an explicit "cannot check"), never a pass; and no rule throws on odd
 * props (one crash would abort the whole plan).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ResourceValidationPolicy, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { allRules } from "../rules";
import { TYPES } from "../lib/resources";
import { checkResource, checkStack } from "./support/check";

const policy = (name: string) => allRules.find((r) => r.policy.name === name)!.policy as ResourceValidationPolicy;
const stackPolicy = (name: string) => allRules.find((r) => r.policy.name === name)!.policy as StackValidationPolicy;
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SFN = "aws:sfn/stateMachine:StateMachine";
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const findings = (rule: string, type: string, props: Record<string, unknown>, knobs?: Record<string, unknown>) => checkResource(policy(rule), { type, name: "x", props }, knobs);
const definition = (states: Record<string, unknown>) => JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
const trainingTask = (parameters: Record<string, unknown>) => ({ Type: "Task", Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync", Parameters: parameters, End: true });

describe("fail closed: IAM matched as IAM matches", () => {
  // Each with the cause its one finding must name (not merely "some finding").
  const cases: [string, string, unknown, RegExp][] = [
    ["iam-passrole-restricted", "iam:passrole, any case", { Effect: "Allow", Action: "iam:passrole", Resource: "arn:aws:iam::123456789012:role/x" }, /allows iam:PassRole without an iam:PassedToService condition/],
    ["iam-passrole-restricted", "iam:Pass* glob on every role", { Effect: "Allow", Action: "iam:Pass*", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } }, /allows iam:PassRole \(iam:Pass\*\) on \*; name each role by its full ARN/],
    ["iam-passrole-restricted", "PassRole on every IAM resource of the account", { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:*", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } }, /on arn:aws:iam::123456789012:\*; name each role by its full ARN/],
    ["iam-passrole-restricted", "PassRole on a role pattern", { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/*-admin", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } }, /on arn:aws:iam::123456789012:role\/\*-admin; name each role by its full ARN/],
    ["iam-no-wildcard-actions", "*:*", { Effect: "Allow", Action: "*:*", Resource: "arn:aws:s3:::b" }, /allows \*:\*; list the actions it needs/],
    ["iam-no-wildcard-actions", "iam:Create* on *", { Effect: "Allow", Action: "iam:Create*", Resource: "*" }, /allows iam:Create\* on every resource, which includes escalating its own privileges/],
    ["iam-no-wildcard-actions", "iam:Put* on *", { Effect: "Allow", Action: ["s3:GetObject", "iam:Put*"], Resource: ["*"] }, /allows iam:Put\* on every resource, which includes escalating its own privileges/],
    ["iam-no-wildcard-actions", "S3:* in capitals", { Effect: "Allow", Action: "S3:*", Resource: "arn:aws:s3:::b" }, /allows S3:\*; list the actions it needs/],
  ];
  for (const [rule, what, statement, cause] of cases) {
    it(`${rule}: ${what}`, () => {
      const found = findings(rule, ROLE_POLICY, { policy: doc(statement) });
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0], cause);
    });
  }

  it("iam-no-managed-full-access: AdministratorAccess-Amplify and other managed admin policies", () => {
    for (const arn of ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify", "arn:aws:iam::aws:policy/job-function/SystemAdministrator", "arn:aws:iam::aws:policy/IAMFullAccess"]) {
      assert.equal(findings("iam-no-managed-full-access", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: arn }).length, 1, arn);
    }
    assert.equal(findings("iam-no-managed-full-access", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }).length, 0);
  });

  it("iam-trust-policy-restricted: anyone, or a service for any account, is refused; narrowed ones pass", () => {
    const trust = (statement: unknown) => findings("iam-trust-policy-restricted", "aws:iam/role:Role", { assumeRolePolicy: doc(statement) });
    assert.equal(trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }).length, 1);
    assert.equal(trust({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }).length, 1);
    assert.equal(trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }).length, 0);
    assert.match(trust({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" })[0], /lets states.amazonaws.com assume the role for any account/);
    assert.equal(trust({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }).length, 0);
    assert.equal(trust({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }).length, 0, "Lambda documents no source keys for execution roles");
  });
});

describe("fail closed: SageMaker values only known at run time", () => {
  it("an instance count given as a JSONPath is a violation, not unchecked", () => {
    const def = definition({ Train: trainingTask({ ResourceConfig: { InstanceType: "ml.m5.large", "InstanceCount.$": "$.count" } }) });
    assert.match(findings("sagemaker-job-instance-types", SFN, { definition: def }).join("\n"), /instance count is set at run time/);
  });

  it("a tuning job whose training definition is a JSONPath is a violation", () => {
    const def = definition({ Tune: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", Parameters: { "TrainingJobDefinition.$": "$.def" }, End: true } });
    assert.match(findings("sagemaker-job-instance-types", SFN, { definition: def }).join("\n"), /TrainingJobDefinition \(a JSONPath\): the training instance type is set at run time/);
  });

  it("a maximum runtime given as a JSONPath cannot be costed, and says so", () => {
    const def = definition({ Train: trainingTask({ ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1 }, StoppingCondition: { "MaxRuntimeInSeconds.$": "$.max" } }) });
    const v = checkStack(stackPolicy("monthly-cost-limit"), [{ type: SFN, name: "sm", urn: "urn:sm", props: { name: "sm", definition: def } }]);
    assert.match(v.map((x) => x.message).join("\n"), /cost of Train cannot be bounded: MaxRuntimeInSeconds is set at run time/);
  });

  it("an aws-sdk SageMaker API the job rules cannot read is reported by each of them", () => {
    const def = definition({ Notebook: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sagemaker:createNotebookInstance", Parameters: { InstanceType: "ml.p3.16xlarge" }, End: true } });
    for (const rule of ["sagemaker-job-instance-types", "sagemaker-job-encryption"]) {
      assert.match(findings(rule, SFN, { definition: def }).join("\n"), /calls sagemaker:createNotebookInstance, whose .* this pack cannot check/, rule);
    }
  });

  it("a createModel task without network isolation is held to sagemaker-network-isolation", () => {
    const def = definition({ Model: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createModel", Parameters: { ModelName: "m", ExecutionRoleArn: "r" }, End: true } });
    assert.match(findings("sagemaker-network-isolation", SFN, { definition: def }).join("\n"), /state Model \(createModel\): set EnableNetworkIsolation: true/);
  });

  it("a definition that is not JSON is reported by every rule that reads definitions, on its own", () => {
    for (const rule of ["sagemaker-job-instance-types", "sagemaker-job-encryption", "sagemaker-network-isolation", "instance-hourly-price-limit"]) {
      assert.match(findings(rule, SFN, { definition: "{not json" }).join("\n"), new RegExp(`not valid JSON, so ${rule} cannot check`), rule);
    }
  });
});

describe("fail closed: Glue runs a definition starts", () => {
  const GLUE_SETTINGS = ["JobName", "WorkerType", "NumberOfWorkers", "Timeout", "SecurityConfiguration", "MaxCapacity"] as const;
  it("any run setting given as a JSONPath, through either integration and at any nesting, is a violation (property-based)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...GLUE_SETTINGS), fc.constantFrom("glue:startJobRun.sync", "glue:startJobRun", "aws-sdk:glue:startJobRun"), fc.boolean(), (key, integration, nested) => {
        const task = { Type: "Task", Resource: `arn:aws:states:::${integration}`, Parameters: { JobName: "prep", [`${key}.$`]: "$.x", ...(key === "JobName" ? { JobName: undefined } : {}) }, End: true };
        const states = nested ? { Fan: { Type: "Map", ItemProcessor: { StartAt: "Run", States: { Run: task } }, End: true } } : { Run: task };
        const sm = { type: SFN, name: "x", urn: "urn:sm", props: { name: "x", definition: definition(states) } };
        const messages =
          key === "SecurityConfiguration"
            ? checkStack(stackPolicy("glue-job-encryption"), [sm]).map((v) => v.message)
            : findings("glue-job-workers", SFN, sm.props);
        return messages.some((m) => m.includes(`sets ${key} at run time`));
      }),
      { numRuns: 60 },
    );
  });
});

describe("fail closed: odd values", () => {
  it("a log group with retentionInDays 0 keeps logs forever", () => {
    assert.match(findings("cloudwatch-log-group-kms", "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", retentionInDays: 0 }).join(), /never expires/);
  });

  it("null variants, null inline policies and a Branches object do not crash a rule", () => {
    assert.doesNotThrow(() => findings("sagemaker-endpoint-instance-types", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [null] }));
    assert.doesNotThrow(() => findings("sagemaker-endpoint-config-kms", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [null] }));
    assert.doesNotThrow(() => findings("iam-no-wildcard-actions", "aws:iam/role:Role", { inlinePolicies: [null] }));
    const branches = JSON.stringify({ StartAt: "P", States: { P: { Type: "Parallel", Branches: { A: 1 }, End: true } } });
    assert.doesNotThrow(() => findings("sagemaker-job-instance-types", SFN, { definition: branches }));
  });

  it("a value whose toString is not a function (valid wire data) is reported, not a crash: fast-check's counterexample for glue-job-workers", () => {
    // Seed -1622842249 of the property below found it: String() on such a value throws.
    const odd = { toString: 0 };
    assert.deepEqual(findings("glue-job-workers", "aws:glue/job:Job", { workerType: [odd], numberOfWorkers: 2, timeout: 60 }), ['Job "x" sets workerType to a list ({"toString":0}), not a worker type name; allowed: G.1X, G.2X, G.4X, G.8X (policy config allowedWorkerTypes).']);
    assert.match(findings("glue-job-workers", "aws:glue/job:Job", { maxCapacity: odd, timeout: 60 }).join(), /sizes the job by maxCapacity \(\{"toString":0\} DPUs\)/);
    assert.match(findings("glue-job-workers", "aws:glue/job:Job", { workerType: ["G.1X"], numberOfWorkers: 2, timeout: 60 }).join(), /sets workerType to a list \(G\.1X\), not a worker type name/, "a list is not a worker type, even of an allowed one");
    const principalDocument = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: [odd] }, Action: "sqs:SendMessage", Resource: "*" }] });
    assert.doesNotThrow(() => findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: principalDocument }));
  });

  it("no rule throws on such a value anywhere it reads one: each statement field, each prop, alone and in a list", () => {
    // Placed deliberately, where the property below reaches only by chance: the statements
    // that reach each rule's message (a wildcard, iam:PassRole, a public or cross-account
    // principal, a trust statement) with the value as Sid, action, resource, principal or
    // condition; and every prop the rules and the cost estimate read.
    const odd = { toString: 0 };
    const statements: Record<string, unknown>[] = [];
    for (const base of [
      { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" },
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": "1" } } },
    ]) {
      for (const key of ["Sid", "Action", "NotAction", "Resource", "NotResource", "Principal", "Condition"]) for (const value of [odd, [odd]]) statements.push({ ...base, [key]: value });
      statements.push({ ...base, Principal: { AWS: [odd, "arn:aws:iam::999999999999:root"], Service: [odd] }, Sid: odd });
    }
    const props: Record<string, unknown>[] = [];
    for (const statement of statements) props.push({ policy: doc(statement), assumeRolePolicy: doc(statement), inlinePolicies: [{ name: "n", policy: doc(statement) }], bucket: "b", queueUrl: "q", role: "r" });
    const read = ["definition", "productionVariants", "dataCaptureConfig", "kmsKeyArn", "kmsKeyId", "retentionInDays", "environment", "managedPolicyArns", "loggingConfiguration", "tracingConfiguration", "enableNetworkIsolation", "resourceConfig", "stoppingCondition", "kmsMasterKeyId", "enableKeyRotation", "rules", "workerType", "numberOfWorkers", "timeout", "maxCapacity", "command", "securityConfiguration", "encryptionConfiguration", "instanceType", "directInternetAccess", "rootAccess", "readCapacity", "writeCapacity", "memorySize", "serverlessConfig", "tags"];
    for (const key of read) for (const value of [odd, [odd], { a: odd }]) props.push({ [key]: value });
    const types = Object.values(TYPES).flat() as string[];
    for (const rule of allRules) {
      const p = rule.policy;
      for (const ps of props) {
        try {
          if ("validateStack" in p) checkStack(p as StackValidationPolicy, types.map((type, i) => ({ type, name: `r${i}`, urn: `urn:r${i}`, props: ps })));
          else for (const type of rule.types ?? []) checkResource(p as ResourceValidationPolicy, { type, name: "x", props: ps });
        } catch (e) {
          if (!(e instanceof UnknownValueError)) assert.fail(`${p.name} on ${JSON.stringify(ps)}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("no rule throws on arbitrary props of the types it reads (property-based)", () => {
    const value = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.boolean(), fc.constant("{not json"), fc.constant(doc({ Effect: "Allow", Action: "*", Resource: "*" })), fc.array(fc.oneof(fc.constant(null), fc.object())), fc.object());
    const props = fc.dictionary(
      fc.constantFrom("definition", "policy", "assumeRolePolicy", "inlinePolicies", "productionVariants", "dataCaptureConfig", "kmsKeyArn", "kmsKeyId", "retentionInDays", "environment", "managedPolicyArns", "policyArn", "loggingConfiguration", "tracingConfiguration", "enableNetworkIsolation", "resourceConfig", "stoppingCondition", "kmsMasterKeyId", "enableKeyRotation", "bucket", "rules", "name", "workerType", "numberOfWorkers", "timeout", "maxCapacity", "securityConfiguration", "encryptionConfiguration", "actions", "schedule", "type"),
      value,
    );
    for (const rule of allRules) {
      const p = rule.policy;
      if ("validateStack" in p) {
        const stack = p as StackValidationPolicy;
        fc.assert(
          fc.property(fc.array(fc.record({ type: fc.constantFrom(...Object.values(TYPES).flat()), props }), { maxLength: 5 }), (resources) => {
            try {
              checkStack(stack, resources.map((r, i) => ({ ...r, name: `r${i}`, urn: `urn:r${i}` })));
            } catch (e) {
              if (!(e instanceof UnknownValueError)) throw e;
            }
          }),
          { numRuns: 150 },
        );
        continue;
      }
      // Drawn from the rule's own types: every run reaches its validation (from all types, a
      // one-type rule would be exercised in a few runs of 150).
      assert.ok(rule.types && rule.types.length > 0, `${p.name} declares the types it reads`);
      fc.assert(
        fc.property(fc.constantFrom(...rule.types), props, (type, ps) => {
          try {
            checkResource(p as ResourceValidationPolicy, { type, name: "x", props: ps });
          } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
          }
        }),
        { numRuns: 150 },
      );
    }
  });
});

describe("fail closed: resource-based policies and unscoped resources", () => {
  const publicStatement = (actions: string | string[], extra: Record<string, unknown> = {}) => doc({ Effect: "Allow", Principal: "*", Action: actions, ...extra });
  it("a world-writable ECR repository policy is refused, and so is a public read (S3's meaning of public, Checkov CKV_AWS_70, cdk-nag AwsSolutions-S5): a website is a suppression with a reason", () => {
    const repo = findings("resource-policy-not-public", "aws:ecr/repositoryPolicy:RepositoryPolicy", {
      repository: "r",
      policy: publicStatement(["ecr:PutImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy", "ecr:BatchGetImage"]),
    });
    assert.match(repo.join(), /lets anyone ecr:PutImage, ecr:DeleteRepository, ecr:SetRepositoryPolicy/);
    const site = { bucket: "site", policy: publicStatement("s3:GetObject", { Resource: "arn:aws:s3:::site/*" }) };
    assert.match(findings("resource-policy-not-public", "aws:s3/bucketPolicy:BucketPolicy", site).join(), /lets anyone s3:GetObject \(a public read: S3 and Checkov count it as public\).*suppress this finding with the reason/);
    assert.match(findings("resource-policy-not-public", "aws:secretsmanager/secretPolicy:SecretPolicy", { secretArn: "s", policy: publicStatement("secretsmanager:GetSecretValue") }).join(), /lets anyone secretsmanager:GetSecretValue \(a public read/);
    assert.match(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: publicStatement("sqs:ReceiveMessage") }).join(), /lets anyone sqs:ReceiveMessage/);
    const suppressed = findings("resource-policy-not-public", "aws:s3/bucketPolicy:BucketPolicy", site, { suppressions: [{ resource: "x", reason: "the public website's pages, public by design" }] });
    assert.deepEqual(suppressed, [], "suppressed (reported as not applicable with the reason)");
  });

  it("a whole-service action for a * principal is too broad even narrowed to a source (Checkov CKV_AWS_72)", () => {
    const all = publicStatement(["sqs:*"], { Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t" } } });
    assert.match(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: all }).join(), /narrowed by its condition, do sqs:\*: every action of the service/);
    const star = publicStatement("*", { Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
    assert.equal(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: star }).length, 1);
  });

  it("a public statement narrowed by a condition passes; NotAction and unknown services do not", () => {
    const narrowed = publicStatement("sqs:SendMessage", { Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t" } } });
    assert.deepEqual(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: narrowed }), []);
    assert.equal(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, NotAction: "sqs:DeleteQueue" }) }).length, 1);
    assert.equal(findings("resource-policy-not-public", "aws:sns/topicPolicy:TopicPolicy", { arn: "t", policy: publicStatement("mystery:DoThings") }).length, 1);
    // A wildcard in what the condition names narrows nothing: any account starting with 1, any bucket, any organization.
    for (const condition of [{ StringLike: { "aws:SourceAccount": "1*" } }, { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } }, { StringLike: { "aws:PrincipalOrgID": "o-*" } }]) {
      assert.equal(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: publicStatement("sqs:SendMessage", { Condition: condition }) }).length, 1, JSON.stringify(condition));
    }
    const ownTopic = publicStatement("sqs:SendMessage", { Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:*" } } });
    assert.deepEqual(findings("resource-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "q", policy: ownTopic }), [], "a wildcard after a named account still narrows to that account");
  });

  it("a bucket's or a queue's inline policy is read (Checkov CKV_AWS_70 reads the bucket's)", () => {
    const open = publicStatement(["s3:PutObject", "s3:DeleteObject"], { Resource: "arn:aws:s3:::b/*" });
    assert.match(findings("resource-policy-not-public", "aws:s3/bucket:Bucket", { bucket: "b", policy: open }).join(), /lets anyone s3:PutObject, s3:DeleteObject/);
    assert.match(findings("resource-policy-not-public", "aws:s3/bucketV2:BucketV2", { bucket: "b", policy: open }).join(), /lets anyone/);
    assert.deepEqual(findings("resource-policy-not-public", "aws:s3/bucket:Bucket", { bucket: "b" }), [], "a bucket without an inline policy");
    assert.match(findings("resource-policy-not-public", "aws:sqs/queue:Queue", { name: "q", policy: publicStatement("sqs:SendMessage") }).join(), /lets anyone sqs:SendMessage/);
  });

  /**
   * Conditions judged by their meaning, refereed by an IAM policy simulator
   * (@cloud-copilot/iam-simulate): a statement "narrows" exactly when a stranger (a role of
   * another account, calling directly, so without aws:SourceAccount or aws:SourceArn) is
   * denied by it. The rule must flag exactly the statements the stranger gets through.
   */
  it("a condition narrows only if a stranger is denied by it: negated operators, IfExists, ForAllValues and any-account values do not (IAM simulator)", async () => {
    const { runSimulation } = require("@cloud-copilot/iam-simulate");
    const OWNER = "123456789012";
    const STRANGER = "arn:aws:iam::999999999999:role/uploader";
    const conditions: [string, Record<string, Record<string, unknown>>][] = [
      ["StringEquals aws:SourceAccount (owner)", { StringEquals: { "aws:SourceAccount": OWNER } }],
      ["StringNotEquals aws:SourceAccount (owner)", { StringNotEquals: { "aws:SourceAccount": OWNER } }],
      ["StringEqualsIfExists aws:SourceAccount (owner)", { StringEqualsIfExists: { "aws:SourceAccount": OWNER } }],
      ["ArnLike aws:SourceArn (owner's topic)", { ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWNER}:uploads` } }],
      ["ArnNotLike aws:SourceArn (owner's topic)", { ArnNotLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OWNER}:uploads` } }],
      ["ArnLike aws:PrincipalArn (any account's role/uploader)", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/uploader" } }],
      ["ArnLike aws:PrincipalArn (owner's role/uploader)", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${OWNER}:role/uploader` } }],
      ["StringEquals aws:PrincipalOrgID", { StringEquals: { "aws:PrincipalOrgID": "o-abcdef1234" } }],
      ["ForAllValues:StringEquals aws:PrincipalOrgPaths", { "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": ["o-abcdef1234/r-ab12/ou-ab12-11111111/"] } }],
      ["StringLike aws:SourceAccount *", { StringLike: { "aws:SourceAccount": "*" } }],
    ];
    const disagreements: string[] = [];
    // Two ways a stranger calls: directly (no aws:SourceAccount or aws:SourceArn in the request), or through a service acting for its own resource.
    const strangers = [
      { principal: STRANGER, context: { "aws:PrincipalArn": STRANGER, "aws:PrincipalAccount": "999999999999" }, identity: true },
      { principal: "sns.amazonaws.com", context: { "aws:SourceAccount": "999999999999", "aws:SourceArn": "arn:aws:sns:us-east-1:999999999999:uploads" }, identity: false },
    ];
    for (const [label, condition] of conditions) {
      const statement = { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::owner-bucket/*", Condition: condition };
      const policy = { Version: "2012-10-17", Statement: [statement] };
      const results: string[] = [];
      for (const stranger of strangers) {
        const response: any = await runSimulation(
          {
            request: { principal: stranger.principal, action: "s3:PutObject", resource: { resource: "arn:aws:s3:::owner-bucket/upload.csv", accountId: OWNER }, contextVariables: stranger.context },
            identityPolicies: stranger.identity ? [{ name: "stranger", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] } }] : [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
          },
          {},
        );
        assert.notEqual(response.resultType, "error", `${label}: ${JSON.stringify(response.errors)}`);
        results.push(response.overallResult);
      }
      const strangerGetsIn = results.includes("Allowed");
      const flagged = findings("resource-policy-not-public", "aws:s3/bucketPolicy:BucketPolicy", { bucket: "owner-bucket", policy: JSON.stringify(policy) }).length > 0;
      if (flagged !== strangerGetsIn) disagreements.push(`${label}: simulator ${results.join("/")}, rule ${flagged ? "flags" : "passes"}`);
    }
    assert.deepEqual(disagreements, []);
  });

  it("Lambda permissions: anyone is refused; a service needs its source", () => {
    const permission = (props: Record<string, unknown>) => findings("resource-policy-not-public", "aws:lambda/permission:Permission", { action: "lambda:InvokeFunction", function: "f", ...props });
    assert.match(permission({ principal: "*" }).join(), /lets anyone call lambda:InvokeFunction/);
    assert.match(permission({ principal: "s3.amazonaws.com" }).join(), /lets s3.amazonaws.com call the function for any account/);
    assert.deepEqual(permission({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b", sourceAccount: "123456789012" }), []);
  });

  it("lambda:InvokeFunction on every resource is refused (it can be scoped); actions that only take * are not", () => {
    assert.match(findings("iam-scoped-resources", ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*" }) }).join(), /allows lambda:InvokeFunction on every resource/);
    assert.deepEqual(findings("iam-scoped-resources", ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "logs:CreateLogDelivery"], Resource: "*" }) }), []);
    // Reads on every resource (CKV_AWS_355): reported with includeReads, where the action can be scoped; ec2's actions are in the table.
    const reads = { policy: doc({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "s3:GetObject", "ec2:DescribeInstances"], Resource: "*" }) };
    assert.deepEqual(findings("iam-scoped-resources", ROLE_POLICY, reads), [], "off by default");
    const withReads = findings("iam-scoped-resources", ROLE_POLICY, reads, { includeReads: true }).join();
    assert.match(withReads, /allows secretsmanager:GetSecretValue, s3:GetObject on every resource/);
    assert.doesNotMatch(withReads, /ec2:DescribeInstances/, "DescribeInstances has no resource-level permissions: * is its only resource");
    assert.match(findings("iam-scoped-resources", ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "ec2:TerminateInstances", Resource: "*" }) }).join(), /allows ec2:TerminateInstances on every resource/);
  });
});
