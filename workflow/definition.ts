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

/** Service-integration resource ARNs (partition-aware). */
export const integration = (partition: string, api: string) => `arn:${partition}:states:::${api}`;

/** Seconds between endpoint status polls, and how many polls before giving up. */
export const ENDPOINT_POLL_SECONDS = 60;

// AWS's documented retries for SageMaker tasks: transient service errors with backoff,
// capacity limits with a long interval, throttling. Not States.TaskFailed.
const SAGEMAKER_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.AmazonSageMakerException"], IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: "FULL" },
  { ErrorEquals: ["SageMaker.ResourceLimitExceededException"], IntervalSeconds: 120, MaxAttempts: 3, BackoffRate: 2 },
  { ErrorEquals: ["ThrottlingException", "SageMaker.ThrottlingException"], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: "FULL" },
];
const LAMBDA_RETRY: Retrier[] = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];
const SDK_RETRY = (service: string): Retrier[] => [
  { ErrorEquals: [`${service}.ThrottlingException`, "ThrottlingException"], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: "FULL" },
];
const SNS_RETRY: Retrier[] = [{ ErrorEquals: ["SNS.AmazonSNSException", "SNS.SdkClientException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }];

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
        Retry: SDK_RETRY("Kms"),
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
        Retry: SDK_RETRY("SageMaker"),
        Next: "UpdateEndpoint",
      }),
      Catch: [{ ErrorEquals: ["SageMaker.ValidationException"], ResultPath: null, Next: "CreateEndpoint" }, ...TO_FAILURE],
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
      ResultPath: "$.endpoint",
      TimeoutSeconds: 60,
      Retry: SDK_RETRY("SageMaker"),
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
      Choices: [
        {
          And: [
            { Variable: "$.endpoint.EndpointStatus", StringEquals: "InService" },
            { Variable: "$.endpoint.EndpointConfigName", StringEqualsPath: "$.run.endpointConfigName" },
          ],
          Next: "NotifyDeployed",
        },
        { Variable: "$.endpoint.EndpointStatus", StringEquals: "InService", Next: "RecordRollback" },
        { Variable: "$.endpoint.EndpointStatus", StringEquals: "Failed", Next: "RecordEndpointFailure" },
        { Variable: "$.deploy.polls", NumericGreaterThanEquals: maxPolls, Next: "RecordDeployTimeout" },
      ],
      Default: "WaitForEndpoint",
    },
    RecordRollback: {
      Type: "Pass",
      Comment: "InService on another configuration: SageMaker rolled the update back (an alarm fired)",
      Parameters: {
        Error: "DeploymentRolledBack",
        "Cause.$": "States.Format('Endpoint is InService on {} instead of {}: the blue/green update was rolled back', $.endpoint.EndpointConfigName, $.run.endpointConfigName)",
      },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    RecordEndpointFailure: {
      Type: "Pass",
      Parameters: { Error: "EndpointFailed", "Cause.$": "States.JsonToString($.endpoint)" },
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
