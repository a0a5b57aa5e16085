/**
 * The pipeline's state machine, composed from its task modules (workflow/tasks/):
 *
 *   nameRun → resolveStackKey → routeRun → [exportTable] → preprocess → train → evaluate (metric gate)
 *     → [baselineData] → registerModel (auto: approved now; manual: ends pending approval)
 *     → createModel → createEndpointConfig → deployEndpoint → [recordServedModel] → notifyDeployed
 *   ([exportTable]: with a DynamoDB source; other […]: with monitoring.drift.enabled; the drift checks run in their own state machine, monitoring.ts)
 *   routeRun, on an approval (or a request to deploy an approved version): → createModel
 *   any failure → notifyFailure
 *
 * Each module brings its states, the state machine role's statements for them and the
 * execution role statements of the role it passes; this file only wires them in order,
 * adds what the state machine needs as a whole (log delivery, tracing), and derives the
 * execution timeout from the modules' own bounds.
 *
 * Known at first preview: the definition uses only the spec's literals (names and ARNs
 * from the stack model). The one value that cannot be known before the stack exists, the
 * KMS key's ARN, is resolved at run time (resolveStackKey). Everything policies check
 * (instance types, counts, spot, encryption settings) is in the definition from the start.
 */
import { PolicyStatement } from "../lib/iamPolicy";
import { StateMachineDefinition } from "./asl";
import { WorkflowSpec } from "./spec";
import { TaskModule, Wiring } from "./tasks/task";
import { nameRun } from "./tasks/nameRun";
import { resolveStackKey } from "./tasks/resolveStackKey";
import { exportTable } from "./tasks/exportTable";
import { preprocess } from "./tasks/preprocess";
import { train } from "./tasks/train";
import { evaluate } from "./tasks/evaluate";
import { createModel } from "./tasks/createModel";
import { createEndpointConfig } from "./tasks/createEndpointConfig";
import { deployEndpoint } from "./tasks/deployEndpoint";
import { notifyDeployed, notifyFailure } from "./tasks/notify";
import { registerModel } from "./tasks/registerModel";
import { routeRun } from "./tasks/routeRun";
import { recordDeployedVersion, recordTrainingMetrics } from "./tasks/runMetrics";
import { baselineData, recordServedModel } from "./tasks/monitorDrift";
import { routePromotion } from "./tasks/routePromotion";
import { copyArtifact } from "./tasks/copyArtifact";
import { recordPromotion } from "./tasks/recordPromotion";

export { ENDPOINT_STATUSES_FAILED, ENDPOINT_STATUSES_IN_PROGRESS } from "./tasks/deployEndpoint";

/** The run, in order: each module continues with the next one's entry state; a module the stack does not use is undefined. */
export type ModuleBuilder = (spec: WorkflowSpec, wiring: Wiring) => TaskModule | undefined;

const PIPELINE: ModuleBuilder[] = [
  nameRun,
  resolveStackKey,
  routeRun,
  exportTable,
  preprocess,
  train,
  recordTrainingMetrics,
  evaluate,
  baselineData,
  registerModel,
  createModel,
  createEndpointConfig,
  deployEndpoint,
  recordServedModel,
  recordDeployedVersion,
  notifyDeployed,
];

/**
 * A promoted stack's run (registry.source.kind "promoted"): it trains nothing; it copies a
 * version of the source account's group that is approved for its stage, deploys it and
 * records the deployment on the version.
 *
 *   nameRun → resolveStackKey → routePromotion → copyArtifact → createModel
 *     → createEndpointConfig → deployEndpoint → recordPromotion → [recordDeployedVersion] → notifyDeployed
 */
const PROMOTION: ModuleBuilder[] = [
  nameRun,
  resolveStackKey,
  routePromotion,
  copyArtifact,
  createModel,
  createEndpointConfig,
  deployEndpoint,
  recordPromotion,
  recordDeployedVersion,
  notifyDeployed,
];

