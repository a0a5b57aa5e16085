/** iam-passrole-restricted: iam:PassRole names its roles and the service they are passed to. */
import { strict as assert } from "assert";
import { rule as iamPassRoleRestrictedRule } from "../../rules/iam-passrole-restricted";
import { checkResource, resourcePolicy } from "../support/check";
import { doc } from "../support/iam";

const iamPassRoleRestricted = resourcePolicy(iamPassRoleRestrictedRule);

describe("rule: iam-passrole-restricted", () => {
  it("PassRole needs named roles and iam:PassedToService", () => {
    const ok = doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/r", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } });
    assert.deepEqual(checkResource(iamPassRoleRestricted, ok), []);
    const m = checkResource(iamPassRoleRestricted, doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }));
    assert.equal(m.length, 2);
    assert.match(m[0], /iam:PassRole \(iam:PassRole\) on \*; name each role by its full ARN/);
    assert.match(m[1], /without an iam:PassedToService condition/);
  });
});
