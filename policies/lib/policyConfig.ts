/**
 * Config-schema helpers without dependencies: also loaded by the offline plan before
 * it loads any SDK (the plan package: plan/src/analyzer/packConfig.ts).
 */

/** The `default` of every property of a policy's config schema. */
export function schemaDefaults(schema: { properties?: Record<string, unknown> } | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(schema?.properties ?? {})) if (s && typeof s === "object" && "default" in s) defaults[k] = (s as { default: unknown }).default;
  return defaults;
}
