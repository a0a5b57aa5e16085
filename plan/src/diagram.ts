/**
 * A Mermaid flowchart of a state machine definition: states as nodes, transitions as
 * edges (Choice rules labelled with their conditions, Catch edges with their errors).
 * Used by the offline plan (its diagrams, and the samples in docs/).
 */

interface AnyState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: (ChoiceRule & { Next: string })[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Resource?: string;
}

/** A Choice rule (JSONPath: Variable + comparison, And/Or/Not; JSONata: Condition). */
export interface ChoiceRule {
  Variable?: string;
  Condition?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [comparison: string]: unknown;
}

const OPERATORS: [RegExp, string][] = [
  [/GreaterThanEquals$/, ">="],
  [/LessThanEquals$/, "<="],
  [/GreaterThan$/, ">"],
  [/LessThan$/, "<"],
  [/Equals$/, "=="],
  [/Matches$/, "matches"],
];

/** A Choice rule as a short condition: `$.endpoint.EndpointStatus == "InService"`, `IsPresent($.x)`. */
export function describeChoiceRule(rule: ChoiceRule): string {
  if (rule.Condition !== undefined) return String(rule.Condition).replace(/^\{%\s*|\s*%\}$/g, "");
  if (rule.Not) return `not (${describeChoiceRule(rule.Not)})`;
  // Simple terms first, so a truncated label keeps what tells the branches apart.
  if (rule.And) return [...rule.And.filter((r) => !r.Or), ...rule.And.filter((r) => r.Or)].map((r) => (r.Or ? `(${describeChoiceRule(r)})` : describeChoiceRule(r))).join(" and ");
  if (rule.Or) {
    // `x == 'A' or x == 'B'` reads better as `x in ('A', 'B')`.
    const variables = new Set(rule.Or.map((r) => r.Variable));
    if (variables.size === 1 && rule.Or.every((r) => typeof r.StringEquals === "string")) {
      return `${rule.Or[0].Variable} in (${rule.Or.map((r) => `'${r.StringEquals}'`).join(", ")})`;
    }
    return rule.Or.map(describeChoiceRule).join(" or ");
  }
  const comparison = Object.keys(rule).find((k) => k !== "Variable" && k !== "Next");
  if (!comparison) return "?";
  const value = rule[comparison];
  const path = comparison.endsWith("Path");
  const base = path ? comparison.slice(0, -4) : comparison;
  if (base.startsWith("Is")) return `${value === false ? "not " : ""}${base}(${rule.Variable})`;
  const operator = OPERATORS.find(([re]) => re.test(base))?.[1] ?? base;
  return `${rule.Variable} ${operator} ${path ? String(value) : typeof value === "string" ? `'${value}'` : JSON.stringify(value)}`;
}

/** An edge label Mermaid accepts: quoted, without quotes inside, at most 100 characters. */
const label = (text: string) => {
  const short = text.length > 100 ? `${text.slice(0, 97)}...` : text;
  return `"${short.replace(/"/g, "#quot;")}"`;
};

/** A state's node id in the diagram: its name, with anything Mermaid would misread as an underscore. */
export const nodeId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");

const shape = (name: string, s: AnyState): string => {
  const id = nodeId(name);
  switch (s.Type) {
    case "Choice":
      return `${id}{${name}}`;
    case "Succeed":
    case "Fail":
      return `${id}([${name}])`;
    case "Task": {
      // The integration names the engine (lambda:invoke, createProcessingJob.sync, glue:startJobRun.sync).
      const integration = typeof s.Resource === "string" ? /^arn:[\w-]+:states:::(.+)$/.exec(s.Resource)?.[1] : undefined;
      return integration ? `${id}["${name}<br/>${integration}"]` : `${id}[${name}]`;
    }
    default:
      return `${id}(${name})`;
  }
};

export function mermaid(definition: { StartAt: string; States: Record<string, AnyState> }): string {
  const id = nodeId;
  const lines = ["flowchart TD", "  start((start))"];
  for (const [name, s] of Object.entries(definition.States)) lines.push(`  ${shape(name, s)}`);
  lines.push(`  start --> ${id(definition.StartAt)}`);
  for (const [name, s] of Object.entries(definition.States)) {
    if (s.Next) lines.push(`  ${id(name)} --> ${id(s.Next)}`);
    for (const c of s.Choices ?? []) lines.push(`  ${id(name)} -->|${label(describeChoiceRule(c))}| ${id(c.Next)}`);
    if (s.Default) lines.push(`  ${id(name)} -->|default| ${id(s.Default)}`);
    for (const c of s.Catch ?? []) if (c.Next !== s.Next) lines.push(`  ${id(name)} -.->|${c.ErrorEquals.join(", ")}| ${id(c.Next)}`);
  }
  return lines.join("\n");
}
