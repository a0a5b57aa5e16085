/**
 * `--compare` says what `pulumi preview` would do with each changed resource: update in place,
 * replace, or possibly replace, from AWS's own resource schemas (@aws-cdk/aws-service-spec)
 * rather than a hand list, with the engine's `ignoreChanges`, `replaceOnChanges` and
 * `protect` semantics (pkg/resource/deploy/step_generator.go, properties_path.go).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";
import { classicInputs, cloudFormationResource, OUTPUT, renderFacts } from "../scripts/generateReplacementFacts";
import { CLOUDFORMATION_COUNTERPARTS } from "../src/cloudFormationCounterparts";
import { REPLACEMENT_FACTS } from "../src/replacementFacts.generated";
import { classifyChange } from "../src/replacement";
import { childPath, parsePropertyPath, pathContains, PropertyPathError } from "../src/propertyPath";
import { comparePlans, PlanComparison } from "../src/compare";
import { renderMarkdown } from "../src/render";
import { Plan } from "../src/plan";
import { fixture, runPlanCli as plan } from "./support/plan";

const facts = (type: string) => {
  const f = REPLACEMENT_FACTS[type];
  return { replace: f.replace.split(" "), maybe: f.maybe.split(" "), update: f.update.split(" "), unknown: f.unknown.split(" ") };
};

describe("replacement facts (from AWS's resource schemas)", function () {
  this.timeout(30_000);
  /** The schema database (half a second to load), once for both checks. */
  let database: ReturnType<typeof loadAwsServiceSpecSync> | undefined;
  const schemas = () => (database ??= loadAwsServiceSpecSync());

  it("the committed table is what the packages generate (npm run generate:replacements)", () => {
    assert.equal(fs.readFileSync(OUTPUT, "utf8"), renderFacts(schemas()), "plan/src/replacementFacts.generated.ts is stale: run npm run generate:replacements");
  });

  it("every correspondence names a real classic input and a real CloudFormation property", () => {
    const db = schemas();
    for (const [type, row] of Object.entries(CLOUDFORMATION_COUNTERPARTS)) {
      const inputs = classicInputs(type);
      const cfn = cloudFormationResource(db, row.cfn);
      for (const [input, prop] of Object.entries(row.renames ?? {})) {
        assert.ok(inputs.includes(input), `${type}: ${input} is not an input of @pulumi/aws`);
        assert.ok(prop in cfn.properties, `${row.cfn}: no property ${prop}`);
      }
      for (const input of row.providerOnly ?? []) {
        assert.ok(inputs.includes(input), `${type}: ${input} is not an input`);
        assert.ok(!Object.keys(cfn.properties).some((p) => p.toLowerCase() === input.toLowerCase()), `${type}: ${input} reaches AWS as ${row.cfn} property`);
      }
      assert.match(row.api, /^[a-z0-9-]+:[A-Z]\w+$/, `${type}: the API both create it with`);
    }
  });

  it("says what AWS documents for the resources this pipeline deploys", () => {
    // Every EndpointConfig property but Tags is create-only (the reason the workflow makes a new config per deploy).
    assert.ok(facts("aws:sagemaker/endpointConfiguration:EndpointConfiguration").replace.includes("productionVariants"));
    assert.ok(facts("aws:sagemaker/endpointConfiguration:EndpointConfiguration").replace.includes("kmsKeyArn"), "renamed: KmsKeyId");
    assert.deepEqual(facts("aws:sagemaker/endpointConfiguration:EndpointConfiguration").update, ["tags"]);
    assert.ok(facts("aws:s3/bucket:Bucket").replace.includes("bucket"), "BucketName");
    assert.ok(facts("aws:dynamodb/table:Table").replace.includes("hashKey"), "KeySchema: Update requires Replacement");
    assert.ok(facts("aws:iam/role:Role").update.includes("assumeRolePolicy"));
    assert.ok(facts("aws:sfn/stateMachine:StateMachine").update.includes("definition"), "a new definition is an UpdateStateMachine");
    assert.ok(facts("aws:sfn/stateMachine:StateMachine").replace.includes("type"), "STANDARD ↔ EXPRESS is a new state machine");
    assert.ok(facts("aws:s3/bucket:Bucket").update.includes("forceDestroy"), "provider-only");
    // CloudFormation refuses to change a key's spec ("the update request fails"); the classic provider replaces: never an update.
    assert.ok(facts("aws:kms/key:Key").maybe.includes("customerMasterKeySpec"));
    assert.ok(facts("aws:kms/key:Key").update.includes("policy"));
    // `region` exists on every v7 resource and nowhere in CloudFormation: unknown, never a safe update.
    assert.ok(facts("aws:sagemaker/model:Model").unknown.includes("region"));
  });
});

