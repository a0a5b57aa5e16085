/**
 * Reads a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` into the config
 * map the engine hands a program: `<namespace>:<key>` → string, objects as JSON text,
 * keys without a namespace under the project's.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackFiles {
  project: string;
  config: Record<string, string>;
  /** Keys whose values are secrets (`secure:` in the stack file, given through PULUMI_CONFIG). */
  secretKeys: string[];
}

/**
 * `PULUMI_CONFIG`: the JSON object of `<namespace>:<key>` → value the Pulumi CLI hands a
 * program. Values given there override the stack file's; it is how a `secure:` value
 * reaches an offline plan, which cannot decrypt it.
 */
function pulumiConfigEnv(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(`PULUMI_CONFIG is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("PULUMI_CONFIG must be a JSON object of \"<namespace>:<key>\": value");
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export function readStackFiles(programDir: string, stack: string, env: NodeJS.ProcessEnv = process.env): StackFiles {
  const projectFile = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new Error(`no Pulumi.yaml in ${programDir}`);
  const project = (parse(fs.readFileSync(projectFile, "utf8")) as { name?: string })?.name;
  if (typeof project !== "string") throw new Error(`${projectFile} has no project name`);
  const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) throw new Error(`no stack file Pulumi.${stack}.yaml in ${programDir}`);
  const doc = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const given = pulumiConfigEnv(env.PULUMI_CONFIG);
  const full = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const secretKeys = Object.entries(doc.config ?? {})
    .filter(([, v]) => v !== null && typeof v === "object" && "secure" in (v as object))
    .map(([k]) => full(k));
  // Secrets the environment provides are not read from the file (which holds ciphertext).
  const fromFile = Object.fromEntries(Object.entries(doc.config ?? {}).filter(([k]) => !(full(k) in given)));
  return { project, config: { ...toConfigMap(project, fromFile, stackFile), ...given }, secretKeys };
}

/** `{ "ml-pipeline:endpoint": {...} }` → `{ "ml-pipeline:endpoint": "{...}" }`, as the CLI does. */
export function toConfigMap(project: string, values: Record<string, unknown>, file = "the stack file"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      throw new Error(`${full} is a secret (secure:) in ${file}; the offline plan cannot decrypt it. Pass the value with PULUMI_CONFIG='{"${full}":"<value>"}'.`);
    }
    out[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
