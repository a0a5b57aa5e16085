/** lambda-environment-kms: a function's environment variables are encrypted with a customer key. */
import { strict as assert } from "assert";
import { rule as lambdaEnvironmentKmsRule } from "../../rules/lambda-environment-kms";
import { checkResource, resourcePolicy } from "../support/check";

const lambdaEnvironmentKms = resourcePolicy(lambdaEnvironmentKmsRule);

describe("rule: lambda-environment-kms", () => {
  it("Lambda environments need a key when they have variables", () => {
    assert.deepEqual(checkResource(lambdaEnvironmentKms, { type: "aws:lambda/function:Function", name: "f", props: {} }), []);
    assert.match(checkResource(lambdaEnvironmentKms, { type: "aws:lambda/function:Function", name: "f", props: { environment: { variables: { A: "1" } } } })[0], /has environment variables but no kmsKeyArn/);
  });
});
