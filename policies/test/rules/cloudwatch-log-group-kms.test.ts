/** cloudwatch-log-group-kms: log groups are encrypted with KMS and expire. */
import { strict as assert } from "assert";
import { rule as logGroupKmsRule } from "../../rules/cloudwatch-log-group-kms";
import { checkResource, resourcePolicy, UNKNOWN } from "../support/check";

const logGroupKms = resourcePolicy(logGroupKmsRule);

describe("rule: cloudwatch-log-group-kms", () => {
  it("log groups need KMS and retention", () => {
    assert.deepEqual(checkResource(logGroupKms, { type: "aws:cloudwatch/logGroup:LogGroup", name: "l", props: { kmsKeyId: UNKNOWN, retentionInDays: 14 } }), []);
    assert.deepEqual(checkResource(logGroupKms, { type: "aws:cloudwatch/logGroup:LogGroup", name: "l", props: {} }).length, 2);
  });
});
