/** sns-topic-kms: topics are encrypted with a customer key. */
import { strict as assert } from "assert";
import { rule as snsTopicKmsRule } from "../../rules/sns-topic-kms";
import { checkResource, resourcePolicy } from "../support/check";

const snsTopicKms = resourcePolicy(snsTopicKmsRule);

describe("rule: sns-topic-kms", () => {
  it("SNS topics need a customer key", () => {
    assert.deepEqual(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: { kmsMasterKeyId: "alias/mine" } }), []);
    assert.match(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: {} })[0], /Topic "t" is not encrypted; set kmsMasterKeyId/);
    assert.match(checkResource(snsTopicKms, { type: "aws:sns/topic:Topic", name: "t", props: { kmsMasterKeyId: "alias/aws/sns" } })[0], /AWS-managed key alias\/aws\/sns/);
  });
});
