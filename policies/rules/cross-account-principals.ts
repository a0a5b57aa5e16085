/**
 * Who outside the stack's own accounts may act on it: a trust policy, resource policy, key
 * policy, event bus policy, model package group policy or Lambda permission that names another
 * account names only accounts the policy config trusts (`trustedAccounts`), or is conditioned
 * on the organization (aws:PrincipalOrgID / aws:PrincipalOrgPaths); and never `*` without that.
 *
 * The stack's own accounts: `ownAccounts` when the policy config names them (the account each
 * stack deploys into); else the ones the Allow statements of its own identity policies name in
 * `Resource` ARNs (its roles act on its resources). With neither, the rule cannot tell an own
 * account from another and judges only `*`: a program whose policies name no ARN of its
 * account sets `ownAccounts`. An inferred "own" account can be widened by an Allow on a foreign
 * ARN, which an IAM review sees; `ownAccounts` closes that.
 */
import { PolicyResource } from "@pulumi/policy";
import { allowStatements, statementName } from "../lib/iamDocuments";
import { asArray, deferrals, parseDocument, TYPES } from "../lib/resources";
import { knob, stackRule } from "../lib/rule";

/** The account of an ARN (its fifth field), when it is one (`arn:aws:logs:us-east-1:123456789012:…`). */
const accountOfArn = (arn: unknown) => (typeof arn === "string" ? /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] : undefined);

/** The account an AWS principal names: `123456789012`, `arn:aws:iam::123456789012:root` or any principal ARN of it; `*` as it is. */
const accountOfPrincipal = (p: unknown): string | undefined => {
  if (typeof p !== "string") return undefined;
  if (p === "*" || /^\d{12}$/.test(p)) return p;
  return /^arn:[^:]+:(iam|sts)::(\d{12}|\*):/.exec(p)?.[2];
};

/** A value that matches many organizations or accounts: a wildcard (`o-*`, `1*`) narrows nothing. */
const wildcard = (v: unknown) => typeof v !== "string" || /[*?]/.test(v);

/**
 * A condition on the caller's organization (aws:PrincipalOrgID/PrincipalOrgPaths), or on the
 * caller's account being one the stack trusts (aws:PrincipalAccount, aws:SourceAccount,
 * kms:CallerAccount); not negated, not IfExists or ForAllValues:, with no wildcard in a value.
 */
function conditioned(s: any, trusted: (account: string) => boolean): boolean {
  return Object.entries(s?.Condition ?? {}).some(([operator, entries]: [string, any]) => {
    if (/Not|IfExists$|^ForAllValues:/i.test(operator) || !entries || typeof entries !== "object") return false;
    return Object.entries(entries).some(([key, values]) => {
      const list = asArray<unknown>(values);
      if (list.length === 0 || list.some(wildcard)) return false;
      if (/^aws:PrincipalOrg(ID|Paths)$/i.test(key)) return true;
      return /^(aws:PrincipalAccount|aws:SourceAccount|kms:CallerAccount)$/i.test(key) && list.every((v) => trusted(v as string)); // strings: `wildcard` refused anything else
    });
  });
}

/** Where a resource keeps the documents that name principals. */
function principalDocuments(r: PolicyResource): unknown[] {
  if (TYPES.iamRole.includes(r.type as never)) return [r.props.assumeRolePolicy];
  if (r.type === "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy") return [r.props.resourcePolicy];
  if (r.type === "aws:cloudwatch/eventBusPolicy:EventBusPolicy") return [r.props.policy];
  if (TYPES.resourcePolicies.includes(r.type as never) && r.type !== "aws:lambda/permission:Permission") return [r.props.policy];
  return [];
}

/** The identity policies, whose allowed Resource ARNs show the stack's own accounts. */
const IDENTITY_TYPES: readonly string[] = [...TYPES.iamRole, ...TYPES.iamPolicyDocuments];

