/**
 * Physical names of the stack's resources, derived from the name prefix (project and
 * stack by default). Deterministic so that the workflow definition, IAM statements
 * and policies can reference resources before they exist: at the first
 * `pulumi preview` of a new stack, names are known where generated ids are not.
 */
import * as pulumi from "@pulumi/pulumi";

export interface PhysicalNames {
  /** S3 bucket: the account id makes the global name unique across accounts. */
  bucket: pulumi.Output<string>;
  keyAlias: string;
  endpoint: string;
  endpointRole: string;
  trainingRole: string;
  preprocessingRole: string;
  preprocessingFunction: string;
  stateMachine: string;
  stateMachineRole: string;
  schedulerRole: string;
  schedule: string;
  newDataRule: string;
  newDataRole: string;
  topic: string;
  /** Dead-letter queue of the schedule and new-data trigger. */
  triggerDeadLetterQueue: string;
  /** Prefix of every SageMaker job, model and endpoint config the workflow creates. */
  jobPrefix: string;
}

export function physicalNames(prefix: string, accountId: pulumi.Input<string>): PhysicalNames {
  return {
    bucket: pulumi.interpolate`${prefix}-data-${accountId}`,
    keyAlias: `${prefix}-data`,
    endpoint: `${prefix}-endpoint`,
    endpointRole: `${prefix}-endpoint-role`,
    trainingRole: `${prefix}-training-role`,
    preprocessingRole: `${prefix}-preprocess-role`,
    preprocessingFunction: `${prefix}-preprocess`,
    stateMachine: `${prefix}-pipeline`,
    stateMachineRole: `${prefix}-pipeline-role`,
    schedulerRole: `${prefix}-schedule-role`,
    schedule: `${prefix}-retrain`,
    newDataRule: `${prefix}-new-data`,
    newDataRole: `${prefix}-new-data-role`,
    topic: `${prefix}-notifications`,
    triggerDeadLetterQueue: `${prefix}-trigger-dead-letters`,
    jobPrefix: prefix,
  };
}

/** Names of the alarms SageMaker watches to roll back a blue/green update of an endpoint. */
export function rollbackAlarmNames(endpointName: string): { errors5xx: string; modelLatency: string } {
  return { errors5xx: `${endpointName}-invocation-5xx`, modelLatency: `${endpointName}-model-latency` };
}