describe("property paths (the engine's syntax)", () => {
  it("parses names, indexes, quoted keys and wildcards", () => {
    assert.deepEqual(parsePropertyPath("productionVariants[0].instanceType"), ["productionVariants", 0, "instanceType"]);
    assert.deepEqual(parsePropertyPath('tags["app.kubernetes.io/name"]'), ["tags", "app.kubernetes.io/name"]);
    assert.deepEqual(parsePropertyPath("containers[*].image"), ["containers", "*", "image"]);
    assert.deepEqual(parsePropertyPath(childPath(childPath("tags", "a.b"), 2)), ["tags", "a.b", 2]);
    for (const bad of ["a[", "a[x]", ".a", 'a["b"', "a..b"]) assert.throws(() => parsePropertyPath(bad), PropertyPathError, bad);
  });

  it("contains what lies under it; * matches one key or index", () => {
    assert.ok(pathContains(["tags"], ["tags", "team"]));
    assert.ok(pathContains(["containers", "*"], ["containers", 3, "image"]));
    assert.ok(!pathContains(["containers", 0], ["containers", 1]));
    assert.ok(!pathContains(["tags", "team"], ["tags"]), "a narrower path does not contain its parent");
  });
});

describe("what a change does (classifyChange)", () => {
  const ec = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
  const MODEL = "aws:sagemaker/model:Model";
  const ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
  const urnOf = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
  /** A plan of just these resources: comparePlans reads nothing else. */
  const planOf = (...resources: object[]) => ({ violations: [], cost: { monthlyUsd: 0, lines: [] }, resources }) as unknown as Pick<Plan, "resources" | "violations" | "cost">;
  const change = (p: string, before: unknown, after: unknown) => ({ path: p, before, after });

  it("replaces on a create-only input, updates on the others, and cannot tell without facts", () => {
    assert.equal(classifyChange(ec, [change("productionVariants[0].instanceType", "ml.m5.large", "ml.m5.xlarge")]).action, "replace");
    assert.equal(classifyChange(ec, [change("tags.team", "a", "b")]).action, "update");
    const v = classifyChange("aws:s3/bucketVersioning:BucketVersioning", [change("bucket", "a", "b")]);
    assert.equal(v.action, "maybe-replace");
    assert.match(v.changes[0].why!, /no replacement facts/);
    assert.equal(classifyChange("aws:sagemaker/model:Model", [change("region", "us-east-1", "eu-west-1")]).action, "maybe-replace");
  });

  it("ignoreChanges hides a difference; replaceOnChanges turns an update into a replacement", () => {
    const ignored = classifyChange("aws:sagemaker/endpoint:Endpoint", [change("endpointConfigName", "a", "b")], {}, { ignoreChanges: ["endpointConfigName"] });
    assert.deepEqual([ignored.changes, ignored.ignored.map((c) => c.path)], [[], ["endpointConfigName"]]);
    const wildcard = classifyChange(ec, [change("tags.team", "a", "b"), change("tags.owner", "x", "y")], {}, { ignoreChanges: ["tags.*"] });
    assert.equal(wildcard.ignored.length, 2);
    const forced = classifyChange("aws:sqs/queue:Queue", [change("visibilityTimeoutSeconds", 30, 60)], {}, { replaceOnChanges: ["visibilityTimeoutSeconds"] });
    assert.deepEqual([forced.action, forced.changes[0].why], ["replace", "the resource's replaceOnChanges option"]);
    assert.throws(() => classifyChange(ec, [change("tags.a", 1, 2)], {}, { ignoreChanges: ["tags["] }), /ignoreChanges: .*missing closing bracket/);
  });

  it("refuses to replace what was and still is protected, as the engine does", () => {
    const c = [change("bucket", "a", "b")];
    assert.match(classifyChange("aws:s3/bucket:Bucket", c, { protect: true }, { protect: true }).refused!, /would fail: a protected resource cannot be replaced/);
    assert.equal(classifyChange("aws:s3/bucket:Bucket", c, { protect: true }, {}).refused, undefined, "unprotecting and replacing in one update is allowed");
    assert.equal(classifyChange("aws:s3/bucket:Bucket", c, {}, { protect: true }).refused, undefined);
    assert.equal(classifyChange("aws:s3/bucket:Bucket", [change("tags.a", 1, 2)], { protect: true }, { protect: true }).refused, undefined, "an update is fine");
    assert.equal(classifyChange("aws:s3/bucket:Bucket", c, {}, { deleteBeforeReplace: true }).deleteFirst, true);
    assert.equal(classifyChange("aws:s3/bucket:Bucket", [change("tags.a", 1, 2)], {}, { deleteBeforeReplace: true }).deleteFirst, undefined, "only a replacement deletes");
  });

  it("a replaced resource makes the inputs that come from it unknown, and they are judged like any change", () => {
    const CONFIG = ec;
    const ROLE_OWNER = "acme:index:RoleFactory"; // a provider this plan has no facts for
    const plan = (image: string, roleOwnerName: string) =>
      planOf(
        { urn: urnOf(ROLE_OWNER, "roles"), type: ROLE_OWNER, name: "roles", custom: true, props: { name: roleOwnerName } },
        { urn: urnOf(MODEL, "m"), type: MODEL, name: "m", custom: true, props: { name: "m-1", primaryContainer: { image }, executionRoleArn: "arn:role" }, propertyDependencies: { executionRoleArn: [urnOf(ROLE_OWNER, "roles")] } },
        { urn: urnOf(CONFIG, "c"), type: CONFIG, name: "c", custom: true, props: { productionVariants: [{ modelName: "m-1", instanceType: "ml.m5.large" }] }, propertyDependencies: { productionVariants: [urnOf(MODEL, "m")] } },
        { urn: urnOf(ENDPOINT, "e"), type: ENDPOINT, name: "e", custom: true, props: { endpointConfigName: "c-1" }, options: { ignoreChanges: ["endpointConfigName"] }, propertyDependencies: { endpointConfigName: [urnOf(CONFIG, "c")] } },
      );
    // A new image replaces the model; the configuration that names it is replaced in turn; the endpoint ignores the new name.
    const c = comparePlans(plan("xgboost:1", "roles"), plan("xgboost:2", "roles"));
    const config = c.changed.find((r) => r.type === CONFIG)!;
    assert.equal(config.action, "replace");
    assert.deepEqual([config.changes[0].path, config.changes[0].after], ["productionVariants", "<computed>"]);
    assert.match(config.changes[0].why!, /AWS::SageMaker::EndpointConfig: changing it requires replacement; its value comes from `m`, which is replaced/);
    assert.deepEqual(c.unchangedIgnoring.map((r) => r.type), [ENDPOINT]);
    // Upstream only possibly replaced: downstream replacements are possible, not certain.
    const maybe = comparePlans(plan("xgboost:1", "roles"), plan("xgboost:1", "roles-2"));
    assert.deepEqual(maybe.changed.map((r) => [r.type, r.action]), [
      [ROLE_OWNER, "maybe-replace"],
      [MODEL, "maybe-replace"],
      [CONFIG, "maybe-replace"],
    ]);
  });

  it("an input made unknown in an earlier round keeps its cause when a later replacement reaches the same resource", () => {
    const plan = (image: string) =>
      planOf(
        { urn: urnOf(MODEL, "m"), type: MODEL, name: "m", custom: true, props: { primaryContainer: { image } } },
        { urn: urnOf(ec, "c"), type: ec, name: "c", custom: true, props: { productionVariants: [{ modelName: "m-1" }] }, propertyDependencies: { productionVariants: [urnOf(MODEL, "m")] } },
        // The endpoint takes a tag from the model and its configuration's name: reached in two rounds.
        { urn: urnOf(ENDPOINT, "e"), type: ENDPOINT, name: "e", custom: true, props: { endpointConfigName: "c-1", tags: { model: "m-1" } }, propertyDependencies: { endpointConfigName: [urnOf(ec, "c")], tags: [urnOf(MODEL, "m")] } },
      );
    const endpoint = comparePlans(plan("a"), plan("b")).changed.find((r) => r.type === ENDPOINT)!;
    assert.equal(endpoint.action, "update");
    assert.deepEqual(
      endpoint.changes.map((ch) => [ch.path, ch.why]),
      [
        ["tags", "its value comes from `m`, which is replaced"],
        ["endpointConfigName", "its value comes from `c`, which is replaced"],
      ],
    );
  });

  it("a component's changed inputs are an update: no provider replaces a component", () => {
    const site = (props: Record<string, unknown>) => planOf({ urn: urnOf("acme:index:Site", "web"), type: "acme:index:Site", name: "web", custom: false, props });
    const c = comparePlans(site({ domain: "a.example" }), site({ domain: "b.example" }));
    assert.deepEqual([c.changed[0].action, c.changed[0].changes[0].effect], ["update", "update"]);
  });

  it("plans written before options were recorded compare without them", () => {
    const bucket = (props: Record<string, unknown>, options?: object) => planOf({ urn: urnOf("aws:s3/bucket:Bucket", "b"), type: "aws:s3/bucket:Bucket", name: "b", props, ...(options ? { options } : {}) });
    const c = comparePlans(bucket({ bucket: "a" }), bucket({ bucket: "b" }, { protect: true }));
    assert.deepEqual([c.changed[0].action, c.changed[0].refused], ["replace", undefined]);
  });
});

