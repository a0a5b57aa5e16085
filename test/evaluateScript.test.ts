/**
 * monitoring/evaluate.py under python3: the served model's metric on labelled data, and
 * the verdict against its registered value. The metric values are checked against
 * published worked examples, not against the script: scikit-learn's documentation of
 * roc_auc_score and log_loss (their docstring examples), and the definitions in XGBoost's
 * "eval_metric" documentation.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PYTHON, PYTHON_FLAGS } from "./support/python";
import { EVALUATION_METRICS } from "../stacks/evaluationMetrics";

const SCRIPT = path.join(__dirname, "..", "monitoring", "evaluate.py");

interface Evaluation {
  status: number | null;
  stderr: string;
  verdict?: any;
}

/** Transform output lines "<label>,<prediction>" and the registered FinalMetricDataList, evaluated. */
function evaluate(rows: [number, number][], registered: { MetricName: string; Value: number }[], env: Record<string, string>): Evaluation {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "evaluate-"));
  try {
    fs.mkdirSync(path.join(dir, "predictions", "part"), { recursive: true });
    // The transform writes one .out file per input file.
    fs.writeFileSync(path.join(dir, "predictions", "part", "labels.csv.out"), rows.map(([y, p]) => `${y},${p}`).join("\n") + "\n");
    fs.mkdirSync(path.join(dir, "metrics"));
    fs.writeFileSync(path.join(dir, "metrics", "metrics.json"), JSON.stringify(registered.map((m) => ({ ...m, Timestamp: "2026-11-25T00:00:00Z" }))));
    const r = spawnSync(PYTHON!, [...PYTHON_FLAGS, SCRIPT], {
      env: { ...process.env, PREDICTIONS_INPUT: path.join(dir, "predictions"), METRICS_INPUT: path.join(dir, "metrics"), PROCESSING_OUTPUT: path.join(dir, "out"), GOAL: "Maximize", TOLERANCE: "0.05", MIN_SAMPLES: "2", PIPELINE: "ml-pipeline-prod", ...env },
      encoding: "utf8",
    });
    const file = path.join(dir, "out", "verdict.json");
    return { status: r.status, stderr: r.stderr, verdict: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const auc = (v: number) => [{ MetricName: "validation:auc", Value: v }];

describe("monitoring/evaluate.py (python3)", function () {
  this.timeout(30_000);
  before(function () {
    if (!PYTHON) this.skip(); // the machine kinds this project runs on ship python3
  });

  it("computes exactly the metrics the stack schema accepts for evaluation (stacks/evaluationMetrics.ts)", () => {
    const source = fs.readFileSync(SCRIPT, "utf8");
    const metrics = /^METRICS = \{(.*)\}$/m.exec(source)![1];
    assert.deepEqual([...metrics.matchAll(/"(\w+)":/g)].map((m) => m[1]).sort(), [...EVALUATION_METRICS].sort());
  });

  it("AUC as scikit-learn's roc_auc_score example gives it (y = 0 0 1 1, scores .1 .4 .35 .8 → 0.75); tied scores count half", () => {
    const e = evaluate([[0, 0.1], [0, 0.4], [1, 0.35], [1, 0.8]], auc(0.75), { METRIC: "validation:auc" });
    assert.equal(e.status, 0, e.stderr);
    assert.equal(e.verdict.current, 0.75);
    const tie = evaluate([[0, 0.5], [1, 0.5]], auc(0.5), { METRIC: "validation:auc" });
    assert.equal(tie.verdict.current, 0.5);
  });

  it("logloss as scikit-learn's log_loss example gives it (≈ 0.21616); error at XGBoost's 0.5 threshold; rmse and mae", () => {
    const rows: [number, number][] = [[1, 0.9], [0, 0.1], [0, 0.2], [1, 0.65]];
    const logloss = evaluate(rows, [{ MetricName: "validation:logloss", Value: 0.2 }], { METRIC: "validation:logloss", GOAL: "Minimize" });
    assert.ok(Math.abs(logloss.verdict.current - 0.21616) < 1e-5, String(logloss.verdict.current));
    const err = evaluate([[1, 0.9], [0, 0.6], [0, 0.2], [1, 0.4]], [{ MetricName: "validation:error", Value: 0.1 }], { METRIC: "validation:error", GOAL: "Minimize" });
    assert.equal(err.verdict.current, 0.5, "two of four on the wrong side of 0.5");
    const rmse = evaluate([[3, 2], [1, 1], [0, 2]], [{ MetricName: "validation:rmse", Value: 1 }], { METRIC: "validation:rmse", GOAL: "Minimize" });
    assert.ok(Math.abs(rmse.verdict.current - Math.sqrt(5 / 3)) < 1e-6);
    const mae = evaluate([[3, 2], [1, 1], [0, 2]], [{ MetricName: "validation:mae", Value: 1 }], { METRIC: "validation:mae", GOAL: "Minimize" });
    assert.equal(mae.verdict.current, 1);
  });

  it("degraded only beyond the tolerance, in the goal's direction", () => {
    const rows: [number, number][] = [[0, 0.1], [0, 0.4], [1, 0.35], [1, 0.8]]; // AUC 0.75
    const worse = evaluate(rows, auc(0.9), { METRIC: "validation:auc" });
    assert.equal(worse.verdict.verdict, "degraded");
    assert.equal(worse.verdict.worseBy, 0.15);
    assert.equal(evaluate(rows, auc(0.78), { METRIC: "validation:auc" }).verdict.verdict, "ok", "0.03 worse is within 0.05");
    assert.equal(evaluate(rows, auc(0.6), { METRIC: "validation:auc" }).verdict.verdict, "ok", "better than registered");
    // Minimize: a higher error is worse.
    const errRows: [number, number][] = [[1, 0.9], [0, 0.6], [0, 0.2], [1, 0.4]]; // error 0.5
    assert.equal(evaluate(errRows, [{ MetricName: "validation:error", Value: 0.3 }], { METRIC: "validation:error", GOAL: "Minimize" }).verdict.verdict, "degraded");
    assert.equal(evaluate(errRows, [{ MetricName: "validation:error", Value: 0.6 }], { METRIC: "validation:error", GOAL: "Minimize" }).verdict.verdict, "ok");
  });

  it("fewer rows than minSamples (or one class only, where AUC is undefined) is insufficient data, never degraded", () => {
    const few = evaluate([[0, 0.9], [1, 0.1]], auc(0.99), { METRIC: "validation:auc", MIN_SAMPLES: "100" });
    assert.equal(few.verdict.verdict, "insufficient_data");
    assert.deepEqual(few.verdict.metricData.map((m: any) => m.MetricName), ["EvaluationSampleCount"]);
    const oneClass = evaluate([[1, 0.9], [1, 0.1], [1, 0.3]], auc(0.99), { METRIC: "validation:auc" });
    assert.equal(oneClass.verdict.verdict, "insufficient_data");
  });

  it("publishes the metric, how much worse it is and the sample count, by Pipeline", () => {
    const e = evaluate([[0, 0.1], [0, 0.4], [1, 0.35], [1, 0.8]], auc(0.9), { METRIC: "validation:auc" });
    assert.deepEqual(
      e.verdict.metricData.map((m: any) => [m.MetricName, m.Value]),
      [["EvaluationSampleCount", 4], ["EvaluationMetric", 0.75], ["EvaluationMetricWorseBy", 0.15]],
    );
    for (const m of e.verdict.metricData) assert.deepEqual(m.Dimensions, [{ Name: "Pipeline", Value: "ml-pipeline-prod" }]);
  });

  it("refuses, with the reason, labels that are not 0/1 for a binary metric, and a version registered without the metric", () => {
    const labels = evaluate([[2, 0.1], [0, 0.4], [1, 0.35]], auc(0.8), { METRIC: "validation:auc" });
    assert.notEqual(labels.status, 0);
    assert.match(labels.stderr, /validation:auc needs labels 0 or 1/);
    const missing = evaluate([[0, 0.1], [1, 0.8]], [{ MetricName: "train:auc", Value: 0.9 }], { METRIC: "validation:auc" });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /hold no validation:auc/);
  });
});
