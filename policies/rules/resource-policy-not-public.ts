/**
 * Resource-based policies (buckets, ECR repositories, topics, queues, keys, secrets, model
 * registries, the Glue catalog, Lambda permissions), inline ones included (a bucket's or a
 * queue's `policy` input), open nothing to everyone: a `*` principal must be narrowed by a
 * condition to an account, organization, source resource or network, a condition judged by
 * its meaning (narrows()). Reads count: S3's own definition of "public" counts a read by
 * anyone (S3 User Guide, "The meaning of public"), as do Checkov CKV_AWS_70 and cdk-nag
 * AwsSolutions-S5; a bucket meant to be public (a website) is a suppression with a reason. A
 * whole-service action (`*`, `sqs:*`) given to `*` is too broad even when narrowed (CKV_AWS_72).
 */
import { asArray, describe, parseDocument, shown, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsMatching } from "../facts/iamActions";
import { statementName } from "../lib/iamDocuments";

/** Condition keys that narrow a public principal to a known account, organization, resource or network. */
const NARROWING = /^aws:(SourceArn|SourceAccount|SourceOwner|SourceOrgID|SourceOrgPaths|PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|PrincipalArn|SourceVpc|SourceVpce|VpceAccount|VpceOrgID|VpceOrgPaths|CalledVia|userid)$|^kms:CallerAccount$/i;

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
  // A value that matches many: `*`; an ARN whose account has a wildcard, or an account-less ARN
  // (S3's) whose resource starts with one; any other value (an account, an org id) with one.
  const many = (v: string) => {
    const arn = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):(.*)$/.exec(v);
    if (arn) return /[*?]/.test(arn[1]) || (arn[1] === "" && /^[*?]/.test(arn[2]));
    return /[*?]/.test(v);
  };
  return !list.some(many);
}

const narrowed = (s: any): boolean =>
  Object.entries(s?.Condition ?? {}).some(([operator, entries]: [string, any]) => entries && typeof entries === "object" && Object.entries(entries).some(([key, values]) => narrows(operator, key, values)));
/** Anyone: `*`, or an AWS principal of any account (`arn:aws:iam::*:role/x` names a role of every account). */
const isPublic = (principal: unknown) => principal === "*" || asArray<string>((principal as any)?.AWS).some((p) => p === "*" || /^arn:[^:]*:iam::\*:/.test(shown(p)));

/** Whether an action pattern names everything a service (or every service) does: `*`, `sqs:*`. */
const wholeService = (pattern: string) => pattern === "*" || /^[a-z0-9-]+:\*$/i.test(pattern);

/** "read" when every action is a read or list (by the IAM action table), else "write" (unknown services count as writes). */
function accessOf(actions: string[]): "read" | "write" {
  return actions.every((pattern) => actionsMatching(pattern)?.every((a) => a.level === "R" || a.level === "L") === true) ? "read" : "write";
}

export const rule = resourceRule({
  name: "resource-policy-not-public",
  severity: "critical",
  remediation: "Name the principals (accounts, roles, services) in the resource policy, or narrow a * principal with a condition on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID or aws:SourceVpce.",
  description:
    "Resource-based policies (S3 bucket, ECR repository, SNS topic, SQS queue, KMS key, Secrets Manager secret, SageMaker model package group and Glue catalog policies, inline ones on buckets, topics, queues, keys and secrets included; Lambda permissions) give a `*` principal nothing, reads included (S3's meaning of public), unless a condition narrows it (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce...), judged by its meaning (IAM User Guide, condition operators): a negated operator, an ...IfExists operator, ForAllValues: or a value matching any account narrows nothing; Lambda permissions for a service name their source (sourceArn or sourceAccount). A whole-service action (`*`, `sqs:*`) for a `*` principal is refused even when narrowed (CKV_AWS_72).",
  summary: "resource policies: no `*` principal without a narrowing condition (reads included), no whole-service action for `*` even narrowed; Lambda permissions from a service name their source",
  counterparts: { checkov: ["CKV_AWS_32", "CKV_AWS_70", "CKV_AWS_72", "CKV_AWS_168", "CKV_AWS_169", "CKV_AWS_301"], cdkNag: ["AwsSolutions-S5", "AwsSolutions-SNS3", "AwsSolutions-SQS4"] },
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
      const actions = asArray<string>(s.Action).filter((a) => typeof a === "string");
      const sid = statementName(s);
      if (narrowed(s)) {
        // Narrowed to a source, still every action of the service (CKV_AWS_72: "SQS policy does not allow ALL (*) actions").
        const whole = s.NotAction !== undefined ? ["NotAction (everything else)"] : actions.filter(wholeService);
        if (whole.length > 0) report(`${where} statement ${sid} lets a * principal, narrowed by its condition, do ${whole.join(", ")}: every action of the service; name the actions it needs.`);
        continue;
      }
      if (s.NotAction !== undefined) {
        report(`${where} statement ${sid} lets anyone do everything but ${asArray<unknown>(s.NotAction).map(shown).join(", ")} (NotAction); name the principals, or narrow the statement with a condition on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.`);
        continue;
      }
      if (actions.length === 0) continue;
      const access = accessOf(actions);
      report(
        `${where} statement ${sid} lets anyone ${actions.join(", ")}${access === "read" ? " (a public read: S3 and Checkov count it as public)" : ""}; name the principals, or narrow the statement with a condition on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID${access === "read" ? ", or, for content meant to be public (a website), suppress this finding with the reason" : ""}.`,
      );
    }
  },
});
