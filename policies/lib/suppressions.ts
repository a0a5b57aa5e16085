/**
 * Suppressions with a reason (Checkov's `checkov:skip=<check>:<reason>`, cdk-nag's
 * `NagSuppressions` with `reason`): every rule's `suppressions` knob lists the resources
 * it does not judge, each with why, and optionally who owns the exception and until when. They
 * live in the policy config, so a pull request that adds one is a guard-rail change the
 * plan's review ranks as loosening. A suppressed finding is not dropped: the policy reports
 * itself not applicable to the resource with the reason (the Analyzer protocol's
 * `not_applicable`, which the plan shows as suppressed), and an expired suppression
 * suppresses nothing: the finding is reported again, saying so.
 */
/** One suppression of a rule. */
export interface Suppression {
  /** The resources it covers: a URN (`urn:pulumi:…`) or a logical name, `*` matching any characters. */
  resource: string;
  /** Why the finding is accepted: required, so that the exception is reviewable. */
  reason: string;
  /** Who owns the exception (a team or person). */
  owner?: string;
  /** The last day (UTC, `YYYY-MM-DD`) it suppresses; after it the finding is reported again. */
  expires?: string;
}

/** The reason a suppressed finding's "not applicable" carries starts with this (what the plan reads). */
export const SUPPRESSED_PREFIX = "suppressed: ";

/** The JSON Schema of the knob every rule has (rule.ts adds it; a longer list loosens the rule). */
export const SUPPRESSIONS_SCHEMA = {
  type: "array" as const,
  default: [],
  description:
    "Resources this rule does not judge, each with a reason (at least 10 characters), and optionally an owner and an expiry date (YYYY-MM-DD, UTC, the last day it holds). `resource` is a URN or a logical name; `*` matches any characters. The offline plan reports a suppressed finding as suppressed, with its reason (the Pulumi CLI shows none); an expired one is reported as a finding again.",
  items: {
    type: "object",
    required: ["resource", "reason"],
    additionalProperties: false,
    properties: {
      resource: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: 10 },
      owner: { type: "string", minLength: 1 },
      expires: { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$" },
    },
  },
};

/** Whether a suppression's pattern covers a resource (a URN pattern against the URN, any other against the logical name). */
export function covers(pattern: string, resource: { urn: string; name: string }): boolean {
  const target = pattern.startsWith("urn:") ? resource.urn : resource.name;
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(target);
}

/** Whether a suppression still holds on `today` (`YYYY-MM-DD`): through its expiry day, or for ever without one. */
export const holds = (s: Suppression, today: string) => s.expires === undefined || today <= s.expires;

/** Today in UTC, as `YYYY-MM-DD` (what `expires` is compared with). */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/** One suppressed finding as the "not applicable" reason carries it: one line per resource. */
export function suppressedLine(s: Suppression, urn: string, findings: string[]): string {
  const who = [s.owner ? `owner ${s.owner}` : "", s.expires ? `until ${s.expires}` : ""].filter(Boolean).join(", ");
  return `${SUPPRESSED_PREFIX}${s.reason}${who ? ` (${who})` : ""} on ${urn}; the finding: ${findings.join(" | ")}`;
}

/** The suppressed findings a "not applicable" reason holds (none when it is another reason). */
export function parseSuppressed(reason: string): { urn: string; reason: string }[] {
  return reason.split("\n").flatMap((line) => {
    const m = new RegExp(`^${SUPPRESSED_PREFIX}(.*?) on (urn:pulumi:\\S+); the finding: (.*)$`, "s").exec(line);
    return m ? [{ urn: m[2], reason: `${m[1]}; the finding: ${m[3]}` }] : [];
  });
}

/**
 * What a rule does with its findings: each resource's are reported, unless a suppression that
 * holds covers the resource; then they come back as one line of the "not applicable" reason
 * (`suppressed`, empty when nothing is suppressed). An expired suppression that covers the
 * resource is named in each of its findings. A finding on no resource cannot be suppressed.
 */
export function applySuppressions(
  findings: { message: string; urn?: string }[],
  suppressions: readonly Suppression[] | undefined,
  resourceOf: (urn: string) => { urn: string; name: string } | undefined,
  today: string,
): { report: { message: string; urn?: string }[]; suppressed: string } {
  const report: { message: string; urn?: string }[] = [];
  const lines: string[] = [];
  const byUrn = new Map<string | undefined, string[]>();
  for (const f of findings) byUrn.set(f.urn, [...(byUrn.get(f.urn) ?? []), f.message]);
  for (const [urn, messages] of byUrn) {
    const resource = urn === undefined ? undefined : resourceOf(urn);
    const covering = resource ? (suppressions ?? []).filter((s) => covers(s.resource, resource)) : [];
    const holding = covering.find((s) => holds(s, today));
    if (holding) {
      lines.push(suppressedLine(holding, urn!, messages));
      continue;
    }
    const expired = covering[0];
    for (const message of messages) {
      report.push({ urn, message: expired ? `${message} (its suppression expired on ${expired.expires}: "${expired.reason}"; fix the finding, or renew the suppression with a new date)` : message });
    }
  }
  return { report, suppressed: lines.join("\n") };
}
