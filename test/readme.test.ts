/**
 * The README cannot drift from the code: its rule table is the one the rules' metadata
 * renders, its configuration reference names exactly the keys of the zod schema, and its
 * layout names every component and every workflow task.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { stackConfigSchema } from "../stacks/configSchema";
import { PROJECT_DIR, README, readmeWithRulesTable } from "../tools/docs/readme";

const readme = fs.readFileSync(README, "utf8");

/** Every leaf key path of the schema (objects descend; lists, maps and scalars are leaves; refusals are not keys). */
function schemaKeys(schema: z.ZodType, at = "", out = new Set<string>()): Set<string> {
  const def = (schema as unknown as { _zod: { def: any } })._zod.def;
  switch (def.type) {
    case "object":
      for (const [k, v] of Object.entries(def.shape)) schemaKeys(v as z.ZodType, at ? `${at}.${k}` : k, out);
      break;
    case "optional":
    case "nullable":
    case "default":
      schemaKeys(def.innerType, at, out);
      break;
    case "union":
      for (const option of def.options) schemaKeys(option, at, out);
      break;
    case "pipe":
      schemaKeys(def.in, at, out);
      break;
    case "undefined":
      break; // a key refused with a reason (serverless endpoints), not a setting
    default:
      out.add(at);
  }
  return out;
}

/** `a.{b,c}.d` → `a.b.d`, `a.c.d`. */
function expand(key: string): string[] {
  const m = /^(.*?)\{([^}]+)\}(.*)$/.exec(key);
  if (!m) return [key];
  return m[2].split(",").flatMap((alt) => expand(`${m[1]}${alt.trim()}${m[3]}`));
}

/** The keys the README's configuration reference documents (first column of its table). */
function documentedKeys(): Set<string> {
  const section = readme.slice(readme.indexOf("## Configuration reference"), readme.indexOf("\n## ", readme.indexOf("## Configuration reference") + 5));
  const keys = new Set<string>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| key ") || line.startsWith("|---")) continue;
    const cell = line.split("|")[1];
    const codes = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const bold = /^\s*\*\*(\w+)\*\*\s*$/.exec(cell);
    if (bold && line.split("|").slice(2).some((c) => c.trim() !== "")) codes.push(bold[1]); // a bold row with a type is a key (tags)
    for (const code of codes) for (const key of expand(code === "aws:region" ? "region" : code)) keys.add(key);
  }
  return keys;
}

describe("README", () => {
  it("its rule table is the one the rules' metadata renders (npm run docs)", () => {
    assert.equal(readmeWithRulesTable(readme), readme, "README.md's rule table is stale: run npm run docs");
  });

  it("its configuration reference documents every key of the stack schema, and no key the schema lacks", () => {
    const schema = schemaKeys(stackConfigSchema);
    const documented = documentedKeys();
    const covered = (key: string) => [...documented].some((d) => key === d || key.startsWith(`${d}.`));
    assert.deepEqual([...schema].filter((k) => !covered(k)), [], "schema keys missing from the README");
    const exists = (d: string) => [...schema].some((k) => k === d || k.startsWith(`${d}.`));
    assert.deepEqual([...documented].filter((d) => !exists(d)), [], "README keys the schema does not have");
    assert.ok(schema.size > 60, `${schema.size} schema keys`);
  });

  it("its layout names every component and every workflow task module", () => {
    const layout = readme.slice(readme.indexOf("## Layout"), readme.indexOf("\n## ", readme.indexOf("## Layout") + 5));
    const classes = fs
      .readdirSync(path.join(PROJECT_DIR, "components"))
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...fs.readFileSync(path.join(PROJECT_DIR, "components", f), "utf8").matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)].map((m) => m[1]));
    assert.ok(classes.length >= 10);
    for (const c of classes) assert.ok(layout.includes(c), `component ${c} is not in the README's Layout`);
    const tasks = fs.readdirSync(path.join(PROJECT_DIR, "workflow", "tasks")).filter((f) => f.endsWith(".ts") && f !== "task.ts");
    for (const t of tasks) assert.ok(layout.includes(t.replace(/\.ts$/, "")), `task module ${t} is not in the README's Layout`);
  });
});
