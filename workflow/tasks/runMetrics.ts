/**
 * The pipeline's own CloudWatch metrics (namespace `ml-pipeline`, dimension Pipeline =
 * the name prefix), for the stack's dashboard: how long training ran and what it billed
 * (from DescribeTrainingJob's output, which .sync returns), and which model package
 * version the endpoint serves. Publishing them never fails a run: a metric that cannot be
 * published is recorded and the run goes on.
 */
import { Json, State } from "../asl";
import { WorkflowSpec } from "../spec";
import { integration, taskSeconds, TaskModule, Wiring } from "./task";
import { PIPELINE_METRICS_NAMESPACE } from "../../lib/dashboard";

const dimensions = (spec: WorkflowSpec): Json => [{ Name: "Pipeline", Value: spec.jobPrefix }];

/**
 * PutMetricData in the pipeline's namespace, best effort: `metrics` is `{MetricData: [...]}`,
 * or `{"MetricData.$": path}` for metrics a job's verdict carries (the checks).
 */
export function putMetricData(spec: WorkflowSpec, metrics: { MetricData: Json } | { "MetricData.$": string }, next: string): State {
  return {
    Type: "Task",
    Resource: integration(spec.partition, "aws-sdk:cloudwatch:putMetricData"),
    Parameters: { Namespace: PIPELINE_METRICS_NAMESPACE, ...metrics },
    ResultPath: null,
    TimeoutSeconds: 30,
    Retry: [{ ErrorEquals: ["CloudWatch.CloudWatchException", "CloudWatch.InternalServiceFaultException"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
    // A dashboard gap is no reason to fail a run, or to ignore a check's verdict.
    Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.metricsError", Next: next }],
    Next: next,
  };
}

/** PutMetricData has no resource-level permissions; the namespace condition scopes it. */
export const PUBLISH_PIPELINE_METRICS = { Sid: "PublishPipelineMetrics", Effect: "Allow" as const, Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": PIPELINE_METRICS_NAMESPACE } } };

/** After Train: TrainingTimeInSeconds and BillableTimeInSeconds, when the job reported them. */
export function recordTrainingMetrics(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states: Record<string, State> = {
    HasTrainingTimes: {
      Type: "Choice",
      Comment: "Both members are optional in DescribeTrainingJob's output; a path to an absent one would be a States.Runtime error",
      Choices: [
        {
          And: [
            { Variable: "$.training.TrainingTimeInSeconds", IsPresent: true },
            { Variable: "$.training.TrainingTimeInSeconds", IsNumeric: true },
            { Variable: "$.training.BillableTimeInSeconds", IsPresent: true },
            { Variable: "$.training.BillableTimeInSeconds", IsNumeric: true },
          ],
          Next: "RecordTrainingMetrics",
        },
      ],
      Default: wiring.next,
    },
    RecordTrainingMetrics: putMetricData(
      spec,
      {
        MetricData: [
        { MetricName: "TrainingTimeSeconds", Unit: "Seconds", "Value.$": "$.training.TrainingTimeInSeconds", Dimensions: dimensions(spec) },
        { MetricName: "TrainingBillableSeconds", Unit: "Seconds", "Value.$": "$.training.BillableTimeInSeconds", Dimensions: dimensions(spec) },
        ],
      },
      wiring.next,
    ),
  };
  return { entry: "HasTrainingTimes", states, timeoutSeconds: taskSeconds(states), stateMachineStatements: [PUBLISH_PIPELINE_METRICS] };
}

/** Before NotifyDeployed: the version number of the package now served (`…/model-package/<group>/<n>`). */
export function recordDeployedVersion(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states: Record<string, State> = {
    RecordDeployedVersion: putMetricData(
      spec,
      {
        MetricData: [
          {
            MetricName: "DeployedModelVersion",
            Unit: "None",
            "Value.$": "States.StringToJson(States.ArrayGetItem(States.StringSplit($.registry.ModelPackageArn, '/'), 2))",
            Dimensions: dimensions(spec),
          },
        ],
      },
      wiring.next,
    ),
  };
  return { entry: "RecordDeployedVersion", states, timeoutSeconds: taskSeconds(states), stateMachineStatements: [PUBLISH_PIPELINE_METRICS] };
}
