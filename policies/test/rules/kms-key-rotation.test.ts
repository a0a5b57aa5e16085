/** kms-key-rotation: symmetric keys rotate; the rule remediates. */
import { strict as assert } from "assert";
import { rule as kmsKeyRotationRule } from "../../rules/kms-key-rotation";
import { checkResource, resourcePolicy } from "../support/check";

const kmsKeyRotation = resourcePolicy(kmsKeyRotationRule);

describe("rule: kms-key-rotation", () => {
  it("passes rotating keys, skips asymmetric keys, reports and remediates the rest", async () => {
    const key = { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: true } };
    assert.deepEqual(checkResource(kmsKeyRotation, key), []);
    assert.deepEqual(checkResource(kmsKeyRotation, { ...key, props: { customerMasterKeySpec: "RSA_2048" } }), []);
    assert.match(checkResource(kmsKeyRotation, { ...key, props: {} })[0], /Key "k" does not rotate; set enableKeyRotation: true/);
    const fixed = await kmsKeyRotation.remediateResource!({ type: "aws:kms/key:Key", props: { description: "x" } } as any);
    assert.deepEqual(fixed, { description: "x", enableKeyRotation: true });
  });
});
