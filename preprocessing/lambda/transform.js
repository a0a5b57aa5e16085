"use strict";
/**
 * Pure preprocessing logic, shared by the Lambda handler and its tests: turns raw CSV
 * into the train/validation CSV that SageMaker's built-in XGBoost reads (label in the
 * first column, no header).
 *
 * The second input format is a DynamoDB table export in DYNAMODB_JSON (`exportRows`): each
 * data file is JSON Lines, one `{"Item": {...}}` per line, and a mapping names the label and
 * feature attributes that make a row. The same rules are in preprocess.py and
 * preprocess_glue.py (`export_row`), so the three engines keep and drop the same rows.
 */
const crypto = require("crypto");

/** A decimal number as XGBoost reads it; the same pattern as preprocess.py, so both agree. */
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/**
 * @param {string[]} texts raw CSV files
 * @param {{ hasHeader?: boolean, validationFraction?: number }} [options]
 * @returns {{ train: string, validation: string, counts: { rows: number, dropped: number, train: number, validation: number } }}
 */
function splitDataset(texts, options = {}) {
  const hasHeader = options.hasHeader ?? true;
  const validationFraction = options.validationFraction ?? 0.2;
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new Error(`validationFraction must be between 0 and 1, got ${validationFraction}`);
  }
  const rows = [];
  let dropped = 0;
  let width;
  for (const text of texts) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    for (const line of hasHeader ? lines.slice(1) : lines) {
      const fields = line.split(",").map((f) => f.trim());
      width ??= fields.length;
      // Rows with missing or non-numeric values, or the wrong width, cannot train XGBoost.
      if (fields.length !== width || !fields.every((f) => NUMBER.test(f))) {
        dropped++;
        continue;
      }
      rows.push(fields.join(","));
    }
  }
  // Deterministic split: a row always lands on the same side, whatever the file order.
  const train = [];
  const validation = [];
  for (const row of rows) {
    const bucket = crypto.createHash("sha256").update(row).digest().readUInt32BE(0) / 0x100000000;
    (bucket < validationFraction ? validation : train).push(row);
  }
  return {
    train: train.join("\n") + (train.length ? "\n" : ""),
    validation: validation.join("\n") + (validation.length ? "\n" : ""),
    counts: { rows: rows.length, dropped, train: train.length, validation: validation.length },
  };
}

/**
 * The train rows without their label (the first column): the data-quality baseline, in the
 * shape the endpoint receives requests.
 * @param {string} csv
 */
function featuresOnly(csv) {
  return csv
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.slice(line.indexOf(",") + 1) + "\n")
    .join("");
}

/**
 * The whitespace every engine trims and treats as blank: ASCII only, because JavaScript's
 * trim() and Python's strip() disagree beyond it (U+FEFF, U+001C..U+001F, U+0085).
 */
const BLANK = /^[ \t\n\r\f\v]*$/;
const TRIM = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
/** Lines as Python's universal newlines and Hadoop's LineReader cut them: \r\n, \r or \n. */
const LINE_BREAK = /\r\n|\r|\n/;

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a DynamoDB export mapping, `{ label: "<attr>", features: ["<attr>", ...] }`, and
 * returns it; throws an Error naming `where` (e.g. "event.source") and what is allowed.
 * @param {unknown} mapping
 * @param {string} where
 * @returns {{ label: string, features: string[] }}
 */
function checkMapping(mapping, where) {
  if (!isObject(mapping)) throw new Error(`${where} must be an object { label: "<attribute>", features: ["<attribute>", ...] }`);
  const { label, features } = mapping;
  if (typeof label !== "string" || label === "") throw new Error(`${where}.label must be a non-empty string (the attribute that holds the label)`);
  if (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === "string" && f !== "")) {
    throw new Error(`${where}.features must be a non-empty array of non-empty strings (the attributes that hold the features, in column order)`);
  }
  const names = [label, ...features];
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new Error(`${where}: attribute "${repeated}" appears more than once in label and features; each attribute may be used once`);
  return { label, features: [...features] };
}

/**
 * One CSV field from a DynamoDB JSON attribute value, or undefined when it cannot train:
 * N as given (a decimal string), BOOL as 1 or 0, S only when it holds a number; NULL,
 * a missing attribute and every other type (M, L, SS, NS, BS, B) are unusable.
 * @param {unknown} value
 * @returns {string | undefined}
 */
function exportField(value) {
  if (!isObject(value)) return undefined;
  const types = Object.keys(value);
  if (types.length !== 1) return undefined;
  const v = value[types[0]];
  switch (types[0]) {
    case "N":
      return typeof v === "string" && NUMBER.test(v) ? v : undefined;
    case "BOOL":
      return v === true ? "1" : v === false ? "0" : undefined;
    case "S": {
      if (typeof v !== "string") return undefined;
      const s = v.replace(TRIM, "");
      return NUMBER.test(s) ? s : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The fields of one export line (label first, then the features in order), or undefined
 * when the row is unusable: not JSON, no `Item` object, or an attribute that cannot train.
 * @param {string} line
 * @param {{ label: string, features: string[] }} mapping
 * @returns {string[] | undefined}
 */
function exportRow(line, mapping) {
  let parsed;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !hasOwn(parsed, "Item") || !isObject(parsed.Item)) return undefined;
  const item = parsed.Item;
  const fields = [];
  for (const name of [mapping.label, ...mapping.features]) {
    const field = hasOwn(item, name) ? exportField(item[name]) : undefined;
    if (field === undefined) return undefined;
    fields.push(field);
  }
  return fields;
}

/**
 * One data file of a DynamoDB table export (DYNAMODB_JSON, already gunzipped) as CSV rows,
 * label first and no header, for `splitDataset(..., { hasHeader: false })`. Empty lines are
 * skipped; unusable lines are counted in `dropped`, as splitDataset counts bad CSV rows.
 *
 * Format: "DynamoDB table export output format", Amazon DynamoDB Developer Guide,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html
 * (AWSDynamoDB/<ExportId>/data/*.json.gz, one {"Item": {...}} per line, with the manifests
 * and _started beside data/).
 * @param {string} text
 * @param {{ label: string, features: string[] }} mapping
 * @returns {{ csv: string, rows: number, dropped: number }}
 */
function exportRows(text, mapping) {
  const rows = [];
  let dropped = 0;
  for (const line of text.split(LINE_BREAK)) {
    if (BLANK.test(line)) continue;
    const fields = exportRow(line, mapping);
    if (fields === undefined) dropped++;
    else rows.push(fields.join(","));
  }
  return { csv: rows.map((r) => r + "\n").join(""), rows: rows.length, dropped };
}

module.exports = { splitDataset, featuresOnly, checkMapping, exportRow, exportRows, NUMBER };
