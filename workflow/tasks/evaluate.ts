/**
 * Evaluate: the metric gate. Read the objective metric from the training job's
 * FinalMetricDataList and deploy only when it meets the threshold; otherwise end
 * successfully without deploying (and say why), or fail when the metric is missing.
 */
import { ChoiceState } from "../asl";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { FAILURE_STATE, taskSeconds, TaskModule, Wiring } from "./task";

export function evaluate(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const objective = spec.training.objective;
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
      { ...meetsObjective, Next: wiring.next },
    ],
    Default: "NotifyNotDeployed",
  };

  const states = {
    HasMetrics: {
      Type: "Choice" as const,
      Choices: [{ Variable: "$.training.FinalMetricDataList", IsPresent: true, Next: "PrepareSentinel" }],
      Default: "RecordMissingMetric",
    },
    PrepareSentinel: {
      Type: "Pass" as const,
      Comment: "A JSONPath filter that matches nothing is a States.Runtime error, which cannot be caught; a sentinel entry guarantees one match",
      Result: [{ MetricName: objective.metric, Missing: true }],
      ResultPath: "$.objective",
      Next: "AppendSentinel",
    },
    AppendSentinel: {
      Type: "Pass" as const,
      Parameters: { "lists.$": "States.Array($.training.FinalMetricDataList, $.objective)" },
      ResultPath: "$.objective",
      Next: "ExtractObjective",
    },
    ExtractObjective: {
      Type: "Pass" as const,
      Comment: "All entries named like the objective; the real one (if any) comes before the sentinel",
      Parameters: { "matches.$": `$.objective.lists[*][?(@.MetricName == '${objective.metric}')]` },
      ResultPath: "$.objective",
      Next: "CheckObjective",
    },
    CheckObjective: checkObjective,
    RecordMissingMetric: {
      Type: "Pass" as const,
      Parameters: { Error: "ObjectiveMetricMissing", Cause: `The training job reported no ${objective.metric}; nothing was deployed` },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
    NotifyNotDeployed: publish(
      spec,
      "model not deployed",
      {
        "Message.$": `States.Format('Run {}: ${objective.metric} = {} does not meet the threshold ${objective.threshold} (${objective.goal}); the endpoint keeps its current model.', $.run.execution, $.objective.matches[0].Value)`,
      },
      "NotDeployed",
    ),
    NotDeployed: { Type: "Succeed" as const, Comment: "Below the threshold: ends without deploying" },
  };
  return { entry: "HasMetrics", states, timeoutSeconds: taskSeconds(states), stateMachineStatements: publishStatements(spec) };
}
