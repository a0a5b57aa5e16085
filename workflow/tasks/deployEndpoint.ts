/**
 * DeployEndpoint: roll this run's endpoint config out to the stack's endpoint and wait
 * until it settles.
 *
 *   FindEndpoint → UpdateEndpoint (blue/green, rollback alarms) | CreateEndpoint (day one)
 *     → Wait/DescribeEndpoint loop → every EndpointStatus of the API model routed
 */
import { keyGrantStatement } from "../../lib/iamPolicy";
import { deploymentConfig, readRollbackAlarmsStatement } from "../../lib/blueGreen";
import { ChoiceRule, Json, State } from "../asl";
import { SAGEMAKER_RETRY, SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { failState, FAILURE_STATE, integration, SLACK_SECONDS, task, TaskModule, taskSeconds, TO_FAILURE, Wiring, workflowTags } from "./task";
import { regionalArn } from "../../stacks/arns";

/** Seconds between endpoint status polls. */
const ENDPOINT_POLL_SECONDS = 60;

/**
 * SageMaker's message for DescribeEndpoint on a name that does not exist: `Could not find
 * endpoint "<arn>".` (matched the same way by aws-samples/aws-sagemaker-build,
 * sagebuild/step_function/lambdas/core/sagemaker/EndpointStatus.js).
 */
const ENDPOINT_NOT_FOUND_CAUSE = "*Could not find endpoint*";

/**
 * DescribeEndpoint's EndpointStatus values (the API model's EndpointStatus enum; the test
 * suite checks this split covers it): still moving, or settled somewhere other than InService.
 */
export const ENDPOINT_STATUSES_IN_PROGRESS = ["Creating", "Updating", "SystemUpdating", "RollingBack"] as const;
export const ENDPOINT_STATUSES_FAILED = ["Failed", "UpdateRollbackFailed", "OutOfService", "Deleting"] as const;

/** Upper bound of the rollout: blue/green baking plus termination wait, or a plain create. */
function deploySeconds(spec: WorkflowSpec): number {
  const h = spec.endpoint.hosting;
  return h.kind === "instance" ? h.deployment.maximumExecutionTimeoutSeconds + h.deployment.terminationWaitSeconds + SLACK_SECONDS : 3600;
}

/** UpdateEndpoint, in the API's member names. */
function updateEndpointParameters(spec: WorkflowSpec): { [key: string]: Json } {
  const h = spec.endpoint.hosting;
  const params: { [key: string]: Json } = { EndpointName: spec.endpoint.name, "EndpointConfigName.$": "$.run.endpointConfigName" };
  if (h.kind === "instance") {
    // Keep the instance count autoscaling has reached (not the config's initial count) and
    // the weights: AWS's procedure for autoscaled endpoints; a new model on the same
    // instance type needs no deregistration. Nothing is excluded: the API model documents
    // the one other value, DataCaptureConfig, as "Not currently supported", and data
    // capture is an endpoint-config setting that comes with the new configuration.
    params.RetainAllVariantProperties = true;
    // The same blue/green policy Pulumi declares on the endpoint (lib/blueGreen.ts).
    params.DeploymentConfig = deploymentConfig(h, spec.endpoint.rollbackAlarms.map((a) => a.name)) as unknown as Json;
  }
  return params;
}

/** Where to look after a rollback without a reason: the alarms, when the endpoint has them. */
function rollbackHint(spec: WorkflowSpec): string {
  const alarms = spec.endpoint.rollbackAlarms.map((a) => a.name);
  return alarms.length > 0 ? `; check the rollback alarms ${alarms.join(" and ")}` : "";
}

export function deployEndpoint(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const p = spec.partition;
  const maxPolls = Math.ceil(deploySeconds(spec) / ENDPOINT_POLL_SECONDS);
  const failed = (): ChoiceRule => ({ Or: ENDPOINT_STATUSES_FAILED.map((status) => ({ Variable: "$.endpoint.EndpointStatus", StringEquals: status })) });
  const states: Record<string, State> = {
    FindEndpoint: {
      ...task(integration(p, "aws-sdk:sagemaker:describeEndpoint"), { EndpointName: spec.endpoint.name }, {
        Comment: "Day one: the endpoint may not exist yet (docs/deploying.md, the bootstrap)",
        ResultSelector: { "EndpointStatus.$": "$.EndpointStatus" },
        ResultPath: "$.existing",
        TimeoutSeconds: 60,
        Retry: SAGEMAKER_SDK_RETRY,
        Next: "UpdateEndpoint",
      }),
      Catch: [{ ErrorEquals: ["SageMaker.SageMakerException"], ResultPath: "$.lookup", Next: "EndpointMissing" }, ...TO_FAILURE],
    },
    EndpointMissing: {
      Type: "Choice",
      Comment: "SageMakerException is also a denied call or throttling that outlasted the retries: only a missing endpoint is created",
      Choices: [{ Variable: "$.lookup.Cause", StringMatches: ENDPOINT_NOT_FOUND_CAUSE, Next: "CreateEndpoint" }],
      Default: "RecordLookupFailure",
    },
    RecordLookupFailure: {
      Type: "Pass",
      Parameters: { "Error.$": "$.lookup.Error", "Cause.$": "$.lookup.Cause" },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    UpdateEndpoint: task(integration(p, "sagemaker:updateEndpoint"), updateEndpointParameters(spec), {
      Comment: "Blue/green rollout; SageMaker rolls back on the alarms",
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: "StartPolling",
    }),
    CreateEndpoint: task(
      integration(p, "sagemaker:createEndpoint"),
      { EndpointName: spec.endpoint.name, "EndpointConfigName.$": "$.run.endpointConfigName", Tags: workflowTags(spec.jobPrefix) },
      { ResultPath: null, TimeoutSeconds: 120, Retry: SAGEMAKER_RETRY, Next: "StartPolling" },
    ),
    StartPolling: { Type: "Pass", Result: { polls: 0 }, ResultPath: "$.deploy", Next: "WaitForEndpoint" },
    WaitForEndpoint: { Type: "Wait", Seconds: ENDPOINT_POLL_SECONDS, Next: "DescribeEndpoint" },
    DescribeEndpoint: task(integration(p, "aws-sdk:sagemaker:describeEndpoint"), { EndpointName: spec.endpoint.name }, {
      Comment: "The endpoint exists here: a SageMakerException is throttling (or a denied call, which fails after the retries)",
      ResultPath: "$.endpoint",
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_RETRY,
      Next: "CountPoll",
    }),
    CountPoll: { Type: "Pass", Parameters: { "polls.$": "States.MathAdd($.deploy.polls, 1)" }, ResultPath: "$.deploy", Next: "EndpointStatus" },
    EndpointStatus: {
      Type: "Choice",
      Comment: "Every EndpointStatus of the API model: InService, one of the settled failures, or still moving",
      Choices: [
        { Variable: "$.endpoint.EndpointStatus", StringEquals: "InService", Next: "InServiceOn" },
        { And: [failed(), { Variable: "$.endpoint.FailureReason", IsPresent: true }], Next: "RecordEndpointFailure" },
        { ...failed(), Next: "RecordEndpointFailureWithoutReason" },
        { Variable: "$.deploy.polls", NumericGreaterThanEquals: maxPolls, Next: "RecordDeployTimeout" },
      ],
      Default: "WaitForEndpoint",
    },
    InServiceOn: {
      Type: "Choice",
      Comment: "InService on this run's configuration: deployed. On another one: SageMaker rolled the update back",
      Choices: [
        { Variable: "$.endpoint.EndpointConfigName", StringEqualsPath: "$.run.endpointConfigName", Next: wiring.next },
        { Variable: "$.endpoint.FailureReason", IsPresent: true, Next: "RecordUpdateFailure" },
      ],
      Default: "RecordRollback",
    },
    RecordUpdateFailure: {
      Type: "Pass",
      Comment: "The update failed (for example the new model did not pass health checks) and SageMaker kept the old configuration",
      Parameters: {
        Error: "DeploymentFailed",
        "Cause.$": "States.Format('Endpoint stays InService on {} instead of {}: {}', $.endpoint.EndpointConfigName, $.run.endpointConfigName, $.endpoint.FailureReason)",
      },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    RecordRollback: {
      Type: "Pass",
      Comment: "Rolled back with no failure reason: the auto-rollback alarms are what SageMaker watches",
      Parameters: {
        Error: "DeploymentRolledBack",
        "Cause.$": `States.Format('Endpoint is InService on {} instead of {}: SageMaker rolled the update back without a failure reason${rollbackHint(spec)}', $.endpoint.EndpointConfigName, $.run.endpointConfigName)`,
      },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    RecordEndpointFailure: failState("EndpointFailed", { format: `States.Format('Endpoint ${spec.endpoint.name} is {}: {}', $.endpoint.EndpointStatus, $.endpoint.FailureReason)` }),
    RecordEndpointFailureWithoutReason: failState("EndpointFailed", { format: `States.Format('Endpoint ${spec.endpoint.name} is {} (SageMaker gave no failure reason)', $.endpoint.EndpointStatus)` }),
    RecordDeployTimeout: failState("DeploymentTimedOut", { format: `States.Format('Endpoint still {} after ${maxPolls} polls', $.endpoint.EndpointStatus)` }),
  };
  const endpointConfigs = regionalArn(spec, "sagemaker", `endpoint-config/${spec.jobPrefix}-ec-*`);
  return {
    entry: "FindEndpoint",
    states,
    // The lookup and one of update/create, then polling for as long as the rollout may take.
    timeoutSeconds: taskSeconds({ FindEndpoint: states.FindEndpoint, UpdateEndpoint: states.UpdateEndpoint }) + maxPolls * (ENDPOINT_POLL_SECONDS + 60),
    stateMachineStatements: [
      {
        Sid: "RollOutToTheStackEndpoint",
        Effect: "Allow",
        Action: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:AddTags"],
        Resource: [spec.endpoint.arn, endpointConfigs],
      },
      // CreateEndpoint/UpdateEndpoint with an endpoint config KmsKeyId: SageMaker attaches
      // the key to the endpoint's storage volumes through a grant made as the caller.
      // (Job volumes are granted by the job's own role: sageMakerJob.ts.)
      keyGrantStatement("GrantStackKeyToEndpointVolumes", spec.key),
      ...(spec.endpoint.rollbackAlarms.length > 0 ? [readRollbackAlarmsStatement(spec.endpoint.rollbackAlarms.map((a) => a.arn))] : []),
    ],
  };
}
