/** IAM policies allow no wildcard action, and no IAM glob on every resource. */
import { asArray, describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsOf, allowStatements, hasGlob, isWildcardAction, statementName } from "../lib/iamDocuments";

export const rule = resourceRule({
  name: "iam-no-wildcard-actions",
  severity: "high",
  remediation: "List the actions the statement needs instead of a wildcard (service:* or *), and scope IAM actions to the roles or policies they apply to.",
  description:
    "IAM policies allow no `*`, `*:*` or `service:*` action (matched as IAM matches: case-insensitive), no glob over IAM actions (`iam:Create*`, `iam:Put*`) on every resource, and no Allow with NotAction.",
  summary: "no `*` / `*:*` / `service:*` Allow action, no `iam:<glob>` on `*`, no Allow+NotAction",
  // Not Checkov CKV_AWS_290 (cloudsplaining's "write access without constraints", which needs each action's access level).
  counterparts: { cdkNag: ["AwsSolutions-IAM5"], checkov: ["CKV_AWS_63"] },
  knobs: {},
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      const sid = statementName(s);
      const actions = actionsOf(s).filter((a) => typeof a === "string");
      const wild = actions.filter(isWildcardAction);
      if (wild.length > 0) report(`${describe(args)} statement ${sid} allows ${wild.join(", ")}; list the actions it needs.`);
      const everything = asArray<string>(s.Resource).some((r) => r === "*");
      const iamGlobs = actions.filter((a) => !wild.includes(a) && /^iam:/i.test(a) && hasGlob(a));
      if (everything && iamGlobs.length > 0) report(`${describe(args)} statement ${sid} allows ${iamGlobs.join(", ")} on every resource, which includes escalating its own privileges; list the IAM actions and the roles or policies they apply to.`);
      if (s.NotAction) report(`${describe(args)} statement ${sid} uses NotAction with Allow, which grants everything else; list actions instead.`);
    }
  },
});
