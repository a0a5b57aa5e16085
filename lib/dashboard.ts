/**
 * The stack's CloudWatch dashboard, generated from the stack model (pure: tested like the
 * workflow definition). Every metric is one AWS documents, with its documented dimensions,
 * or one the pipeline publishes itself:
 *  - AWS/States (Step Functions, "Monitoring Step Functions metrics using CloudWatch"):
 *    Executions{Started,Succeeded,Failed,TimedOut,Aborted} by StateMachineArn;
 *    ServiceIntegrationTime by ServiceIntegrationResourceArn (account-qualified).
 *  - AWS/SageMaker (SageMaker, "Amazon SageMaker AI metrics in Amazon CloudWatch"):
 *    Invocations, Invocation5XXErrors, ModelLatency, InvocationsPerInstance by EndpointName
 *    and VariantName.
 *  - ml-pipeline (by Pipeline): training time and billable seconds, the deployed model
 *    package version (published by the workflow: tasks/runMetrics.ts); the drift checks'
 *    MaxFeatureDriftPSI, MaxFeatureDriftKS, DriftSampleCount, and FeatureDriftPSI/KS by
 *    Pipeline and Feature (published from monitoring/drift.py's verdict: tasks/checkDrift.ts);
 *    EvaluationMetric, EvaluationMetricWorseBy and EvaluationSampleCount (monitoring/evaluate.py's
 *    verdict: tasks/checkPerformance.ts);
 *  - ml-pipeline/<namePrefix>: runs that ended NotDeployed / PendingApproval / Rejected,
 *    counted by metric filters on the state machine's log (a metric filter's dimensions
 *    can only be fields of the log event, so the stack is in the namespace instead).
 */

/** Namespace of the metrics the pipeline publishes itself. */
export const PIPELINE_METRICS_NAMESPACE = "ml-pipeline";

/** Namespace of a stack's outcome counts (metric filters). */
export const outcomeNamespace = (namePrefix: string) => `${PIPELINE_METRICS_NAMESPACE}/${namePrefix}`;

/** Terminal states counted from the execution log (metric name → Succeed state of the definition). */
export const OUTCOME_METRICS: Readonly<Record<string, string>> = {
  RunsNotDeployed: "NotDeployed",
  RunsPendingApproval: "PendingApproval",
  RunsRejected: "Rejected",
};

export interface DashboardInput {
  region: string;
  accountId: string;
  namePrefix: string;
  stateMachineArn: string;
  endpointName: string;
  variantName: string;
  /** Instance endpoints also show the scaling metric and the rollback alarms. */
  hosting: "instance" | "serverless";
  rollbackAlarmArns: string[];
  /** The stack's own group's name. */
  modelPackageGroup: string;
  /** A promoted stack: the source's group it deploys from and its stage (the version deployed is the DeployedModelVersion widget). */
  promotedFrom?: { groupArn: string; stage: string };
  /** When drift is monitored: the drift alarm and the PSI threshold it fires above. */
  drift?: { alarmArn: string; psiThreshold: number };
  /** When the served model is evaluated on labelled data: its alarm, the gate's metric and the tolerance. */
  evaluation?: { alarmArn: string; metric: string; tolerance: number };
}

/**
 * Every feature's drift statistic of this stack: features are only known once checks run,
 * so the widget searches for them (a metric math SEARCH over the namespace's
 * {Pipeline, Feature} schema).
 */
export function featureDriftSearchExpression(namePrefix: string, metricName: "FeatureDriftPSI" | "FeatureDriftKS"): string {
  return `SEARCH('{${PIPELINE_METRICS_NAMESPACE},Feature,Pipeline} MetricName="${metricName}" Pipeline="${namePrefix}"', 'Maximum', 3600)`;
}

