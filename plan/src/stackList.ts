/**
 * `stacks.yaml`: a program's list of stacks in one place, beside its `Pulumi.yaml`. Each
 * stack names the AWS account it deploys into, the policy config it is judged by (or says,
 * in so many words, that the pack's defaults are meant) and whether a person approves its
 * deploys. The plan reads it to pick a stack's policy config; `--list-stacks` prints it for
 * the workflows and scripts, which read the stacks from here instead of naming them.
 * A program without the file keeps the plan's older rule (`<policy-pack>/config/<stack>.json`
 * when present, else the pack's defaults).
 */
import * as fs from "fs";
import * as path from "path";
import { nearest, parseYamlFile } from "./engine/stackFiles";
import { dottedPath, valueAtPointer } from "./jsonPointer";

export const STACK_LIST_FILE = "stacks.yaml";

/** One stack of the list, as written (paths relative to the list's folder). */
export interface ListedStack {
  /** The Pulumi stack name: `Pulumi.<name>.yaml` exists beside the list. */
  name: string;
  /** The 12-digit AWS account the stack deploys into; null: not pinned. */
  account: string | null;
  /** The `--policy-pack-config` file, relative to the list's folder; `defaults`: the pack's defaults, on purpose. */
  policyConfig: string;
  /** A person approves a saved preview before this stack is deployed (deploy.yml). */
  approval: boolean;
}

/** The JSON Schema of the file (checked with ajv); every field's meaning is in `ListedStack`. */
export const STACK_LIST_SCHEMA = {
  type: "object",
  required: ["stacks"],
  additionalProperties: false,
  properties: {
    stacks: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "policyConfig"],
        additionalProperties: false,
        properties: {
          name: { type: "string", pattern: "^[A-Za-z0-9_.-]+$" },
          account: { type: ["string", "null"], pattern: "^[0-9]{12}$" },
          policyConfig: { type: "string", minLength: 1 },
          approval: { type: "boolean" },
        },
      },
    },
  },
} as const;

const FIELDS = Object.keys(STACK_LIST_SCHEMA.properties.stacks.items.properties);
/** What a missing field must hold. */
const REQUIRED_HINT: Record<string, string> = {
  stacks: "a list of stacks",
  name: "the Pulumi stack's name",
  policyConfig: "the stack's policy config file, or defaults to run the pack at its defaults on purpose",
};
/** What a field of the wrong form must be. */
const FIELD_HINT: Record<string, string> = {
  account: "is not an AWS account ID: 12 digits, quoted (or null: not pinned)",
  name: "is not a stack name: letters, digits, _ . -",
};

/** ajv's validator of STACK_LIST_SCHEMA, compiled on first use, once per process. */
let compiledStackList: import("ajv").ValidateFunction | undefined;
function stackListValidator(): import("ajv").ValidateFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  compiledStackList ??= new (require("ajv").default as typeof import("ajv").default)({ allErrors: true, strict: false }).compile(STACK_LIST_SCHEMA);
  return compiledStackList;
}

/** The program's stack list, validated; undefined when the program has none. Throws one message listing every problem. */
export function readStackList(programDir: string): ListedStack[] | undefined {
  const file = path.join(programDir, STACK_LIST_FILE);
  if (!fs.existsSync(file)) return undefined;
  const doc = parseYamlFile(file);
  const validate = stackListValidator();
  const problems: string[] = [];
  if (!validate(doc)) {
    for (const error of validate.errors ?? []) {
      const where = dottedPath(error.instancePath) || "(top)";
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      if (extra !== undefined) {
        const best = where.startsWith("stacks.") ? nearest(extra, FIELDS) : undefined;
        problems.push(`${where}: "${extra}" is not a field (fields: ${where === "(top)" ? "stacks" : FIELDS.join(", ")})${best ? `; did you mean "${best}"?` : ""}`);
      } else if (error.keyword === "required") {
        const missing = (error.params as { missingProperty: string }).missingProperty;
        problems.push(`${where}: ${missing} is missing${REQUIRED_HINT[missing] ? ` (${REQUIRED_HINT[missing]})` : ""}`);
      } else {
        // YAML reads an unquoted account ID as a number: the same hint as a wrong pattern.
        const hint = ["pattern", "type"].includes(error.keyword) ? FIELD_HINT[where.split(".").pop()!] : undefined;
        problems.push(`${where}: ${JSON.stringify(valueAtPointer(doc, error.instancePath))} ${hint ?? error.message}`);
      }
    }
  } else {
    const stacks = (doc as { stacks: Partial<ListedStack>[] }).stacks;
    const seen = new Set<string>();
    stacks.forEach((s, i) => {
      const at = `stacks.${i} (${s.name})`;
      if (seen.has(s.name!)) problems.push(`${at}: listed twice`);
      seen.add(s.name!);
      if (!fs.existsSync(path.join(programDir, `Pulumi.${s.name}.yaml`))) problems.push(`${at}: there is no stack file Pulumi.${s.name}.yaml beside the list`);
      // Inside the repository that holds the list: what CI checks out is what judges the stack.
      if (s.policyConfig !== "defaults" && (path.isAbsolute(s.policyConfig!) || path.normalize(s.policyConfig!).split(/[\\/]/)[0] === "..")) {
        problems.push(`${at}: policyConfig ${s.policyConfig} must be a path relative to the list's folder, inside it`);
      } else if (s.policyConfig !== "defaults" && !fs.existsSync(path.join(programDir, s.policyConfig!))) {
        problems.push(`${at}: policyConfig ${s.policyConfig} does not exist; write it, or set policyConfig: defaults to run the pack at its defaults on purpose`);
      }
    });
  }
  if (problems.length > 0) throw new Error(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return (doc as { stacks: Partial<ListedStack>[] }).stacks.map((s) => ({ name: s.name!, account: s.account ?? null, policyConfig: s.policyConfig!, approval: s.approval ?? false }));
}

/** A listed stack, or a message naming the stacks the list has and the closest one. */
export function listedStack(list: ListedStack[], stack: string, programDir: string): ListedStack {
  const found = list.find((s) => s.name === stack);
  if (found) return found;
  const names = list.map((s) => s.name);
  const best = nearest(stack, names);
  throw new Error(
    `stack "${stack}" is not in ${path.join(programDir, STACK_LIST_FILE)}; its stacks: ${names.join(", ")}${best ? ` (did you mean "${best}"?)` : ""}. ` +
      `A new stack is added there, with its policy config (README, "Add a stack")`,
  );
}

/** The policy config file a listed stack is judged by (absolute), or undefined for the pack's defaults. */
export function listedPolicyConfig(entry: ListedStack, programDir: string): string | undefined {
  return entry.policyConfig === "defaults" ? undefined : path.resolve(programDir, entry.policyConfig);
}
