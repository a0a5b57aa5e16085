/**
 * The pipeline's state machine definition, generated from a `WorkflowSpec`:
 *
 *   Initialize → NameRun → ResolveStackKey → Preprocess → Train → (metrics gate)
 *     → CreateModel → CreateEndpointConfig → FindEndpoint → Update|CreateEndpoint
 *     → Wait/DescribeEndpoint loop → NotifyDeployed → Deployed
 *
 * Every Task has a timeout, retries only errors that are transient (throttling,
 * service errors), and catches everything else into NotifyFailure → PipelineFailed.
 * A job that failed on its own (States.TaskFailed from a .sync task) is never retried.
 *
 * Known at first preview: the definition uses only the spec's literals (deterministic
 * names and ARNs built from account, region and names). The one value that cannot be
 * known before the stack exists, the KMS key's ARN (it carries a generated id), is
 * looked up at run time from the key's alias (ResolveStackKey), because
 * `VolumeKmsKeyId` takes no alias. Everything policies check (instance types, counts,
 * spot, encryption settings) is therefore in the definition string from the start.
 */
import { Catcher, ChoiceState, Json, Retrier, State, StateMachineDefinition, TaskState } from "./asl";
import {
  createEndpointConfigParameters,
  createEndpointParameters,
  createModelParameters,
  processingJobParameters,
  trainingJobParameters,
  updateEndpointParameters,
} from "./sagemakerJobs";
import { WorkflowSpec } from "./spec";
import { rollbackAlarmNames } from "../stacks/names";

/** Service-integration resource ARNs (partition-aware). */
export const integration = (partition: string, api: string) => `arn:${partition}:states:::${api}`;

/** Seconds between endpoint status polls, and how many polls before giving up. */
export const ENDPOINT_POLL_SECONDS = 60;

/*
 * Retries, by the error names Step Functions really raises (Step Functions developer
 * guide, "Handling errors in Step Functions workflows" and "AWS SDK service integrations";
 * test/errorNames.test.ts checks every name against the services' API models):
 *  - optimized integrations (sagemaker:*, sns:publish) name an error the API model declares
 *    `<Service>.<Shape>Exception` and everything else after the SDK's base exception:
 *    `SageMaker.AmazonSageMakerException`, `SNS.AmazonSNSException`. Throttling and
 *    internal errors are among "everything else", and so is a request the service rejects
 *    as invalid: the name cannot tell them apart, so those retries are few and bounded.
 *  - aws-sdk integrations (aws-sdk:<service>:<api>) name undeclared errors
 *    `<Service>.<Service>Exception` (SageMaker.SageMakerException, Kms.KmsException).
 * A job that failed on its own (States.TaskFailed from a .sync task) is never retried.
 */
