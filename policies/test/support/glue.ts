/** Builders of Glue resources and of definitions that start Glue runs, shared by the Glue rules' and the cost tests. */
import { estimateMonthlyCost } from "../../cost/estimator";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";

/** A compliant Glue job "prep" (10 × G.1X, 60 minutes, security configuration "sec"). */
export const job = (props: Record<string, unknown> = {}) => ({
  type: "aws:glue/job:Job",
  name: "prep",
  urn: "urn:job",
  props: { name: "prep", roleArn: "arn:aws:iam::123456789012:role/r", glueVersion: "5.0", workerType: "G.1X", numberOfWorkers: 10, timeout: 60, securityConfiguration: "sec", command: { name: "glueetl" }, ...props },
});

/** A security configuration that encrypts S3, CloudWatch Logs and job bookmarks with a KMS key. */
export const securityConfiguration = (enc: Record<string, unknown> = {}, name = "sec") => ({
  type: "aws:glue/securityConfiguration:SecurityConfiguration",
  name,
  urn: `urn:${name}`,
  props: {
    name,
    encryptionConfiguration: {
      s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
      cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY },
      ...enc,
    },
  },
});

/** A state machine "pipeline" with these states. */
export const machine = (states: Record<string, unknown>) => ({
  type: "aws:sfn/stateMachine:StateMachine",
  name: "pipeline",
  urn: "urn:sm",
  props: { name: "pipeline", definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }) },
});

/** A Task state that starts the job "prep" with these parameters. */
export const glueRun = (parameters: Record<string, unknown>, resource = "arn:aws:states:::glue:startJobRun.sync") => ({ Type: "Task", Resource: resource, Parameters: { JobName: "prep", ...parameters }, End: true });

/** A schedule that starts the pipeline once a day. */
export const schedule = { type: "aws:scheduler/schedule:Schedule", name: "s", urn: "urn:s", props: { scheduleExpression: "rate(1 day)", target: { arn: "arn:aws:states:us-east-1:1:stateMachine:pipeline" } } };

/** The cost estimate of these resources. */
export const line = (resources: any[], options = {}) => estimateMonthlyCost(resources, options);
