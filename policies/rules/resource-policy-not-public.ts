/**
 * Resource-based policies (buckets, ECR repositories, topics, queues, keys, secrets, model
 * registries, the Glue catalog, Lambda permissions), inline ones included (a bucket's or a
 * queue's `policy` input), open nothing to everyone: a `*` principal may only read, or must
 * be narrowed by a condition to an account, organization, source resource or network, a
 * condition judged by its meaning (narrows()).
 */
import { asArray, describe, parseDocument, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsMatching } from "../facts/iamActions";

/** Condition keys that narrow a public principal to a known account, organization, resource or network. */
const NARROWING = /^aws:(SourceArn|SourceAccount|SourceOwner|SourceOrgID|SourceOrgPaths|PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|PrincipalArn|SourceVpc|SourceVpce|CalledVia)$|^kms:CallerAccount$/i;

/**
 * Whether a condition narrows who can call, judged by its meaning and not only its key
 * (IAM User Guide, "IAM JSON policy elements: Condition operators"; "...IfExists";
 * "Multivalued context keys"):
 *  - a negated operator (StringNotEquals, ArnNotLike, …) admits everyone else;
 *  - `…IfExists` is true when the key is absent, which a caller can arrange;
 *  - `ForAllValues:` is true when the key is absent;
 *  - a value that matches any account (`*`, or an ARN whose account is `*`) narrows nothing.
 */
function narrows(operator: string, key: string, values: unknown): boolean {
  if (!NARROWING.test(key)) return false;
  if (/Not/i.test(operator) || /IfExists$/i.test(operator) || /^ForAllValues:/i.test(operator)) return false;
  const list = asArray<unknown>(values).map(String);
  if (list.length === 0) return false;
  const anyAccount = (v: string) => v === "*" || /^arn:[^:]*:[^:]*:[^:]*:\*:/.test(v) || /^arn:[^:]*:iam::\*:/.test(v);
  return !list.some(anyAccount);
}

const narrowed = (s: any): boolean =>
  Object.entries(s?.Condition ?? {}).some(([operator, entries]: [string, any]) => entries && typeof entries === "object" && Object.entries(entries).some(([key, values]) => narrows(operator, key, values)));
const isPublic = (principal: unknown) => principal === "*" || asArray<string>((principal as any)?.AWS).includes("*");

/** The actions of a statement beyond reading: writes, permission changes, tagging (unknown services count as writes). */
function beyondRead(actions: string[]): string[] {
  return actions.filter((pattern) => {
    const matched = actionsMatching(pattern);
    return matched === undefined || matched.some((a) => a.level !== "R" && a.level !== "L");
  });
}

export const rule = resourceRule({
  name: "resource-policy-not-public",
  severity: "critical",
  remediation: "Name the principals (accounts, roles, services) in the resource policy, or narrow a * principal with a condition on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID or aws:SourceVpce.",
  description:
    "Resource-based policies (S3 bucket, ECR repository, SNS topic, SQS queue, KMS key, Secrets Manager secret, SageMaker model package group and Glue catalog policies, inline ones on buckets, topics, queues, keys and secrets included; Lambda permissions) give a `*` principal nothing beyond reading unless a condition narrows it (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce...), judged by its meaning (IAM User Guide, condition operators): a negated operator, an ...IfExists operator, ForAllValues: or a value matching any account narrows nothing; Lambda permissions for a service name their source (sourceArn or sourceAccount).",
  summary: "resource policies: no `*` principal for writes or administration without a narrowing condition; Lambda permissions from a service name their source",
  counterparts: { checkov: ["CKV_AWS_32", "CKV_AWS_70", "CKV_AWS_72", "CKV_AWS_169", "CKV_AWS_301"], cdkNag: ["AwsSolutions-S5", "AwsSolutions-SNS3", "AwsSolutions-SQS4"] },
  knobs: {},
  types: TYPES.resourcePolicies,
  validate: (props, args, report) => {
    const where = describe(args);
    if (args.type === "aws:lambda/permission:Permission") {
      const principal = props.principal;
      const narrowed = props.sourceArn !== undefined || props.sourceAccount !== undefined || props.principalOrgId !== undefined;
      if (principal === "*" && !narrowed) report(`${where} lets anyone call ${props.action ?? "the function"}; name the principal, or set sourceArn, sourceAccount or principalOrgId.`);
      else if (typeof principal === "string" && principal.endsWith(".amazonaws.com") && !narrowed) report(`${where} lets ${principal} call the function for any account or resource; set sourceArn (and sourceAccount where the service sends it).`);
      return;
    }
    // A model package group's policy is its `resourcePolicy`: anyone allowed UpdateModelPackage could approve a model into production.
    const policy = args.type === "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy" ? props.resourcePolicy : props.policy;
    if (policy === undefined || policy === null || policy === "") return; // no resource policy
    const doc = parseDocument(policy);
    if (!doc) return report(`${where}: the resource policy is not valid JSON, so who it opens to cannot be checked.`);
    for (const s of asArray<any>(doc.Statement)) {
      if (!s || s.Effect !== "Allow" || !isPublic(s.Principal)) continue;
      if (narrowed(s)) continue;
      const actions = asArray<string>(s.Action).filter((a) => typeof a === "string");
      const writes = s.NotAction !== undefined ? ["NotAction (everything else)"] : beyondRead(actions);
      if (writes.length > 0) report(`${where} statement ${s.Sid ?? "(no Sid)"} lets anyone ${writes.join(", ")}; name the principals, or narrow the statement with a condition on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.`);
    }
  },
});
