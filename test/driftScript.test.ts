/**
 * monitoring/drift.py under python3, on generated data: the baseline profile, the
 * comparison with each documented capture encoding, and the verdicts the state machine
 * acts on. The statistics are checked against their definitions, not against the script:
 * KS of two normals a shift d apart is 2Φ(d/2) − 1; PSI is Σ (a − e) ln(a / e).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PYTHON, PYTHON_FLAGS } from "./support/python";

const SCRIPT = path.join(__dirname, "..", "monitoring", "drift.py");

/** A seeded generator (mulberry32), so every run sees the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const pick = (shares: number[]) => {
    let u = uniform();
    for (let i = 0; i < shares.length; i++) if ((u -= shares[i]) < 0) return i;
    return shares.length - 1;
  };
  return { uniform, normal, pick };
}

/** Rows of three features: a normal, a category code 0..2, a uniform on [5, 10]. */
function rows(n: number, seed: number, opts: { shift?: number; categories?: number[]; missingRate?: number } = {}): string[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => [
    r.uniform() < (opts.missingRate ?? 0) ? "" : r.normal(opts.shift ?? 0).toFixed(5),
    String(r.pick(opts.categories ?? [0.5, 0.3, 0.2])),
    (5 + 5 * r.uniform()).toFixed(4),
  ]);
}

type Encoding = "CSV" | "BASE64" | "JSON";

/** One captured request as SageMaker writes it ("Capture data from real-time endpoint"): JSON Lines, input and output. */
function captureRecord(batch: string[][], encoding: Encoding, withInput = true): string {
  const csv = batch.map((r) => r.join(",")).join("\n");
  const input =
    encoding === "CSV"
      ? { observedContentType: "text/csv", mode: "INPUT", data: csv, encoding: "CSV" }
      : encoding === "BASE64"
        ? { observedContentType: "text/csv", mode: "INPUT", data: Buffer.from(csv).toString("base64"), encoding: "BASE64" }
        : { observedContentType: "application/json", mode: "INPUT", data: JSON.stringify({ instances: batch.map((r) => ({ features: r.map((v) => (v === "" ? null : Number(v))) })) }), encoding: "JSON" };
  return JSON.stringify({
    captureData: { ...(withInput ? { endpointInput: input } : {}), endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: "0.42", encoding: "CSV" } },
    eventMetadata: { eventId: "b3f1c0de-0000-4000-8000-000000000000", inferenceTime: "2026-12-02T10:15:00Z" },
    eventVersion: "0",
  });
}

