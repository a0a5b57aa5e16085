/**
 * Secrets never reach the plan's output (JSON, Markdown, text, --compare, policy messages),
 * while policies still see their values; resources passed as inputs reach the pack as the
 * engine gives them (a custom resource's id), instead of crashing the plan.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan } from "../src/plan";
import { fixture, runPlanCli } from "./support/plan";

const program = fixture("secrets-and-references");
const WEBHOOK_A = "https://hooks.example.com/services/T000/B000/first-secret-token";
const WEBHOOK_B = "https://hooks.example.com/services/T000/B000/second-secret-token";
const SECRETS = ["hunter2-very-secret", "first-secret-token", "second-secret-token", "alias/aws/sns"];

async function plan(webhook: string | undefined, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const before = process.env.PULUMI_CONFIG;
  if (webhook) process.env.PULUMI_CONFIG = JSON.stringify({ "secretprog:webhook": webhook });
  else delete process.env.PULUMI_CONFIG;
  try {
    return await runPlanCli("--program", program, "--stack", "test", "--quiet", ...args);
  } finally {
    if (before === undefined) delete process.env.PULUMI_CONFIG;
    else process.env.PULUMI_CONFIG = before;
  }
}

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe("secrets and resource references in the plan", function () {
  this.timeout(120_000);

  it("a secure: value the plan cannot decrypt stops it with exit 2 and says how to pass it", async () => {
    const r = await plan(undefined, "--json");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /secretprog:webhook is a secret \(secure:\) in .*Pulumi.test.yaml; the offline plan cannot decrypt it\. Pass the value with PULUMI_CONFIG=/);
    assert.equal(r.stdout, "");
  });

  it("--json: secrets show as [secret]; a resource passed as an input is its id; the policies still judged the secret values", async () => {
    const r = await plan(WEBHOOK_A, "--json");
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(leaks(r.stdout), []);
    const p = JSON.parse(r.stdout) as Plan;
    const props = (name: string) => p.resources.find((x) => x.name === name)!.props;
    assert.equal(props("api-token-value").secretString, "[secret]");
    assert.equal(props("alerts-webhook").endpoint, "[secret]");
    assert.equal(props("reader-read-only").role, props("reader").name, "the role's id (its auto-name), not the object");
    // The pack saw the secret key alias (AWS-managed), and the message quoting it is redacted.
    const sns = p.violations.find((v) => v.policy === "sns-topic-kms");
    assert.ok(sns, "the topic's AWS-managed key was judged");
    assert.match(sns.message, /uses the AWS-managed key \[secret\]/);
  });

  it("--markdown and the text report leak nothing either", async () => {
    for (const format of [["--markdown"], []]) {
      const r = await plan(WEBHOOK_A, ...format);
      assert.equal(r.code, 1);
      assert.deepEqual(leaks(r.stdout), [], `format ${format.join("") || "text"}`);
    }
  });

  it("--compare across a changed secret shows neither value", async () => {
    const first = await plan(WEBHOOK_A, "--json");
    const previous = path.join(os.tmpdir(), "secret-plan.json");
    fs.writeFileSync(previous, first.stdout);
    for (const format of [["--markdown"], ["--json"], []]) {
      const r = await plan(WEBHOOK_B, "--compare", previous, ...format);
      assert.deepEqual(leaks(r.stdout), [], `format ${format.join("") || "text"}`);
    }
  });
});
