"use strict";
/**
 * Lambda entry point: binds the preprocessing handler to S3 through the AWS SDK v3
 * that the nodejs22.x runtime provides. Objects are written with the bucket's
 * default encryption (SSE-KMS with the stack key). CSV objects are read as text, the
 * .json.gz data files of a DynamoDB table export (event.source) as bytes.
 */
const { S3Client, ListObjectsV2Command, GetObjectCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
const { makeHandler } = require("./handler");

const s3 = new S3Client({});

const store = {
  async listKeys(bucket, prefix) {
    const keys = [];
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) keys.push(o.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  },
  async getText(bucket, key) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return res.Body.transformToString();
  },
  async getBytes(bucket, key) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return res.Body.transformToByteArray();
  },
  async putText(bucket, key, body) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "text/csv" }));
  },
};

exports.handler = makeHandler(store, {
  validationFraction: Number(process.env.VALIDATION_FRACTION ?? "0.2"),
  hasHeader: (process.env.RAW_HAS_HEADER ?? "true") === "true",
});
