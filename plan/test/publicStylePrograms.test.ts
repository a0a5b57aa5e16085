/**
 * Programs written like the public Pulumi AWS examples: they plan without an error of the
 * plan's own, every resource they register reaches the plan and the pack, they run in
 * their own directory, provider functions that need no account are answered as the
 * provider answers them, and one that needs an account fails the plan naming it.
 */
import { strict as assert } from "assert";
import { Plan } from "../src/plan";
import { fixture, runPlanCli } from "./support/plan";


const plan = runPlanCli;

describe("programs in the style of the public Pulumi examples", function () {
  this.timeout(120_000);

  for (const firstPreview of [false, true]) {
    it(`getPolicyDocument, resources as inputs, relative files: planned whole, exact verdicts${firstPreview ? " (first preview)" : ""}`, async () => {
      const r = await plan("--program", fixture("everyday-lambda"), "--stack", "test", "--json", "--quiet", ...(firstPreview ? ["--first-preview"] : []));
      assert.equal(r.code, 1, r.stderr);
      const p = JSON.parse(r.stdout) as Plan;
      assert.deepEqual(p.resources.map((x) => x.name).sort(), ["fn", "fn-basic", "fn-invoke", "fn-policy", "fn-role"], "every registered resource is planned");
      const props = (name: string) => p.resources.find((x) => x.name === name)!.props;
      assert.equal(props("fn-role").description, "Reads the uploads bucket.", "readFileSync resolved in the program's directory");
      assert.deepEqual(JSON.parse(props("fn-role").assumeRolePolicy as string), {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
      });
      if (!firstPreview) assert.equal(props("fn-invoke").function, props("fn").name, "function: fn is the function's id");
      assert.deepEqual(
        p.violations.map((v) => `${v.policy} ${v.urn?.split("::").pop()}`).sort(),
        ["iam-no-wildcard-actions fn-policy", "iam-scoped-resources fn-policy", "lambda-environment-kms fn", "resource-policy-not-public fn-invoke"],
      );
    });
  }

  it("a provider function that needs an account fails the plan with exit 2, naming it", async () => {
    const r = await plan("--program", fixture("needs-account"), "--stack", "test", "--quiet");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the program calls aws:ec2\/getAmi:getAmi, which needs a live AWS account; the offline plan answers only getCallerIdentity, getRegion, getPartition, getPolicyDocument/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  });
  it("a StackReference fails the plan with exit 2, naming the stack, even when the program tolerates the missing output", async () => {
    const r = await plan("--program", fixture("stack-reference"), "--stack", "test", "--json", "--quiet");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /the program reads acme\/network\/prod through a StackReference, whose outputs live in the Pulumi backend; the offline plan cannot read other stacks/);
  });

  it("--json stays pure JSON on stdout and --quiet keeps stderr silent, whatever the program prints", async () => {
    const quiet = await plan("--program", fixture("noisy-program"), "--stack", "test", "--json", "--quiet");
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotThrow(() => JSON.parse(quiet.stdout));
    assert.equal(quiet.stderr, "");
    const loud = await plan("--program", fixture("noisy-program"), "--stack", "test", "--json");
    assert.doesNotThrow(() => JSON.parse(loud.stdout));
    assert.match(loud.stderr, /plan: program: hello from the program/);
    assert.match(loud.stderr, /plan: program: warning: \[runtime\] Undefined value \(endpoint\)/);
  });
});
