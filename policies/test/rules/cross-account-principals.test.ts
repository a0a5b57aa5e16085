/** cross-account-principals: another account is named only when the policy config trusts it, or on the organization's condition. */
import { strict as assert } from "assert";
import { rule as crossAccountRule } from "../../rules/cross-account-principals";
import { checkStack, stackPolicy, StackResource, UNKNOWN } from "../support/check";

const policy = stackPolicy(crossAccountRule);
const OWN = "111111111111";
const PARTNER = "222222222222";
const STRANGER = "333333333333";
const json = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

/** A role acting on the stack's own log group: what shows the stack's account. */
const worker: StackResource = {
  type: "aws:iam/role:Role",
  name: "worker",
  urn: urn("aws:iam/role:Role", "worker"),
  props: {
    assumeRolePolicy: json([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    inlinePolicies: [{ name: "logs", policy: json([{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: `arn:aws:logs:us-east-1:${OWN}:log-group:app:*` }]) }],
  },
};
const keyWith = (principal: unknown, condition?: object): StackResource => ({
  type: "aws:kms/key:Key",
  name: "key",
  urn: urn("aws:kms/key:Key", "key"),
  props: { policy: json([{ Sid: "Use", Effect: "Allow", Principal: principal, Action: "kms:Decrypt", Resource: "*", ...(condition ? { Condition: condition } : {}) }]) },
});
const roleTrusting = (principal: string): StackResource => ({
  type: "aws:iam/role:Role",
  name: "deployer",
  urn: urn("aws:iam/role:Role", "deployer"),
  props: { assumeRolePolicy: json([{ Sid: "Promote", Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }]) },
});

describe("rule: cross-account-principals", () => {
  it("the stack's own account (its policies' Resource ARNs) passes; another account fails unless trusted", () => {
    assert.deepEqual(checkStack(policy, [worker, keyWith({ AWS: `arn:aws:iam::${OWN}:root` })]), []);
    const stranger = checkStack(policy, [worker, keyWith({ AWS: `arn:aws:iam::${STRANGER}:root` })]);
    assert.equal(stranger.length, 1);
    assert.match(stranger[0].message, /Key "key" statement Use grants account 333333333333, outside the stack's own accounts \(111111111111\) and trustedAccounts/);
    assert.equal(stranger[0].urn, urn("aws:kms/key:Key", "key"));
    assert.deepEqual(checkStack(policy, [worker, roleTrusting(`arn:aws:iam::${PARTNER}:role/ci`)], { trustedAccounts: [PARTNER] }), []);
    assert.equal(checkStack(policy, [worker, roleTrusting(`arn:aws:iam::${STRANGER}:role/ci`)], { trustedAccounts: [PARTNER] }).length, 1, "a trusted partner does not make every account trusted");
    assert.equal(checkStack(policy, [worker, roleTrusting(STRANGER)]).length, 1, "an account ID alone names the account");
  });

  it("the organization's condition admits another account; a negated one does not; * needs it", () => {
    assert.deepEqual(checkStack(policy, [worker, keyWith({ AWS: `arn:aws:iam::${STRANGER}:root` }, { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } })]), []);
    assert.equal(checkStack(policy, [worker, keyWith({ AWS: `arn:aws:iam::${STRANGER}:root` }, { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } })]).length, 1);
    assert.match(checkStack(policy, [worker, keyWith("*")])[0].message, /grants any account \(\*\)/);
    assert.match(checkStack(policy, [worker, keyWith({ AWS: "arn:aws:iam::*:root" })])[0].message, /grants any account \(\*\)/);
    assert.deepEqual(checkStack(policy, [worker, keyWith("*", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } })]), []);
  });

  it("reads bucket, queue, topic, event bus and model package group policies and Lambda permissions; services are not accounts", () => {
    const bucketPolicy: StackResource = { type: "aws:s3/bucketPolicy:BucketPolicy", name: "data", urn: urn("aws:s3/bucketPolicy:BucketPolicy", "data"), props: { bucket: "data", policy: json([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STRANGER}:role/reader` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" }]) } };
    const bus: StackResource = { type: "aws:cloudwatch/eventBusPolicy:EventBusPolicy", name: "bus", urn: urn("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "bus"), props: { policy: json([{ Effect: "Allow", Principal: { AWS: STRANGER }, Action: "events:PutEvents", Resource: `arn:aws:events:us-east-1:${OWN}:event-bus/default` }]) } };
    const group: StackResource = { type: "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", name: "models", urn: urn("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "models"), props: { resourcePolicy: json([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STRANGER}:root` }, Action: "sagemaker:DescribeModelPackage", Resource: "*" }]) } };
    const permission: StackResource = { type: "aws:lambda/permission:Permission", name: "invoke", urn: urn("aws:lambda/permission:Permission", "invoke"), props: { principal: STRANGER, action: "lambda:InvokeFunction", function: "f" } };
    const service: StackResource = { type: "aws:lambda/permission:Permission", name: "events", urn: urn("aws:lambda/permission:Permission", "events"), props: { principal: "events.amazonaws.com", action: "lambda:InvokeFunction", function: "f" } };
    const found = checkStack(policy, [worker, bucketPolicy, bus, group, permission, service]);
    assert.deepEqual(found.map((f) => f.urn!.split("::").pop()).sort(), ["bus", "data", "invoke", "models"]);
    assert.deepEqual(checkStack(policy, [worker, bucketPolicy, bus, group, permission, service], { trustedAccounts: [STRANGER] }), []);
  });

  it("an ECR repository policy that lets the promoted stages pull a custom image passes when their accounts are trusted, and names an untrusted one", () => {
    // The pull actions of AWS's cross-account ECR example (ECR User Guide, "Repository policy examples"), narrowed to the stages' pipeline roles.
    const pull = (accounts: string[]): StackResource => ({
      type: "aws:ecr/repositoryPolicy:RepositoryPolicy",
      name: "images",
      urn: urn("aws:ecr/repositoryPolicy:RepositoryPolicy", "images"),
      props: {
        repository: "churn-model",
        policy: json([
          {
            Sid: "PromotedStagesPull",
            Effect: "Allow",
            Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Condition: { ArnLike: { "aws:PrincipalArn": accounts.map((a) => `arn:aws:iam::${a}:role/*-endpoint-role`) } },
          },
        ]),
      },
    });
    assert.deepEqual(checkStack(policy, [worker, pull([PARTNER])], { trustedAccounts: [PARTNER] }), []);
    const found = checkStack(policy, [worker, pull([PARTNER, STRANGER])], { trustedAccounts: [PARTNER] });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /RepositoryPolicy "images" statement PromotedStagesPull grants account 333333333333, outside/);
  });

  it("at a first preview, a document still unknown defers its own check, and an account not seen waits while the stack's own may be unknown; * is judged anyway", () => {
    const unknownWorker: StackResource = { ...worker, name: "other", urn: urn("aws:iam/role:Role", "other"), props: { ...worker.props, inlinePolicies: [{ name: "logs", policy: UNKNOWN }] } };
    assert.throws(() => checkStack(policy, [worker, unknownWorker, keyWith({ AWS: `arn:aws:iam::${STRANGER}:root` })]), /checks that need values known only after deployment: Role "other"; Key "key" \(account 333333333333\)/);
    // The * grant is reported before the deferral; the server keeps what was reported before a policy throws.
    const reported: { message: string; urn?: string }[] = [];
    assert.throws(() => checkStack(policy, [worker, unknownWorker, keyWith("*")], undefined, reported), /known only after deployment: Role "other"$/);
    assert.deepEqual(reported.map((r) => r.message.match(/grants any account \(\*\)/)?.[0]), ["grants any account (*)"]);
  });

  it("own accounts come from Allow statements only (a Deny on another account's ARN does not make it own), or from ownAccounts; knowing none, a named account is not judged, * still is", () => {
    const denyForeign: StackResource = { ...worker, props: { ...worker.props, inlinePolicies: [{ name: "x", policy: json([{ Effect: "Deny", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${STRANGER}:nothing` }]) }] } };
    assert.equal(checkStack(policy, [worker, denyForeign, roleTrusting(`arn:aws:iam::${STRANGER}:role/ci`)]).length, 1, "the Deny does not make the stranger own");
    // A program whose policies name no ARN of its account (a key policy naming its root): nothing to tell own from other.
    assert.deepEqual(checkStack(policy, [keyWith({ AWS: `arn:aws:iam::${OWN}:root` })]), []);
    assert.equal(checkStack(policy, [keyWith({ AWS: `arn:aws:iam::${STRANGER}:root` })], { ownAccounts: [OWN] }).length, 1, "ownAccounts says which is own");
    assert.deepEqual(checkStack(policy, [keyWith({ AWS: `arn:aws:iam::${OWN}:root` })], { ownAccounts: [OWN] }), []);
    assert.equal(checkStack(policy, [keyWith("*")]).length, 1);
  });

  it("a condition admits only what it names: an organization or account with a wildcard narrows nothing; * narrowed to the own account passes", () => {
    assert.equal(checkStack(policy, [worker, keyWith("*", { StringLike: { "aws:PrincipalOrgID": "o-*" } })]).length, 1);
    assert.equal(checkStack(policy, [worker, keyWith("*", { StringLike: { "aws:PrincipalAccount": "1*" } })]).length, 1);
    assert.deepEqual(checkStack(policy, [worker, keyWith("*", { StringEquals: { "aws:PrincipalAccount": OWN } })]), []);
    assert.equal(checkStack(policy, [worker, keyWith("*", { StringEquals: { "aws:PrincipalAccount": STRANGER } })]).length, 1, "narrowed to an untrusted account");
  });
});
