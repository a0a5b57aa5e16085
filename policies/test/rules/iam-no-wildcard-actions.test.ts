/** iam-no-wildcard-actions: no Allow statement grants a wildcard action. */
import { strict as assert } from "assert";
import { rule as iamNoWildcardActionsRule } from "../../rules/iam-no-wildcard-actions";
import { checkResource, resourcePolicy } from "../support/check";
import { doc } from "../support/iam";

const iamNoWildcardActions = resourcePolicy(iamNoWildcardActionsRule);

describe("rule: iam-no-wildcard-actions", () => {
  it("no wildcard actions", () => {
    assert.deepEqual(checkResource(iamNoWildcardActions, doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" })), []);
    assert.match(checkResource(iamNoWildcardActions, doc({ Sid: "All", Effect: "Allow", Action: ["sagemaker:*"], Resource: "x" }))[0], /statement All allows sagemaker:\*; list the actions/);
    assert.match(checkResource(iamNoWildcardActions, doc({ Effect: "Allow", Action: "*", Resource: "x" }))[0], /allows \*/);
    assert.deepEqual(checkResource(iamNoWildcardActions, doc({ Effect: "Deny", Action: "*", Resource: "x" })), [], "Deny * is fine");
    assert.match(checkResource(iamNoWildcardActions, { type: "aws:iam/role:Role", name: "r", props: { inlinePolicies: [{ name: "i", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }] } })[0], /Role "r"/);
  });
});
