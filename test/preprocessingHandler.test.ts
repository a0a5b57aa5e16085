/** The Lambda preprocessing logic, without AWS: an in-memory store stands in for S3. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { PYTHON, PYTHON_FLAGS } from "./support/python";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { splitDataset, exportRows, exportRow } = require("../preprocessing/lambda/transform");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeHandler } = require("../preprocessing/lambda/handler");

function memoryStore(objects: Record<string, string | Buffer>) {
  const written: Record<string, string> = {};
  const bytesRead: string[] = [];
  return {
    written,
    bytesRead,
    store: {
      async listKeys(_bucket: string, prefix: string) {
        return Object.keys(objects).filter((k) => k.startsWith(prefix));
      },
      async getText(_bucket: string, key: string) {
        return String(objects[key]);
      },
      async getBytes(_bucket: string, key: string) {
        bytesRead.push(key);
        const body = objects[key];
        return new Uint8Array(typeof body === "string" ? Buffer.from(body, "utf8") : body);
      },
      async putText(_bucket: string, key: string, body: string) {
        written[key] = body;
      },
    },
  };
}

const csv = (n: number) => ["label,f1,f2", ...Array.from({ length: n }, (_, i) => `${i % 2},${i},${i * 0.5}`)].join("\n");

describe("preprocessing: split", () => {
  it("drops the header and rows with missing or non-numeric values, keeps the rest", () => {
    const out = splitDataset(["label,a,b\n1,2,3\n0,,4\n1,x,2\n0,5,6\n1,2\n"], { validationFraction: 0.5 });
    assert.equal(out.counts.rows, 2);
    assert.equal(out.counts.dropped, 3);
    assert.equal(out.counts.train + out.counts.validation, 2);
  });

  it("splits deterministically, close to the requested fraction, without losing or duplicating rows", () => {
    const a = splitDataset([csv(1000)]);
    const b = splitDataset([csv(1000)]);
    assert.deepEqual(a, b);
    assert.equal(a.counts.train + a.counts.validation, 1000);
    assert.ok(a.counts.validation > 150 && a.counts.validation < 250, `validation ${a.counts.validation}`);
    const rows = new Set([...a.train.trim().split("\n"), ...a.validation.trim().split("\n")]);
    assert.equal(rows.size, 1000);
  });

  it("rejects a fraction outside (0, 1)", () => {
    assert.throws(() => splitDataset([csv(10)], { validationFraction: 1 }), /between 0 and 1/);
  });
});

describe("preprocessing: handler", () => {
  it("reads every .csv under the input prefix and writes train and validation under the output prefix", async () => {
    const { store, written } = memoryStore({ "raw/a.csv": csv(100), "raw/b.csv": csv(100), "raw/readme.txt": "x", "other/c.csv": csv(5) });
    const result = await makeHandler(store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "processed/run1/" });
    assert.deepEqual(Object.keys(written).sort(), ["processed/run1/train/data.csv", "processed/run1/validation/data.csv"]);
    assert.equal(result.files, 2);
    assert.equal(result.trainRows + result.validationRows, 200);
    assert.equal(result.train, "s3://b/processed/run1/train/");
  });

  it("fails with NoRawData when there is nothing to process (the workflow reports it)", async () => {
    const { store } = memoryStore({});
    await assert.rejects(makeHandler(store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "processed/r/" }), (e: Error) => e.name === "NoRawData");
  });

  it("refuses bad events and writes outside processed/", async () => {
    const { store } = memoryStore({ "raw/a.csv": csv(10) });
    await assert.rejects(makeHandler(store)({ bucket: "b", inputPrefix: "raw/" }), /event.outputPrefix must be a non-empty string/);
    await assert.rejects(makeHandler(store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "raw/" }), /must be under processed\//);
  });
});

describe("preprocessing: the Processing-job script agrees with the Lambda", function () {
  const python = PYTHON !== undefined;
  it("splits the same rows into the same train and validation sets (python3)", function () {
    if (!python) this.skip(); // the machine kinds this project runs on ship python3; say so if one does not
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preprocess-"));
    fs.mkdirSync(path.join(dir, "in", "batch"), { recursive: true });
    const texts = [csv(300), "label,f1,f2\n1,,2\n0,x,1\n1,5,6\n1,inf,2\n0,0x10,1\n1,1e-3,.5\n"];
    texts.forEach((t, i) => fs.writeFileSync(path.join(dir, "in", "batch", `part-${i}.csv`), t));
    const r = require("child_process").spawnSync(PYTHON!, [...PYTHON_FLAGS, path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
      env: { ...process.env, PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out") },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const js = splitDataset(texts);
    const read = (name: string) => fs.readFileSync(path.join(dir, "out", name, "data.csv"), "utf8");
    assert.equal(read("train"), js.train);
    assert.equal(read("validation"), js.validation);
    assert.match(r.stdout, new RegExp(`train=${js.counts.train} validation=${js.counts.validation} dropped=${js.counts.dropped}`));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sharded over 4 instances (ShardedByS3Key), the union of their outputs is the single instance's split, each host under its own key", function () {
    if (!python) this.skip();
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const { spawnSync } = require("child_process");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preprocess-sharded-"));
    // Six files for four hosts: sharding by key gives two hosts two files and two hosts one.
    const texts = Array.from({ length: 6 }, (_, f) => ["label,f1,f2", ...Array.from({ length: 50 + 10 * f }, (_, i) => `${(i + f) % 2},${f * 1000 + i},${i * 0.5}`), "1,,2"].join("\n"));
    const run = (host: string, hosts: number, files: number[]) => {
      const input = path.join(dir, host, "in");
      fs.mkdirSync(input, { recursive: true });
      files.forEach((i) => fs.writeFileSync(path.join(input, `part-${i}.csv`), texts[i]));
      fs.writeFileSync(path.join(dir, host, "resourceconfig.json"), JSON.stringify({ current_host: host, hosts: Array.from({ length: hosts }, (_, h) => `algo-${h + 1}`) }));
      const r = spawnSync(PYTHON!, [...PYTHON_FLAGS, path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
        env: { ...process.env, PROCESSING_INPUT: input, PROCESSING_OUTPUT: path.join(dir, "out"), PROCESSING_RESOURCE_CONFIG: path.join(dir, host, "resourceconfig.json") },
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
    };
    const rows = (files: string[]) => files.flatMap((f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean)).sort();
    // One instance, all files.
    run("single", 1, [0, 1, 2, 3, 4, 5]);
    const single = { train: rows([path.join(dir, "out", "train", "data.csv")]), validation: rows([path.join(dir, "out", "validation", "data.csv")]) };
    fs.rmSync(path.join(dir, "out"), { recursive: true });
    // Four instances, each with its shard; a fifth with an empty shard writes nothing and succeeds.
    [[0, 4], [1, 5], [2], [3]].forEach((files, h) => run(`algo-${h + 1}`, 5, files));
    run("algo-5", 5, []);
    for (const channel of ["train", "validation"] as const) {
      const written = fs.readdirSync(path.join(dir, "out", channel)).sort();
      assert.deepEqual(written, ["data-algo-1.csv", "data-algo-2.csv", "data-algo-3.csv", "data-algo-4.csv"], "one object per host that had data");
      assert.deepEqual(rows(written.map((f: string) => path.join(dir, "out", channel, f))), single[channel]);
    }
    assert.ok(single.train.length > 100 && single.validation.length > 20);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("preprocessing: the Glue (Spark) script's row logic agrees with the Lambda", function () {
  const python = PYTHON !== undefined;
  /**
   * Runs preprocess_glue.py's plain functions the way its Spark wiring does: the header and
   * width from the first lines of the first file, then split_rows over partitions that cut
   * across file boundaries (as Spark's text splits do). Spark itself cannot run here.
   */
  const harness = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("g", sys.argv[1])
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
texts, chunk, has_header = json.loads(sys.stdin.read())
header, width = g.header_and_width(texts[0].split("\\n")[:50], has_header)
lines = [l for t in texts for l in t.split("\\n")]
out = {"train": [], "validation": []}
for start in range(0, len(lines), chunk):
    for channel, row in g.split_rows(lines[start:start + chunk], header, width, 0.2):
        out[channel].append(row)
