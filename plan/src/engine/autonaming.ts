/**
 * Pulumi's auto-naming, as the AWS provider applies it when a program gives a resource no
 * physical name (`new aws.s3.Bucket("raw")`): at preview the provider's Check fills the
 * name property with `<logical name>-<7 hex characters>`, so policies see it in the
 * resource's inputs. The offline engine does the same, so that the pack gets what it gets
 * under `pulumi preview`.
 *
 * Which property is the name is read from the provider SDK's own declarations
 * (`@pulumi/aws/<module>/<resource>.d.ts`): an optional `name` of the resource's Args, or a
 * property documented as "If omitted, the provider will assign a random, unique name"
 * (S3's `bucket`).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const cache = new Map<string, string | undefined>();
let awsDir: string | undefined | null;

function declarationsOf(type: string): string | undefined {
  const m = /^aws:([\w]+)\/(\w+):(\w+)$/.exec(type);
  if (!m) return undefined;
  if (awsDir === undefined) {
    try {
      awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
    } catch {
      awsDir = null;
    }
  }
  if (!awsDir) return undefined;
  const file = path.join(awsDir, m[1], `${m[2]}.d.ts`);
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(`export interface ${m[3]}Args {`);
  return start < 0 ? undefined : text.slice(start, text.indexOf("\n}", start));
}

/** The property the provider auto-names on this resource type, if any. */
export function autoNamedProperty(type: string): string | undefined {
  if (cache.has(type)) return cache.get(type);
  const args = declarationsOf(type);
  let property: string | undefined;
  if (args) {
    const documented = /will assign a random, unique name[^\n]*\n\s*\*\/\n\s*(\w+)\?:/.exec(args);
    if (documented) property = documented[1];
    else if (/\n\s*name\?: /.test(args)) property = "name";
  }
  cache.set(type, property);
  return property;
}

/** `<logical name>-<7 hex>`, stable per URN (the engine's is random; a plan wants the same name each run). */
export function autoName(type: string, logicalName: string, urn: string): string {
  const suffix = crypto.createHash("sha1").update(urn).digest("hex").slice(0, 7);
  const name = `${logicalName}-${suffix}`;
  // S3 bucket names are lower-case; the provider lower-cases the logical name for them.
  return type.startsWith("aws:s3/bucket") ? name.toLowerCase() : name;
}
