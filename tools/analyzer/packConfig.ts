/** A `--policy-pack-config` file, read as the Pulumi CLI reads it. */
import { schemaDefaults } from "../../policies/lib/policyConfig";

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
export const LEVELS: Level[] = ["advisory", "mandatory", "disabled", "remediate"]; // proto enum order

/** `--policy-pack-config` file contents. */
export type PolicyPackConfigFile = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

/**
 * One policy's settings from a `--policy-pack-config` file, read as the CLI reads it:
 * the level is the policy's own entry, else the file's `all`, else the policy's
 * default; the knobs are merged over the schema's defaults.
 */
export function policySettings(
  policy: { name: string; enforcementLevel?: Level; configSchema?: { properties?: Record<string, unknown> } },
  file: PolicyPackConfigFile,
): { level: Level; config: Record<string, unknown> } {
  const all = file.all;
  const allLevel = typeof all === "string" ? all : (all?.enforcementLevel as Level | undefined);
  const entry = file[policy.name];
  const { enforcementLevel, ...knobs } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
  return {
    level: (enforcementLevel as Level | undefined) ?? allLevel ?? policy.enforcementLevel ?? "advisory",
    config: { ...schemaDefaults(policy.configSchema), ...knobs },
  };
}

