/**
 * The Pulumi program: read and validate the stack's config (nothing is declared when it
 * is invalid), learn the account, then declare the pipeline from the stack model.
 * An async main, as Pulumi runs it: the account id is a plain value from here on, so every
 * name, ARN and IAM document is a known string (stacks/model.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { stackConfigFromPulumi } from "./stacks/load";
import { declarePipeline } from "./components/mlPipeline";

export = async () => {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const config = stackConfigFromPulumi(project, stack);
  const { accountId } = await aws.getCallerIdentity();
  const pipeline = declarePipeline(project, config, { project, stack, accountId });
  const model = pipeline.model;
  const promoted = model.promotion.consumer;
  return {
    bucketName: pipeline.data.bucketName,
    kmsKeyArn: pipeline.data.keyArn,
    /** The endpoint's name; `endpointDeclared` says whether Pulumi declares it yet (docs/deploying.md, "Day one"). */
    endpointName: pipeline.endpoint.endpointName,
    endpointDeclared: pipeline.endpoint.declared !== undefined,
    stateMachineArn: model.stateMachine.arn,
    topicArn: model.topic.arn,
    executionLogGroup: pipeline.workflow.logGroup.name,
    retrainingSchedule: pipeline.schedule?.schedule.name ?? "off",
    /** Start a run by hand: train and deploy, or in a promoted stack (which trains nothing) deploy a version of the source. */
    startExecutionCommand: promoted
      ? `aws stepfunctions start-execution --state-machine-arn ${model.stateMachine.arn} --input '{"promotedModelPackageArn":"<model package version ARN>"}'`
      : `aws stepfunctions start-execution --state-machine-arn ${model.stateMachine.arn} --input '{"trigger":"manual"}'`,
    /** Where runs register their models, and who approves them (docs/workflow.md, "Model registry and approval"). */
    modelPackageGroup: promoted ? promoted.source.group.arn : model.modelRegistry.group.name,
    /** A promoted stack: the ModelLifeCycle stage that deploys here (docs/workflow.md, "Promotion across accounts"). */
    modelApproval: promoted ? `promoted: ModelLifeCycle stage ${promoted.stage}, status Approved${promoted.after.length > 0 ? `, after ${promoted.after.join(", ")}` : ""}` : config.registry.approval,
    /** Deploy an approved version by hand (the rollback): put its ARN in. */
    deployApprovedVersionCommand: `aws stepfunctions start-execution --state-machine-arn ${model.stateMachine.arn} --input '{"${promoted ? "promotedModelPackageArn" : "approvedModelPackageArn"}":"<model package version ARN>"}'`,
    /** The stack's dashboard, in the CloudWatch console. */
    dashboardUrl: `https://${config.region}.console.aws.amazon.com/cloudwatch/home?region=${config.region}#dashboards/dashboard/${model.dashboard.name}`,
    /** The data-quality schedule the workflow keeps pointed at the served model, or "off". */
    driftMonitoring: config.monitoring.drift.enabled ? model.monitoring.drift.stateMachine.name : "off",
    scheduledEvaluation: config.monitoring.evaluation.enabled ? model.monitoring.evaluation.stateMachine.name : "off",
  };
};
