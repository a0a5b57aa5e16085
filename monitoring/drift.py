"""Drift of the endpoint's requests from the training data of the model it serves.

Runs as a SageMaker Processing job (the scikit-learn processing image; standard library
only, so it runs the same under any python3) in one of two modes:

  drift.py baseline   after the metric gate of a run: profiles the run's features-only
                      training rows (processed/<run>/baseline/, written by preprocessing;
                      the shape of a request) into drift-baseline.json, which the model
                      package carries (DriftCheckBaselines.ModelDataQuality.Statistics).
  drift.py compare    on the drift schedule: reads the served model's profile and the
                      endpoint's captured requests of the window, compares each feature,
                      and writes report.json (every feature) and verdict.json (what the
                      state machine reads: verdict, counts, CloudWatch metric data).

The profile of a feature:
  - categorical when every baseline value is an integer and there are at most
    MAX_CATEGORIES distinct ones (the CSV format XGBoost reads carries only numbers, so a
    category arrives as its code): the share of each value;
  - numeric otherwise: the 0th..100th percentiles (from a reservoir sample of at most
    SAMPLE_SIZE values, deterministic), and the share of rows in each decile bin;
  - either way the row count and the share of missing values (empty or not a number).

The comparison, per feature (thresholds from the stack config, monitoring.drift):
  - population stability index, PSI = sum over bins of (a - e) * ln(a / e), with e the
    baseline share and a the window's share of each bin (decile bins or categories, plus
    one bin for missing values and, for categories, one for values never seen), shares
    floored at PSI_FLOOR so that an empty bin does not divide by zero. Conventionally
    < 0.1 is no significant change and > 0.25 a significant one (Siddiqi, "Credit Risk
    Scorecards", 2006; the same bands in Yurdakul, "Statistical properties of population
    stability index", 2018).
  - numeric features also the two-sample Kolmogorov-Smirnov statistic: the largest
    distance between the window's empirical CDF and the baseline's, the latter read off
    its percentiles by linear interpolation, both compared just below and at each value
    (a value many rows share, such as 0, is a step in both; for a continuous feature the
    interpolation is accurate to about one percentile).
A feature drifts when PSI > PSI_THRESHOLD or KS > KS_THRESHOLD. Fewer usable rows than
MIN_SAMPLES in the window is "insufficient_data", never "drift".

Captured requests (SageMaker Developer Guide, "Capture data from real-time endpoint"): JSON
Lines, one record per request, captureData.endpointInput = {observedContentType, mode,
data, encoding}, encoding CSV, JSON or BASE64 (BASE64 unless CaptureContentTypeHeader lists
the content type). Records without an endpointInput (output-only capture) are counted and
skipped; so are rows whose width is not the baseline's.
"""
import base64
import bisect
import glob
import json
import math
import os
import random
import sys

# SageMaker mounts these paths; the variables exist for local runs and tests.
BASELINE_INPUT = os.environ.get("BASELINE_INPUT", "/opt/ml/processing/input/baseline")
CAPTURE_INPUT = os.environ.get("CAPTURE_INPUT", "/opt/ml/processing/input/capture")
OUTPUT = os.environ.get("PROCESSING_OUTPUT", "/opt/ml/processing/output")

BASELINE_FILE = "drift-baseline.json"
FORMAT = "ml-pipeline-drift-baseline/1"
MAX_CATEGORIES = 20
SAMPLE_SIZE = 100_000
PSI_FLOOR = 1e-4
# Per-feature metrics published per check (PutMetricData takes 1000 per call, and the verdict must stay
# well within Step Functions' 256 KB payload): features beyond this are in the report only.
MAX_METRICS = 300


def files_under(directory, pattern="*"):
    """Every file below a job's input directory (SageMaker keeps the S3 key layout), in a stable order.
    drift.py and evaluate.py each carry this: a job receives only its own script."""
    return sorted(p for p in glob.glob(os.path.join(directory, "**", pattern), recursive=True) if os.path.isfile(p))


def number(text):
    """The value XGBoost would read, or None for a missing value."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class FeatureProfiler:
    """One feature's baseline: counts, categories while they stay few, a reservoir sample."""

    def __init__(self, seed):
        self.count = 0
        self.missing = 0
        self.categories = {}
        self.sample = []
        self.random = random.Random(seed)

    def add(self, value):
        self.count += 1
        if value is None:
            self.missing += 1
            return
        if self.categories is not None:
            if value.is_integer():
                key = str(int(value))
                self.categories[key] = self.categories.get(key, 0) + 1
                if len(self.categories) > MAX_CATEGORIES:
                    self.categories = None
            else:
                self.categories = None
        seen = self.count - self.missing
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(value)
        else:
            j = self.random.randrange(seen)
            if j < SAMPLE_SIZE:
                self.sample[j] = value

    def profile(self, index):
        present = self.count - self.missing
        base = {"name": f"feature_{index + 1}", "index": index, "count": self.count, "missingRate": self.missing / self.count if self.count else 0.0}
        if present == 0:
            return {**base, "kind": "empty"}
        if self.categories is not None:
            return {**base, "kind": "categorical", "shares": {k: v / present for k, v in sorted(self.categories.items(), key=lambda kv: float(kv[0]))}}
        values = sorted(self.sample)
        quantiles = [percentile(values, p / 100) for p in range(101)]
        edges = sorted(set(quantiles[10:100:10]))
        return {**base, "kind": "numeric", "quantiles": quantiles, "edges": edges, "shares": bin_shares(values, edges)}


