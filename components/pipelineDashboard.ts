/**
 * PipelineDashboard: one CloudWatch dashboard per stack (lib/dashboard.ts generates its
 * body from the stack model), and the metric filters that count how runs end (not
 * deployed, pending approval, rejected) from the state machine's execution log.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DashboardInput, OUTCOME_METRICS, outcomeFilterPattern, outcomeNamespace, pipelineDashboard } from "../lib/dashboard";

export interface PipelineDashboardArgs {
  /** The dashboard's name: `<namePrefix>-pipeline`. */
  name: string;
  /** What the dashboard shows (from the stack model). */
  content: DashboardInput;
  /** The state machine's execution log group (declared by PipelineStateMachine). */
  executionLogGroup: pulumi.Input<string>;
}

export class PipelineDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: PipelineDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:monitoring:PipelineDashboard", name, {}, opts);
    for (const [metric, state] of Object.entries(OUTCOME_METRICS)) {
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${state.toLowerCase()}-runs`,
        {
          name: `${args.content.namePrefix}-${metric}`,
          logGroupName: args.executionLogGroup,
          pattern: outcomeFilterPattern(state),
          metricTransformation: { namespace: outcomeNamespace(args.content.namePrefix), name: metric, value: "1", unit: "Count" },
        },
        { parent: this },
      );
    }
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: args.name, dashboardBody: JSON.stringify(pipelineDashboard(args.content)) },
      { parent: this },
    );
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
  }
}
