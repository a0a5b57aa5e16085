/**
 * One rule of the pack, with its metadata as data (the shape of cdk-nag's rules): the
 * CrossGuard policy, its counterparts in peer tools, a one-line summary for the pack's README,
 * and its knobs. A rule's config type is derived from its knobs' schema, so there is no
 * hand-kept twin interface to drift from it.
 */
import { EnforcementLevel, Policy, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configOf, forTypes } from "./resources";
import { applySuppressions, Suppression, SUPPRESSIONS_SCHEMA, todayUtc } from "./suppressions";

/**
 * Which way a change of a knob loosens its rule (the other way tightens), so that a plan can
 * tell a pull request that loosens the guard rails it is judged by (the plan package: plan/src/guardRails.ts):
 * a limit that rises ("higher": maxMonthlyUsd), an estimate input that falls ("lower":
 * runs a month), a requirement turned off ("false"), a permission turned on ("true"), an
 * allow-list or exemption list that grows ("wider"), or the price table ("pricing": compared
 * by the hourly price it gives each instance type). Carried in the config schema as `loosens`.
 */
export type Loosens = "higher" | "lower" | "true" | "false" | "wider" | "narrower" | "pricing";

/** A knob: a JSON Schema property whose TypeScript type travels with it. */
export type Knob<T> = { type: "boolean" | "integer" | "number" | "string" | "array" | "object"; description?: string; default?: unknown; loosens: Loosens; [k: string]: unknown } & { readonly __value?: T };
export type Knobs = Record<string, Knob<unknown>>;
/** The config a rule receives: each knob's value (defaults filled in). */
export type KnobValues<K extends Knobs> = { [P in keyof K]: K[P] extends Knob<infer T> ? T : never };

export const knob = {
  boolean: (defaultValue: boolean, description: string, loosens: "true" | "false"): Knob<boolean> => ({ type: "boolean", default: defaultValue, description, loosens }),
  integer: (defaultValue: number, description: string, loosens: "higher" | "lower", minimum = 0): Knob<number> => ({ type: "integer", default: defaultValue, minimum, description, loosens }),
  number: (defaultValue: number, description: string, loosens: "higher" | "lower" | "pricing", minimum = 0): Knob<number> => ({ type: "number", default: defaultValue, minimum, description, loosens }),
  /** A number with no default: absent unless set (absent is the loosest "higher" limit: none). */
  optionalNumber: (description: string, loosens: "higher" | "pricing"): Knob<number | undefined> => ({ type: "number", description, loosens }),
  string: (defaultValue: string, description: string, loosens: "pricing"): Knob<string> => ({ type: "string", default: defaultValue, description, loosens }),
  stringList: (defaultValue: readonly string[], description: string, loosens: "wider" | "narrower"): Knob<string[]> => ({ type: "array", items: { type: "string" }, default: [...defaultValue], description, loosens }),
  numberMap: (description: string, loosens: "pricing" | "lower"): Knob<Record<string, number>> => ({ type: "object", additionalProperties: { type: "number", minimum: 0 }, default: {}, description, loosens }),
};

/**
 * Runs a rule's validation with its suppressions (lib/suppressions.ts): the findings on no
 * covered resource are reported, those on a covered one become the policy's "not applicable"
 * reason. What the rule reported before it stopped (a value unknown during preview) stands,
 * then its error is thrown, as before suppressions.
 */
function validateWithSuppressions(
  validate: (report: ReportViolation) => void,
  suppressions: readonly Suppression[],
  resourceOf: (urn: string) => { urn: string; name: string } | undefined,
  report: ReportViolation,
  notApplicable: (reason: string) => never,
): void {
  const findings: { message: string; urn?: string }[] = [];
  let failure: { error: unknown } | undefined;
  try {
    validate((message, urn) => findings.push({ message, urn }));
  } catch (error) {
    failure = { error };
  }
  const outcome = applySuppressions(findings, suppressions, resourceOf, todayUtc());
  for (const f of outcome.report) report(f.message, f.urn);
  if (failure) throw failure.error;
  if (outcome.suppressed) notApplicable(outcome.suppressed);
}

/** The suppressions every resource rule takes; a suppression added (or renewed) loosens the rule. */
const suppressionsKnob: Knob<Suppression[]> = { ...SUPPRESSIONS_SCHEMA, loosens: "wider" };

/** The JSON Schema the CLI validates a rule's config against. */
function configSchemaOf(knobs: Knobs): PolicyConfigSchema | undefined {
  return Object.keys(knobs).length === 0 ? undefined : { properties: knobs as PolicyConfigSchema["properties"] };
}

/** The same check in peer tools, by their IDs. */
export interface Counterparts {
  checkov?: string[];
  cdkNag?: string[];
  /** Said instead when no peer has the check. */
  note?: string;
}

export interface PackRule {
  policy: Policy;
  /** What it enforces, in a line (the rule table in policies/README.md). */
  summary: string;
  counterparts: Counterparts;
  knobs: Knobs;
  /** The resource types a resource rule reads (absent for a stack rule, which sees every resource). */
  types?: readonly string[];
}