def percentile(sorted_values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def bin_shares(values, edges):
    """Share of values in each bin: (-inf, e0), [e0, e1), ..., [en, inf)."""
    counts = [0] * (len(edges) + 1)
    for v in values:
        counts[bisect.bisect_right(edges, v)] += 1
    return [c / len(values) for c in counts] if values else counts


def csv_rows(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield line.rstrip("\r\n").split(",")


def build_baseline():
    paths = files_under(BASELINE_INPUT)
    width, profilers, rows, skipped = None, [], 0, 0
    for fields in csv_rows(paths):
        if width is None:
            width = len(fields)
            profilers = [FeatureProfiler(seed=i) for i in range(width)]
        if len(fields) != width:
            skipped += 1
            continue
        rows += 1
        for profiler, text in zip(profilers, fields):
            profiler.add(number(text))
    if not rows:
        sys.exit(f"no baseline rows under {BASELINE_INPUT}")
    baseline = {"format": FORMAT, "rows": rows, "skippedRows": skipped, "features": [p.profile(i) for i, p in enumerate(profilers)]}
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, BASELINE_FILE), "w", encoding="utf-8") as f:
        json.dump(baseline, f)
    print(f"baseline: {rows} rows, {width} features, {skipped} rows of another width skipped")


def request_rows(record):
    """The rows of one captured request, or None when it carries no readable input."""
    endpoint_input = record.get("captureData", {}).get("endpointInput")
    if not endpoint_input or "data" not in endpoint_input:
        return None
    data, encoding = endpoint_input["data"], endpoint_input.get("encoding", "CSV").upper()
    content_type = endpoint_input.get("observedContentType", "text/csv").lower()
    if encoding == "BASE64":
        data = base64.b64decode(data).decode("utf-8")
    if encoding == "JSON" or "json" in content_type:
        payload = json.loads(data) if isinstance(data, str) else data
        if isinstance(payload, dict):
            payload = [i.get("features", i) if isinstance(i, dict) else i for i in payload.get("instances", [])]
        if payload and not isinstance(payload[0], list):
            payload = [payload]
        return [["" if v is None else str(v) for v in row] for row in payload]
    return [line.split(",") for line in data.replace("\r", "").split("\n") if line.strip()]


def read_window(width):
    """Rows of the window, as lists of values (None = missing), and what was skipped."""
    counts = {"requests": 0, "outputOnly": 0, "unreadable": 0, "wrongWidth": 0}
    rows = []
    paths = files_under(CAPTURE_INPUT)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                counts["requests"] += 1
                try:
                    found = request_rows(json.loads(line))
                except (ValueError, TypeError, AttributeError):
                    counts["unreadable"] += 1
                    continue
                if found is None:
                    counts["outputOnly"] += 1
                    continue
                for fields in found:
                    if len(fields) != width:
                        counts["wrongWidth"] += 1
                        continue
                    rows.append([number(x) for x in fields])
    return rows, counts


def psi(expected, actual):
    total = 0.0
    for e, a in zip(expected, actual):
        e, a = max(e, PSI_FLOOR), max(a, PSI_FLOOR)
        total += (a - e) * math.log(a / e)
    return total


def baseline_cdf(quantiles, x):
    """The baseline's CDF at x (the mass at x included), interpolated between its percentiles."""
    if x < quantiles[0]:
        return 0.0
    if x >= quantiles[-1]:
        return 1.0
    k = bisect.bisect_right(quantiles, x) - 1
    low, high = quantiles[k], quantiles[k + 1]
    return (k + (x - low) / (high - low)) / 100 if high > low else (k + 1) / 100


def baseline_cdf_below(quantiles, x):
    """The baseline's CDF just below x (the mass at x excluded): differs from baseline_cdf where percentiles tie at x."""
    k = bisect.bisect_left(quantiles, x)
    if k == 0:
        return 0.0
    if k == len(quantiles):
        return 1.0
    low, high = quantiles[k - 1], quantiles[k]
    return (k - 1 + (x - low) / (high - low)) / 100


def ks(quantiles, values):
    """sup |F_window - F_baseline|, both step functions at a common value: compared just below
    each distinct window value and at it (its ties included on both sides)."""
    values = sorted(values)
    n, worst, i = len(values), 0.0, 0
    while i < n:
        x = values[i]
        j = bisect.bisect_right(values, x, i)
        worst = max(worst, abs(i / n - baseline_cdf_below(quantiles, x)), abs(j / n - baseline_cdf(quantiles, x)))
        i = j
    return worst


