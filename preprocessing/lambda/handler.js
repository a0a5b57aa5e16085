"use strict";
/**
 * The preprocessing step, independent of the AWS SDK so that it is tested with an
 * in-memory store. `index.js` binds it to S3.
 *
 * Two input formats: CSV objects under `event.inputPrefix` (the default), or, with
 * `event.source = { format: "dynamodb-json", label, features }`, a DynamoDB table export
 * (DYNAMODB_JSON) under it: every `.json.gz` data file is gunzipped and its items become
 * rows (label first, then the features in order); the manifests and `_started` are ignored.
 */
const zlib = require("zlib");
const { splitDataset, featuresOnly, checkMapping, exportRows } = require("./transform");

class NoRawDataError extends Error {
  constructor(message) {
    super(message);
    this.name = "NoRawData";
  }
}

const FORMATS = ["dynamodb-json"];

/**
 * `event.source`, checked: undefined for CSV, else the export mapping.
 * @param {unknown} source
 * @returns {{ label: string, features: string[] } | undefined}
 */
function exportSource(source) {
  if (source === undefined) return undefined;
  if (typeof source !== "object" || source === null || Array.isArray(source)) {
    throw new Error(`event.source must be an object { format: "dynamodb-json", label: "<attribute>", features: ["<attribute>", ...] } or absent (CSV)`);
  }
  if (!FORMATS.includes(source.format)) {
    throw new Error(`event.source.format must be one of ${FORMATS.map((f) => `"${f}"`).join(", ")} (omit event.source for CSV), got ${JSON.stringify(source.format)}`);
  }
  return checkMapping({ label: source.label, features: source.features }, "event.source");
}

/**
 * A data file's bytes as text. A zero-byte object reads as empty, like Python's gzip does
 * (the export writes a file for every partition, empty ones too).
 * @param {Uint8Array} bytes
 * @param {string} where the object's URI, for the error
 */
function gunzipText(bytes, where) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) return "";
  try {
    return zlib.gunzipSync(buffer).toString("utf8");
  } catch (e) {
    throw new Error(`${where} is not gzip data (${e.message})`);
  }
}

/**
 * @param {{ listKeys(bucket: string, prefix: string): Promise<string[]>, getText(bucket: string, key: string): Promise<string>, getBytes(bucket: string, key: string): Promise<Uint8Array>, putText(bucket: string, key: string, body: string): Promise<void> }} store
 * @param {{ validationFraction?: number, hasHeader?: boolean }} [options]
 */
function makeHandler(store, options = {}) {
  return async function handler(event) {
    const { bucket, inputPrefix, outputPrefix } = event ?? {};
    for (const [name, value] of Object.entries({ bucket, inputPrefix, outputPrefix })) {
      if (typeof value !== "string" || value === "") throw new Error(`event.${name} must be a non-empty string`);
    }
    if (!outputPrefix.startsWith("processed/")) throw new Error(`event.outputPrefix must be under processed/, got ${outputPrefix}`);
    const mapping = exportSource(event.source);
    let keys, split;
    if (mapping === undefined) {
      keys = (await store.listKeys(bucket, inputPrefix)).filter((k) => k.endsWith(".csv"));
      if (keys.length === 0) throw new NoRawDataError(`no .csv objects under s3://${bucket}/${inputPrefix}`);
      const texts = await Promise.all(keys.map((k) => store.getText(bucket, k)));
      split = splitDataset(texts, options);
    } else {
      keys = (await store.listKeys(bucket, inputPrefix)).filter((k) => k.endsWith(".json.gz"));
      if (keys.length === 0) {
        throw new NoRawDataError(`no DynamoDB export data files (.json.gz) under s3://${bucket}/${inputPrefix}`);
      }
      const converted = await Promise.all(keys.map(async (k) => exportRows(gunzipText(await store.getBytes(bucket, k), `s3://${bucket}/${k}`), mapping)));
      // The converted rows have no header, whatever RAW_HAS_HEADER says about the CSV.
      split = splitDataset(
        converted.map((c) => c.csv),
        { ...options, hasHeader: false },
      );
      // Every converted row is usable, so the split drops none itself: the drops are the export's.
      split.counts.dropped += converted.reduce((n, c) => n + c.dropped, 0);
    }
    const { train, validation, counts } = split;
    if (counts.train === 0 || counts.validation === 0) {
      throw new NoRawDataError(`too few usable rows to split (${counts.rows} usable, ${counts.dropped} dropped)`);
    }
    await store.putText(bucket, `${outputPrefix}train/data.csv`, train);
    await store.putText(bucket, `${outputPrefix}validation/data.csv`, validation);
    // Drift monitoring baselines the features the endpoint will see (event.baseline: true).
    if (event.baseline === true) await store.putText(bucket, `${outputPrefix}baseline/data.csv`, featuresOnly(train));
    return {
      files: keys.length,
      rows: counts.rows,
      dropped: counts.dropped,
      trainRows: counts.train,
      validationRows: counts.validation,
      train: `s3://${bucket}/${outputPrefix}train/`,
      validation: `s3://${bucket}/${outputPrefix}validation/`,
    };
  };
}

module.exports = { makeHandler, NoRawDataError };
