/** What the pack knows of IAM actions (access level, resource-level support), from the generated table. */
import { IAM_ACTIONS } from "./iamActions.generated";

export interface ActionFacts {
  action: string;
  /** R read, L list, W write, P permissions management, T tagging. */
  level: "R" | "L" | "W" | "P" | "T";
  /** Whether the action can be scoped to resources (otherwise it only takes "*"). */
  scopable: boolean;
}

const parsed = new Map<string, ActionFacts[]>();
function actionsOf(service: string): ActionFacts[] | undefined {
  const raw = IAM_ACTIONS[service.toLowerCase()];
  if (raw === undefined) return undefined;
  if (!parsed.has(service)) {
    parsed.set(service, raw.split(" ").map((e) => {
      const [action, level] = e.split(":");
      return { action, level: level.toUpperCase() as ActionFacts["level"], scopable: level === level.toUpperCase() };
    }));
  }
  return parsed.get(service);
}

/** The actions an IAM action pattern (`s3:Put*`, `sqs:sendmessage`, `*`) covers, among the services the table knows; undefined when the service is not in the table. */
export function actionsMatching(pattern: string): ActionFacts[] | undefined {
  const [service, name] = pattern.includes(":") ? pattern.split(":") : ["*", pattern];
  if (service === "*") return undefined;
  const known = actionsOf(service);
  if (!known) return undefined;
  const regex = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return known.filter((a) => regex.test(a.action)).map((a) => ({ ...a, action: `${service}:${a.action}` }));
}
