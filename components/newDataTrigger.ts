/**
 * NewDataTrigger: starts the pipeline when a marker object (for example
 * `raw/2026-11-25/_READY`) is written under raw/. One run per marker rather than per
 * file: a data drop of many files would otherwise start many concurrent trainings.
 *
 * S3 sends its events to EventBridge once the bucket's EventBridge notifications are
 * on; this component declares that (a BucketNotification owns all of a bucket's
 * notification settings, so declare no other for this bucket).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DataBucketModel, Named } from "../stacks/model";
import { eventRuleToPipeline } from "./shared/eventRuleToPipeline";
import { StackContext } from "./shared/stackContext";

export interface NewDataTriggerArgs {
  /** The EventBridge rule's name and ARN (stack model). */
  rule: Named;
  role: Named;
  /** The data bucket (its name is known before it exists). */
  bucket: DataBucketModel;
  /** Key suffix of the marker object under raw/. */
  marker: string;
  stateMachineArn: string;
  /** Where an event that cannot start a run goes (KMS-encrypted SQS; its policy admits this rule). */
  deadLetterQueueArn: string;
  /** What the stack's components share: its scope, tags, key and log retention. */
  context: StackContext;
}

/** The EventBridge pattern: Object Created in this bucket, key <prefix>…<marker> (raw/ here; ground-truth/ for evaluations). */
export function markerEventPattern(bucketName: string, prefix: string, marker: string) {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucketName] }, object: { key: [{ wildcard: `${prefix}*${marker}` }] } },
  };
}

export class NewDataTrigger extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: NewDataTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:workflow:NewDataTrigger", name, {}, opts);
    new aws.s3.BucketNotification(`${name}-bucket-events`, { bucket: args.bucket.name, eventbridge: true }, { parent: this });

    // The S3 event itself is the execution input: a full run, with the event in the history.
    this.rule = eventRuleToPipeline(
      name,
      {
        ...args,
        description: `Starts the pipeline when raw/…${args.marker} is written`,
        pattern: markerEventPattern(args.bucket.name, args.bucket.prefixes.raw, args.marker),
      },
      this,
    );
    this.registerOutputs({ ruleName: this.rule.name });
  }
}
