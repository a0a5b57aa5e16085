/** Values as the engine puts them on the wire to a policy pack. */

/** The string the engine sends for a value unknown during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Plain JSON as the engine sends it: the SDK's unknown markers become the engine's
 * unknown string, undefined members are dropped, assets become their path.
 */
export function toWire(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return value;
  if (value instanceof SecretValue) return toWire(value.value); // policies see the value
  const ctor = (value as object).constructor?.name;
  if (ctor === "Unknown" || ctor === "OutputImpl") return UNKNOWN_VALUE;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toWire(v)));
  // Assets and archives: policies see that one is there, not its bytes.
  if (/^(File|String|Remote)(Asset|Archive)$|^AssetArchive$/.test(ctor ?? "")) return `<${ctor}>`;
  if (typeof (value as { then?: unknown }).then === "function") return UNKNOWN_VALUE;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
  return out;
}

/**
 * A secret input (`pulumi.secret`, a `secure:` config value, anything derived from one).
 * Policies see its value, as under the CLI; every output of the plan shows `[secret]`.
 */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

/** What the plan prints instead of a secret, as `pulumi preview` does. */
export const REDACTED = "[secret]";

/** How the plan shows a value known only after deploy (the engine's unknown). */
export const COMPUTED = "<computed>";

/** The special signature key of Pulumi's serialized property values, and the signatures it takes. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * A resource's inputs as the engine holds them, from the serialized register request
 * (what the SDK actually sends): a resource passed as an input is its id (a custom
 * resource) or its URN (a component), as the engine gives it to analyzers; a secret is a
 * SecretValue; an asset or archive is a marker naming its kind; an unknown stays the
 * engine's unknown string.
 */
export function fromSerialized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromSerialized);
  if (!value || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  switch (v[SIG]) {
    case SECRET_SIG:
      return new SecretValue(fromSerialized(v.value));
    case RESOURCE_SIG:
      return typeof v.id === "string" && v.id !== "" ? v.id : v.urn;
    case ASSET_SIG:
      return `<${"path" in v ? "FileAsset" : "text" in v ? "StringAsset" : "RemoteAsset"}>`;
    case ARCHIVE_SIG:
      return `<${"assets" in v ? "AssetArchive" : "path" in v ? "FileArchive" : "RemoteArchive"}>`;
    case OUTPUT_SIG: {
      const inner = "value" in v ? fromSerialized(v.value) : UNKNOWN_VALUE;
      return v.secret ? new SecretValue(inner) : inner;
    }
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromSerialized(x)]));
}
