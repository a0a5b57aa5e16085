/** iam-no-managed-full-access: no AWS-managed FullAccess or administrator policy is attached. */
import { strict as assert } from "assert";
import { rule as iamNoManagedFullAccessRule } from "../../rules/iam-no-managed-full-access";
import { checkResource, resourcePolicy } from "../support/check";

const iamNoManagedFullAccess = resourcePolicy(iamNoManagedFullAccessRule);

describe("rule: iam-no-managed-full-access", () => {
  it("no AWS-managed FullAccess attachments", () => {
    const att = (arn: string) => ({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "a", props: { policyArn: arn, role: "r" } });
    assert.match(checkResource(iamNoManagedFullAccess, att("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"))[0], /attaches arn:aws:iam::aws:policy\/AmazonSageMakerFullAccess/);
    assert.deepEqual(checkResource(iamNoManagedFullAccess, att("arn:aws:iam::123456789012:policy/mine")), []);
    assert.match(checkResource(iamNoManagedFullAccess, { type: "aws:iam/role:Role", name: "r", props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } })[0], /AdministratorAccess/);
  });
});
