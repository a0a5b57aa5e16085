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
}

export function readStackFiles(programDir: string, stack: string): StackFiles {
  const projectFile = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new Error(`no Pulumi.yaml in ${programDir}`);
  const project = (parse(fs.readFileSync(projectFile, "utf8")) as { name?: string })?.name;
  if (typeof project !== "string") throw new Error(`${projectFile} has no project name`);
  const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) throw new Error(`no stack file Pulumi.${stack}.yaml in ${programDir}`);
  const doc = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return { project, config: toConfigMap(project, doc.config ?? {}) };
}

/** `{ "ml-pipeline:endpoint": {...} }` → `{ "ml-pipeline:endpoint": "{...}" }`, as the CLI does. */
export function toConfigMap(project: string, values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      throw new Error(`${full} is a secret; the offline engine cannot decrypt it (pass it with PULUMI_CONFIG instead)`);
    }
    out[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
