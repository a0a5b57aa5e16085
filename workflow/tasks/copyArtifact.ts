/**
 * CopyArtifact (a promoted stack): the version's artifact, copied from the source's bucket
 * into this stack's own, under its own key, before anything deploys it. An endpoint reads
 * its model whenever an instance starts (scaling out, replacing an instance, a blue/green
 * update), so serving from the source's bucket would make this stage's availability depend
 * on the source account's bucket, key and lifecycle; the copy is read once, at promotion.
 *
 * The copy names the exact object version the source registered and must come back with
 * the CRC64NVME checksum the source recorded for it; a copy whose checksum differs is
 * deleted and the run fails: what serves is byte for byte what the source registered.
 */
import { keyUseStatement } from "../../lib/iamPolicy";
import { PROMOTED_ARTIFACTS } from "../../stacks/model";
import { S3_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { State } from "../asl";
import { failState, integration, isString, task, taskSeconds, TaskModule, Wiring } from "./task";

export function copyArtifact(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const consumer = spec.promotion.consumer;
  if (!consumer) return undefined;
  const { source } = consumer;
  const keys = spec.promotion.metadataKeys;
  const metadata = (key: string) => `$.package.CustomerMetadataProperties.${key}`;
  const promoted = `${spec.bucket.prefixes.models}${PROMOTED_ARTIFACTS}`;
  const states: Record<string, State> = {
    CopyArtifact: task(
      integration(spec.partition, "aws-sdk:s3:copyObject"),
      {
        Bucket: spec.bucket.name,
        "Key.$": `States.Format('${promoted}{}/model.tar.gz', $.run.id)`,
        "CopySource.$": `States.Format('${source.bucket.name}/{}?versionId={}', ${metadata(keys.artifactKey)}, ${metadata(keys.artifactVersion)})`,
        // The source's bucket must belong to the source account (a bucket of that name elsewhere is refused).
        ExpectedSourceBucketOwner: source.accountId,
        ExpectedBucketOwner: spec.accountId,
        ChecksumAlgorithm: "CRC64NVME",
        // The source object's tags are not copied (reading them would need s3:GetObjectTagging across accounts).
        TaggingDirective: "REPLACE",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: spec.key.aliasArn,
      },
      // The whole result: a ResultSelector path to an absent member would be an uncatchable States.Runtime error.
      { Comment: "The registered artifact, into this stack's bucket under its key", ResultPath: "$.copy", TimeoutSeconds: 900, Retry: S3_SDK_RETRY, Next: "ChecksumMatches" },
    ),
    ChecksumMatches: {
      Type: "Choice",
      Choices: [
        {
          And: [isString("$.copy.CopyObjectResult.ChecksumCRC64NVME"), { Variable: "$.copy.CopyObjectResult.ChecksumCRC64NVME", StringEqualsPath: metadata(keys.artifactChecksum) }],
          Next: "UsePromotedArtifact",
        },
      ],
      Default: "DeleteMismatchedCopy",
    },
    DeleteMismatchedCopy: task(
      integration(spec.partition, "aws-sdk:s3:deleteObject"),
      { Bucket: spec.bucket.name, "Key.$": `States.Format('${promoted}{}/model.tar.gz', $.run.id)`, ExpectedBucketOwner: spec.accountId },
      { Comment: "Nothing that failed the check stays where an endpoint could be pointed at it", ResultPath: null, TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: "WasChecksumReturned" },
    ),
    // The cause quotes the copy's checksum only when S3 returned one: a format of an absent path is an uncatchable runtime error.
    WasChecksumReturned: { Type: "Choice", Choices: [{ ...isString("$.copy.CopyObjectResult.ChecksumCRC64NVME"), Next: "RecordChecksumMismatch" }], Default: "RecordNoCopyChecksum" },
    RecordNoCopyChecksum: failState("ArtifactChecksumMismatch", { format: `States.Format('S3 returned no CRC64NVME checksum for the copy of {}, so it cannot be compared with the registered {}; the copy was deleted and nothing was deployed', $.package.ModelPackageArn, ${metadata(keys.artifactChecksum)})` }),
    RecordChecksumMismatch: failState("ArtifactChecksumMismatch", { format: `States.Format('the copy of {} has CRC64NVME checksum {}, and the source registered {}; the copy was deleted and nothing was deployed', $.package.ModelPackageArn, $.copy.CopyObjectResult.ChecksumCRC64NVME, ${metadata(keys.artifactChecksum)})` }),
    UsePromotedArtifact: {
      Type: "Pass",
      Comment: "Where the deploy states read the model, the package and the summary, as an approval run leaves them",
      Parameters: {
        "run.$": "$.run",
        "key.$": "$.key",
        registry: { "ModelPackageArn.$": "$.package.ModelPackageArn" },
        model: {
          "image.$": "$.package.InferenceSpecification.Containers[0].Image",
          "dataUrl.$": `States.Format('s3://${spec.bucket.name}/${promoted}{}/model.tar.gz', $.run.id)`,
        },
        summary: { "text.$": `States.Format('model package {} of account ${source.accountId}, promoted to ${consumer.stage}', $.package.ModelPackageArn)` },
      },
      Next: wiring.next,
    },
  };
  return {
    entry: "CopyArtifact",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      // Allowed by the source's bucket and key policies too (components/dataBucket.ts): both must allow across accounts.
      { Sid: "ReadSourceArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: source.bucket.modelArtifactArns },
      {
        ...keyUseStatement("DecryptSourceArtifacts", ["kms:Decrypt"], source.key),
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": source.key.aliasName }, StringEquals: { "kms:ViaService": `s3.${spec.region}.amazonaws.com` } },
      },
      { Sid: "WritePromotedArtifacts", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: spec.bucket.objectArn(`${promoted}*`) },
      keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
    ],
  };
}
