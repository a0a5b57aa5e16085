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