const SAGEMAKER_RETRY: Retrier[] = [
  // Throttling, internal errors (and, under the same name, invalid requests): 3 attempts, about 35 s at most.
  { ErrorEquals: ["SageMaker.AmazonSageMakerException"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
  // Declared by CreateTrainingJob/CreateProcessingJob/CreateEndpoint...: a concurrency or capacity quota; AWS's documented long-interval retry.
  { ErrorEquals: ["SageMaker.ResourceLimitExceededException"], IntervalSeconds: 120, MaxAttempts: 3, BackoffRate: 2 },
];
// AWS's documented retrier for Lambda tasks ("Handle transient Lambda service exceptions"),
// plus TooManyRequestsException, which Invoke declares.
const LAMBDA_RETRY: Retrier[] = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];
/** KMS DescribeKey: DependencyTimeoutException is declared and transient; throttling arrives as Kms.KmsException (undeclared). */
const KMS_RETRY: Retrier[] = [
  { ErrorEquals: ["Kms.DependencyTimeoutException", "Kms.KmsException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
];
/**
 * aws-sdk SageMaker calls (DescribeEndpoint): the API model declares no errors, so
 * throttling, a missing endpoint and a denied call all arrive as SageMaker.SageMakerException.
 * Two quick retries absorb throttling; FindEndpoint then tells "not found" apart by its message.
 */
const SAGEMAKER_SDK_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.SageMakerException"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" },
];
/** Publish declares InternalErrorException and KMSThrottlingException; throttling of Publish itself is undeclared. */
const SNS_RETRY: Retrier[] = [
  { ErrorEquals: ["SNS.AmazonSNSException", "SNS.InternalErrorException", "SNS.KMSThrottlingException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
];

/**
 * SageMaker's message for DescribeEndpoint on a name that does not exist: `Could not find
 * endpoint "<arn>".` (matched the same way by aws-samples/aws-sagemaker-build,
 * sagebuild/step_function/lambdas/core/sagemaker/EndpointStatus.js).
 */
export const ENDPOINT_NOT_FOUND_CAUSE = "*Could not find endpoint*";

/**
 * DescribeEndpoint's EndpointStatus values (the API model's EndpointStatus enum; the test
 * suite checks this split covers it): still moving, or settled somewhere other than InService.
 */
export const ENDPOINT_STATUSES_IN_PROGRESS = ["Creating", "Updating", "SystemUpdating", "RollingBack"] as const;
export const ENDPOINT_STATUSES_FAILED = ["Failed", "UpdateRollbackFailed", "OutOfService", "Deleting"] as const;

/** Any other error: record it at $.error and report. */
const TO_FAILURE: Catcher[] = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotifyFailure" }];

/** Task timeout: the job's own bound plus slack for SageMaker to start and wind down. */
const SLACK_SECONDS = 900;

function task(resource: string, parameters: { [k: string]: Json }, extra: Partial<TaskState> & { Next: string }): TaskState {
  return { Type: "Task", Resource: resource, Parameters: parameters, Catch: TO_FAILURE, ...extra };
}

/** Upper bound of the deploy phase: blue/green baking plus termination wait, or a plain create. */
function deploySeconds(spec: WorkflowSpec): number {
  const h = spec.endpoint.hosting;
  return h.kind === "instance" ? h.deployment.maximumExecutionTimeoutSeconds + h.deployment.terminationWaitSeconds + SLACK_SECONDS : 3600;
}

export function preprocessSeconds(spec: WorkflowSpec): number {
  const p = spec.preprocessing;
  return (p.kind === "lambda" ? p.timeoutSeconds : p.maxRuntimeSeconds) + SLACK_SECONDS;
}

export function trainingSeconds(spec: WorkflowSpec): number {
  const t = spec.training;
  return (t.spot.enabled ? t.spot.maxWaitSeconds : t.maxRuntimeSeconds) + SLACK_SECONDS;
}

/** Where to look after a rollback without a reason: the alarms, when the endpoint has them. */
function rollbackHint(spec: WorkflowSpec): string {
  const h = spec.endpoint.hosting;
  if (h.kind !== "instance") return "";
  const alarms = rollbackAlarmNames(spec.endpoint.name);
  return `; check the rollback alarms ${alarms.errors5xx} and ${alarms.modelLatency}`;
}

export function buildDefinition(spec: WorkflowSpec): StateMachineDefinition {
  const p = spec.partition;
  const prefix = spec.jobPrefix;
  const objective = spec.training.objective;
  const maxPolls = Math.ceil(deploySeconds(spec) / ENDPOINT_POLL_SECONDS);

  const preprocess: TaskState =
    spec.preprocessing.kind === "lambda"
      ? task(
          integration(p, "lambda:invoke"),
          {
            FunctionName: spec.preprocessing.functionArn,
            Payload: {
              bucket: spec.bucketName,
              inputPrefix: "raw/",
              "outputPrefix.$": "States.Format('processed/{}/', $.run.id)",
            },
          },
          {
            Comment: "Split raw/ into processed/<run>/train and validation (Lambda)",
            ResultSelector: { "summary.$": "$.Payload" },
            ResultPath: "$.preprocessing",
            TimeoutSeconds: preprocessSeconds(spec),
            Retry: LAMBDA_RETRY,
            Next: "Train",
          },
        )
      : task(integration(p, "sagemaker:createProcessingJob.sync"), processingJobParameters(spec), {
          Comment: "Split raw/ into processed/<run>/train and validation (SageMaker Processing)",
          ResultSelector: { "ProcessingJobName.$": "$.ProcessingJobName", "ProcessingJobStatus.$": "$.ProcessingJobStatus" },
          ResultPath: "$.preprocessing",
          TimeoutSeconds: preprocessSeconds(spec),
          Retry: SAGEMAKER_RETRY,
          Next: "Train",
        });

  const meetsObjective =
    objective.goal === "Maximize"
      ? { Variable: "$.objective.matches[0].Value", NumericGreaterThanEquals: objective.threshold }
      : { Variable: "$.objective.matches[0].Value", NumericLessThanEquals: objective.threshold };

  const checkObjective: ChoiceState = {
    Type: "Choice",
    Comment: `Deploy only when ${objective.metric} ${objective.goal === "Maximize" ? ">=" : "<="} ${objective.threshold}`,
    Choices: [
      { Variable: "$.objective.matches[0].Missing", IsPresent: true, Next: "RecordMissingMetric" },
      { Not: { Variable: "$.objective.matches[0].Value", IsNumeric: true }, Next: "RecordMissingMetric" },
      { ...meetsObjective, Next: "CreateModel" },
    ],
    Default: "NotifyNotDeployed",
  };

  const states: Record<string, State> = {
    Initialize: {
      Type: "Pass",
      Comment: "Ignore the execution input (any JSON starts a run) and derive a 32-character run id from the execution name",
      // ResultPath "$" (the default) replaces the input, so an input of any shape is fine.
      Parameters: { run: { "id.$": "States.Hash($$.Execution.Name, 'MD5')", "execution.$": "$$.Execution.Name" } },
      Next: "NameRun",
    },
    NameRun: {
      Type: "Pass",
      Comment: "SageMaker names: <prefix>-<kind>-<run id>, at most 63 characters",
      Parameters: {
        "id.$": "$.run.id",
        "execution.$": "$.run.execution",
        "processingJobName.$": `States.Format('${prefix}-pp-{}', $.run.id)`,
        "trainingJobName.$": `States.Format('${prefix}-tr-{}', $.run.id)`,
        "modelName.$": `States.Format('${prefix}-md-{}', $.run.id)`,
        "endpointConfigName.$": `States.Format('${prefix}-ec-{}', $.run.id)`,
      },
      ResultPath: "$.run",
      Next: "ResolveStackKey",
    },
    ResolveStackKey: task(
      integration(p, "aws-sdk:kms:describeKey"),
      { KeyId: spec.keyAlias },
      {
        Comment: "VolumeKmsKeyId takes no alias: resolve the stack key's ARN",
        ResultSelector: { "arn.$": "$.KeyMetadata.Arn" },
        ResultPath: "$.key",
        TimeoutSeconds: 60,
        Retry: KMS_RETRY,
        Next: "Preprocess",
      },
    ),
    Preprocess: preprocess,
    Train: task(integration(p, "sagemaker:createTrainingJob.sync"), trainingJobParameters(spec), {
      Comment: "Train; .sync waits for the job and fails the task if the job fails",
      ResultPath: "$.training",
      TimeoutSeconds: trainingSeconds(spec),
      Retry: SAGEMAKER_RETRY,
      Next: "HasMetrics",
    }),
    HasMetrics: {
      Type: "Choice",
      Choices: [{ Variable: "$.training.FinalMetricDataList", IsPresent: true, Next: "PrepareSentinel" }],
      Default: "RecordMissingMetric",
    },
    PrepareSentinel: {
      Type: "Pass",
      Comment: "A JSONPath filter that matches nothing is a States.Runtime error, which cannot be caught; a sentinel entry guarantees one match",
      Result: [{ MetricName: objective.metric, Missing: true }],
      ResultPath: "$.objective",
      Next: "AppendSentinel",
    },
    AppendSentinel: {
      Type: "Pass",
      Parameters: { "lists.$": "States.Array($.training.FinalMetricDataList, $.objective)" },
      ResultPath: "$.objective",
      Next: "ExtractObjective",
    },
    ExtractObjective: {
      Type: "Pass",
      Comment: "All entries named like the objective; the real one (if any) comes before the sentinel",
      Parameters: { "matches.$": `$.objective.lists[*][?(@.MetricName == '${objective.metric}')]` },
      ResultPath: "$.objective",
      Next: "CheckObjective",
    },
    CheckObjective: checkObjective,
    RecordMissingMetric: {
      Type: "Pass",
      Parameters: { Error: "ObjectiveMetricMissing", Cause: `The training job reported no ${objective.metric}; nothing was deployed` },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    NotifyNotDeployed: task(
      integration(p, "sns:publish"),
      {
        TopicArn: spec.topicArn,
        Subject: `ML pipeline ${prefix}: model not deployed`,
        "Message.$": `States.Format('Run {}: ${objective.metric} = {} does not meet the threshold ${objective.threshold} (${objective.goal}); the endpoint keeps its current model.', $.run.execution, $.objective.matches[0].Value)`,
      },
      { ResultPath: null, TimeoutSeconds: 60, Retry: SNS_RETRY, Next: "NotDeployed" },
    ),
    NotDeployed: { Type: "Succeed", Comment: "Below the threshold: ends without deploying" },
    CreateModel: task(integration(p, "sagemaker:createModel"), createModelParameters(spec), {
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: "CreateEndpointConfig",
    }),
    CreateEndpointConfig: task(integration(p, "sagemaker:createEndpointConfig"), createEndpointConfigParameters(spec), {
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: "FindEndpoint",
    }),
    FindEndpoint: {
      ...task(integration(p, "aws-sdk:sagemaker:describeEndpoint"), { EndpointName: spec.endpoint.name }, {
        Comment: "Day one: the endpoint may not exist yet (see README, bootstrap)",
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
      Next: "NotifyFailure",
    },
    UpdateEndpoint: task(integration(p, "sagemaker:updateEndpoint"), updateEndpointParameters(spec), {
      Comment: "Blue/green rollout; SageMaker rolls back on the alarms",
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: "StartPolling",
    }),
    CreateEndpoint: task(integration(p, "sagemaker:createEndpoint"), createEndpointParameters(spec), {
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: SAGEMAKER_RETRY,
      Next: "StartPolling",
    }),
    StartPolling: { Type: "Pass", Result: { polls: 0 }, ResultPath: "$.deploy", Next: "WaitForEndpoint" },
    WaitForEndpoint: { Type: "Wait", Seconds: ENDPOINT_POLL_SECONDS, Next: "DescribeEndpoint" },
    DescribeEndpoint: task(integration(p, "aws-sdk:sagemaker:describeEndpoint"), { EndpointName: spec.endpoint.name }, {
      Comment: "The endpoint exists here: a SageMakerException is throttling (or a denied call, which fails after the retries)",
      ResultPath: "$.endpoint",
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_RETRY,
      Next: "CountPoll",
    }),
    CountPoll: {
      Type: "Pass",
      Parameters: { "polls.$": "States.MathAdd($.deploy.polls, 1)" },
      ResultPath: "$.deploy",
      Next: "EndpointStatus",
    },
    EndpointStatus: {
      Type: "Choice",
      Comment: "Every EndpointStatus of the API model: InService, one of the settled failures, or still moving",
      Choices: [
        { Variable: "$.endpoint.EndpointStatus", StringEquals: "InService", Next: "InServiceOn" },
        {
          And: [{ Or: ENDPOINT_STATUSES_FAILED.map((status) => ({ Variable: "$.endpoint.EndpointStatus", StringEquals: status })) }, { Variable: "$.endpoint.FailureReason", IsPresent: true }],
          Next: "RecordEndpointFailure",
        },
        { Or: ENDPOINT_STATUSES_FAILED.map((status) => ({ Variable: "$.endpoint.EndpointStatus", StringEquals: status })), Next: "RecordEndpointFailureWithoutReason" },
        { Variable: "$.deploy.polls", NumericGreaterThanEquals: maxPolls, Next: "RecordDeployTimeout" },
      ],
      Default: "WaitForEndpoint",
    },
    InServiceOn: {
      Type: "Choice",
      Comment: "InService on this run's configuration: deployed. On another one: SageMaker rolled the update back",
      Choices: [
        { Variable: "$.endpoint.EndpointConfigName", StringEqualsPath: "$.run.endpointConfigName", Next: "NotifyDeployed" },
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
      Next: "NotifyFailure",
    },
    RecordRollback: {
      Type: "Pass",
      Comment: "Rolled back with no failure reason: the auto-rollback alarms are what SageMaker watches",
      Parameters: {
        Error: "DeploymentRolledBack",
        "Cause.$": `States.Format('Endpoint is InService on {} instead of {}: SageMaker rolled the update back without a failure reason${rollbackHint(spec)}', $.endpoint.EndpointConfigName, $.run.endpointConfigName)`,
      },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    RecordEndpointFailure: {
      Type: "Pass",
      Parameters: { Error: "EndpointFailed", "Cause.$": `States.Format('Endpoint ${spec.endpoint.name} is {}: {}', $.endpoint.EndpointStatus, $.endpoint.FailureReason)` },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    RecordEndpointFailureWithoutReason: {
      Type: "Pass",
      Parameters: { Error: "EndpointFailed", "Cause.$": `States.Format('Endpoint ${spec.endpoint.name} is {} (SageMaker gave no failure reason)', $.endpoint.EndpointStatus)` },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    RecordDeployTimeout: {
      Type: "Pass",
      Parameters: { Error: "DeploymentTimedOut", "Cause.$": `States.Format('Endpoint still {} after ${maxPolls} polls', $.endpoint.EndpointStatus)` },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    NotifyDeployed: task(
      integration(p, "sns:publish"),
      {
        TopicArn: spec.topicArn,
        Subject: `ML pipeline ${prefix}: model deployed`,
        "Message.$": `States.Format('Run {}: ${objective.metric} = {}; endpoint ${spec.endpoint.name} now serves {}.', $.run.execution, $.objective.matches[0].Value, $.run.modelName)`,
      },
      { ResultPath: null, TimeoutSeconds: 60, Retry: SNS_RETRY, Next: "Deployed" },
    ),
    Deployed: { Type: "Succeed" },
    NotifyFailure: {
      Type: "Task",
      Resource: integration(p, "sns:publish"),
      Parameters: {
        TopicArn: spec.topicArn,
        Subject: `ML pipeline ${prefix}: run failed`,
        "Message.$": "States.Format('Run {} failed: {}: {}', $.run.execution, $.error.Error, $.error.Cause)",
      },
      ResultPath: null,
      TimeoutSeconds: 60,
      Retry: SNS_RETRY,
      // Even if the notification cannot be sent, the execution must end failed.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "PipelineFailed" }],
      Next: "PipelineFailed",
    },
    PipelineFailed: { Type: "Fail", Error: "PipelineFailed", CausePath: "$.error.Cause" },
  };

  return {
    Comment: `ML pipeline ${prefix}: preprocess, train, evaluate, deploy`,
    StartAt: "Initialize",
    TimeoutSeconds: 60 + 120 + preprocessSeconds(spec) + trainingSeconds(spec) + 4 * 120 + deploySeconds(spec) + 3 * 60,
    States: states,
  };
}
