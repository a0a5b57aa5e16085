/**
 * Security baseline: workflow logging and tracing, IAM least privilege, no AWS-managed
 * FullAccess policies, SageMaker network isolation where the config requires it.
 */
import { ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { asArray, configOf, describe, forTypes, parseDocument, read, TYPES, UNKNOWN } from "../lib/resources";
import { INVALID_DEFINITION, jobsOf, jobSubject } from "../lib/sageMakerJobs";

export const stateMachineLoggingTracing: ResourceValidationPolicy = {
  name: "stepfunctions-logging-tracing",
  description:
    "State machines log ALL events with execution data to CloudWatch Logs and trace with X-Ray. Counterparts: cdk-nag AwsSolutions-SF1 (logging ALL) and SF2 (X-Ray), Checkov CKV_AWS_284 (X-Ray) and CKV_AWS_285 (logging).",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.stateMachine, (props, args, report) => {
    const log = props.loggingConfiguration;
    if (!log || log.level !== "ALL") report(`${describe(args)} logs at level ${log?.level ?? "OFF"}; set loggingConfiguration.level: "ALL".`);
    if (log && log.includeExecutionData !== true) report(`${describe(args)} logs without execution data; set loggingConfiguration.includeExecutionData: true.`);
    const destination = read(log, "logDestination");
    if (log && destination !== UNKNOWN && !destination) report(`${describe(args)} has no log destination; set loggingConfiguration.logDestination to a log group ARN ending in :*.`);
    if (props.tracingConfiguration?.enabled !== true) report(`${describe(args)} is not traced; set tracingConfiguration.enabled: true.`);
  }),
};

/** Every Allow statement of the IAM documents a resource declares. */
function allowStatements(type: string, props: Record<string, any>): any[] {
  const docs = TYPES.iamRole.includes(type as never)
    ? asArray<any>(props.inlinePolicies).map((p) => p.policy)
    : [props.policy];
  return docs.flatMap((d) => asArray<any>(parseDocument(d)?.Statement)).filter((s) => s && s.Effect === "Allow");
}

const actionsOf = (s: any): string[] => asArray<string>(s.Action);

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: "IAM policies allow no `*` or `service:*` action (NotAction is rejected too). Counterparts: cdk-nag AwsSolutions-IAM5, Checkov CKV_AWS_63/CKV_AWS_290.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([...TYPES.iamPolicyDocuments, ...TYPES.iamRole], (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      const wild = actionsOf(s).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
      if (wild.length > 0) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows ${wild.join(", ")}; list the actions it needs.`);
      if (s.NotAction) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} uses NotAction with Allow, which grants everything else; list actions instead.`);
    }
  }),
};

export const iamPassRoleRestricted: ResourceValidationPolicy = {
  name: "iam-passrole-restricted",
  description: "iam:PassRole is allowed only on named roles (no `*` resource) and only with an iam:PassedToService condition. Counterpart: cdk-nag AwsSolutions-IAM5 (PassRole findings).",
  enforcementLevel: "mandatory",
  validateResource: forTypes([...TYPES.iamPolicyDocuments, ...TYPES.iamRole], (props, args, report) => {
    for (const s of allowStatements(args.type, props)) {
      if (!actionsOf(s).some((a) => a === "iam:PassRole" || a === "iam:*" || a === "*")) continue;
      const resources = asArray<string>(s.Resource);
      if (resources.length === 0 || resources.some((r) => r === "*" || /:role\/\*$/.test(r))) {
        report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows iam:PassRole on ${resources.join(", ") || "nothing named"}; name the roles.`);
      }
      const cond = s.Condition ?? {};
      const hasService = Object.values(cond).some((ops: any) => ops && typeof ops === "object" && "iam:PassedToService" in ops);
      if (!hasService) report(`${describe(args)} statement ${s.Sid ?? "(no Sid)"} allows iam:PassRole without an iam:PassedToService condition; add one (e.g. sagemaker.amazonaws.com).`);
    }
  }),
};

const FULL_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/(.*FullAccess.*|AdministratorAccess|PowerUserAccess)$/;

export const iamNoManagedFullAccess: ResourceValidationPolicy = {
  name: "iam-no-managed-full-access",
  description: "No AWS-managed FullAccess (or AdministratorAccess/PowerUserAccess) policy is attached; write least-privilege statements. Counterpart: cdk-nag AwsSolutions-IAM4.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([...TYPES.iamAttachments, ...TYPES.iamRole], (props, args, report) => {
    const arns = TYPES.iamRole.includes(args.type as never) ? asArray<string>(props.managedPolicyArns) : [props.policyArn];
    for (const arn of arns) if (typeof arn === "string" && FULL_ACCESS.test(arn)) report(`${describe(args)} attaches ${arn}; replace it with statements scoped to what the role uses.`);
  }),
};

interface IsolationConfig {
  requireForModels: boolean;
  requireForJobs: boolean;
}

function checkJobIsolation(type: string, props: Record<string, any>, resource: string, report: ReportViolation): void {
  const tasks = jobsOf(type, props);
  if (tasks === INVALID_DEFINITION) return;
  for (const t of tasks) {
    const p = t.parameters;
    if (t.api === "createTrainingJob" && p.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set EnableNetworkIsolation: true on the training job.`);
    if (t.api === "createProcessingJob" && p.NetworkConfig?.EnableNetworkIsolation !== true) report(`${jobSubject(resource, t)}: set NetworkConfig.EnableNetworkIsolation: true on the processing job.`);
  }
}

export const sageMakerNetworkIsolation: ResourceValidationPolicy = {
  name: "sagemaker-network-isolation",
  description:
    "SageMaker models (requireForModels) and training/processing jobs (in Step Functions definitions, or native TrainingJob resources: requireForJobs) run with network isolation. Turn requireForModels off for stacks that serve from serverless endpoints, which do not support isolation. Counterpart: Checkov CKV_AWS_370-style isolation checks.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireForModels: { type: "boolean", default: true },
      requireForJobs: { type: "boolean", default: true },
    },
  },
  validateResource: forTypes([...TYPES.model, ...TYPES.stateMachine, ...TYPES.trainingJob], (props, args, report) => {
    const c = configOf<IsolationConfig>(args, sageMakerNetworkIsolation.configSchema);
    if (TYPES.model.includes(args.type as never)) {
      if (c.requireForModels && props.enableNetworkIsolation !== true) report(`${describe(args)} runs without network isolation; set enableNetworkIsolation: true.`);
      return;
    }
    if (c.requireForJobs) checkJobIsolation(args.type, props, describe(args), report);
  }),
};

export const baselinePolicies = [stateMachineLoggingTracing, iamNoWildcardActions, iamPassRoleRestricted, iamNoManagedFullAccess, sageMakerNetworkIsolation];