interface Check {
  verdict: any;
  report: any;
  feature: (name: string) => any;
}

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(PYTHON!, [...PYTHON_FLAGS, SCRIPT, ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`drift.py ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r;
}

/** Profiles `rows` as the baseline job does; returns the directory holding drift-baseline.json. */
function profile(baseline: string[][], dir: string): string {
  fs.mkdirSync(path.join(dir, "train"), { recursive: true });
  fs.writeFileSync(path.join(dir, "train", "data.csv"), baseline.map((r) => r.join(",")).join("\n") + "\n");
  run(["baseline"], { BASELINE_INPUT: path.join(dir, "train"), PROCESSING_OUTPUT: path.join(dir, "baseline") });
  return path.join(dir, "baseline");
}

/** Compares the captured requests (one file per entry) with the profile in `baselineDir`. */
function check(baselineDir: string, requests: { rows: string[][]; encoding: Encoding; batch?: number }[], env: Record<string, string> = {}, outputOnly = 0): Check {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
  try {
    // The documented layout: <prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl
    const hour = path.join(dir, "capture", "ep", "primary", "2026", "12", "02", "10");
    fs.mkdirSync(hour, { recursive: true });
    requests.forEach((req, i) => {
      const size = req.batch ?? 1;
      const lines: string[] = [];
      for (let j = 0; j < req.rows.length; j += size) lines.push(captureRecord(req.rows.slice(j, j + size), req.encoding));
      for (let k = 0; k < outputOnly; k++) lines.push(captureRecord([], "CSV", false));
      fs.writeFileSync(path.join(hour, `capture-${i}.jsonl`), lines.join("\n") + "\n");
    });
    run(["compare"], {
      BASELINE_INPUT: baselineDir,
      CAPTURE_INPUT: path.join(dir, "capture"),
      PROCESSING_OUTPUT: path.join(dir, "out"),
      PSI_THRESHOLD: "0.2",
      KS_THRESHOLD: "0.1",
      MIN_SAMPLES: "200",
      PIPELINE: "ml-pipeline-prod",
      ...env,
    });
    const report = JSON.parse(fs.readFileSync(path.join(dir, "out", "report.json"), "utf8"));
    const verdict = JSON.parse(fs.readFileSync(path.join(dir, "out", "verdict.json"), "utf8"));
    return { verdict, report, feature: (name) => report.features.find((f: any) => f.name === name) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe("monitoring/drift.py (python3)", function () {
  this.timeout(60_000);
  const baseline = rows(5000, 1);
  let work = "";
  let profiled = "";
  before(function () {
    if (!PYTHON) this.skip(); // the machine kinds this project runs on ship python3
    work = fs.mkdtempSync(path.join(os.tmpdir(), "drift-baseline-"));
    profiled = profile(baseline, work);
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  it("profiles each feature: integer codes with few values as categories, the rest by percentiles and decile bins", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    try {
      fs.writeFileSync(path.join(dir, "a.csv"), baseline.map((r) => r.join(",")).join("\n") + "\n1,2\n");
      run(["baseline"], { BASELINE_INPUT: dir, PROCESSING_OUTPUT: path.join(dir, "out") });
      const profile = JSON.parse(fs.readFileSync(path.join(dir, "out", "drift-baseline.json"), "utf8"));
      assert.equal(profile.format, "ml-pipeline-drift-baseline/1");
      assert.equal(profile.rows, 5000);
      assert.equal(profile.skippedRows, 1, "a row of another width is skipped, not read");
      const [normal, category, uniform] = profile.features;
      assert.deepEqual([normal.kind, category.kind, uniform.kind], ["numeric", "categorical", "numeric"]);
      assert.equal(normal.quantiles.length, 101);
      assert.ok(normal.quantiles.every((q: number, i: number) => i === 0 || q >= normal.quantiles[i - 1]), "percentiles ascend");
      assert.ok(Math.abs(normal.quantiles[50]) < 0.06, `median of N(0,1) ≈ 0, got ${normal.quantiles[50]}`);
      assert.ok(Math.abs(normal.quantiles[84] - 1) < 0.08, `84th percentile of N(0,1) ≈ 1, got ${normal.quantiles[84]}`);
      assert.equal(normal.shares.length, normal.edges.length + 1);
      assert.ok(Math.abs(normal.shares.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-9);
      assert.ok(Math.abs(category.shares["0"] - 0.5) < 0.03 && Math.abs(category.shares["2"] - 0.2) < 0.03, JSON.stringify(category.shares));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no drift: requests from the training distribution raise no feature; every row of each capture encoding is read", () => {
    const c = check(profiled, (["CSV", "BASE64", "JSON"] as Encoding[]).map((encoding, i) => ({ rows: rows(600 + 100 * i, 7 + i), encoding, batch: 3 })));
    assert.equal(c.verdict.verdict, "no_drift", JSON.stringify(c.report.features.map((f: any) => [f.name, f.psi, f.ks])));
    assert.equal(c.verdict.rows, 600 + 700 + 800, "every row of every batched request, in each encoding");
    assert.deepEqual(c.report.skipped, { requests: 200 + 234 + 267, outputOnly: 0, unreadable: 0, wrongWidth: 0 });
    for (const f of c.report.features) assert.ok(f.psi < 0.05, `${f.name} PSI ${f.psi}`);
  });

  it("a shifted numeric feature is reported alone, with KS at the analytic distance of the two normals", () => {
    const c = check(profiled, [{ rows: rows(4000, 11, { shift: 0.8 }), encoding: "BASE64" }]);
    assert.equal(c.verdict.verdict, "drift");
    assert.deepEqual(c.verdict.driftedFeatures, ["feature_1"]);
    // sup |Φ(x) − Φ(x − 0.8)| is reached at x = 0.4: 2Φ(0.4) − 1.
    const expected = 2 * phi(0.4) - 1;
    assert.ok(Math.abs(c.feature("feature_1").ks - expected) < 0.03, `KS ${c.feature("feature_1").ks} vs ${expected}`);
    assert.ok(c.feature("feature_1").psi > 0.25, "a 0.8 σ shift is a significant PSI");
    assert.equal(c.feature("feature_2").drift, false);
    assert.equal(c.feature("feature_3").drift, false);
  });

  it("a value many rows share (zero-inflated, capped) is a step in both CDFs: the same distribution is no drift, a shifted share is", () => {
    const zeroInflated = (n: number, seed: number, zeros: number) => {
      const r = rng(seed);
      return Array.from({ length: n }, () => [(r.uniform() < zeros ? 0 : 1 + 9 * r.uniform()).toFixed(3), String(r.pick([0.5, 0.3, 0.2])), (5 + 5 * r.uniform()).toFixed(4)]);
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-zeros-"));
    try {
      const base = profile(zeroInflated(5000, 21, 0.5), dir);
      const same = check(base, [{ rows: zeroInflated(2000, 22, 0.5), encoding: "CSV" }]);
      assert.equal(same.verdict.verdict, "no_drift", JSON.stringify(same.report.features.map((f: any) => [f.name, f.psi, f.ks])));
      assert.ok(same.feature("feature_1").ks < 0.05, `KS ${same.feature("feature_1").ks} on the same distribution`);
      // 80 % zeros instead of 50 %: the CDFs differ by 0.3 right at zero.
      const shifted = check(base, [{ rows: zeroInflated(2000, 23, 0.8), encoding: "CSV" }]);
      assert.ok(Math.abs(shifted.feature("feature_1").ks - 0.3) < 0.04, `KS ${shifted.feature("feature_1").ks}`);
      assert.deepEqual(shifted.verdict.driftedFeatures, ["feature_1"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a changed category mix is reported alone, with PSI as its definition gives it", () => {
    const c = check(profiled, [{ rows: rows(4000, 12, { categories: [0.2, 0.3, 0.5] }), encoding: "CSV" }]);
    assert.deepEqual(c.verdict.driftedFeatures, ["feature_2"]);
    const f = c.feature("feature_2");
    assert.equal(f.ks, null, "no KS for a categorical feature");
    // Expected from the generating shares (0.5, 0.3, 0.2) → (0.2, 0.3, 0.5): Σ (a − e) ln(a / e) ≈ 0.55; sampling moves it a little.
    const exact = (0.2 - 0.5) * Math.log(0.2 / 0.5) + 0 + (0.5 - 0.2) * Math.log(0.5 / 0.2);
    assert.ok(Math.abs(f.psi - exact) < 0.06, `PSI ${f.psi} vs ${exact}`);
  });

  it("missing values: more of them than in training is drift of that feature; a category never seen counts too", () => {
    const c = check(profiled, [{ rows: rows(3000, 13, { missingRate: 0.3 }), encoding: "JSON" }]);
    const f = c.feature("feature_1");
    assert.ok(Math.abs(f.missingRate - 0.3) < 0.03, `missing rate ${f.missingRate}`);
    assert.equal(f.baselineMissingRate, 0);
    assert.deepEqual(c.verdict.driftedFeatures, ["feature_1"]);
    const unseen = rows(1000, 14).map((r) => [r[0], "7", r[2]]);
    const u = check(profiled, [{ rows: unseen, encoding: "CSV" }]);
    assert.deepEqual(u.verdict.driftedFeatures, ["feature_2"]);
    assert.equal(u.feature("feature_2").unseenValueRate, 1);
  });

  it("fewer rows than minSamples is insufficient data, never drift, whatever the rows say", () => {
    const c = check(profiled, [{ rows: rows(150, 15, { shift: 3 }), encoding: "CSV" }]);
    assert.equal(c.verdict.verdict, "insufficient_data");
    assert.equal(c.verdict.rows, 150);
    assert.deepEqual(c.verdict.metricData.map((m: any) => m.MetricName), ["DriftSampleCount"], "no drift statistics from too few rows");
    const lower = check(profiled, [{ rows: rows(150, 15, { shift: 3 }), encoding: "CSV" }], { MIN_SAMPLES: "100" });
    assert.equal(lower.verdict.verdict, "drift", "the threshold is the stack's");
  });

  it("records with output only, and rows of another width, are counted and skipped", () => {
    const c = check(profiled, [{ rows: [...rows(300, 16), ["1", "2"]], encoding: "CSV" }], {}, 25);
    assert.equal(c.report.skipped.outputOnly, 25);
    assert.equal(c.report.skipped.wrongWidth, 1);
    assert.equal(c.verdict.rows, 300);
  });

  it("the verdict carries PutMetricData-shaped metrics: the maxima by Pipeline, each feature by Pipeline and Feature, a bounded number", () => {
    const c = check(profiled, [{ rows: rows(1000, 17, { shift: 1 }), encoding: "CSV" }]);
    const byName = (n: string) => c.verdict.metricData.filter((m: any) => m.MetricName === n);
    assert.deepEqual(byName("MaxFeatureDriftPSI")[0].Dimensions, [{ Name: "Pipeline", Value: "ml-pipeline-prod" }]);
    assert.equal(byName("MaxFeatureDriftPSI")[0].Value, c.verdict.maxPsi);
    assert.equal(byName("FeatureDriftPSI").length, 3);
    assert.equal(byName("FeatureDriftKS").length, 2, "numeric features only");
    assert.deepEqual(byName("FeatureDriftKS")[0].Dimensions, [{ Name: "Pipeline", Value: "ml-pipeline-prod" }, { Name: "Feature", Value: "feature_1" }]);
    for (const m of c.verdict.metricData) assert.ok(Number.isFinite(m.Value) && typeof m.Unit === "string", JSON.stringify(m));
    assert.ok(JSON.stringify(c.verdict).length < 256 * 1024, "Step Functions reads it whole (256 KB payload limit)");
  });

  it("refuses a baseline that is not its own profile (a Model Monitor statistics.json), instead of comparing nonsense", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    try {
      fs.mkdirSync(path.join(dir, "b"));
      fs.writeFileSync(path.join(dir, "b", "drift-baseline.json"), JSON.stringify({ version: 0.0, dataset: { item_count: 10 }, features: [] }));
      const r = spawnSync(PYTHON!, [...PYTHON_FLAGS, SCRIPT, "compare"], { env: { ...process.env, BASELINE_INPUT: path.join(dir, "b"), CAPTURE_INPUT: dir, PROCESSING_OUTPUT: path.join(dir, "o"), PSI_THRESHOLD: "0.2", KS_THRESHOLD: "0.1", MIN_SAMPLES: "1" }, encoding: "utf8" });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /not a ml-pipeline-drift-baseline\/1 profile/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
