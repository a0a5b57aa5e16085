"use strict";
/**
 * The preprocessing step, independent of the AWS SDK so that it is tested with an
 * in-memory store. `index.js` binds it to S3.
 */
const { splitDataset, featuresOnly } = require("./transform");

class NoRawDataError extends Error {
  constructor(message) {
    super(message);
    this.name = "NoRawData";
  }
}

/**
 * @param {{ listKeys(bucket: string, prefix: string): Promise<string[]>, getText(bucket: string, key: string): Promise<string>, putText(bucket: string, key: string, body: string): Promise<void> }} store
 * @param {{ validationFraction?: number, hasHeader?: boolean }} [options]
 */
function makeHandler(store, options = {}) {
  return async function handler(event) {
    const { bucket, inputPrefix, outputPrefix } = event ?? {};
    for (const [name, value] of Object.entries({ bucket, inputPrefix, outputPrefix })) {
      if (typeof value !== "string" || value === "") throw new Error(`event.${name} must be a non-empty string`);
    }
    if (!outputPrefix.startsWith("processed/")) throw new Error(`event.outputPrefix must be under processed/, got ${outputPrefix}`);
    const keys = (await store.listKeys(bucket, inputPrefix)).filter((k) => k.endsWith(".csv"));
    if (keys.length === 0) throw new NoRawDataError(`no .csv objects under s3://${bucket}/${inputPrefix}`);
    const texts = await Promise.all(keys.map((k) => store.getText(bucket, k)));
    const { train, validation, counts } = splitDataset(texts, options);
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
