/**
 * The plan's violations as a SARIF 2.1.0 log (OASIS SARIF v2.1.0), the format GitHub code
 * scanning ingests, so a pull request shows each violation on the line that declares the
 * resource — as Checkov's `--output sarif` does for Terraform.
 *
 * Pure: a plan in, a log out. Checked in the tests by Microsoft's SARIF validator
 * (`@microsoft/sarif-multitool validate`, with GitHub's ingestion rules).
 */
import * as path from "path";
import type * as sarif from "sarif";
import type { Plan } from "./plan";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Pulumi enforcement level → SARIF level: only mandatory blocks a deployment. */
const LEVEL: Record<string, sarif.ReportingConfiguration.level> = { mandatory: "error", advisory: "warning", remediate: "note", disabled: "none" };

/** A policy's severity as GitHub's `security-severity` score (a number as a string, 0.0-10.0). */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** SARIF messages are sentences (the validator's SARIF2001 asks for a closing period). */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function toSarif(plan: Plan): sarif.Log {
  const rules: sarif.ReportingDescriptor[] = plan.policyPack.policies.map((p) => ({
    id: p.name, // no `name`: the validator's SARIF1001 wants it omitted when it equals the id
    shortDescription: { text: sentence(p.description) },
    fullDescription: { text: sentence(`${p.description} (policy ${p.name} of the ${plan.policyPack.name} policy pack)`) },
    help: { text: sentence(p.remediation ?? `${p.description}. See the policy table in the policy pack's README`) },
    defaultConfiguration: { level: LEVEL[p.level] ?? "warning" },
    properties: {
      enforcementLevel: p.level,
      tags: ["pulumi", "crossguard", ...(p.tags ?? [])],
      // The compliance framework the policy answers (its checks), as the CLI and Pulumi Cloud show it.
      ...(p.framework ? { framework: `${p.framework.name} ${p.framework.version}: ${p.framework.reference}` } : {}),
      // GitHub code scanning ranks security alerts by this score (critical >= 9, high >= 7, medium >= 4, low below).
      ...(p.severity && SECURITY_SEVERITY[p.severity] ? { "security-severity": SECURITY_SEVERITY[p.severity] } : {}),
    },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const resources = new Map(plan.resources.map((r) => [r.urn, r]));
  // Paths relative to the repository that holds the program (%SRCROOT%), as code scanning maps
  // them onto that repository's files, wherever the plan ran from; the plan's own paths are
  // relative to its working directory.
  const root = plan.repositoryRoot ?? ".";
  const fromRoot = (file: string) => path.posix.normalize(path.relative(root, file).split(path.sep).join("/"));
  const stackFile = fromRoot(path.join(plan.program, `Pulumi.${plan.stack}.yaml`));
  const at = (uri: string, line: number, column?: number): sarif.PhysicalLocation => ({ artifactLocation: { uri, uriBaseId: "%SRCROOT%" }, region: { startLine: line, ...(column ? { startColumn: column } : {}) } });

  /**
   * Where a finding points: at the stack file's line of a value the finding quotes and the
   * resource holds (an instance type, an expression the stack sets: a config-only change is
   * annotated where it changed), the declaration then a related location; else at the line that
   * declares the resource; else (a stack policy's finding) at the stack file.
   */
  const locate = (urn: string | undefined, message: string): Pick<sarif.Result, "locations" | "relatedLocations"> => {
    const resource = urn ? resources.get(urn) : undefined;
    const source = resource?.source;
    const declared = source ? at(fromRoot(source.file), source.line, source.column) : undefined;
    const held = resource ? JSON.stringify(resource.props) : "";
    // A value the stack file sets (not the provider's aws:* keys), quoted as a whole token by the
    // finding and held whole by the resource (a property, or a string inside a JSON property);
    // the longest such value, so that `prod` never wins over `ml.g4dn.xlarge`.
    const token = (text: string, v: string) => new RegExp(`(^|[^A-Za-z0-9._/-])${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9._/-])`).test(text);
    const config = (plan.stackConfigValues ?? [])
      .filter((c) => !c.key.startsWith("aws:") && token(message, c.value) && (held.includes(JSON.stringify(c.value)) || held.includes(JSON.stringify(JSON.stringify(c.value)).slice(1, -1))))
      .sort((a, b) => b.value.length - a.value.length)[0];
    const logical = urn ? { logicalLocations: [{ fullyQualifiedName: urn, name: urn.split("::").pop(), kind: "resource" }] } : {};
    if (config) {
      return {
        locations: [{ physicalLocation: at(stackFile, config.line), message: { text: sentence(`${config.key} sets ${config.value}`) }, ...logical }],
        ...(declared ? { relatedLocations: [{ id: 1, physicalLocation: declared, message: { text: "The resource is declared here." } }] } : {}),
      };
    }
    return { locations: [{ physicalLocation: declared ?? at(stackFile, 1), ...logical }] };
  };

  /** One finding as a result; `quoted` is the text whose stack-file values may place it (see locate). */
  const result = (f: { policy: string; level: string; urn?: string }, text: string, quoted: string): sarif.Result => ({
    ruleId: f.policy,
    ...(ruleIndex.has(f.policy) ? { ruleIndex: ruleIndex.get(f.policy) } : {}),
    level: LEVEL[f.level] ?? "warning",
    message: { text: sentence(text) },
    ...locate(f.urn, quoted),
    // The URN identifies a finding across runs even when the declaring line moves.
    partialFingerprints: { "pulumiUrn/v1": `${f.policy}|${f.urn ?? `stack:${plan.stack}`}` },
  });

  const results: sarif.Result[] = [
    ...plan.violations.map((v) => result(v, v.message, v.message)),
    // A suppressed finding is a result with its suppression (SARIF 2.1.0 §3.27.23, `suppressions`:
    // kind external, the config's reason as the justification), so code scanning shows it dismissed, not absent.
    ...(plan.suppressed ?? []).map((x) => ({ ...result(x, `Suppressed: ${x.reason}`, ""), suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: x.reason }] })),
  ];

  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: plan.policyPack.name, version: plan.policyPack.version, semanticVersion: plan.policyPack.version, rules } },
        // One category per project and stack, so dev's and prod's uploads do not replace each other.
        automationDetails: { id: `${plan.project}/${plan.stack}/` },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The directory the plan ran in (the repository root in CI)." } } },
        results,
      },
    ],
  };
}
