/**
 * Suppressions with a reason (lib/suppressions.ts): what a pattern covers, until when a
 * suppression holds, and what a rule does with its findings: suppressed ones become one line
 * each of the policy's "not applicable" reason (which the plan reads back), expired ones are
 * reported again saying so. Run through a resource rule's and a stack rule's own policies.
 */
import { strict as assert } from "assert";
import { applySuppressions, covers, holds, parseSuppressed, Suppression } from "../lib/suppressions";
import { rule as snsTopicKmsRule } from "../rules/sns-topic-kms";
import { rule as s3Rule } from "../rules/s3-bucket-encryption-and-access";
import { checkStack, resourcePolicy, stackPolicy } from "./support/check";

const TOPIC = { urn: "urn:pulumi:dev::ml::aws:sns/topic:Topic::alerts", name: "alerts" };
const reasoned = (resource: string, extra: Partial<Suppression> = {}): Suppression => ({ resource, reason: "accepted by the platform team for the pilot", ...extra });

/** Runs a resource policy with `notApplicable` capturing its reason. */
function runResource(config: object): { messages: string[]; notApplicable?: string } {
  const messages: string[] = [];
  let notApplicable: string | undefined;
  const args: any = {
    type: "aws:sns/topic:Topic",
    ...TOPIC,
    props: {},
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      notApplicable = reason;
      throw new Error("not applicable");
    },
  };
  try {
    (resourcePolicy(snsTopicKmsRule).validateResource as any)(args, (m: string) => messages.push(m));
  } catch (e) {
    if (notApplicable === undefined) throw e;
  }
  return { messages, notApplicable };
}

describe("suppressions", () => {
  it("a pattern covers a logical name, or a URN when it starts with urn:; `*` is the only wildcard", () => {
    assert.ok(covers("alerts", TOPIC));
    assert.ok(covers("al*", TOPIC));
    assert.ok(covers("urn:pulumi:dev::*::alerts", TOPIC));
    assert.ok(!covers("urn:pulumi:prod::*", TOPIC), "another stack's URN");
    assert.ok(!covers("alert", TOPIC), "whole names only");
    assert.ok(!covers("a.erts", TOPIC), "a dot is a dot, not any character");
    assert.ok(!covers("dev", TOPIC), "a name pattern is not matched against the URN");
  });

  it("holds through its expiry day (UTC), and for ever without one", () => {
    assert.ok(holds(reasoned("x", { expires: "2026-12-02" }), "2026-12-02"));
    assert.ok(!holds(reasoned("x", { expires: "2026-12-01" }), "2026-12-02"));
    assert.ok(holds(reasoned("x"), "2999-01-01"));
  });

  it("groups findings by resource: a covered one becomes a reason line the plan parses back; a finding on no resource is never suppressed", () => {
    const other = "urn:pulumi:dev::ml::aws:sns/topic:Topic::other";
    const resources = new Map([[TOPIC.urn, TOPIC], [other, { urn: other, name: "other" }]]);
    const out = applySuppressions(
      [
        { message: "not encrypted", urn: TOPIC.urn },
        { message: "no policy", urn: TOPIC.urn },
        { message: "not encrypted", urn: other },
        { message: "stack too expensive" },
      ],
      [reasoned("alerts", { owner: "platform", expires: "2999-12-31" })],
      (urn) => resources.get(urn),
      "2026-12-02",
    );
    assert.deepEqual(out.report, [{ message: "not encrypted", urn: other }, { message: "stack too expensive", urn: undefined }]);
    assert.deepEqual(parseSuppressed(out.suppressed), [{ urn: TOPIC.urn, reason: "accepted by the platform team for the pilot (owner platform, until 2999-12-31); the finding: not encrypted | no policy" }]);
    assert.deepEqual(parseSuppressed("Policy only applies to resources of type 'x'"), [], "another not-applicable reason is no suppression");
  });

  it("an expired suppression suppresses nothing and is named in each finding it covered", () => {
    const out = applySuppressions([{ message: "not encrypted", urn: TOPIC.urn }], [reasoned("alerts", { expires: "2026-01-31" })], () => TOPIC, "2026-12-02");
    assert.equal(out.suppressed, "");
    assert.deepEqual(out.report, [{ urn: TOPIC.urn, message: 'not encrypted (its suppression expired on 2026-01-31: "accepted by the platform team for the pilot"; fix the finding, or renew the suppression with a new date)' }]);
  });

  it("a resource rule's policy: its finding comes back as not applicable with the reason; without a covering suppression it is reported", () => {
    const suppressed = runResource({ suppressions: [reasoned("alerts")] });
    assert.deepEqual(suppressed.messages, []);
    assert.deepEqual(parseSuppressed(suppressed.notApplicable!).map((s) => s.urn), [TOPIC.urn]);
    assert.match(suppressed.notApplicable!, /the finding: Topic "alerts" is not encrypted/);
    const reported = runResource({ suppressions: [reasoned("someone-else")] });
    assert.equal(reported.notApplicable, undefined);
    assert.equal(reported.messages.length, 1);
  });

  it("every rule takes the knob, as an exemption list that loosens when it grows, and a reason is required", () => {
    for (const r of [snsTopicKmsRule, s3Rule]) {
      const schema = (r.policy.configSchema as any).properties.suppressions;
      assert.equal(schema.loosens, "wider");
      assert.deepEqual(schema.items.required, ["resource", "reason"]);
      assert.equal(schema.items.properties.reason.minLength, 10);
    }
    // A stack rule: the bucket's findings go, the other bucket's stay (one line each of the reason, per resource).
    const bucket = (name: string) => ({ type: "aws:s3/bucket:Bucket", name, urn: `urn:pulumi:dev::ml::aws:s3/bucket:Bucket::${name}`, props: { bucket: name } });
    const open = checkStack(stackPolicy(s3Rule), [bucket("scratch"), bucket("data")]);
    assert.ok(open.some((f) => f.urn!.endsWith("::scratch")) && open.some((f) => f.urn!.endsWith("::data")));
    const kept: { message: string; urn?: string }[] = [];
    assert.deepEqual(checkStack(stackPolicy(s3Rule), [bucket("scratch"), bucket("data")], { suppressions: [reasoned("scratch")] }, kept), [], "not applicable once the reports are made");
    assert.ok(kept.length > 0 && kept.every((f) => f.urn!.endsWith("::data")), "only the uncovered bucket's findings are reported");
  });
});

describe("suppressions and the budget", () => {
  it("monthly-cost-limit refuses suppressions: one would leave a resource's cost out of the budget in silence", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { rule: budget } = require("../rules/monthly-cost-limit") as typeof import("../rules/monthly-cost-limit");
    const unpriced = { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "ep", urn: "urn:pulumi:dev::ml::aws:sagemaker/endpointConfiguration:EndpointConfiguration::ep", props: { productionVariants: [{ variantName: "v", instanceType: "ml.unknown.xlarge", initialInstanceCount: 1 }] } };
    const plain = checkStack(stackPolicy(budget), [unpriced]);
    assert.ok(plain.some((f) => /No price for ml\.unknown\.xlarge/.test(f.message)));
    const kept: { message: string; urn?: string }[] = [];
    checkStack(stackPolicy(budget), [unpriced], { suppressions: [{ resource: "ep", reason: "a new instance type, priced next quarter" }] }, kept);
    assert.ok(kept.some((f) => f.urn === undefined && /monthly-cost-limit takes no suppressions \(1 given\)/.test(f.message)), JSON.stringify(kept));
  });
});
