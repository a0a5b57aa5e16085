/**
 * The Pulumi program: read and validate the stack's config (nothing is declared
 * when it is invalid), then declare the pipeline.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ConfigError, resolveStackConfig } from "./stacks/load";
import { MlPipeline } from "./components/mlPipeline";
import { partitionOf, standardTags } from "./components/shared/context";

const project = pulumi.getProject();
const stack = pulumi.getStack();

function loadConfig() {
  const prefix = `${project}:`;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) values[key.slice(prefix.length)] = value;
  }
  try {
    return resolveStackConfig({ project, stack, region: new pulumi.Config("aws").get("region"), values });
  } catch (e) {
    // RunError: Pulumi prints the message alone, without a stack trace.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const config = loadConfig();
const identity = aws.getCallerIdentityOutput();
const pipeline = new MlPipeline(project, {
  config,
  context: { accountId: identity.accountId, region: config.region, partition: partitionOf(config.region) },
  tags: standardTags(project, stack, config.tags),
});

export const bucketName = pipeline.data.bucketName;
export const kmsKeyArn = pipeline.data.keyArn;
/** The endpoint's name; `endpointDeclared` says whether Pulumi declares it yet (README, "Day one"). */
export const endpointName = pipeline.endpoint?.endpointName ?? pipeline.names.endpoint;
export const endpointDeclared = pipeline.endpoint !== undefined;
export const stateMachineArn = pipeline.workflow.stateMachineArn;
export const topicArn = pipeline.notifications.topicArn;
export const executionLogGroup = pipeline.workflow.logGroup.name;
export const retrainingSchedule = pipeline.schedule?.schedule.name ?? "off";
/** Start a run by hand. */
export const startExecutionCommand = pulumi.interpolate`aws stepfunctions start-execution --state-machine-arn ${stateMachineArn} --input '{"trigger":"manual"}'`;
