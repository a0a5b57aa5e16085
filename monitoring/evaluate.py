"""Scheduled evaluation: the served model's quality on newly labelled data, against the
value its version was registered with.

Runs as a SageMaker Processing job (the scikit-learn processing image; standard library
only) after a batch transform job of the served model has scored ground-truth/ with
DataProcessing InputFilter "$[1:]" (the features), JoinSource "Input" and OutputFilter
"$[0,-1]" (SageMaker Developer Guide, "Associate Prediction Results with Input Records"):
every output line is "<label>,<prediction>".

Inputs (environment):
  PREDICTIONS_INPUT  the transform output (any files, CSV lines "label,prediction")
  METRICS_INPUT      the served version's registered metrics (metrics.json: the training
                     job's FinalMetricDataList, [{"MetricName", "Value", ...}])
  METRIC             the gate's metric, as the training job reports it ("validation:auc")
  GOAL               Maximize or Minimize (training.objective.goal)
  TOLERANCE          how far the metric may fall (Maximize) or rise (Minimize) from the
                     registered value before the verdict is "degraded"
  MIN_SAMPLES        fewer scored rows than this is "insufficient_data", never "degraded"
  PIPELINE           the CloudWatch dimension

The metric is computed as XGBoost defines its evaluation metrics (XGBoost parameter docs,
"eval_metric"): auc (area under the ROC curve; tied scores count half), error (share of
rows whose prediction > 0.5 disagrees with the label), logloss (negative log-likelihood),
rmse, mae. Outputs verdict.json (what the state machine reads) and report.json.
"""
import glob
import json
import math
import os
import sys

PREDICTIONS_INPUT = os.environ.get("PREDICTIONS_INPUT", "/opt/ml/processing/input/predictions")
METRICS_INPUT = os.environ.get("METRICS_INPUT", "/opt/ml/processing/input/metrics")
OUTPUT = os.environ.get("PROCESSING_OUTPUT", "/opt/ml/processing/output")
EPSILON = 1e-15  # probabilities are clipped to [EPSILON, 1 - EPSILON] for logloss


def files_under(directory, pattern="*"):
    """Every file below a job's input directory (SageMaker keeps the S3 key layout), in a stable order.
    drift.py and evaluate.py each carry this: a job receives only its own script."""
    return sorted(p for p in glob.glob(os.path.join(directory, "**", pattern), recursive=True) if os.path.isfile(p))


def auc(labels, scores):
    """Mann-Whitney U / (positives x negatives), ranks averaged over ties."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for y in labels if y == 1)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    rank_sum = sum(r for r, y in zip(ranks, labels) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def error(labels, scores):
    return sum(1 for y, p in zip(labels, scores) if (p > 0.5) != (y == 1)) / len(labels)


def logloss(labels, scores):
    total = 0.0
    for y, p in zip(labels, scores):
        p = min(max(p, EPSILON), 1 - EPSILON)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(labels)


def rmse(labels, scores):
    return math.sqrt(sum((y - p) ** 2 for y, p in zip(labels, scores)) / len(labels))


def mae(labels, scores):
    return sum(abs(y - p) for y, p in zip(labels, scores)) / len(labels)


METRICS = {"auc": auc, "error": error, "logloss": logloss, "rmse": rmse, "mae": mae}
BINARY = {"auc", "error", "logloss"}


def read_predictions():
    labels, scores, skipped = [], [], 0
    paths = files_under(PREDICTIONS_INPUT)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                fields = line.strip().split(",")
                try:
                    label, score = float(fields[0]), float(fields[-1])
                except ValueError:
                    skipped += 1
                    continue
                if len(fields) < 2 or not (math.isfinite(label) and math.isfinite(score)):
                    skipped += 1
                    continue
                labels.append(label)
                scores.append(score)
    return labels, scores, skipped


def registered_value(metric):
    paths = files_under(METRICS_INPUT, "*.json")
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for entry in json.load(f):
                if entry.get("MetricName") == metric:
                    return float(entry["Value"])
    sys.exit(f"the served version's registered metrics ({METRICS_INPUT}) hold no {metric}")


def main():
    metric, goal = os.environ["METRIC"], os.environ["GOAL"]
    tolerance, min_samples = float(os.environ["TOLERANCE"]), int(os.environ["MIN_SAMPLES"])
    name = metric.split(":")[-1]
    if name not in METRICS:
        sys.exit(f"cannot compute {metric}: supported are {', '.join(sorted(METRICS))}")
    if goal not in ("Maximize", "Minimize"):
        sys.exit(f"GOAL must be Maximize or Minimize, not {goal}")
    registered = registered_value(metric)
    labels, scores, skipped = read_predictions()
    dims = [{"Name": "Pipeline", "Value": os.environ.get("PIPELINE", "")}]
    metric_data = [{"MetricName": "EvaluationSampleCount", "Unit": "Count", "Value": len(labels), "Dimensions": dims}]
    verdict = {"verdict": "insufficient_data", "metric": metric, "goal": goal, "rows": len(labels), "skippedRows": skipped, "minSamples": min_samples, "registered": registered, "tolerance": tolerance}
    current = None
    if len(labels) >= min_samples:
        if name in BINARY and any(y not in (0.0, 1.0) for y in labels):
            sys.exit(f"{metric} needs labels 0 or 1; ground-truth/ holds others (the label is the first column)")
        current = METRICS[name](labels, scores)
    if current is not None:
        # Positive change = worse, whichever the goal.
        worse_by = registered - current if goal == "Maximize" else current - registered
        verdict.update(verdict="degraded" if worse_by > tolerance else "ok", current=round(current, 6), worseBy=round(worse_by, 6))
        metric_data += [
            {"MetricName": "EvaluationMetric", "Unit": "None", "Value": round(current, 6), "Dimensions": dims},
            {"MetricName": "EvaluationMetricWorseBy", "Unit": "None", "Value": round(worse_by, 6), "Dimensions": dims},
        ]
    verdict["metricData"] = metric_data
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, "verdict.json"), "w", encoding="utf-8") as f:
        json.dump(verdict, f)
    with open(os.path.join(OUTPUT, "report.json"), "w", encoding="utf-8") as f:
        json.dump({k: v for k, v in verdict.items() if k != "metricData"}, f, indent=1)
    print(f"{verdict['verdict']}: {metric} {current} vs registered {registered} over {len(labels)} rows")


if __name__ == "__main__":
    main()
