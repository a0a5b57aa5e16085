/**
 * Generates plan/src/replacementFacts.generated.ts: for each classic resource type of
 * plan/src/cloudFormationCounterparts.ts, which of its inputs force a replacement when they
 * change, read from `@aws-cdk/aws-service-spec` (Apache-2.0: CloudFormation's registry
 * schemas and resource specification, as AWS CDK packages them) and the inputs the
 * `@pulumi/aws` SDK sends. The plan loads neither package at run time (the spec alone takes
 * half a second), so the facts are carried as a generated table;
 * test/replacements.test.ts fails when it drifts from the packages.
 *
 *   npm run generate:replacements
 */
import * as fs from "fs";
import * as path from "path";
import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";
import type { Property, PropertyType, Resource, SpecDatabase } from "@aws-cdk/service-spec-types";
import { CLOUDFORMATION_COUNTERPARTS } from "../src/cloudFormationCounterparts";

export const OUTPUT = path.join(__dirname, "..", "src", "replacementFacts.generated.ts");

/** The inputs the `@pulumi/aws` SDK registers for a resource type, read from its generated constructor. */
export function classicInputs(type: string): string[] {
  const [, module] = type.split(":");
  const file = require.resolve(`@pulumi/aws/${module}.js`);
  const js = fs.readFileSync(file, "utf8");
  if (!js.includes(`__pulumiType = '${type}'`)) throw new Error(`${file} does not declare ${type}`);
  // The constructor's create branch (not the `get` branch, which reads state).
  const create = js.slice(js.indexOf("const args = argsOrState"));
  return [...create.matchAll(/resourceInputs\["(\w+)"\] = args\?\.\w+;/g)].map((m) => m[1]).sort();
}

export function cloudFormationResource(db: SpecDatabase, cfnType: string): Resource {
  const found = db.lookup("resource", "cloudFormationType", "equals", cfnType);
  if (found.length !== 1) throw new Error(`${cfnType}: ${found.length} resources in @aws-cdk/aws-service-spec`);
  return found[0];
}

type Replacement = "yes" | "maybe" | "no";

/** Whether changing a property replaces the resource: "maybe" when only a field nested in it does, or only sometimes. */
function replacementOf(db: SpecDatabase, prop: Property, seen = new Set<string>()): Replacement {
  const own = prop.causesReplacement ?? "no";
  if (own !== "no") return own;
  // Documented as immutable in the text only ("If you change … the update request fails",
  // AWS::KMS::Key KeySpec): CloudFormation refuses, the classic provider replaces. Not an update.
  if (/update request fails/i.test(prop.documentation ?? "")) return "maybe";
  const nested = (t: PropertyType): boolean => {
    switch (t.type) {
      case "ref": {
        const id = t.reference.$ref;
        if (seen.has(id)) return false;
        seen.add(id);
        return Object.values(db.get("typeDefinition", id).properties).some((p) => replacementOf(db, p, seen) !== "no");
      }
      case "array":
      case "map":
        return nested(t.element);
      case "union":
        return t.types.some(nested);
      default:
        return false;
    }
  };
  return nested(prop.type) ? "maybe" : "no";
}

export interface ReplacementFact {
  cfn: string;
  /** Inputs whose change replaces the resource. */
  replace: string[];
  /** Inputs that may: a field nested in them forces replacement, some changes do, or CloudFormation refuses changes. */
  maybe: string[];
  /** Inputs updated in place (provider-only settings included). */
  update: string[];
  /** Inputs with no counterpart in CloudFormation's schema: the plan cannot tell. */
  unknown: string[];
}

/** The facts, from `db` (loaded here unless given: a test that reads the database itself loads it once). */
export function replacementFacts(db: SpecDatabase = loadAwsServiceSpecSync()): Record<string, ReplacementFact> {
  const out: Record<string, ReplacementFact> = {};
  for (const [type, row] of Object.entries(CLOUDFORMATION_COUNTERPARTS).sort(([a], [b]) => a.localeCompare(b))) {
    const resource = cloudFormationResource(db, row.cfn);
    const byLowerName = new Map(Object.keys(resource.properties).map((p) => [p.toLowerCase(), p]));
    const additional = new Set((resource.additionalReplacementProperties ?? []).map((p) => p[0]));
    const fact: ReplacementFact = { cfn: row.cfn, replace: [], maybe: [], update: [], unknown: [] };
    for (const input of classicInputs(type)) {
      if (row.providerOnly?.includes(input)) {
        fact.update.push(input);
        continue;
      }
      const cfnName = row.renames?.[input] ?? byLowerName.get(input.toLowerCase());
      const prop = cfnName === undefined ? undefined : resource.properties[cfnName];
      if (!prop) {
        fact.unknown.push(input);
        continue;
      }
      // additionalReplacementProperties: paths into the property that replace ("treat as yes").
      const how = additional.has(cfnName!) ? "maybe" : replacementOf(db, prop);
      (how === "yes" ? fact.replace : how === "maybe" ? fact.maybe : fact.update).push(input);
    }
    out[type] = fact;
  }
  return out;
}

export function renderFacts(db?: SpecDatabase): string {
  const version = (require("@aws-cdk/aws-service-spec/package.json") as { version: string }).version;
  const aws = (require("@pulumi/aws/package.json") as { version: string }).version;
  const lines = Object.entries(replacementFacts(db)).map(
    ([type, f]) => `  "${type}": { cfn: "${f.cfn}", replace: "${f.replace.join(" ")}", maybe: "${f.maybe.join(" ")}", update: "${f.update.join(" ")}", unknown: "${f.unknown.join(" ")}" },`,
  );
  return `/**
 * GENERATED by plan/scripts/generateReplacementFacts.ts from @aws-cdk/aws-service-spec ${version} (Apache-2.0)
 * and the inputs of @pulumi/aws ${aws}: do not edit. Per classic resource type, its inputs by
 * what a change to them does: replace, maybe (a nested field or some changes replace),
 * update in place, or unknown (no CloudFormation counterpart).
 */
export const REPLACEMENT_FACTS: Record<string, { cfn: string; replace: string; maybe: string; update: string; unknown: string }> = {
${lines.join("\n")}
};
`;
}

if (require.main === module) {
  const text = renderFacts();
  fs.writeFileSync(OUTPUT, text);
  process.stdout.write(`${path.relative(process.cwd(), OUTPUT)}: ${text.length} characters\n`);
}