type Metric = (string | { stat?: string; label?: string; period?: number })[];
interface Widget {
  type: "metric" | "text" | "alarm";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const DAY = 86_400;

export function pipelineDashboard(d: DashboardInput): { widgets: Widget[] } {
  const pipeline = ["Pipeline", d.namePrefix];
  const variant = ["EndpointName", d.endpointName, "VariantName", d.variantName];
  const metricWidget = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}) => ({ title, region: d.region, view: "timeSeries", stacked: false, metrics, ...extra });
  const panels: { width: number; height: number; type: Widget["type"]; properties: Record<string, unknown> }[] = [
    {
      type: "text",
      width: 24,
      height: 2,
      properties: {
        markdown: `## ML pipeline ${d.namePrefix}\nState machine \`${d.stateMachineArn.split(":").pop()}\` · endpoint \`${d.endpointName}\` · ${d.promotedFrom ? `stage \`${d.promotedFrom.stage}\`, promoted from model package group \`${d.promotedFrom.groupArn.split("/").pop()}\` of account \`${d.promotedFrom.groupArn.split(":")[4]}\`` : `model package group \`${d.modelPackageGroup}\``}`,
      },
    },
    {
      type: "metric",
      width: 12,
      height: 6,
      properties: metricWidget(
        "Pipeline runs (per day)",
        [
          ...["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"].map((m): Metric => ["AWS/States", m, "StateMachineArn", d.stateMachineArn, { stat: "Sum", period: DAY }]),
          ...Object.keys(OUTCOME_METRICS).map((m): Metric => [outcomeNamespace(d.namePrefix), m, { stat: "Sum", period: DAY }]),
        ],
      ),
    },
    {
      type: "metric",
      width: 12,
      height: 6,
      properties: metricWidget("Training (seconds per run)", [
        [PIPELINE_METRICS_NAMESPACE, "TrainingTimeSeconds", ...pipeline, { stat: "Maximum", period: DAY }],
        [PIPELINE_METRICS_NAMESPACE, "TrainingBillableSeconds", ...pipeline, { stat: "Maximum", period: DAY }],
        ["AWS/States", "ServiceIntegrationTime", "ServiceIntegrationResourceArn", `arn:aws:states:${d.region}:${d.accountId}:sagemaker:createTrainingJob.sync`, { stat: "Maximum", period: DAY, label: "createTrainingJob.sync (ms, all state machines)" }],
      ]),
    },
    {
      type: "metric",
      width: 8,
      height: 6,
      properties: metricWidget(`Invocations and 5xx (${d.variantName})`, [
        ["AWS/SageMaker", "Invocations", ...variant, { stat: "Sum", period: 300 }],
        ["AWS/SageMaker", "Invocation5XXErrors", ...variant, { stat: "Sum", period: 300 }],
      ]),
    },
    {
      type: "metric",
      width: 8,
      height: 6,
      properties: metricWidget(`Model latency (${d.variantName}, microseconds)`, [
        ["AWS/SageMaker", "ModelLatency", ...variant, { stat: "Average", period: 300 }],
        ["AWS/SageMaker", "ModelLatency", ...variant, { stat: "p99", period: 300 }],
      ]),
    },
    {
      type: "metric",
      width: 8,
      height: 6,
      properties: metricWidget("Deployed model package version", [[PIPELINE_METRICS_NAMESPACE, "DeployedModelVersion", ...pipeline, { stat: "Maximum", period: DAY }]], { view: "singleValue" }),
    },
  ];
  if (d.drift) {
    panels.push(
      {
        type: "metric",
        width: 12,
        height: 6,
        properties: metricWidget(
          "Drift: largest feature PSI and KS per check",
          [
            [PIPELINE_METRICS_NAMESPACE, "MaxFeatureDriftPSI", ...pipeline, { stat: "Maximum", period: 3600 }],
            [PIPELINE_METRICS_NAMESPACE, "MaxFeatureDriftKS", ...pipeline, { stat: "Maximum", period: 3600 }],
          ],
          { annotations: { horizontal: [{ label: "PSI threshold", value: d.drift.psiThreshold }] } },
        ),
      },
      {
        type: "metric",
        width: 12,
        height: 6,
        properties: metricWidget("Drift per feature (PSI)", [[{ expression: featureDriftSearchExpression(d.namePrefix, "FeatureDriftPSI"), id: "psi", label: "" } as unknown as string]]),
      },
      {
        type: "metric",
        width: 12,
        height: 6,
        properties: metricWidget("Captured rows per drift check", [[PIPELINE_METRICS_NAMESPACE, "DriftSampleCount", ...pipeline, { stat: "Maximum", period: 3600 }]]),
      },
      { type: "alarm", width: 12, height: 6, properties: { title: "Drift alarm", alarms: [d.drift.alarmArn] } },
    );
  }
  if (d.evaluation) {
    panels.push(
      {
        type: "metric",
        width: 12,
        height: 6,
        properties: metricWidget(
          `Evaluation on labelled data: ${d.evaluation.metric}, and how much worse than registered`,
          [
            [PIPELINE_METRICS_NAMESPACE, "EvaluationMetric", ...pipeline, { stat: "Maximum", period: DAY }],
            [PIPELINE_METRICS_NAMESPACE, "EvaluationMetricWorseBy", ...pipeline, { stat: "Maximum", period: DAY }],
            [PIPELINE_METRICS_NAMESPACE, "EvaluationSampleCount", ...pipeline, { stat: "Maximum", period: DAY, yAxis: "right" } as never],
          ],
          { annotations: { horizontal: [{ label: "tolerance", value: d.evaluation.tolerance }] } },
        ),
      },
      { type: "alarm", width: 12, height: 6, properties: { title: "Degraded performance alarm", alarms: [d.evaluation.alarmArn] } },
    );
  }
  if (d.hosting === "instance") {
    panels.push(
      {
        type: "metric",
        width: 12,
        height: 6,
        properties: metricWidget(`Invocations per instance (${d.variantName}; the autoscaling target tracks it)`, [["AWS/SageMaker", "InvocationsPerInstance", ...variant, { stat: "Sum", period: 60 }]]),
      },
      { type: "alarm", width: 12, height: 6, properties: { title: "Blue/green rollback alarms", alarms: d.rollbackAlarmArns } },
    );
  }
  // Lay the panels out left to right, 24 columns wide.
  const widgets: Widget[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const p of panels) {
    if (x + p.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    widgets.push({ type: p.type, x, y, width: p.width, height: p.height, properties: p.properties });
    x += p.width;
    rowHeight = Math.max(rowHeight, p.height);
  }
  return { widgets };
}

/**
 * The CloudWatch Logs filter pattern that counts executions entering a Succeed state:
 * Step Functions logs each history event with its `type` (HistoryEventType) and
 * `details` (StateEnteredEventDetails: `name` is the state's name).
 */
export function outcomeFilterPattern(stateName: string): string {
  return `{ ($.type = "SucceedStateEntered") && ($.details.name = "${stateName}") }`;
}
