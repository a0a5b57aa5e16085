/**
 * A Mermaid flowchart of a state machine definition: states as nodes, transitions as
 * edges (Choice rules and Catch edges labelled). Used by the README and the offline plan.
 */

interface AnyState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Resource?: string;
}

const shape = (name: string, s: AnyState): string => {
  const id = name.replace(/[^A-Za-z0-9_]/g, "_");
  switch (s.Type) {
    case "Choice":
      return `${id}{${name}}`;
    case "Succeed":
    case "Fail":
      return `${id}([${name}])`;
    case "Task":
      return `${id}[${name}]`;
    default:
      return `${id}(${name})`;
  }
};

export function mermaid(definition: { StartAt: string; States: Record<string, AnyState> }): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");
  const lines = ["flowchart TD", "  start((start))"];
  for (const [name, s] of Object.entries(definition.States)) lines.push(`  ${shape(name, s)}`);
  lines.push(`  start --> ${id(definition.StartAt)}`);
  for (const [name, s] of Object.entries(definition.States)) {
    if (s.Next) lines.push(`  ${id(name)} --> ${id(s.Next)}`);
    (s.Choices ?? []).forEach((c, i) => lines.push(`  ${id(name)} -->|rule ${i + 1}| ${id(c.Next)}`));
    if (s.Default) lines.push(`  ${id(name)} -->|default| ${id(s.Default)}`);
    for (const c of s.Catch ?? []) if (c.Next !== s.Next) lines.push(`  ${id(name)} -.->|${c.ErrorEquals.join(", ")}| ${id(c.Next)}`);
  }
  return lines.join("\n");
}
