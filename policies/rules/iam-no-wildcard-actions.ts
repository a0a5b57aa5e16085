/** IAM policies allow no wildcard action. */
import { describe, TYPES } from "../lib/resources";
import { resourceRule } from "../lib/rule";
import { actionsOf, allowStatements } from "../lib/iamDocuments";

export const rule = resourceRule({
  name: "iam-no-wildcard-actions",
  description: "IAM policies allow no `*` or `service:*` action (NotAction is rejected too).",
  summary: "no `*` / `service:*` Allow action, no Allow+NotAction",
  counterparts: { cdkNag: ["AwsSolutions-IAM5"], checkov: ["CKV_AWS_63", "CKV_AWS_290"] },
  knobs: {},
  types: [...TYPES.iamPolicyDocuments, ...TYPES.iamRole],
  validate: (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      const wild = actionsOf(s).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
      if (wild.length > 0) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows ${wild.join(", ")}; list the actions it needs.`);
      if (s.NotAction) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} uses NotAction with Allow, which grants everything else; list actions instead.`);
    }
  },
});
