/**
 * The docs cannot drift from the code: the generated tables are what `npm run docs`
 * renders, the configuration reference names exactly the schema's keys with the defaults a
 * stack really gets, the pages name every component, task, flag and export they claim to
 * list, the sample plan is what the plan prints, and every relative link resolves.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { stackConfigSchema } from "../stacks/configSchema";
import { resolveStackConfig } from "../stacks/load";
import { CONFIGURATION_PAGE, configRows, profileDefault } from "../tools/docs/configuration";
import { PROJECT_DIR } from "../tools/docs/generated";
import { renderedPages } from "../tools/docs/index";
import { codeSpans, headingAnchors, markdownLinks } from "../tools/docs/markdown";
import { POLICIES_README } from "../tools/docs/readme";
import { runPlanCli } from "../plan/test/support/plan";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** Every page of the docs: the README, docs/, and the two packages' READMEs. */
const PAGES = ["README.md", ...fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "policies/README.md", "plan/README.md"];

/** The part of a page under a heading, up to the next heading of the same or a higher level. */
function section(text: string, heading: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  assert.ok(start >= 0, `no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

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

/** The keys docs/configuration.md documents: the first column of its tables under "## Keys". */
function documentedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const line of section(read(CONFIGURATION_PAGE), "## Keys").split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| key ") || line.startsWith("|---")) continue;
    const code = /^\|\s*`([^`]+)`/.exec(line);
    assert.ok(code, `a row without a key: ${line}`);
    keys.add(code[1] === "aws:region" ? "region" : code[1]);
  }
  return keys;
}

describe("docs", () => {
  it("every generated table is what `npm run docs` renders (the pack's rules and knobs, the configuration reference)", () => {
    const pages = renderedPages();
    assert.deepEqual([...pages.keys()].sort(), [CONFIGURATION_PAGE, POLICIES_README].sort());
    for (const [file, { current, rendered }] of pages) assert.equal(current, rendered, `${file} is stale: run npm run docs`);
  });

  it("the configuration reference documents every key of the stack schema, and no key the schema lacks", () => {
    const schema = schemaKeys(stackConfigSchema);
    const documented = documentedKeys();
    const covered = (key: string) => documented.has(key);
    assert.deepEqual([...schema].filter((k) => !covered(k)), [], "schema keys missing from docs/configuration.md");
    // A documented object (training.vpc) is a key whose keys follow it.
    const exists = (d: string) => [...schema].some((k) => k === d || k.startsWith(`${d}.`));
    assert.deepEqual([...documented].filter((d) => !exists(d)), [], "docs/configuration.md keys the schema does not have");
    assert.ok(schema.size > 60, `${schema.size} schema keys`);
  });

  it("every key of the configuration reference has a description from the schema", () => {
    for (const group of configRows()) for (const row of group.rows) assert.ok(row.description.trim().length > 10, `${row.path.join(".")}: description "${row.description}"`);
  });

  it("the defaults the configuration reference shows are the ones a stack gets from stacks/load.ts", () => {
    // Every variant a profile can take: resolve an otherwise empty stack and read each key back.
    const keys = [...schemaKeys(stackConfigSchema)].filter((k) => !["profile", "namePrefix", "region"].includes(k)).map((k) => k.split("."));
    let compared = 0;
    for (const profile of ["dev", "prod"] as const) {
      for (const preprocessing of ["lambda", "processing", "glue"]) {
        for (const endpoint of ["serverless", "instance"]) {
          const values: Record<string, string> = { profile, preprocessing: JSON.stringify({ kind: preprocessing }), endpoint: JSON.stringify({ kind: endpoint }) };
          // Drift checks read data capture, which serverless endpoints lack: the one combination a profile refuses.
          if (endpoint === "serverless") values.monitoring = JSON.stringify({ drift: { enabled: false } });
          const config = resolveStackConfig({ project: "ml-pipeline", stack: `docs-${profile}`, region: "us-east-1", values });
          const kindOf: Record<string, string> = { preprocessing, endpoint };
          for (const key of keys) {
            if (key.join(".") === "monitoring.drift.enabled" && endpoint === "serverless") continue;
            if (key[key.length - 1] === "kind") continue; // set above; the default kind is checked below
            const got = key.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), config);
            assert.deepEqual(profileDefault(profile, key, kindOf[key[0]]), got, `${profile}, ${preprocessing}, ${endpoint}: ${key.join(".")}`);
            compared++;
          }
        }
      }
    }
    assert.ok(compared > 500, `${compared} comparisons`);
    for (const profile of ["dev", "prod"] as const) {
      const config = resolveStackConfig({ project: "ml-pipeline", stack: profile, region: "us-east-1", values: {} });
      assert.equal(profileDefault(profile, ["preprocessing", "kind"]), config.preprocessing.kind, `${profile}: preprocessing.kind`);
      assert.equal(profileDefault(profile, ["endpoint", "kind"]), config.endpoint.kind, `${profile}: endpoint.kind`);
    }
  });

  it("the architecture page's layout names every component and every workflow task module", () => {
    const layout = section(read("docs/architecture.md"), "## Layout");
    const classes = fs
      .readdirSync(path.join(PROJECT_DIR, "components"))
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...read(`components/${f}`).matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)].map((m) => m[1]));
    assert.ok(classes.length >= 10);
    for (const c of classes) assert.ok(layout.includes(`\`${c}\``), `component ${c} is not in docs/architecture.md's Layout`);
    const tasks = fs.readdirSync(path.join(PROJECT_DIR, "workflow", "tasks")).filter((f) => f.endsWith(".ts"));
    for (const t of tasks) assert.ok(layout.includes(`\`${t.replace(/\.ts$/, "")}\``), `task module ${t} is not in docs/architecture.md's Layout`);
  });

  it("the plan's README describes every flag of the plan's CLI", () => {
    const flags = [...read("plan/src/cli.ts").matchAll(/\.option\("(?:-[a-z], )?(--[a-z-]+)/g)].map((m) => m[1]);
    assert.ok(flags.length >= 10, `${flags.length} flags`);
    const table = section(read("plan/README.md"), "## Flags");
    const rows = new Set([...table.matchAll(/^\| `(?:-[a-z], )?(--[a-z-]+)/gm)].map((m) => m[1]));
    assert.deepEqual(flags.filter((f) => !rows.has(f)), [], "flags without a row in plan/README.md");
    assert.deepEqual([...rows].filter((r) => !flags.includes(r)), [], "rows for flags the CLI does not have");
  });

  it("the pack's README lists every export of its public entry (policies/api.ts)", () => {
    const api = read("policies/api.ts");
    const names = [...api.matchAll(/export (?:type )?\{([^}]+)\}/g)].flatMap((m) => m[1].split(",").map((n) => n.trim()).filter(Boolean));
    assert.ok(names.length > 30, `${names.length} exports`);
    const listed = section(read("policies/README.md"), "## Public API");
    assert.deepEqual(names.filter((n) => !new RegExp(`\`${n}[\`(]`).test(listed)), [], "exports missing from policies/README.md's Public API");
  });

  it("the sample plan in docs/plan.md is what the plan prints for prod", async function () {
    this.timeout(120_000); // the first run may compile the pack (tsc)
    const sample = /Sample \(`--stack prod`, abridged\):\n\n```\n([\s\S]*?)\n```/.exec(read("docs/plan.md"));
    assert.ok(sample, "docs/plan.md has no prod sample");
    // This checkout's pack, as `npm run plan` in a fresh clone uses it (the workspace package).
    const pack = path.join(PROJECT_DIR, "policies");
    const { code, stdout } = await runPlanCli("--stack", "prod", "--program", PROJECT_DIR, "--policy-pack", pack, "--quiet");
    assert.equal(code, 0, stdout);
    // The plan prints the config file relative to where it runs; the sample, from the repository root.
    const printed = new Set(stdout.split(path.relative(process.cwd(), path.join(pack, "config", "prod.json"))).join("policies/config/prod.json").split("\n"));
    const lines = sample[1].split("\n").filter((l) => l.trim() !== "..."); // where the sample is abridged
    assert.ok(lines.length > 20, `${lines.length} sample lines`);
    assert.deepEqual(lines.filter((l) => !printed.has(l)), [], "docs/plan.md's sample lines that the plan does not print");
  });

  it("every relative link of the docs resolves to a file, and every anchor to a heading", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      const text = read(page);
      for (const link of markdownLinks(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:
        const [file, anchor] = link.target.split("#");
        const target = file ? path.join(path.dirname(page), file) : page;
        checked++;
        if (!fs.existsSync(path.join(PROJECT_DIR, target))) {
          broken.push(`${page}:${link.line}: ${link.target}: no such file`);
          continue;
        }
        if (anchor !== undefined && !(target.endsWith(".md") && headingAnchors(read(target)).has(anchor))) broken.push(`${page}:${link.line}: ${link.target}: no such heading`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked > 30, `${checked} links`);
  });

  it("every repository path the docs name in code exists, and none names a path the split removed", () => {
    const removed = ["tools/plan", "tools/analyzer", "tools/mockEngine", "tools/transpile", "tools/generate", "workflow/diagram"];
    const missing: string[] = [];
    for (const page of PAGES) {
      const text = read(page);
      for (const old of removed) if (text.includes(old)) missing.push(`${page}: names ${old}, which moved`);
      // A package's README names paths inside its package; the others, paths from the root.
      const bases = [path.dirname(page), "."].map((b) => path.join(PROJECT_DIR, b));
      const topLevel = new Set(bases.flatMap((b) => fs.readdirSync(b)));
      for (const span of codeSpans(text)) {
        // Placeholders (<stack>), globs, commands and S3 keys are not paths of the repository.
        if (!/^[\w.-]+\/[\w./-]*$/.test(span)) continue;
        const first = span.split("/")[0];
        if (!topLevel.has(first) || first === "node_modules" || first === "bin") continue;
        if (!bases.some((b) => fs.existsSync(path.join(b, span)))) missing.push(`${page}: \`${span}\``);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("every code fence of the docs is closed (an open one turns the rest of a page into code)", () => {
    for (const page of PAGES) {
      const fences = read(page).split("\n").filter((l) => /^\s*```/.test(l)).length;
      assert.equal(fences % 2, 0, `${page}: an unclosed code fence`);
    }
  });
});
