"use strict";
/**
 * Pure preprocessing logic, shared by the Lambda handler and its tests: turns raw CSV
 * into the train/validation CSV that SageMaker's built-in XGBoost reads (label in the
 * first column, no header).
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

module.exports = { splitDataset, featuresOnly };
