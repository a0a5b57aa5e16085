/** The stack's dashboard, generated from the stack model: what it shows, for dev and prod, and what the stack declares. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { OUTCOME_METRICS, outcomeFilterPattern, PIPELINE_METRICS_NAMESPACE } from "../lib/dashboard";
import { json, stackAsDeclared } from "./support/stacks";
import { definitionFor } from "./support/workflow";
import { PROJECT_DIR } from "./support/stacks";

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: any };
const metricsOf = (widgets: Widget[]) => widgets.filter((w) => w.type === "metric").flatMap((w) => w.properties.metrics as unknown[][]);

describe("dashboard", function () {
  this.timeout(30_000);
  for (const stack of ["dev", "prod"]) {
    describe(stack, () => {
      let widgets: Widget[];
      let filters: { name: string; pattern: string; metricTransformation: any; logGroupName: string }[];
      before(async () => {
        const run = await stackAsDeclared(stack);
        const dashboard = run.one("aws:cloudwatch/dashboard:Dashboard").inputs;
        assert.equal(dashboard.dashboardName, `ml-pipeline-${stack}-pipeline`);
        widgets = json<{ widgets: Widget[] }>(dashboard.dashboardBody).widgets;
        filters = run.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter").map((r) => r.inputs as any);
      });

      it("pipeline runs: Step Functions' execution metrics of this state machine, and how runs ended", () => {
        const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:ml-pipeline-${stack}-pipeline`;
        const executions = metricsOf(widgets).filter((m) => m[0] === "AWS/States" && String(m[1]).startsWith("Executions"));
        assert.deepEqual(executions.map((m) => m[1]), ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]);
        for (const m of executions) assert.deepEqual(m.slice(2, 4), ["StateMachineArn", arn]);
        const outcomes = metricsOf(widgets).filter((m) => m[0] === `ml-pipeline/ml-pipeline-${stack}`).map((m) => m[1]);
        assert.deepEqual(outcomes, Object.keys(OUTCOME_METRICS));
      });

      it("the outcome counts come from metric filters on the execution log, one per Succeed state the definition has", () => {
        assert.equal(filters.length, Object.keys(OUTCOME_METRICS).length);
        for (const f of filters) assert.equal(f.logGroupName, `/aws/vendedlogs/states/ml-pipeline-${stack}-pipeline`);
        const definition = definitionFor(stack);
        for (const [metric, state] of Object.entries(OUTCOME_METRICS)) {
          const filter = filters.find((f) => f.metricTransformation.name === metric)!;
          assert.equal(filter.pattern, outcomeFilterPattern(state));
          assert.equal(filter.metricTransformation.namespace, `ml-pipeline/ml-pipeline-${stack}`);
          // PendingApproval only exists where a person approves (prod); the others in every stack.
          if (state !== "PendingApproval" || stack === "prod") assert.equal(definition.States[state]?.Type, "Succeed", `${state} is a Succeed state of ${stack}`);
        }
      });

      it("training time, billable seconds, the deployed version (and, where they run, the checks' results) are metrics the workflows publish", () => {
        const own = metricsOf(widgets).filter((m) => m[0] === PIPELINE_METRICS_NAMESPACE);
        // The checks' metrics come from their jobs' verdicts (monitoring/*.py), which the check state machines publish as they are.
        const fromScript: Record<string, string> = stack === "prod"
          ? { DriftSampleCount: "drift.py", MaxFeatureDriftKS: "drift.py", MaxFeatureDriftPSI: "drift.py", EvaluationMetric: "evaluate.py", EvaluationMetricWorseBy: "evaluate.py", EvaluationSampleCount: "evaluate.py" }
          : {};
        assert.deepEqual(own.map((m) => m[1]).sort(), ["DeployedModelVersion", ...Object.keys(fromScript), "TrainingBillableSeconds", "TrainingTimeSeconds"].sort());
        for (const m of own) assert.deepEqual(m.slice(2, 4), ["Pipeline", `ml-pipeline-${stack}`]);
        const published = JSON.stringify(definitionFor(stack, { registry: { approval: "auto" } }));
        for (const m of own) {
          const script = fromScript[m[1] as string];
          if (script) assert.ok(fs.readFileSync(path.join(PROJECT_DIR, "monitoring", script), "utf8").includes(`"MetricName": "${m[1]}"`), `${m[1]} is published by ${script}`);
          else assert.ok(published.includes(`"MetricName":"${m[1]}"`), `${m[1]} is published by the workflow`);
        }
      });

      it("the endpoint's invocations, 5xx and latency by its endpoint and variant; instance endpoints add scaling and the rollback alarms", () => {
        const endpoint = metricsOf(widgets).filter((m) => m[0] === "AWS/SageMaker");
        for (const m of endpoint) assert.deepEqual(m.slice(2, 6), ["EndpointName", `ml-pipeline-${stack}-endpoint`, "VariantName", "primary"]);
        const names = new Set(endpoint.map((m) => m[1]));
        assert.ok(["Invocations", "Invocation5XXErrors", "ModelLatency"].every((n) => names.has(n)));
        const alarms = widgets.find((w) => w.type === "alarm" && w.properties.title === "Blue/green rollback alarms");
        if (stack === "prod") {
          assert.ok(names.has("InvocationsPerInstance"));
          assert.deepEqual(alarms!.properties.alarms, [
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ml-pipeline-prod-endpoint-invocation-5xx",
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ml-pipeline-prod-endpoint-model-latency",
          ]);
        } else {
          assert.equal(alarms, undefined, "serverless: no blue/green alarms");
          assert.ok(!names.has("InvocationsPerInstance"));
        }
      });

      it("drift per feature where drift is checked: a search of the checks' FeatureDriftPSI for this stack, the maxima against the threshold, the drift alarm", () => {
        const search = metricsOf(widgets).map((m) => m[0]).find((m: any) => typeof m === "object" && m.expression) as any;
        if (stack !== "prod") {
          assert.equal(search, undefined);
          return;
        }
        assert.equal(search.expression, `SEARCH('{ml-pipeline,Feature,Pipeline} MetricName="FeatureDriftPSI" Pipeline="ml-pipeline-prod"', 'Maximum', 3600)`);
        // The search's schema is the dimensions drift.py gives each feature's metric.
        const script = fs.readFileSync(path.join(PROJECT_DIR, "monitoring", "drift.py"), "utf8");
        assert.match(script, /dims \+ \[\{"Name": "Feature", "Value": r\["name"\]\}\]/);
        const maxima = widgets.find((w) => w.properties.title === "Drift: largest feature PSI and KS per check")!;
        assert.deepEqual((maxima.properties.annotations as any).horizontal[0].value, 0.2, "monitoring.drift.psiThreshold");
        const alarm = widgets.find((w) => w.type === "alarm" && w.properties.title === "Drift alarm")!;
        assert.deepEqual(alarm.properties.alarms, ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ml-pipeline-prod-feature-drift"]);
      });

      it("fits CloudWatch's 24-column grid without overlaps", () => {
        for (const w of widgets) assert.ok(w.x >= 0 && w.x + w.width <= 24 && w.height > 0, JSON.stringify(w));
        for (const a of widgets)
          for (const b of widgets) {
            if (a === b) continue;
            const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
            assert.ok(!overlap, `${a.properties.title} overlaps ${b.properties.title}`);
          }
      });
    });
  }

  it("the filters match the event type Step Functions logs (HistoryEventType in the Step Functions API model)", () => {
    const enums = fs.readFileSync(path.join(PROJECT_DIR, "node_modules", "@aws-sdk", "client-sfn", "dist-types", "models", "enums.d.ts"), "utf8");
    const historyEventTypes = /export declare const HistoryEventType: \{([\s\S]*?)\};/.exec(enums)![1];
    const type = /\$\.type = "(\w+)"/.exec(outcomeFilterPattern("X"))![1];
    assert.ok(historyEventTypes.includes(`"${type}"`), `${type} is a HistoryEventType`);
  });
});
