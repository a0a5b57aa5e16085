/** The policy config checker the plan runs before anything, against the pack's own policies and schemas. */
import { strict as assert } from "assert";
import * as path from "path";
import { allRules, schemaDefaults } from "ml-pipeline-policies";
import { policyConfigProblems } from "../src/analyzer/packConfig";
import { POLICY_PACK_DIR } from "./support/fixtures";

const policies = allRules.map((r) => ({ name: r.policy.name, configSchema: r.policy.configSchema }));
const problems = (file: unknown) => policyConfigProblems(file, policies);

describe("policy config checked as the CLI checks it", () => {
  it("the shipped per-stack configs and every policy's defaults are valid", () => {
    for (const stack of ["dev", "prod"]) assert.deepEqual(problems(require(path.join(POLICY_PACK_DIR, "config", `${stack}.json`))), [], stack);
    for (const rule of allRules) assert.deepEqual(problems({ [rule.policy.name]: { enforcementLevel: "advisory", ...schemaDefaults(rule.policy.configSchema) } }), [], rule.policy.name);
  });

  const cases: [string, unknown, RegExp][] = [
    ["a string where a number belongs", { "monthly-cost-limit": { maxMonthlyUsd: "lots" } }, /"monthly-cost-limit".maxMonthlyUsd "lots": must be number/],
    ["a string where a boolean belongs", { "sagemaker-job-instance-types": { allowGpu: "false" } }, /allowGpu "false": must be boolean/],
    ["a string where a list belongs", { "sagemaker-job-instance-types": { allowedTrainingInstanceTypes: "ml.m5.large" } }, /allowedTrainingInstanceTypes "ml.m5.large": must be array/],
    ["a list of the wrong items", { "sagemaker-job-instance-types": { allowedTrainingInstanceTypes: [1, 2] } }, /allowedTrainingInstanceTypes.0 1: must be string/],
    ["a number below the minimum", { "sagemaker-endpoint-instance-types": { maxInstanceCount: 0 } }, /maxInstanceCount 0: must be >= 1/],
    ["a misspelled level", { all: "mandatry" }, /"all": enforcement level "mandatry" is not one of/],
    ["a misspelled level inside settings", { "kms-key-rotation": { enforcementLevel: "advisry" } }, /enforcement level "advisry"/],
    ["a knob the policy does not have", { "kms-key-rotation": { rotate: true } }, /"kms-key-rotation".rotate is not a setting of this policy/],
    ["a policy the pack does not have", { "no-such-policy": "advisory" }, /"no-such-policy" is not a policy of this pack/],
    ["a file that is not an object", ["not", "an", "object"], /must be a JSON object/],
  ];
  for (const [what, file, message] of cases) {
    it(`${what} is reported`, () => {
      assert.match(problems(file).join("\n"), message);
    });
  }
});
