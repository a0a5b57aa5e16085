/** iam:PassRole only on named roles, only to named services. */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsOf, allowStatements } from "../lib/iamDocuments";

export const rule = resourceRule({
  name: "iam-passrole-restricted",
  description: "iam:PassRole is allowed only on named roles (no `*` resource) and only with an iam:PassedToService condition.",
  summary: "`iam:PassRole` only on named roles and with `iam:PassedToService`",
  counterparts: { cdkNag: ["AwsSolutions-IAM5"] },
  knobs: {},
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      if (!actionsOf(s).some((a) => a === "iam:PassRole" || a === "iam:*" || a === "*")) continue;
      const resources = asArray<string>(s.Resource);
      if (resources.length === 0 || resources.some((r) => r === "*" || /:role\/\*$/.test(r))) {
        report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows iam:PassRole on ${resources.join(", ") || "nothing named"}; name the roles.`);
      }
      const cond = s.Condition ?? {};
      const hasService = Object.values(cond).some((ops: any) => ops && typeof ops === "object" && "iam:PassedToService" in ops);
      if (!hasService) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows iam:PassRole without an iam:PassedToService condition; add one (e.g. sagemaker.amazonaws.com).`);
    }
  },
});
