/**
 * Who may assume a role: never anyone (`*`) without a narrowing condition, and an AWS
 * service only on behalf of this account or its resources (the confused-deputy guards
 * `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`), except services that document
 * none for their execution roles.
 */
import { asArray, describe, parseDocument, TYPES } from "../lib/resources";
import { knob, resourceRule } from "../lib/rule";
import { statementName } from "../lib/iamDocuments";

/** Condition keys that narrow who may assume a role to a known account, organization or resource. */
const NARROWING = /^aws:(SourceAccount|SourceArn|SourceOrgID|SourceOrgPaths|PrincipalAccount|PrincipalArn|PrincipalOrgID|PrincipalOrgPaths)$|^sts:ExternalId$/i;

/** `123456789012` or `arn:aws:iam::123456789012:root` (Checkov CKV_AWS_61's pattern). */
const ACCOUNT_PRINCIPAL = /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/;

const conditionKeys = (s: any): string[] => Object.values(s?.Condition ?? {}).flatMap((ops: any) => (ops && typeof ops === "object" ? Object.keys(ops) : []));

export const rule = resourceRule({
  name: "iam-trust-policy-restricted",
  severity: "critical",
  remediation: "Name the principal that may assume the role, and for a service principal add aws:SourceAccount (and aws:SourceArn where the service sends it).",
  description:
    "Role trust policies allow no `*` principal (or AWS: \"*\") and no whole account (an account id or its root) without a condition narrowing it, and allow AWS services only with aws:SourceAccount/SourceArn/SourceOrgID (confused-deputy prevention), except the services listed in servicesWithoutSourceKeys.",
  summary: "trust policies: no `*` or whole-account principal without a narrowing condition; service principals with `aws:SourceAccount`/`SourceArn`",
  counterparts: { checkov: ["CKV_AWS_60", "CKV_AWS_61"] },
  knobs: {
    servicesWithoutSourceKeys: knob.stringList(
      // glue: no confused-deputy keys documented for job roles (prowler-cloud/prowler#2810 lists it among the false positives).
      ["lambda.amazonaws.com", "edgelambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"],
      "Service principals exempt from the aws:SourceAccount/SourceArn requirement (their execution roles document none)",
      "wider",
    ),
  },
  types: TYPES.iamRole,
  validate: (props, args, report, c) => {
    const doc = parseDocument(props.assumeRolePolicy);
    if (props.assumeRolePolicy !== undefined && doc === undefined) return report(`${describe(args)}: the trust policy is not valid JSON, so who may assume the role cannot be checked.`);
    for (const s of asArray<any>(doc?.Statement)) {
      if (!s || s.Effect !== "Allow") continue;
      const sid = statementName(s);
      const principal = s.Principal;
      const narrowed = conditionKeys(s).some((k) => NARROWING.test(k));
      const everyone = principal === "*" || asArray<string>(principal?.AWS).includes("*") || s.NotPrincipal !== undefined;
      if (everyone && !narrowed) report(`${describe(args)} trust statement ${sid} lets anyone assume the role; name the principals, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId.`);
      // An account id or its root ARN means every principal of that account the account lets do so.
      const accounts = asArray<string>(principal?.AWS).filter((p) => typeof p === "string" && ACCOUNT_PRINCIPAL.test(p));
      if (accounts.length > 0 && !narrowed) report(`${describe(args)} trust statement ${sid} lets every principal of account ${accounts.join(", ")} assume the role; name the roles, or add a condition on aws:PrincipalArn or sts:ExternalId.`);
      for (const service of asArray<string>(principal?.Service)) {
        if (typeof service !== "string" || c.servicesWithoutSourceKeys.includes(service) || narrowed) continue;
        report(`${describe(args)} trust statement ${sid} lets ${service} assume the role for any account; add a condition on aws:SourceAccount (and aws:SourceArn where the service sends it).`);
      }
    }
  },
});
