/**
 * Provider functions the offline engine answers the way the AWS provider would, because
 * they need no cloud call: the caller identity (the plan's placeholder account), the
 * region (from config), the partition, and `iam.getPolicyDocument` (a pure rendering of
 * its statements). Any other function needs a live account: the plan fails naming it.
 */
import * as crypto from "crypto";

export const OFFLINE_INVOKES = ["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getRegion:getRegion", "aws:index/getPartition:getPartition", "aws:iam/getPolicyDocument:getPolicyDocument"];

const one = (values: unknown) => (Array.isArray(values) && values.length === 1 ? values[0] : values);

interface DocStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

function principals(list: DocStatement["principals"]): Record<string, unknown> | string | undefined {
  if (!list || list.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of list) {
    if (p.type === "*" && p.identifiers?.includes("*")) return "*";
    out[p.type] = one([...(Array.isArray(out[p.type]) ? (out[p.type] as string[]) : out[p.type] ? [out[p.type] as string] : []), ...(p.identifiers ?? [])]);
  }
  return out;
}

/** `aws.iam.getPolicyDocument`: the statements rendered as the provider renders them (pretty and minified JSON). */
export function policyDocument(args: { version?: string; policyId?: string; statements?: DocStatement[] }): { json: string; minifiedJson: string; id: string } {
  const doc: Record<string, unknown> = { Version: args.version ?? "2012-10-17" };
  if (args.policyId) doc.Id = args.policyId;
  doc.Statement = (args.statements ?? []).map((s) => {
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions ?? []) (conditions[c.test] ??= {})[c.variable] = one(c.values);
    const statement: Record<string, unknown> = {
      Sid: s.sid || undefined,
      Effect: s.effect ?? "Allow",
      Action: s.actions?.length ? one(s.actions) : undefined,
      NotAction: s.notActions?.length ? one(s.notActions) : undefined,
      Resource: s.resources?.length ? one(s.resources) : undefined,
      NotResource: s.notResources?.length ? one(s.notResources) : undefined,
      Principal: principals(s.principals),
      NotPrincipal: principals(s.notPrincipals),
      Condition: Object.keys(conditions).length ? conditions : undefined,
    };
    return Object.fromEntries(Object.entries(statement).filter(([, v]) => v !== undefined));
  });
  const json = JSON.stringify(doc, null, 2);
  return { json, minifiedJson: JSON.stringify(doc), id: String(crypto.createHash("sha1").update(json).digest("hex").slice(0, 10)) };
}
