/**
 * RegisterModel: every model that passes the gate becomes a version of the stack's model
 * package group, with the run's metrics (written to artifacts/metrics/<run>/ with the
 * stack key) and a description naming the run. With approval "auto" it is registered
 * Approved and the run goes on to deploy it; with "manual" it is registered
 * PendingManualApproval and the run ends there, after saying so: approving the package
 * starts the run that deploys it (see routeRun.ts).
 *
 * CreateModelPackage has no optimized integration: the AWS SDK integration calls it.
 */
import { keyUseStatement } from "../../lib/iamPolicy";
import { REGISTERED_ARTIFACTS } from "../../stacks/model";
import { S3_SDK_RETRY, SAGEMAKER_SDK_WRITE_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { State } from "../asl";
import { failState, integration, isString, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";

/** Sets $.summary.text, what the deployed notification says about the model (this run's metric). */
const SUMMARY = "Summarize";

/**
 * A shared group's versions (registry.shareWith) point at a copy of the artifact under
 * `registered/`, made with a CRC64NVME checksum: the consumers' grants cover that prefix
 * only, and each copies exactly that object version and compares the checksum S3 computes
 * for its own copy (tasks/copyArtifact.ts). CopyObject copies at most 5 GB in one request
 * (S3 API reference, CopyObject).
 */
function registeredArtifactStates(spec: WorkflowSpec): Record<string, State> {
  const { models } = spec.bucket.prefixes;
  const trained = `States.Format('${models}{}/output/model.tar.gz', $.training.TrainingJobName)`;
  return {
    LocateTrainedArtifact: {
      Type: "Pass",
      Comment: "Where SageMaker writes a training job's model (<S3OutputPath>/<job>/output/model.tar.gz), and where the registered copy goes",
      Parameters: {
        "trainedKey.$": trained,
        "trainedUri.$": `States.Format('s3://${spec.bucket.name}/${models}{}/output/model.tar.gz', $.training.TrainingJobName)`,
        "key.$": `States.Format('${models}${REGISTERED_ARTIFACTS}{}/model.tar.gz', $.run.id)`,
      },
      ResultPath: "$.artifact",
      Next: "IsTrainedArtifactWhereExpected",
    },
    IsTrainedArtifactWhereExpected: {
      Type: "Choice",
      Choices: [
        { And: [isString("$.training.ModelArtifacts.S3ModelArtifacts"), { Variable: "$.training.ModelArtifacts.S3ModelArtifacts", StringEqualsPath: "$.artifact.trainedUri" }], Next: "CopyArtifactForRegistry" },
        // The cause names the path it read only when it is there: a format of an absent path is an uncatchable runtime error.
        { ...isString("$.training.ModelArtifacts.S3ModelArtifacts"), Next: "RecordUnexpectedArtifact" },
      ],
      Default: "RecordNoTrainedArtifact",
    },
    RecordNoTrainedArtifact: failState("UnexpectedModelArtifact", { format: "States.Format('the training job reported no model artifact (expected {}); nothing was registered', $.artifact.trainedUri)" }),
    RecordUnexpectedArtifact: failState("UnexpectedModelArtifact", { format: "States.Format('the training job wrote its model to {}, not {}; nothing was registered', $.training.ModelArtifacts.S3ModelArtifacts, $.artifact.trainedUri)" }),
    CopyArtifactForRegistry: task(
      integration(spec.partition, "aws-sdk:s3:copyObject"),
      {
        Bucket: spec.bucket.name,
        "Key.$": "$.artifact.key",
        "CopySource.$": `States.Format('${spec.bucket.name}/{}', $.artifact.trainedKey)`,
        ChecksumAlgorithm: "CRC64NVME",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: spec.key.aliasArn,
        ExpectedBucketOwner: spec.accountId,
        ExpectedSourceBucketOwner: spec.accountId,
      },
      // The whole result: a ResultSelector path to an absent member would be an uncatchable States.Runtime error.
      { Comment: "The registered copy, with the checksum its consumers compare", ResultPath: "$.artifact.copy", TimeoutSeconds: 900, Retry: S3_SDK_RETRY, Next: "HasRegisteredChecksum" },
    ),
    HasRegisteredChecksum: {
      Type: "Choice",
      Choices: [{ And: [isString("$.artifact.copy.CopyObjectResult.ChecksumCRC64NVME"), isString("$.artifact.copy.VersionId")], Next: "WriteModelMetrics" }],
      Default: "RecordNoRegisteredChecksum",
    },
    RecordNoRegisteredChecksum: failState("NoArtifactChecksum", { format: "States.Format('S3 returned no CRC64NVME checksum or version for the registered copy {}; nothing was registered', $.artifact.key)" }),
  };
}

export function registerModel(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const { metrics, models } = spec.bucket.prefixes;
  const objective = spec.training.objective;
  const metricsKey = `States.Format('${metrics}{}/metrics.json', $.run.id)`;
  const auto = spec.registry.approval === "auto";
  const shared = spec.promotion.sharing !== undefined;
  const keys = spec.promotion.metadataKeys;
  const states = {
    ...(shared ? registeredArtifactStates(spec) : {}),
    WriteModelMetrics: task(
      integration(spec.partition, "aws-sdk:s3:putObject"),
      {
        Bucket: spec.bucket.name,
        "Key.$": metricsKey,
        "Body.$": "States.JsonToString($.training.FinalMetricDataList)",
        ContentType: "application/json",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: spec.key.aliasArn,
      },
      { Comment: "The run's metrics, as the model package's model-quality statistics", ResultPath: null, TimeoutSeconds: 60, Retry: S3_SDK_RETRY, Next: "RegisterModel" },
    ),
    RegisterModel: task(
      integration(spec.partition, "aws-sdk:sagemaker:createModelPackage"),
      {
        ModelPackageGroupName: spec.registry.groupName,
        "ModelPackageDescription.$": `States.Format('Run {}: ${objective.metric} = {} (training job {})', $.run.execution, $.objective.matches[0].Value, $.run.trainingJobName)`,
        InferenceSpecification: {
          Containers: [{ Image: spec.endpoint.image, "ModelDataUrl.$": shared ? `States.Format('s3://${spec.bucket.name}/{}', $.artifact.key)` : "$.training.ModelArtifacts.S3ModelArtifacts" }],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
        ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", "S3Uri.$": `States.Format('s3://${spec.bucket.name}/${metrics}{}/metrics.json', $.run.id)` } } },
        ModelApprovalStatus: auto ? "Approved" : "PendingManualApproval",
        // The package carries its drift profile (monitoring/drift.py), so drift is checked against it whenever it serves.
        ...(spec.drift ? { DriftCheckBaselines: { ModelDataQuality: { Statistics: { ContentType: "application/json", "S3Uri.$": "$.baselines.statistics" } } } } : {}),
        CustomerMetadataProperties: {
          "ml-pipeline:run.$": "$.run.execution",
          "ml-pipeline:training-job.$": "$.run.trainingJobName",
          // What a consumer copies and checks (tasks/copyArtifact.ts).
          ...(shared
            ? { [`${keys.artifactKey}.$`]: "$.artifact.key", [`${keys.artifactVersion}.$`]: "$.artifact.copy.VersionId", [`${keys.artifactChecksum}.$`]: "$.artifact.copy.CopyObjectResult.ChecksumCRC64NVME", [keys.image]: spec.endpoint.image }
            : {}),
        },
        // A retried call with the same token returns the same version instead of a second one.
        "ClientToken.$": "$.run.id",
        Tags: workflowTags(spec.jobPrefix),
      },
      {
        ResultSelector: { "ModelPackageArn.$": "$.ModelPackageArn" },
        ResultPath: "$.registry",
        TimeoutSeconds: 60,
        Retry: SAGEMAKER_SDK_WRITE_RETRY,
        Next: auto ? SUMMARY : "NotifyPendingApproval",
      },
    ),
    ...(auto
      ? {
          [SUMMARY]: {
            Type: "Pass" as const,
            Parameters: { "text.$": `States.Format('${objective.metric} = {}, model package {}', $.objective.matches[0].Value, $.registry.ModelPackageArn)` },
            ResultPath: "$.summary",
            Next: wiring.next,
          },
        }
      : {
          NotifyPendingApproval: publish(
            spec,
            "model registered, pending approval",
            {
              "Message.$": `States.Format('Run {}: ${objective.metric} = {} meets the threshold. Model package {} awaits approval; approving it deploys it to ${spec.endpoint.name} (aws sagemaker update-model-package --model-package-name {} --model-approval-status Approved).', $.run.execution, $.objective.matches[0].Value, $.registry.ModelPackageArn, $.registry.ModelPackageArn)`,
            },
            "PendingApproval",
          ),
          PendingApproval: { Type: "Succeed" as const, Comment: "Registered; a person approves (or rejects) the package" },
        }),
  };
  return {
    entry: shared ? "LocateTrainedArtifact" : "WriteModelMetrics",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      { Sid: "WriteModelMetrics", Effect: "Allow", Action: "s3:PutObject", Resource: spec.bucket.objectArn(`${metrics}*`) },
      ...(shared
        ? [
            { Sid: "ReadTrainedArtifacts", Effect: "Allow" as const, Action: "s3:GetObject", Resource: spec.bucket.objectArn(`${models}*`) },
            { Sid: "WriteRegisteredArtifacts", Effect: "Allow" as const, Action: "s3:PutObject", Resource: spec.bucket.objectArn(`${models}${REGISTERED_ARTIFACTS}*`) },
          ]
        : []),
      keyUseStatement("UseStackKey", ["kms:GenerateDataKey", "kms:Decrypt"], spec.key),
      {
        Sid: "UseModelRegistry",
        Effect: "Allow",
        Action: ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:AddTags"],
        Resource: [spec.registry.groupArn, spec.registry.packageArns],
      },
      ...(auto ? [] : publishStatements(spec)),
    ],
  };
}