export const rule = stackRule({
  name: "cross-account-principals",
  severity: "high",
  remediation: "Add the other account to trustedAccounts in the policy config (a reviewed guard rail), or condition the statement on aws:PrincipalOrgID; never grant * across accounts.",
  description:
    "Trust, resource, key, event bus and model package group policies and Lambda permissions name no account outside the stack's own (those its policies' Resource ARNs name) unless the policy config trusts it (trustedAccounts) or the statement is conditioned on the organization (aws:PrincipalOrgID/PrincipalOrgPaths, not negated); a `*` principal needs that condition.",
  summary: "no principal of another account unless `trustedAccounts` lists it or the statement is conditioned on the organization; never `*` without it",
  counterparts: { checkov: ["CKV_AWS_60"], note: "Checkov CKV_AWS_60 refuses `*` in trust policies; no peer checks a list of trusted accounts" },
  knobs: {
    trustedAccounts: knob.stringList([], "Accounts other than the stack's own that its policies may name as principals (a partner, the other stages' accounts of a promotion)", "wider"),
    ownAccounts: knob.stringList([], "The accounts the stack deploys into; empty: inferred from the Resource ARNs its identity policies allow (with none, named accounts are not judged, only *)", "wider"),
  },
  validate: (args, report, c) => {
    // A document unknown at preview (an ARN of a resource still to be created in it) defers the
    // checks that need it, for that resource only, as the engine defers a policy that reads one.
    const waiting = deferrals();
    const label = (r: PolicyResource) => `${r.type.split(":").pop()} "${r.name}"`;
    const own = new Set<string>(c.ownAccounts);
    if (own.size === 0) {
      for (const r of args.resources.filter((x) => IDENTITY_TYPES.includes(x.type))) {
        for (const s of waiting.check(label(r), () => allowStatements(r.type, r.props)) ?? []) {
          for (const arn of asArray(s?.Resource)) {
            const a = accountOfArn(arn);
            if (a) own.add(a);
          }
        }
      }
    }
    // With an identity document unknown, the stack's own accounts may be more than those seen:
    // an account not seen is then deferred, not reported (never a false alarm on the stack's own).
    const ownKnown = waiting.count === 0;
    // Knowing no own account, a named account cannot be told own or other: only * is judged.
    const judgesAccounts = own.size > 0;
    const trusted = (account: string) => own.has(account) || c.trustedAccounts.includes(account);
    const outside = (account: string) => account === "*" || (judgesAccounts && !trusted(account));
    const judge = (r: PolicyResource, account: string, message: string) => {
      if (account !== "*" && !ownKnown) waiting.wait(`${label(r)} (account ${account})`);
      else report(message, r.urn);
    };
    for (const r of args.resources) {
      if (r.type === "aws:lambda/permission:Permission") {
        const principal = waiting.check(label(r), () => r.props.principal as unknown);
        if (principal === undefined) continue;
        const account = accountOfPrincipal(principal);
        if (account && account !== "*" && outside(account)) judge(r, account, `Permission "${r.name}" lets account ${account} invoke the function, which is not the stack's own nor in trustedAccounts.`);
        continue;
      }
      for (const d of waiting.check(label(r), () => principalDocuments(r).map((x) => parseDocument(x)).filter(Boolean)) ?? []) {
        for (const s of asArray<any>(d.Statement)) {
          if (!s || s.Effect !== "Allow" || conditioned(s, trusted)) continue;
          const principals = s.Principal === "*" ? ["*"] : asArray<string>(s.Principal?.AWS);
          const others = [...new Set(principals.map(accountOfPrincipal).filter((a): a is string => a !== undefined && outside(a)))];
          if (others.length === 0) continue;
          const what = others.includes("*") ? "any account (*)" : `account${others.length > 1 ? "s" : ""} ${others.join(", ")}`;
          judge(r, others.includes("*") ? "*" : others[0], `${r.type.split(":").pop()} "${r.name}" statement ${statementName(s)} grants ${what}, outside the stack's own accounts (${[...own].join(", ") || "none seen"}) and trustedAccounts; trust the account in the policy config, or condition the statement on aws:PrincipalOrgID.`);
        }
      }
    }
    waiting.done();
  },
});
