/**
 * Every S3 bucket: SSE-KMS with a customer key, public access block, TLS-only policy,
 * versioning, pairing each bucket with its separate configuration resources.
 */
import { PolicyResource } from "@pulumi/policy";
import { asArray, deferrals, parseDocument, read, TYPES, UNKNOWN } from "../lib/resources";
import { knob, stackRule } from "../lib/rule";
import { isAwsManagedKey, isGiven } from "../lib/keys";

/**
 * Whether a sub-resource (policy, encryption, ...) configures this bucket. By the
 * dependency graph first, as the engine knows it: `bucket: b.id` depends on the bucket's
 * URN even at a first preview, when the id is unknown. By name only when there is no
 * dependency (the bucket named by a literal string).
 */
function refersTo(sub: PolicyResource, bucket: PolicyResource): boolean {
  const deps = sub.propertyDependencies?.bucket;
  if (deps && deps.length > 0) return deps.some((d) => d.urn === bucket.urn);
  const ref = read(sub.props, "bucket");
  if (ref === UNKNOWN || ref === undefined) return false;
  return ref === read(bucket.props, "bucket") || ref === bucket.name;
}

function denyInsecureTransport(policy: unknown): boolean {
  const doc = parseDocument(policy);
  return asArray<any>(doc?.Statement).some((s) => {
    const v = s.Effect === "Deny" ? s.Condition?.Bool?.["aws:SecureTransport"] : undefined;
    return v === false || v === "false";
  });
}

export const rule = stackRule({
  name: "s3-bucket-encryption-and-access",
  severity: "high",
  remediation: "Give the bucket SSE-KMS default encryption with a customer-managed key, versioning, a complete public access block and a bucket policy that denies requests without TLS.",
  description:
    "Every S3 bucket has SSE-KMS with a customer-managed key, a public access block with all four settings, a bucket policy denying non-TLS access, versioning, no ACL granting everyone access, and (requireAccessLogging) server access logging. Pairs each bucket with its separate configuration resources (@pulumi/aws v7) by dependency.",
  summary: "every bucket: SSE-KMS with a customer key, public access block (all four), TLS-only bucket policy, versioning, no public ACL, access logging if required — pairing each bucket with its separate v7 resources",
  counterparts: { cdkNag: ["AwsSolutions-S1", "AwsSolutions-S2", "AwsSolutions-S10"], checkov: ["CKV_AWS_18", "CKV_AWS_19", "CKV_AWS_20", "CKV_AWS_21", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV_AWS_145"] },
  knobs: {
    requireVersioning: knob.boolean(true, "Require versioning on every bucket", "false"),
    requireCustomerKey: knob.boolean(true, "Reject SSE-S3 and the AWS-managed aws/s3 key", "false"),
    requireAccessLogging: knob.boolean(false, "Require server access logging (a BucketLogging) on every bucket (Checkov CKV_AWS_18)", "false"),
  },
  validate: (args, report, c) => {
    const of = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
    const sse = of(TYPES.bucketSse);
    const pabs = of(TYPES.bucketPab);
    const policies = of(TYPES.bucketPolicy);
    const versionings = of(TYPES.bucketVersioning);
    const acls = of(TYPES.bucketAcl);
    const loggings = of(TYPES.bucketLogging);
    // One value unknown at preview defers the check that needs it, for that bucket only;
    // every other check of every bucket still reaches its verdict.
    const waiting = deferrals();
    const check = (what: string, run: () => void) => waiting.check(what, run, true);
    for (const bucket of of(TYPES.bucket)) {
      const where = `S3 bucket "${bucket.name}"`;
      check(`${where} encryption`, () => {
        const rules = [
          ...sse.filter((r) => refersTo(r, bucket)).flatMap((r) => asArray<any>(r.props.rules)),
          ...asArray<any>(bucket.props.serverSideEncryptionConfiguration?.rule),
        ];
        const kms = rules.map((r) => r?.applyServerSideEncryptionByDefault).filter((d) => d && (d.sseAlgorithm === "aws:kms" || d.sseAlgorithm === "aws:kms:dsse"));
        if (kms.length === 0) {
          report(`${where} has no SSE-KMS default encryption; add a BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId.`, bucket.urn);
        } else if (c.requireCustomerKey && kms.every((d) => !isGiven(read(d, "kmsMasterKeyId")) || isAwsManagedKey(read(d, "kmsMasterKeyId")))) {
          report(`${where} uses SSE-KMS with the AWS-managed key; set kmsMasterKeyId to a customer-managed key.`, bucket.urn);
        }
      });
      check(`${where} public access block`, () => {
        const pab = pabs.find((r) => refersTo(r, bucket));
        const missing = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => pab?.props[k] !== true);
        if (missing.length > 0) report(`${where}: the public access block ${pab ? `does not set ${missing.join(", ")}` : "is missing"}; add a BucketPublicAccessBlock with all four settings true.`, bucket.urn);
      });
      check(`${where} bucket policy`, () => {
        const policy = policies.find((r) => refersTo(r, bucket));
        if (!policy || !denyInsecureTransport(policy.props.policy)) {
          report(`${where} has no bucket policy denying requests without TLS; add a Deny statement with Condition Bool aws:SecureTransport = "false".`, bucket.urn);
        }
      });
      check(`${where} ACL`, () => {
        const granted = [bucket, ...acls.filter((r) => refersTo(r, bucket))].flatMap((r) => publicGrants(r.props));
        if (granted.length > 0) report(`${where} is readable or writable by everyone through its ACL (${granted.join(", ")}); use the private ACL (or none: BucketOwnerEnforced ownership disables ACLs).`, bucket.urn);
      });
      if (c.requireAccessLogging) {
        check(`${where} access logging`, () => {
          if (!loggings.some((r) => refersTo(r, bucket)) && !bucket.props.logging) report(`${where} has no server access logging; add a BucketLogging with a target bucket.`, bucket.urn);
        });
      }
      if (c.requireVersioning) {
        check(`${where} versioning`, () => {
          const v = versioningStatus(versionings.find((r) => refersTo(r, bucket)), bucket);
          if (v !== "Enabled") report(`${where} is not versioned (status ${v ?? "unset"}); add a BucketVersioning with status "Enabled".`, bucket.urn);
        });
      }
    }
    // The server turns this into its advisory "can't run … during preview", after the verdicts above.
    waiting.done();
  },
});

/** Canned ACLs that open a bucket to everyone (or every AWS account), as Checkov's CKV_AWS_20 lists them. */
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read", "website"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/** The public grants of a bucket's or BucketAcl's props: a public canned ACL, or grants to AllUsers/AuthenticatedUsers. */
function publicGrants(props: Record<string, any>): string[] {
  const out: string[] = [];
  const acl = read(props, "acl");
  if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) out.push(`acl "${acl}"`);
  for (const grant of [...asArray<any>(props.accessControlPolicy?.grants), ...asArray<any>(props.grants)]) {
    const uri = grant?.grantee?.uri ?? grant?.uri;
    if (typeof uri === "string" && PUBLIC_GRANTEES.includes(uri)) out.push(`${grant.permission ?? asArray(grant.permissions).join("/")} to ${uri.split("/").pop()}`);
  }
  return out;
}

function versioningStatus(resource: PolicyResource | undefined, bucket: PolicyResource): string | undefined {
  if (resource) return resource.props.versioningConfiguration?.status;
  const inline = bucket.props.versioning;
  return inline?.enabled === true ? "Enabled" : undefined;
}