print(json.dumps({"header": header, "width": width, **out}))
`;
  const runGlue = (texts: string[], chunk: number, hasHeader = true) => {
    const path = require("path");
    const r = require("child_process").spawnSync(PYTHON!, [...PYTHON_FLAGS, "-c", harness, path.join(__dirname, "..", "preprocessing", "glue", "preprocess_glue.py")], {
      input: JSON.stringify([texts, chunk, hasHeader]),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { header: string | null; width: number; train: string[]; validation: string[] };
  };
  const sorted = (text: string) => text.split("\n").filter(Boolean).sort();

  it("whatever the partitioning, the union of the partitions is the Lambda's split (headers of every file dropped, bad rows dropped)", function () {
    if (!python) this.skip();
    const texts = [csv(300), "label,f1,f2\n1,,2\n0,x,1\n1,5,6\n1,inf,2\n0,0x10,1\n1,1e-3,.5\n", csv(40)];
    const js = splitDataset(texts);
    for (const chunk of [1, 7, 64, 10_000]) {
      const glue = runGlue(texts, chunk);
      assert.equal(glue.header, "label,f1,f2");
      assert.equal(glue.width, 3);
      assert.deepEqual(glue.train.sort(), sorted(js.train), `chunk ${chunk}`);
      assert.deepEqual(glue.validation.sort(), sorted(js.validation), `chunk ${chunk}`);
    }
  });

  it("without a header the first line sets the width and is data", function () {
    if (!python) this.skip();
    const texts = ["1,2,3\n0,4\n1,5,6\n"];
    const js = splitDataset(texts, { hasHeader: false });
    const glue = runGlue(texts, 2, false);
    assert.equal(glue.header, null);
    assert.deepEqual([...glue.train, ...glue.validation].sort(), [...sorted(js.train), ...sorted(js.validation)].sort());
    assert.equal(glue.train.length + glue.validation.length, 2, "the short row is dropped");
  });
});

describe("preprocessing: the data-quality baseline (drift monitoring)", function () {
  const python = PYTHON !== undefined;
  const texts = [csv(200), "label,f1,f2\n1,,2\n0,7,8\n"];
  const rowsOf = (text: string) => text.split("\n").filter(Boolean);
  const featuresOf = (text: string) => rowsOf(text).map((row) => row.split(",").slice(1).join(","));

  it("Lambda: with event.baseline, the train rows without their label under baseline/; without it, nothing", async () => {
    const { store, written } = memoryStore(Object.fromEntries(texts.map((t, i) => [`raw/${i}.csv`, t])));
    await makeHandler(store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "processed/r/", baseline: true });
    assert.deepEqual(rowsOf(written["processed/r/baseline/data.csv"]), featuresOf(written["processed/r/train/data.csv"]));
    assert.ok(written["processed/r/baseline/data.csv"].split("\n")[0].split(",").length === 2, "two features, no label");
    const plain = memoryStore(Object.fromEntries(texts.map((t, i) => [`raw/${i}.csv`, t])));
    await makeHandler(plain.store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "processed/r/" });
    assert.equal(plain.written["processed/r/baseline/data.csv"], undefined);
  });

  it("Processing: WRITE_BASELINE=true writes the same features-only rows as the Lambda", function () {
    if (!python) this.skip();
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preprocess-baseline-"));
    fs.mkdirSync(path.join(dir, "in"), { recursive: true });
    texts.forEach((t, i) => fs.writeFileSync(path.join(dir, "in", `part-${i}.csv`), t));
    const r = require("child_process").spawnSync(PYTHON!, [...PYTHON_FLAGS, path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
      env: { ...process.env, PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out"), WRITE_BASELINE: "true" },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const js = splitDataset(texts);
    assert.deepEqual(rowsOf(fs.readFileSync(path.join(dir, "out", "baseline", "data.csv"), "utf8")), featuresOf(js.train));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("Glue: features_of drops exactly the label column", function () {
    if (!python) this.skip();
    const path = require("path");
    const r = require("child_process").spawnSync(
      PYTHON!,
      [...PYTHON_FLAGS, "-c", "import importlib.util,sys,json; s=importlib.util.spec_from_file_location('g', sys.argv[1]); g=importlib.util.module_from_spec(s); s.loader.exec_module(g); print(json.dumps([g.features_of(x) for x in ['1,2.5,3', '0,7', '1']]))", path.join(__dirname, "..", "preprocessing", "glue", "preprocess_glue.py")],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ["2.5,3", "7", ""]);
  });
});

/**
 * A DynamoDB table export in DYNAMODB_JSON, laid out as "DynamoDB table export output format"
 * (Amazon DynamoDB Developer Guide,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html)
 * describes it: under <prefix>AWSDynamoDB/<ExportId>/ the two manifests and their checksums,
 * an empty `_started`, and data/<name>.json.gz files of gzip-compressed JSON Lines, one
 * {"Item": {...}} per line (an empty partition still gets a data file).
 */
describe("preprocessing: DynamoDB table export input (DYNAMODB_JSON)", function () {
  const python = PYTHON !== undefined;
  const ROOT = path.join(__dirname, "..", "preprocessing");
  const PREPROCESS = path.join(ROOT, "processing", "preprocess.py");
  const GLUE = path.join(ROOT, "glue", "preprocess_glue.py");

  const PREFIX = "exports/churn/";
  const EXPORT_ID = "01719000000000-7c2d9e41";
  const MAPPING = { label: "churned", features: ["age", "score", "tier"] };
  const SOURCE = { format: "dynamodb-json", ...MAPPING };

  /** One export line: an item with a key attribute and the given ones. */
  const item = (attrs: Record<string, unknown>) => JSON.stringify({ Item: { customer: { S: "c-1" }, ...attrs } });
  const good = { churned: { BOOL: true }, age: { N: "42" }, score: { N: "1.5" }, tier: { S: "2" } };

  /** Every case once: the line and the row it makes, null when it is dropped, "skip" when it is not a row at all. */
  const cases: Array<[string, string | null | "skip"]> = [
    [item({ churned: { BOOL: true }, age: { N: "42" }, score: { N: "-1.5e3" }, tier: { S: " 2 " } }), "1,42,-1.5e3,2"],
    [item({ churned: { BOOL: false }, age: { N: "0.5" }, score: { N: "3E+2" }, tier: { S: "7" } }), "0,0.5,3E+2,7"],
    [item({ churned: { N: "1" }, age: { N: "-7" }, score: { N: ".25" }, tier: { N: "3" } }), "1,-7,.25,3"],
    [item({ churned: { S: "0" }, age: { N: "19" }, score: { N: "+4.0e-2" }, tier: { S: "\t-1.25\t" } }), "0,19,+4.0e-2,-1.25"],
    // A wide item: attributes outside the mapping, whatever their type, do not matter.
    [item({ ...good, notes: { M: { a: { L: [{ NULL: true }] } } }, tags: { SS: ["a"] }, blob: { B: "AAEC" } }), "1,42,1.5,2"],
    ["", "skip"],
    ["   ", "skip"],
    [item({ churned: { BOOL: true }, age: { N: "42" }, tier: { S: "2" } }), null], // score missing
    [item({ ...good, age: { NULL: true } }), null],
    [item({ ...good, tier: { S: "gold" } }), null],
    [item({ ...good, tier: { S: "" } }), null],
    [item({ ...good, tier: { S: "NaN" } }), null],
    [item({ ...good, score: { M: { value: { N: "1" } } } }), null],
    [item({ ...good, score: { L: [{ N: "1" }] } }), null],
    [item({ ...good, score: { NS: ["1", "2"] } }), null],
    [item({ ...good, tier: { SS: ["1"] } }), null],
    [item({ ...good, tier: { BS: ["AQ=="] } }), null],
    [item({ ...good, tier: { B: "AQ==" } }), null],
    [item({ ...good, churned: { BOOL: "true" } }), null],
    ['{"Item": {"churned": {"BOOL": true}, "age": {"N": "42"}', null], // cut short: not JSON
    ["not json at all", null],
    [JSON.stringify({ Items: { churned: { BOOL: true } } }), null], // no Item
    [JSON.stringify({ Item: null }), null],
  ];
  /** Enough ordinary items for both channels: age sets them apart, so no two rows are equal. */
  const generated = Array.from({ length: 80 }, (_, i) => {
    const attrs = { churned: { BOOL: i % 3 === 0 }, age: { N: String(18 + i) }, score: { N: String(i * 1.25 - 40) }, tier: { S: String(i % 4) } };
    return [item(attrs), `${i % 3 === 0 ? 1 : 0},${18 + i},${i * 1.25 - 40},${i % 4}`] as [string, string];
  });
  const expectedRows = [...cases, ...generated].flatMap(([, row]) => (row === null || row === "skip" ? [] : [row])).sort();
  const expectedDropped = cases.filter(([, row]) => row === null).length;

  const gzip = (text: string) => zlib.gzipSync(Buffer.from(text, "utf8"));
  /**
   * The export's objects, keyed relative to the export prefix. Two data files carry the items
   * (one with \n line ends, one with \r\n); a third is an empty partition.
   */
  function exportObjects(): Record<string, Buffer> {
    const dir = `AWSDynamoDB/${EXPORT_ID}/`;
    const half = Math.ceil(cases.length / 2);
    const texts = {
      "data/a7ksd2m4qbeonn3ryqzw3lp5ie.json.gz": [...cases.slice(0, half), ...generated.slice(0, 40)].map(([l]) => l + "\n").join(""),
      "data/hx4c2lb6vmgrtmzijhnuvrw7qa.json.gz": [...cases.slice(half), ...generated.slice(40)].map(([l]) => l + "\r\n").join(""),
      "data/zz2u5gnyqq3fxdxtnmvzjkmdsu.json.gz": "",
    };
    const files = Object.entries(texts).map(([name, text]) => ({ key: `${PREFIX}${dir}${name}`, text, body: gzip(text) }));
    const manifestFiles = files
      .map((f) => JSON.stringify({ itemCount: f.text.split("\n").filter((l) => l.trim()).length, md5Checksum: "", etag: "", dataFileS3Key: f.key }) + "\n")
      .join("");
    const summary = JSON.stringify({
      version: "2020-06-30",
      exportArn: `arn:aws:dynamodb:eu-west-1:123456789012:table/Churn/export/${EXPORT_ID}`,
      tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/Churn",
      s3Bucket: "b",
      s3Prefix: PREFIX.replace(/\/$/, ""),
      s3SseAlgorithm: "KMS",
      manifestFilesS3Key: `${PREFIX}${dir}manifest-files.json`,
      billedSizeBytes: 0,
      itemCount: cases.length + generated.length,
      outputFormat: "DYNAMODB_JSON",
      exportType: "FULL_EXPORT",
    });
    return {
      [`${dir}_started`]: Buffer.alloc(0),
      [`${dir}manifest-summary.json`]: Buffer.from(summary),
      [`${dir}manifest-summary.checksum`]: Buffer.from("0".repeat(32)),
      [`${dir}manifest-files.json`]: Buffer.from(manifestFiles),
      [`${dir}manifest-files.checksum`]: Buffer.from("0".repeat(32)),
      ...Object.fromEntries(files.map((f) => [f.key.slice(PREFIX.length), f.body])),
    };
  }
  const withPrefix = (objects: Record<string, Buffer>) => Object.fromEntries(Object.entries(objects).map(([k, v]) => [PREFIX + k, v]));
  /** The export on disk, as a Processing job's S3 input mounts the export prefix. */
  function writeExport(dir: string, objects: Record<string, Buffer> = exportObjects()) {
    for (const [key, body] of Object.entries(objects)) {
      fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
      fs.writeFileSync(path.join(dir, key), body);
    }
  }
  const rowsOf = (text: string) => text.split("\n").filter(Boolean);
  const runProcessing = (env: Record<string, string>) =>
    spawnSync(PYTHON!, [...PYTHON_FLAGS, PREPROCESS], { env: { ...process.env, INPUT_FORMAT: "dynamodb-json", EXPORT_ATTRIBUTES: JSON.stringify(MAPPING), ...env }, encoding: "utf8" });
  const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), name));
  /** Runs a Python snippet with the Glue script loaded as `g` and the Processing script as `p`; JSON in, JSON out. */
  const runPython = (code: string, input: unknown) => {
    const prelude = [
      "import importlib.util, json, sys",
      "def load(name, file):",
      "    spec = importlib.util.spec_from_file_location(name, file)",
      "    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m",
      "g = load('g', sys.argv[1]); p = load('p', sys.argv[2])",
      "data = json.loads(sys.stdin.read())",
    ].join("\n");
    const r = spawnSync(PYTHON!, [...PYTHON_FLAGS, "-c", `${prelude}\n${code}`, GLUE, PREPROCESS], { input: JSON.stringify(input), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  describe("Lambda: exportRows", () => {
    it("turns each item into label then features, N as given, BOOL as 1/0, numeric S trimmed; counts every unusable line", () => {
      const out = exportRows([...cases, ...generated].map(([l]) => l).join("\n"), MAPPING);
      assert.deepEqual(rowsOf(out.csv).sort(), expectedRows);
      assert.equal(out.rows, expectedRows.length);
      assert.equal(out.dropped, expectedDropped);
    });

    it("takes \\n, \\r\\n and \\r as line ends, as Python's text mode and Hadoop's reader do", () => {
      const [a, b, c] = generated.slice(0, 3).map(([l]) => l);
      const out = exportRows(`${a}\r\n${b}\r${c}\n\r\n`, MAPPING);
      assert.deepEqual(rowsOf(out.csv), generated.slice(0, 3).map(([, row]) => row));
      assert.equal(out.dropped, 0);
    });
  });

  describe("Lambda: the handler with event.source", () => {
    it("reads only the .json.gz data files under the prefix (not the manifests, _started or other objects), gunzips and splits them", async () => {
      const { store, written, bytesRead } = memoryStore({ ...withPrefix(exportObjects()), [`${PREFIX}stray.csv`]: csv(20), "raw/a.csv": csv(20) });
      const result = await makeHandler(store, { hasHeader: true })({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE });
      assert.deepEqual(bytesRead.sort(), Object.keys(withPrefix(exportObjects())).filter((k) => k.endsWith(".json.gz")).sort());
      assert.equal(result.files, 3);
      assert.equal(result.dropped, expectedDropped);
      assert.equal(result.rows, expectedRows.length);
      assert.equal(result.trainRows + result.validationRows, expectedRows.length);
      assert.ok(result.trainRows > 0 && result.validationRows > 0);
      assert.deepEqual([...rowsOf(written["processed/r/train/data.csv"]), ...rowsOf(written["processed/r/validation/data.csv"])].sort(), expectedRows);
      assert.deepEqual(Object.keys(written).sort(), ["processed/r/train/data.csv", "processed/r/validation/data.csv"]);
    });

    it("each row lands where splitDataset puts the same CSV row, and event.baseline writes the train features", async () => {
      const { store, written } = memoryStore(withPrefix(exportObjects()));
      await makeHandler(store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE, baseline: true });
      const js = splitDataset([expectedRows.join("\n")], { hasHeader: false });
      assert.deepEqual(rowsOf(written["processed/r/train/data.csv"]).sort(), rowsOf(js.train).sort());
      assert.deepEqual(rowsOf(written["processed/r/validation/data.csv"]).sort(), rowsOf(js.validation).sort());
      assert.deepEqual(
        rowsOf(written["processed/r/baseline/data.csv"]),
        rowsOf(written["processed/r/train/data.csv"]).map((r) => r.split(",").slice(1).join(",")),
      );
    });

    it("refuses a bad event.source with one error naming the field and what is allowed", async () => {
      const { store } = memoryStore(withPrefix(exportObjects()));
      const run = (source: unknown) => makeHandler(store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source });
      await assert.rejects(run("dynamodb-json"), /^Error: event\.source must be an object \{ format: "dynamodb-json", label/);
      await assert.rejects(run(null), /event\.source must be an object/);
      await assert.rejects(run([SOURCE]), /event\.source must be an object/);
      await assert.rejects(run({ ...SOURCE, format: "csv" }), /event\.source\.format must be one of "dynamodb-json" \(omit event\.source for CSV\), got "csv"/);
      await assert.rejects(run({ label: "churned", features: ["age"] }), /event\.source\.format must be one of "dynamodb-json".*got undefined/);
      await assert.rejects(run({ ...SOURCE, label: "" }), /event\.source\.label must be a non-empty string/);
      await assert.rejects(run({ ...SOURCE, label: 1 }), /event\.source\.label must be a non-empty string/);
      await assert.rejects(run({ ...SOURCE, features: [] }), /event\.source\.features must be a non-empty array of non-empty strings/);
      await assert.rejects(run({ ...SOURCE, features: "age" }), /event\.source\.features must be a non-empty array/);
      await assert.rejects(run({ ...SOURCE, features: ["age", ""] }), /event\.source\.features must be a non-empty array/);
      await assert.rejects(run({ ...SOURCE, features: ["age", "churned"] }), /event\.source: attribute "churned" appears more than once/);
    });

    it("fails with NoRawData naming the prefix when there is no .json.gz data file (manifests alone, CSV objects)", async () => {
      const objects = Object.fromEntries(Object.entries(withPrefix(exportObjects())).filter(([k]) => !k.endsWith(".json.gz")));
      const { store } = memoryStore({ ...objects, [`${PREFIX}old.csv`]: csv(50) });
      await assert.rejects(
        makeHandler(store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE }),
        (e: Error) => e.name === "NoRawData" && e.message === `no DynamoDB export data files (.json.gz) under s3://b/${PREFIX}`,
      );
    });

    it("reads empty partitions (gzip of nothing, or a zero-byte object) as no rows; says which object is not gzip", async () => {
      const dir = `${PREFIX}AWSDynamoDB/${EXPORT_ID}/data/`;
      const empty = memoryStore({ [`${dir}a.json.gz`]: gzip(""), [`${dir}b.json.gz`]: Buffer.alloc(0) });
      await assert.rejects(
        makeHandler(empty.store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE }),
        (e: Error) => e.name === "NoRawData" && /too few usable rows to split \(0 usable, 0 dropped\)/.test(e.message),
      );
      const corrupt = memoryStore({ [`${dir}a.json.gz`]: Buffer.from("{}") });
      await assert.rejects(
        makeHandler(corrupt.store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE }),
        new RegExp(`s3://b/${dir}a\\.json\\.gz is not gzip data`),
      );
    });

    it("without event.source nothing changes: CSV only, .json.gz objects are not read", async () => {
      const exportUnderRaw = Object.fromEntries(Object.entries(exportObjects()).map(([k, v]) => [`raw/${k}`, v]));
      const { store, written, bytesRead } = memoryStore({ "raw/a.csv": csv(100), ...exportUnderRaw });
      const result = await makeHandler(store)({ bucket: "b", inputPrefix: "raw/", outputPrefix: "processed/r/" });
      assert.equal(result.files, 1);
      assert.equal(result.rows, 100);
      assert.deepEqual(bytesRead, []);
      const js = splitDataset([csv(100)]);
      assert.equal(written["processed/r/train/data.csv"], js.train);
      assert.equal(written["processed/r/validation/data.csv"], js.validation);
    });
  });

  describe("all three engines agree", () => {
    it("export_row in preprocess.py and preprocess_glue.py gives exportRow's fields for every line, tricky ones too", function () {
      if (!python) this.skip();
      const tricky = [
        item({ ...good, churned: { N: "1\n" } }), // a newline that Python's $ would let through
        item({ ...good, tier: { S: "\u00a02" } }), // non-ASCII whitespace is not trimmed
        item({ ...good, tier: { S: "\u001c2" } }),
        item({ ...good, tier: { S: "\ufeff2" } }),
        item({ ...good, tier: { S: "\uff12" } }), // a full-width digit
        item({ ...good, tier: { S: " \f\v+.5e-3\r\n" } }),
        item({ ...good, churned: { BOOL: 1 } }),
        item({ ...good, churned: { BOOL: null } }),
        item({ ...good, age: { N: 42 } }),
        item({ ...good, age: { N: "0x10" } }),
        item({ ...good, age: { N: "1", S: "1" } }), // two types in one value
        item({ ...good, age: {} }),
        item({ ...good, age: "42" }),
        item({ ...good, age: null }),
        '{"Item": {"churned": {"BOOL": true}, "age": {"N": "1"}, "score": {"N": "2"}, "tier": {"N": "3"}}, "x": NaN}',
        '{"Item": {"churned": {"BOOL": true}, "age": {"N": "1"}, "score": {"N": "2"}, "tier": {"N": "3"}}} trailing',
        '  {"Item": {"churned": {"BOOL": false}, "age": {"N": "1"}, "score": {"N": "2"}, "tier": {"N": "3"}}}  ',
        "[1, 2]",
        "null",
        '"Item"',
        '{"Item": []}',
        "[".repeat(100000),
        ...cases.map(([l]) => l).filter((l) => l.trim()),
      ];
      const mappings = [MAPPING, { label: "constructor", features: ["__proto__"] }, { label: "age", features: ["toString"] }];
      const js = mappings.map((m) => tricky.map((l) => exportRow(l, m) ?? null));
      const py = runPython(
        "print(json.dumps([[[m.export_row(l, mp['label'], mp['features']) for l in data['lines']] for mp in data['mappings']] for m in (p, g)]))",
        { lines: tricky, mappings },
      );
      assert.deepEqual(py[0], js, "preprocess.py");
      assert.deepEqual(py[1], js, "preprocess_glue.py");
      assert.ok(js[0].filter(Boolean).length >= 2, "some tricky lines are usable");
    });

    it("the Lambda handler, the Processing script and the Glue export_row + split_rows path write the same train and validation rows for one export", async function () {
      if (!python) this.skip();
      const objects = exportObjects();
      // Lambda.
      const { store, written } = memoryStore(withPrefix(objects));
      const lambda = await makeHandler(store)({ bucket: "b", inputPrefix: PREFIX, outputPrefix: "processed/r/", source: SOURCE });
      const lambdaRows = { train: rowsOf(written["processed/r/train/data.csv"]).sort(), validation: rowsOf(written["processed/r/validation/data.csv"]).sort() };
      assert.deepEqual([...lambdaRows.train, ...lambdaRows.validation].sort(), expectedRows);
      assert.equal(lambda.dropped, expectedDropped);
      // Processing: the export prefix mounted as the input.
      const dir = tempDir("preprocess-ddb-");
      try {
        writeExport(path.join(dir, "in"));
        const r = runProcessing({ PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out") });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), `train=${lambda.trainRows} validation=${lambda.validationRows} dropped=${expectedDropped}`);
        const read = (channel: string) => rowsOf(fs.readFileSync(path.join(dir, "out", channel, "data.csv"), "utf8")).sort();
        assert.deepEqual({ train: read("train"), validation: read("validation") }, lambdaRows);
        // Glue: the data files as Spark reads them (gunzipped by extension, lines cut at \n, \r\n
        // or \r), in partitions that cut across files, through export_lines and split_rows.
        const files = Object.keys(objects).filter((k) => k.endsWith(".json.gz")).sort().map((k) => path.join(dir, "in", k));
        for (const chunk of [1, 5, 64, 10_000]) {
          const glue = runPython(
            [
              "import gzip, re",
              "lines = [l for f in data['files'] for l in re.split(r'\\r\\n|\\r|\\n', gzip.open(f, 'rb').read().decode('utf-8', 'replace'))]",
              "label, features = data['mapping']['label'], data['mapping']['features']",
              "out = {'train': [], 'validation': []}",
              "for start in range(0, len(lines), data['chunk']):",
              "    part = lines[start:start + data['chunk']]",
              "    for channel, row in g.split_rows(g.export_lines(part, label, features), None, 1 + len(features), 0.2):",
              "        out[channel].append(row)",
              "out['dropped'] = sum(1 for l in lines if l.strip(g.WHITESPACE) and g.export_row(l, label, features) is None)",
              "print(json.dumps(out))",
            ].join("\n"),
            { files, mapping: MAPPING, chunk },
          );
          assert.deepEqual({ train: glue.train.sort(), validation: glue.validation.sort() }, lambdaRows, `chunk ${chunk}`);
          assert.equal(glue.dropped, expectedDropped);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("Processing: INPUT_FORMAT and EXPORT_ATTRIBUTES", () => {
    it("refuses an unknown format, and a missing or malformed mapping, with a message saying what is allowed", function () {
      if (!python) this.skip();
      const dir = tempDir("preprocess-ddb-bad-");
      try {
        writeExport(path.join(dir, "in"));
        const run = (env: Record<string, string>) => runProcessing({ PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out"), ...env });
        const fails = (env: Record<string, string>, message: RegExp) => {
          const r = run(env);
          assert.notEqual(r.status, 0);
          assert.match(r.stderr, message);
        };
        fails({ INPUT_FORMAT: "parquet" }, /INPUT_FORMAT must be one of csv, dynamodb-json, got parquet/);
        fails({ EXPORT_ATTRIBUTES: "" }, /EXPORT_ATTRIBUTES must be a JSON object \{"label": "<attribute>", "features": \["<attribute>", \.\.\.\]\}; it is required when INPUT_FORMAT is dynamodb-json/);
        fails({ EXPORT_ATTRIBUTES: "label=churned" }, /EXPORT_ATTRIBUTES must be a JSON object .*; it is not JSON/);
        fails({ EXPORT_ATTRIBUTES: '["churned"]' }, /EXPORT_ATTRIBUTES must be a JSON object/);
        fails({ EXPORT_ATTRIBUTES: '{"features": ["age"]}' }, /EXPORT_ATTRIBUTES\.label must be a non-empty string/);
        fails({ EXPORT_ATTRIBUTES: '{"label": "churned", "features": []}' }, /EXPORT_ATTRIBUTES\.features must be a non-empty array of non-empty strings/);
        fails({ EXPORT_ATTRIBUTES: '{"label": "churned", "features": ["age", "age"]}' }, /attribute "age" appears more than once/);
        assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing written");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("with no .json.gz under the input, one instance fails naming the input; empty partitions (gzip or zero bytes) are no rows", function () {
      if (!python) this.skip();
      const dir = tempDir("preprocess-ddb-none-");
      try {
        const manifests = Object.fromEntries(Object.entries(exportObjects()).filter(([k]) => !k.endsWith(".json.gz")));
        writeExport(path.join(dir, "in"), { ...manifests, "old.csv": Buffer.from(csv(50)) });
        const none = runProcessing({ PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out") });
        assert.notEqual(none.status, 0);
        assert.equal(none.stderr.trim(), `no DynamoDB export data files (.json.gz) under ${path.join(dir, "in")}`);
        writeExport(path.join(dir, "in"), { [`AWSDynamoDB/${EXPORT_ID}/data/a.json.gz`]: gzip(""), [`AWSDynamoDB/${EXPORT_ID}/data/b.json.gz`]: Buffer.alloc(0) });
        const empty = runProcessing({ PROCESSING_INPUT: path.join(dir, "in"), PROCESSING_OUTPUT: path.join(dir, "out") });
        assert.notEqual(empty.status, 0);
        assert.match(empty.stderr, /too few usable rows to split \(0 usable, 0 dropped\)/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("sharded by key over 3 instances, the union is the single instance's split; a shard of manifests only writes nothing", function () {
      if (!python) this.skip();
      const dir = tempDir("preprocess-ddb-sharded-");
      try {
        const objects = exportObjects();
        const keys = Object.keys(objects).sort();
        const data = keys.filter((k) => k.endsWith(".json.gz"));
        const run = (host: string, hosts: number, shard: string[]) => {
          writeExport(path.join(dir, host, "in"), Object.fromEntries(shard.map((k) => [k, objects[k]])));
          const config = path.join(dir, host, "resourceconfig.json");
          fs.writeFileSync(config, JSON.stringify({ current_host: host, hosts: Array.from({ length: hosts }, (_, h) => `algo-${h + 1}`) }));
          const r = runProcessing({ PROCESSING_INPUT: path.join(dir, host, "in"), PROCESSING_OUTPUT: path.join(dir, "out"), PROCESSING_RESOURCE_CONFIG: config });
          assert.equal(r.status, 0, r.stderr);
          return r.stdout;
        };
        const read = (channel: string) => fs.readdirSync(path.join(dir, "out", channel)).sort().flatMap((f) => rowsOf(fs.readFileSync(path.join(dir, "out", channel, f), "utf8"))).sort();
        run("single", 1, keys);
        const single = { train: read("train"), validation: read("validation") };
        fs.rmSync(path.join(dir, "out"), { recursive: true });
        run("algo-1", 3, [data[0]]);
        run("algo-2", 3, [data[1], data[2], ...keys.filter((k) => k.endsWith(".checksum"))]);
        const idle = run("algo-3", 3, keys.filter((k) => !k.endsWith(".json.gz") && !k.endsWith(".checksum")));
        assert.equal(idle.trim(), "algo-3: no DynamoDB export data files (.json.gz) in this shard; nothing to write");
        for (const channel of ["train", "validation"] as const) {
          assert.deepEqual(fs.readdirSync(path.join(dir, "out", channel)).sort(), ["data-algo-1.csv", "data-algo-2.csv"]);
        }
        assert.deepEqual({ train: read("train"), validation: read("validation") }, single);
        assert.deepEqual([...single.train, ...single.validation].sort(), expectedRows);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("Glue: --input_format and --export_attributes", () => {
    it("reads the two arguments only when the run passes them (a run without them reads CSV), and checks the mapping like the Processing script", function () {
      if (!python) this.skip();
      const out = runPython(
        [
          "names = ['input_format', 'export_attributes']",
          "optional = [g.optional_args(argv, names) for argv in data['argvs']]",
          "errors = []",
          "for text in data['bad']:",
          "    try:",
          "        g.export_mapping(text); errors.append(None)",
          "    except SystemExit as e:",
          "        errors.append(str(e))",
          "print(json.dumps({'optional': optional, 'errors': errors, 'ok': g.export_mapping(json.dumps(data['mapping']))}))",
        ].join("\n"),
        {
          argvs: [
            ["script.py", "--input_uri", "s3://b/raw/", "--output_uri", "s3://b/processed/r/"],
            ["script.py", "--input_uri", "s3://b/exports/", "--input_format", "dynamodb-json", "--export_attributes", JSON.stringify(MAPPING)],
            ["script.py", "--input_format=csv"],
          ],
          bad: [null, "", "{", '{"label": "a"}', '{"label": "a", "features": ["a"]}'],
          mapping: MAPPING,
        },
      );
      assert.deepEqual(out.optional, [[], ["input_format", "export_attributes"], ["input_format"]]);
      assert.match(out.errors[0], /--export_attributes must be a JSON object .*required when --input_format is dynamodb-json/);
      assert.match(out.errors[1], /required when --input_format is dynamodb-json/);
      assert.match(out.errors[2], /it is not JSON/);
      assert.match(out.errors[3], /--export_attributes features must be a non-empty array/);
      assert.match(out.errors[4], /attribute "a" appears more than once/);
      assert.deepEqual(out.ok, [MAPPING.label, MAPPING.features]);
    });
  });
});
