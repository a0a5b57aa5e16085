/** Every rule says how bad a finding is, how to fix it, and which peer checks it answers: the policy metadata the CLI and Pulumi Cloud show. */
import { strict as assert } from "assert";
import { allRules } from "../rules";

describe("rule metadata", () => {
  it("every rule has a severity, remediation steps in a sentence, and its Checkov and cdk-nag counterparts as tags", () => {
    for (const rule of allRules) {
      const p = rule.policy;
      assert.ok(p.severity && ["low", "medium", "high", "critical"].includes(p.severity), `${p.name}: severity`);
      assert.match(p.remediationSteps ?? "", /^[A-Z].{20,}\.$/, `${p.name}: remediation steps`);
      const expected = [...(rule.counterparts.checkov ?? []).map((id) => `checkov:${id}`), ...(rule.counterparts.cdkNag ?? []).map((id) => `cdk-nag:${id}`)];
      assert.deepEqual(p.tags ?? [], expected, p.name);
    }
  });

  it("the tags name the peer checks as written in each rule's counterparts (a few, literally)", () => {
    const tags = (name: string) => allRules.find((r) => r.policy.name === name)!.policy.tags;
    assert.deepEqual(tags("kms-key-rotation"), ["checkov:CKV_AWS_7", "cdk-nag:AwsSolutions-KMS5"]);
    assert.deepEqual(tags("sagemaker-notebook-instance"), ["checkov:CKV_AWS_22", "checkov:CKV_AWS_122", "checkov:CKV_AWS_187", "checkov:CKV_AWS_306", "checkov:CKV_AWS_307", "checkov:CKV_AWS_371", "cdk-nag:AwsSolutions-SM1", "cdk-nag:AwsSolutions-SM2", "cdk-nag:AwsSolutions-SM3"]);
    assert.equal(tags("monthly-cost-limit"), undefined, "no peer has it: no tags");
  });

  it("what lets anyone in is critical; the cost and sizing limits are not security-critical", () => {
    const severity = (name: string) => allRules.find((r) => r.policy.name === name)!.policy.severity;
    assert.equal(severity("resource-policy-not-public"), "critical");
    assert.equal(severity("iam-trust-policy-restricted"), "critical");
    for (const name of ["monthly-cost-limit", "instance-hourly-price-limit", "glue-job-workers"]) assert.ok(["low", "medium"].includes(severity(name)!), name);
  });
});