export function counterpartsText(c: Counterparts): string {
  const ids = [...(c.cdkNag ?? []).map((id) => `cdk-nag ${id}`), ...(c.checkov ?? []).map((id) => `Checkov ${id}`)];
  return ids.length > 0 ? ids.join(", ") : (c.note ?? "none");
}

interface RuleBase<K extends Knobs> {
  name: string;
  /** How bad a finding is (what the CLI and Pulumi Cloud show with it): a public or assumable-by-anyone resource is critical. */
  severity: Severity;
  /** What to change to comply, in a sentence (the CLI's and Pulumi Cloud's remediation steps). */
  remediation: string;
  description: string;
  summary: string;
  counterparts: Counterparts;
  knobs: K;
  enforcementLevel?: EnforcementLevel;
}

/**
 * The compliance framework a rule answers (@pulumi/policy's `framework`, one per policy): the
 * cdk-nag AwsSolutions pack when the rule has cdk-nag counterparts, else Checkov's AWS checks;
 * the reference lists the checks. Every counterpart is a tag as well.
 */
function framework(c: Counterparts): Policy["framework"] | undefined {
  if (c.cdkNag?.length) return { name: "cdk-nag AwsSolutions", version: "2", reference: c.cdkNag.join(", "), specification: "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md" };
  if (c.checkov?.length) return { name: "Checkov", version: "3", reference: c.checkov.join(", "), specification: "https://www.checkov.io/5.Policy%20Index/terraform.html" };
  return undefined;
}

/** The policy's metadata fields: severity, remediation steps, the framework it answers, and the peer checks as tags (`checkov:CKV_AWS_70`, `cdk-nag:AwsSolutions-S5`). */
function metadata(rule: RuleBase<Knobs>): Pick<Policy, "severity" | "remediationSteps" | "tags" | "framework"> {
  const tags = [...(rule.counterparts.checkov ?? []).map((id) => `checkov:${id}`), ...(rule.counterparts.cdkNag ?? []).map((id) => `cdk-nag:${id}`)];
  const f = framework(rule.counterparts);
  return { severity: rule.severity, remediationSteps: rule.remediation, ...(tags.length > 0 ? { tags } : {}), ...(f ? { framework: f } : {}) };
}

const described = (description: string, c: Counterparts) => (c.cdkNag || c.checkov ? `${description} Counterparts: ${counterpartsText(c)}.` : description);

/**
 * A rule that checks one resource at a time, of the given type tokens. Every resource rule
 * also takes `suppressions` (lib/suppressions.ts): a finding on a resource one of them covers
 * is reported as the policy not applying there, with the reason.
 */
export function resourceRule<K extends Knobs>(
  rule: RuleBase<K> & {
    types: readonly string[];
    validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation, config: KnobValues<K>) => void;
    remediate?: ResourceValidationPolicy["remediateResource"];
  },
): PackRule {
  const knobs = { ...rule.knobs, suppressions: suppressionsKnob };
  const configSchema = configSchemaOf(knobs);
  const policy: ResourceValidationPolicy = {
    name: rule.name,
    description: described(rule.description, rule.counterparts),
    enforcementLevel: rule.enforcementLevel ?? "mandatory",
    ...metadata(rule),
    ...(configSchema ? { configSchema } : {}),
    validateResource: forTypes(rule.types, (props, args, report) => {
      const config = configOf<KnobValues<K> & { suppressions: Suppression[] }>(args, configSchema);
      // The server leaves a resource finding's URN unset: it is the resource's.
      validateWithSuppressions(
        (found) => rule.validate(props, args, (message, urn) => found(message, urn ?? args.urn), config),
        config.suppressions,
        (urn) => (urn === args.urn ? args : undefined),
        (message, urn) => report(message, urn === args.urn ? undefined : urn),
        (reason) => args.notApplicable(reason),
      );
    }),
    ...(rule.remediate ? { remediateResource: rule.remediate } : {}),
  };
  return { policy, summary: rule.summary, counterparts: rule.counterparts, knobs, types: rule.types };
}

/**
 * A rule that sees the whole stack at once. It takes `suppressions` too: its findings on a
 * resource one of them covers are reported, after the others, as the policy not applying,
 * one line of the reason per resource (the protocol has no per-resource "not applicable" for
 * a stack policy).
 */
export function stackRule<K extends Knobs>(rule: RuleBase<K> & { validate: (args: StackValidationArgs, report: ReportViolation, config: KnobValues<K>) => void }): PackRule {
  const knobs = { ...rule.knobs, suppressions: suppressionsKnob };
  const configSchema = configSchemaOf(knobs);
  const policy: StackValidationPolicy = {
    name: rule.name,
    description: described(rule.description, rule.counterparts),
    enforcementLevel: rule.enforcementLevel ?? "mandatory",
    ...metadata(rule),
    ...(configSchema ? { configSchema } : {}),
    validateStack: (args, report) => {
      const config = configOf<KnobValues<K> & { suppressions: Suppression[] }>(args, configSchema);
      validateWithSuppressions(
        (found) => rule.validate(args, found, config),
        config.suppressions,
        (urn) => args.resources.find((r) => r.urn === urn),
        report,
        (reason) => args.notApplicable(reason),
      );
    },
  };
  return { policy, summary: rule.summary, counterparts: rule.counterparts, knobs };
}
