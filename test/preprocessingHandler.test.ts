/** The Lambda preprocessing logic, without AWS: an in-memory store stands in for S3. */
import { strict as assert } from "assert";
import { PYTHON } from "./support/python";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { splitDataset } = require("../preprocessing/lambda/transform");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeHandler } = require("../preprocessing/lambda/handler");

function memoryStore(objects: Record<string, string>) {
  const written: Record<string, string> = {};
  return {
    written,
    store: {
      async listKeys(_bucket: string, prefix: string) {
        return Object.keys(objects).filter((k) => k.startsWith(prefix));
      },
      async getText(_bucket: string, key: string) {
        return objects[key];
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
    const r = require("child_process").spawnSync(PYTHON!, [path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
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
      const r = spawnSync(PYTHON!, [path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
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
    const r = require("child_process").spawnSync(PYTHON!, ["-c", harness, path.join(__dirname, "..", "preprocessing", "glue", "preprocess_glue.py")], {
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
    const r = require("child_process").spawnSync(PYTHON!, [path.join(__dirname, "..", "preprocessing", "processing", "preprocess.py")], {
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
      ["-c", "import importlib.util,sys,json; s=importlib.util.spec_from_file_location('g', sys.argv[1]); g=importlib.util.module_from_spec(s); s.loader.exec_module(g); print(json.dumps([g.features_of(x) for x in ['1,2.5,3', '0,7', '1']]))", path.join(__dirname, "..", "preprocessing", "glue", "preprocess_glue.py")],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ["2.5,3", "7", ""]);
  });
});