describe("--compare through the CLI (test/fixtures/replacements)", function () {
  this.timeout(120_000);
  let comparison: PlanComparison;
  let code: number;
  let markdown: string;
  let stderr: string;
  let head: Plan;
  const byName = (name: string, type: string) => comparison.changed.find((r) => r.urn.endsWith(`${type}::${name}`));

  before(async () => {
    const base = await plan("--program", fixture("replacements"), "--stack", "test", "--json", "--quiet");
    const previous = path.join(os.tmpdir(), `replacements-base-${process.pid}.json`);
    fs.writeFileSync(previous, base.stdout);
    const saved = process.env.PULUMI_CONFIG;
    process.env.PULUMI_CONFIG = JSON.stringify({
      "replacements:archiveBucketName": "ml-archive-0002",
      "replacements:servingInstanceType": "ml.m5.xlarge",
      "replacements:queueVisibilitySeconds": "60",
      "replacements:roleDescription": "the serving role",
      "replacements:team": "platform",
    });
    try {
      const r = await plan("--program", fixture("replacements"), "--stack", "test", "--compare", previous, "--json", "--quiet");
      code = r.code;
      stderr = r.stderr;
      head = JSON.parse(r.stdout) as Plan & { comparison: PlanComparison };
      comparison = (head as Plan & { comparison: PlanComparison }).comparison;
      markdown = (await plan("--program", fixture("replacements"), "--stack", "test", "--compare", previous, "--markdown", "--quiet")).stdout;
    } finally {
      if (saved === undefined) delete process.env.PULUMI_CONFIG;
      else process.env.PULUMI_CONFIG = saved;
      fs.rmSync(previous, { force: true });
    }
  });

  it("marks each change as pulumi preview would", () => {
    assert.equal(byName("serving", "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!.action, "replace");
    assert.equal(byName("model", "aws:sagemaker/model:Model")!.action, "replace", "its model data URL names the renamed bucket");
    assert.equal(byName("jobs", "aws:sqs/queue:Queue")!.action, "replace", "replaceOnChanges");
    assert.equal(byName("archive-versioning", "aws:s3/bucketVersioning:BucketVersioning")!.action, "maybe-replace");
    const role = byName("serving", "aws:iam/role:Role")!;
    assert.deepEqual([role.action, role.changes.map((c) => c.path), role.ignored.map((c) => c.path)], ["update", ["description"], ["tags.team"]]);
  });

  it("fails, as pulumi up would, on replacing the protected bucket, and says why", () => {
    const archive = byName("archive", "aws:s3/bucket:Bucket")!;
    assert.deepEqual([archive.action, archive.changes[0].path], ["replace", "bucket"]);
    assert.match(archive.refused!, /protected/);
    assert.equal(code, 1);
    assert.match(stderr, /aws:s3\/bucket:Bucket::archive: pulumi up would fail/);
  });

  it("names every replacement in the comment's always-kept part, and each cause in the changes", () => {
    assert.match(markdown, /### ❌ `test`: \d+ mandatory and \d+ advisory policy violations · 1 replacement pulumi up would refuse · /);
    assert.match(markdown, /#### Replacements since the base branch: 4 replaced, 1 possibly/);
    assert.match(markdown, /🔁 `archive` \(Bucket\): replaced, because of `bucket` — ⛔ pulumi up would fail/);
    assert.match(markdown, /`productionVariants\[0\]\.instanceType`: `"ml\.m5\.large"` → `"ml\.m5\.xlarge"`  \[forces replacement: AWS::SageMaker::EndpointConfig/);
    assert.match(markdown, /`tags\.team`: ignored \(`ignoreChanges`\)/);
    // The always-kept part survives the size cap that drops the detailed sections.
    const capped = renderMarkdown(head, comparison, 2_500);
    assert.ok(capped.length <= 2_500, `${capped.length}`);
    assert.match(capped, /Left out to fit a GitHub comment: .*resource changes/);
    assert.match(capped, /🔁 `archive` \(Bucket\): replaced/);
  });
});
