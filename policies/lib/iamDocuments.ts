/** How the IAM rules read the policy documents a resource declares. */
import { asArray, parseDocument, shown, TYPES } from "./resources";

/** Every Allow statement of the IAM documents a resource declares (inline policies of a role, or the policy of a policy resource). */
export function allowStatements(type: string, props: Record<string, any>): any[] {
  const docs = TYPES.iamRole.includes(type as never)
    ? asArray<any>(props.inlinePolicies).map((p) => p?.policy)
    : type === "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
      ? [props.inlinePolicy]
      : [props.policy];
  return docs.flatMap((d) => asArray<any>(parseDocument(d)?.Statement)).filter((s) => s && s.Effect === "Allow");
}

export const actionsOf = (s: any): string[] => asArray<string>(s.Action);

/** IAM's own matching of an action pattern: `*` and `?` globs, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return regex.test(action);
}

/** Whether a pattern grants a whole service (`iam:*`), every service (`*`, `*:*`) or uses a glob. */
export const isWildcardAction = (a: string) => a === "*" || /^[^:]*\*[^:]*:\*$/.test(a) || /^[a-z0-9-]+:\*$/i.test(a);
export const hasGlob = (s: string) => /[*?]/.test(s);

/** A statement as messages name it: its Sid as text, or "(no Sid)". */
export const statementName = (s: any): string => (s?.Sid === undefined || s?.Sid === null ? "(no Sid)" : shown(s.Sid));
