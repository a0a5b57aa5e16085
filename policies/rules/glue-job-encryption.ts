/**
 * Glue jobs encrypt what they write: each job names a security configuration of the
 * stack that encrypts S3 (SSE-KMS), CloudWatch Logs (SSE-KMS) and job bookmarks
 * (CSE-KMS), each with a key. Checkov's CKV_AWS_99 asks for each target to be on and
 * CKV_AWS_195 for the job to have a configuration; this rule asks for KMS on all three,
 * and also reads the runs Step Functions definitions start, which may swap the
 * configuration (StartJobRun.SecurityConfiguration).
 */
import { StackValidationArgs } from "@pulumi/policy";
import { asArray, read, TYPES } from "../lib/resources";
import { stackRule } from "../lib/rule";
import { isGiven } from "../lib/keys";
import { definitionTasks, GlueRunTask } from "../lib/jobsInDefinitions";

type Resource = StackValidationArgs["resources"][number];

const TARGETS = [
  { block: "s3Encryption", mode: "s3EncryptionMode", want: "SSE-KMS", what: "S3 output" },
  { block: "cloudwatchEncryption", mode: "cloudwatchEncryptionMode", want: "SSE-KMS", what: "CloudWatch Logs" },
  { block: "jobBookmarksEncryption", mode: "jobBookmarksEncryptionMode", want: "CSE-KMS", what: "job bookmarks" },
] as const;

/** Why a security configuration does not encrypt everything with KMS; empty when it does. */
function configurationGaps(config: Resource): string[] {
  const enc = config.props.encryptionConfiguration ?? {};
  const gaps: string[] = [];
  for (const t of TARGETS) {
    // The provider takes each target as a block or a one-element list.
    const block = asArray<any>(enc[t.block])[0] ?? (enc[t.block] && !Array.isArray(enc[t.block]) ? enc[t.block] : undefined);
    const mode = block?.[t.mode];
    if (mode !== t.want) gaps.push(`${t.what} is ${mode ?? "not encrypted"} (want ${t.want})`);
    else if (!isGiven(read(block, "kmsKeyArn"))) gaps.push(`${t.what} names no kmsKeyArn`);
  }
  return gaps;
}

export const rule = stackRule({
  name: "glue-job-encryption",
  severity: "high",
  remediation: "Give the job a security configuration that encrypts S3 (SSE-KMS), CloudWatch Logs and job bookmarks with a customer-managed key, and name it in securityConfiguration.",
  description:
    "Every AWS Glue security configuration encrypts S3 (SSE-KMS), CloudWatch Logs (SSE-KMS) and job bookmarks (CSE-KMS) with a KMS key; every Glue job, crawler and dev endpoint names a security configuration declared in the stack; runs that Step Functions definitions start may only swap in such a configuration, written literally.",
  summary: "Glue jobs, crawlers and dev endpoints name a security configuration with KMS on S3, CloudWatch Logs and bookmarks; runs Step Functions starts cannot swap in another",
  counterparts: { checkov: ["CKV_AWS_99", "CKV_AWS_195"], cdkNag: ["AwsSolutions-GL1", "AwsSolutions-GL3"] },
  knobs: {},
  validate: (args, report) => {
    const configs = args.resources.filter((r) => TYPES.glueSecurityConfiguration.includes(r.type as never));
    const byName = new Map(configs.map((r) => [r.props.name, r]));
    for (const config of configs) {
      const gaps = configurationGaps(config);
      if (gaps.length > 0) report(`Glue security configuration "${config.name}": ${gaps.join("; ")}.`, config.urn);
    }
    const named = (name: unknown, subject: string, urn: string) => {
      if (name === undefined || name === "") return report(`${subject} names no security configuration, so Glue writes its S3 output, logs and bookmarks without a customer-managed key; set securityConfiguration.`, urn);
      if (typeof name === "string" && !byName.has(name)) report(`${subject} names security configuration "${name}", which the stack does not declare, so its encryption cannot be checked; declare it in the stack.`, urn);
    };
    for (const component of args.resources.filter((r) => TYPES.glueSecured.includes(r.type as never))) {
      // Paired by dependency first: a name known only after deployment still points at the configuration it depends on.
      const viaDependency = (component.propertyDependencies?.securityConfiguration ?? []).some((d) => TYPES.glueSecurityConfiguration.includes(d.type as never));
      const kind = component.type.split(":").pop()!.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
      if (!viaDependency) named(read(component.props, "securityConfiguration"), `Glue ${kind} "${component.name}"`, component.urn);
    }
    for (const sm of args.resources.filter((r) => TYPES.stateMachine.includes(r.type as never) && typeof r.props.definition === "string")) {
      let runs: GlueRunTask[];
      try {
        runs = definitionTasks(sm.props.definition).glueRuns;
      } catch {
        continue; // glue-job-workers reports an invalid definition
      }
      for (const run of runs) {
        const subject = `State machine "${sm.name}" state ${run.state} (glue:startJobRun)`;
        if (run.atRunTime.includes("SecurityConfiguration")) report(`${subject} sets SecurityConfiguration at run time (a JSONPath), so the run's encryption cannot be checked; write it literally.`, sm.urn);
        else if (run.parameters.SecurityConfiguration !== undefined) named(run.parameters.SecurityConfiguration, subject, sm.urn);
      }
    }
  },
});
