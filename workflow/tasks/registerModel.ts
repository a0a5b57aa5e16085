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
import { S3_SDK_RETRY, SAGEMAKER_SDK_WRITE_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { integration, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";

/** Sets $.summary.text, what the deployed notification says about the model (this run's metric). */
const SUMMARY = "Summarize";

export function registerModel(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const { metrics } = spec.bucket.prefixes;
  const objective = spec.training.objective;
  const metricsKey = `States.Format('${metrics}{}/metrics.json', $.run.id)`;
  const auto = spec.registry.approval === "auto";
  const states = {
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
          Containers: [{ Image: spec.endpoint.image, "ModelDataUrl.$": "$.training.ModelArtifacts.S3ModelArtifacts" }],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
        ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", "S3Uri.$": `States.Format('s3://${spec.bucket.name}/${metrics}{}/metrics.json', $.run.id)` } } },
        ModelApprovalStatus: auto ? "Approved" : "PendingManualApproval",
        // The package carries its drift profile (monitoring/drift.py), so drift is checked against it whenever it serves.
        ...(spec.drift ? { DriftCheckBaselines: { ModelDataQuality: { Statistics: { ContentType: "application/json", "S3Uri.$": "$.baselines.statistics" } } } } : {}),
        CustomerMetadataProperties: { "ml-pipeline:run.$": "$.run.execution", "ml-pipeline:training-job.$": "$.run.trainingJobName" },
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
    entry: "WriteModelMetrics",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      { Sid: "WriteModelMetrics", Effect: "Allow", Action: "s3:PutObject", Resource: spec.bucket.objectArn(`${metrics}*`) },
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

