/** s3-bucket-encryption-and-access: SSE-KMS, public access block, TLS-only policy and versioning of each bucket. */
import { strict as assert } from "assert";
import { rule as s3BucketProtectionRule } from "../../rules/s3-bucket-encryption-and-access";
import { checkStack, stackPolicy, UNKNOWN } from "../support/check";

const s3BucketProtection = stackPolicy(s3BucketProtectionRule);

describe("rule: s3-bucket-encryption-and-access", () => {
  const urn = (t: string, n: string) => `urn:pulumi:s::p::${t}::${n}`;
  const bucketStack = (overrides: { sse?: unknown; pab?: Record<string, boolean> | null; policy?: unknown; versioning?: string | null }) => {
    const res = [{ type: "aws:s3/bucket:Bucket", name: "data", urn: urn("aws:s3/bucket:Bucket", "data"), props: { bucket: "my-data" } }];
    if (overrides.sse !== null) res.push({ type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: "sse", urn: urn("sse", "sse"), props: { bucket: "my-data", rules: [{ applyServerSideEncryptionByDefault: overrides.sse ?? { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }] } as any });
    if (overrides.pab !== null) res.push({ type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "pab", urn: urn("pab", "pab"), props: { bucket: "my-data", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...(overrides.pab ?? {}) } as any });
    if (overrides.policy !== null) res.push({ type: "aws:s3/bucketPolicy:BucketPolicy", name: "pol", urn: urn("pol", "pol"), props: { bucket: "my-data", policy: overrides.policy ?? JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) } as any });
    if (overrides.versioning !== null) res.push({ type: "aws:s3/bucketVersioning:BucketVersioning", name: "ver", urn: urn("ver", "ver"), props: { bucket: "my-data", versioningConfiguration: { status: overrides.versioning ?? "Enabled" } } as any });
    return res;
  };
  it("passes a bucket with all four companions, even when the key ARN is unknown (first preview)", () => {
    assert.deepEqual(checkStack(s3BucketProtection, bucketStack({})), []);
  });
  it("reports each missing protection with the fix", () => {
    const one = (o: Parameters<typeof bucketStack>[0]) => checkStack(s3BucketProtection, bucketStack(o)).map((v) => v.message);
    assert.match(one({ sse: null })[0], /S3 bucket "data" has no SSE-KMS default encryption; add a BucketServerSideEncryptionConfiguration/);
    assert.match(one({ sse: { sseAlgorithm: "AES256" } })[0], /no SSE-KMS/);
    assert.match(one({ sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } })[0], /AWS-managed key/);
    assert.match(one({ pab: { restrictPublicBuckets: false } })[0], /does not set restrictPublicBuckets/);
    assert.match(one({ pab: null })[0], /public access block is missing/);
    assert.match(one({ policy: null })[0], /no bucket policy denying requests without TLS/);
    assert.match(one({ policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject" }] }) })[0], /without TLS/);
    assert.match(one({ versioning: "Suspended" })[0], /not versioned \(status Suspended\)/);
    assert.equal(checkStack(s3BucketProtection, bucketStack({ sse: null }))[0].urn, urn("aws:s3/bucket:Bucket", "data"));
  });
});