export interface Workflow {
  definition: StateMachineDefinition;
  /** The state machine role's policy: every module's statements, merged by Sid. */
  stateMachineStatements: PolicyStatement[];
  /** Roles the workflow's steps run as (passed to a SageMaker or Glue job, or the invoked function's own), each with what it needs: the one owner of their policies. */
  executionRoles: { roleArn: string; statements: PolicyStatement[] }[];
}

/** What the state machine needs as a whole, not for one task. */
const STATE_MACHINE_STATEMENTS: PolicyStatement[] = [
  {
    Sid: "DeliverExecutionLogs",
    Effect: "Allow",
    Action: [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
    Resource: "*", // AWS documents these log-delivery actions as supporting only "*"
  },
  {
    Sid: "Tracing",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
    Resource: "*", // X-Ray has no resource-level permissions for these
  },
];

export function buildWorkflow(spec: WorkflowSpec): Workflow {
  const consumer = spec.promotion.consumer;
  if (consumer) return composeWorkflow(spec, `ML pipeline ${spec.jobPrefix}: deploy versions of ${consumer.source.group.arn} promoted to ${consumer.stage}`, PROMOTION);
  return composeWorkflow(spec, `ML pipeline ${spec.jobPrefix}: preprocess, train, evaluate, deploy`, PIPELINE);
}

/** A state machine from its modules in order, with the failure notification every module reports through. */
export function composeWorkflow(spec: WorkflowSpec, comment: string, builders: ModuleBuilder[]): Workflow {
  const failure = notifyFailure(spec);
  const modules: TaskModule[] = [];
  let next = "";
  for (const build of [...builders].reverse()) {
    const module = build(spec, { next });
    if (!module) continue;
    modules.unshift(module);
    next = module.entry;
  }
  const all = [...modules, failure];
  return {
    definition: {
      Comment: comment,
      StartAt: all[0].entry,
      TimeoutSeconds: all.reduce((sum, m) => sum + m.timeoutSeconds, 0),
      States: Object.assign({}, ...all.map((m) => m.states)),
    },
    stateMachineStatements: mergeStatements([...all.flatMap((m) => m.stateMachineStatements), ...STATE_MACHINE_STATEMENTS]),
    executionRoles: all.flatMap((m) => (m.executionRole ? [m.executionRole] : [])),
  };
}

export function buildDefinition(spec: WorkflowSpec): StateMachineDefinition {
  return buildWorkflow(spec).definition;
}

/** The statements of the execution role the workflow passes as `roleArn`. */
export function executionRoleStatements(workflow: Workflow, roleArn: string): PolicyStatement[] {
  const role = workflow.executionRoles.find((r) => r.roleArn === roleArn);
  if (!role) throw new Error(`the workflow passes no role ${roleArn}`);
  return role.statements;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/**
 * Statements of the same Sid from several modules (PassRole, the key, publishing) become
 * one, their actions and resources united; they must agree on everything else.
 */
function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
  const bySid = new Map<string, PolicyStatement>();
  const merged: PolicyStatement[] = [];
  for (const s of statements) {
    const sid = s.Sid ?? `#${merged.length}`;
    const earlier = bySid.get(sid);
    if (!earlier) {
      const copy = { ...s };
      bySid.set(sid, copy);
      merged.push(copy);
      continue;
    }
    const rest = (x: PolicyStatement) => JSON.stringify({ ...x, Action: undefined, Resource: undefined });
    if (rest(earlier) !== rest(s)) throw new Error(`statements ${sid} differ in more than actions and resources`);
    const union = (a: string | string[], b: string | string[]) => {
      const all = [...new Set([...list(a), ...list(b)])];
      return all.length === 1 ? all[0] : all;
    };
    earlier.Action = union(earlier.Action, s.Action);
    earlier.Resource = union(earlier.Resource, s.Resource);
  }
  return merged;
}
