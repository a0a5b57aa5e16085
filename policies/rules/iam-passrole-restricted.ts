/** iam:PassRole only on named roles, only to named services. */
import { asArray, describe, shown, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionMatches, actionsOf, allowStatements, hasGlob, statementName } from "../lib/iamDocuments";

export const rule = resourceRule({
  name: "iam-passrole-restricted",
  severity: "high",
  remediation: "Name each role iam:PassRole may pass by its full ARN and add an iam:PassedToService condition naming the service that receives it.",
  description:
    "iam:PassRole (however it is granted: `iam:passrole`, `iam:Pass*`, `iam:*`, `*`) is allowed only on roles named exactly (no wildcard in the role ARN) and only with an iam:PassedToService condition.",
  summary: "`iam:PassRole` (also through globs, any case) only on exactly named roles and with `iam:PassedToService`",
  counterparts: { cdkNag: ["AwsSolutions-IAM5"] },
  knobs: {},
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      const granting = actionsOf(s).filter((a) => typeof a === "string" && actionMatches(a, "iam:PassRole"));
      if (granting.length === 0) continue;
      const sid = statementName(s);
      const resources = asArray<string>(s.Resource);
      const wild = resources.filter((r) => typeof r !== "string" || hasGlob(r));
      if (resources.length === 0 || wild.length > 0) {
        report(`${describe(args)} statement ${sid} allows iam:PassRole (${granting.join(", ")}) on ${wild.map(shown).join(", ") || "nothing named"}; name each role by its full ARN.`);
      }
      const cond = s.Condition ?? {};
      const hasService = Object.values(cond).some((ops: any) => ops && typeof ops === "object" && Object.keys(ops).some((k) => k.toLowerCase() === "iam:passedtoservice"));
      if (!hasService) report(`${describe(args)} statement ${sid} allows iam:PassRole without an iam:PassedToService condition; add one (e.g. sagemaker.amazonaws.com).`);
    }
  },
});
