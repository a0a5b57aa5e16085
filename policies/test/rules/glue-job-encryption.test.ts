/** glue-job-encryption: a Glue job's security configuration, declared in the stack, encrypts S3, logs and bookmarks with KMS. */
import { strict as assert } from "assert";
import { StackValidationPolicy } from "@pulumi/policy";
import { rule as glueJobEncryptionRule } from "../../rules/glue-job-encryption";
import { checkStack, UNKNOWN } from "../support/check";
import { glueRun, job, machine, securityConfiguration } from "../support/glue";

const encryption = glueJobEncryptionRule.policy as StackValidationPolicy;

describe("rule: glue-job-encryption", () => {
  it("passes a job whose security configuration encrypts S3, logs and bookmarks with KMS, with the key unknown until deploy", () => {
    assert.deepEqual(checkStack(encryption, [job(), securityConfiguration()]), []);
    const unknownKey = securityConfiguration({ s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: UNKNOWN } });
    assert.deepEqual(checkStack(encryption, [job(), unknownKey]), []);
  });

  it("reports each target that is not KMS-encrypted (SSE-S3 passes Checkov CKV_AWS_99; this rule asks for the key)", () => {
    const weak = securityConfiguration({
      s3Encryption: { s3EncryptionMode: "SSE-S3" },
      cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS" },
    });
    const [v] = checkStack(encryption, [job(), weak]);
    assert.match(v.message, /S3 output is SSE-S3 \(want SSE-KMS\); CloudWatch Logs is DISABLED \(want SSE-KMS\); job bookmarks names no kmsKeyArn/);
    assert.equal(v.urn, "urn:sec");
  });

  it("reports a job without a security configuration, or with one the stack does not declare (CKV_AWS_195)", () => {
    assert.match(checkStack(encryption, [job({ securityConfiguration: undefined })])[0].message, /names no security configuration/);
    assert.match(checkStack(encryption, [job({ securityConfiguration: "shared" }), securityConfiguration()])[0].message, /names security configuration "shared", which the stack does not declare/);
  });

  it("a run may swap in only a declared, compliant configuration, written literally", () => {
    const ok = machine({ Prep: glueRun({ SecurityConfiguration: "sec" }) });
    assert.deepEqual(checkStack(encryption, [job(), securityConfiguration(), ok]), []);
    assert.match(checkStack(encryption, [job(), securityConfiguration(), machine({ Prep: glueRun({ SecurityConfiguration: "none" }) })])[0].message, /state Prep .* names security configuration "none"/);
    assert.match(checkStack(encryption, [job(), securityConfiguration(), machine({ Prep: glueRun({ "SecurityConfiguration.$": "$.sec" }) })])[0].message, /sets SecurityConfiguration at run time/);
  });
});