def compare_feature(feature, column):
    n = len(column)
    present = [v for v in column if v is not None]
    missing_rate = (n - len(present)) / n
    result = {"name": feature["name"], "index": feature["index"], "kind": feature["kind"], "sampleCount": n, "baselineCount": feature["count"], "missingRate": missing_rate, "baselineMissingRate": feature["missingRate"]}
    keep = 1 - feature["missingRate"]
    if feature["kind"] == "categorical":
        categories = list(feature["shares"])
        counts = {k: 0 for k in categories}
        other = 0
        for v in present:
            key = str(int(v)) if v.is_integer() else None
            if key in counts:
                counts[key] += 1
            else:
                other += 1
        expected = [feature["shares"][k] * keep for k in categories] + [0.0, feature["missingRate"]]
        actual = [counts[k] / n for k in categories] + [other / n, missing_rate]
        result.update(psi=psi(expected, actual), ks=None, unseenValueRate=other / n)
    elif feature["kind"] == "numeric":
        shares = bin_shares(present, feature["edges"])
        expected = [s * keep for s in feature["shares"]] + [feature["missingRate"]]
        actual = [s * len(present) / n for s in shares] + [missing_rate]
        result.update(psi=psi(expected, actual), ks=ks(feature["quantiles"], present) if present else None)
    else:  # no value in the baseline: only missing values are expected
        result.update(psi=psi([keep, feature["missingRate"]], [len(present) / n, missing_rate]), ks=None)
    return result


def compare():
    psi_threshold = float(os.environ["PSI_THRESHOLD"])
    ks_threshold = float(os.environ["KS_THRESHOLD"])
    min_samples = int(os.environ["MIN_SAMPLES"])
    pipeline = os.environ.get("PIPELINE", "")
    with open(os.path.join(BASELINE_INPUT, BASELINE_FILE), encoding="utf-8") as f:
        baseline = json.load(f)
    if baseline.get("format") != FORMAT:
        sys.exit(f"{BASELINE_FILE} is not a {FORMAT} profile")
    features = baseline["features"]
    rows, counts = read_window(len(features))
    report = {"rows": len(rows), "minSamples": min_samples, "thresholds": {"psi": psi_threshold, "ks": ks_threshold}, "skipped": counts, "features": []}
    dims = [{"Name": "Pipeline", "Value": pipeline}]
    metrics = [{"MetricName": "DriftSampleCount", "Unit": "Count", "Value": len(rows), "Dimensions": dims}]
    if len(rows) < min_samples:
        verdict = {"verdict": "insufficient_data", "rows": len(rows), "minSamples": min_samples, "driftedFeatures": [], "metricData": metrics}
    else:
        for i, feature in enumerate(features):
            result = compare_feature(feature, [row[i] for row in rows])
            result["drift"] = result["psi"] > psi_threshold or (result["ks"] is not None and result["ks"] > ks_threshold)
            report["features"].append(result)
        drifted = [r["name"] for r in report["features"] if r["drift"]]
        max_psi = max(r["psi"] for r in report["features"])
        max_ks = max((r["ks"] for r in report["features"] if r["ks"] is not None), default=0.0)
        metrics += [
            {"MetricName": "MaxFeatureDriftPSI", "Unit": "None", "Value": round(max_psi, 6), "Dimensions": dims},
            {"MetricName": "MaxFeatureDriftKS", "Unit": "None", "Value": round(max_ks, 6), "Dimensions": dims},
        ]
        for r in report["features"]:
            per_feature = [("FeatureDriftPSI", r["psi"])] + ([("FeatureDriftKS", r["ks"])] if r["ks"] is not None else [])
            for name, value in per_feature:
                if len(metrics) < MAX_METRICS:
                    metrics.append({"MetricName": name, "Unit": "None", "Value": round(value, 6), "Dimensions": dims + [{"Name": "Feature", "Value": r["name"]}]})
        verdict = {
            "verdict": "drift" if drifted else "no_drift",
            "rows": len(rows),
            "minSamples": min_samples,
            # What a notification names; the report lists them all.
            "driftedFeatures": drifted[:20],
            "driftedFeatureCount": len(drifted),
            "maxPsi": round(max_psi, 6),
            "maxKs": round(max_ks, 6),
            "metricData": metrics,
        }
    report["verdict"] = verdict["verdict"]
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(OUTPUT, "verdict.json"), "w", encoding="utf-8") as f:
        json.dump(verdict, f)
    print(f"{verdict['verdict']}: {len(rows)} rows, skipped {counts}")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "baseline":
        build_baseline()
    elif mode == "compare":
        compare()
    else:
        sys.exit("usage: drift.py baseline|compare")
