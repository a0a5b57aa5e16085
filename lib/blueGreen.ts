/**
 * SageMaker blue/green deployment of the instance endpoint, defined once: Pulumi declares
 * it on the endpoint (created with it), and the workflow sends it with every UpdateEndpoint.
 * Shared by the InferenceEndpoint component and the deploy task; owned by neither.
 */
import { InstanceEndpointConfig } from "../stacks/configSchema";
import { PolicyStatement } from "./iamPolicy";

/** `DeploymentConfig` in the SageMaker API's member names (what UpdateEndpoint takes). */
export interface DeploymentConfig {
  BlueGreenUpdatePolicy: {
    TrafficRoutingConfiguration: {
      Type: string;
      WaitIntervalInSeconds: number;
      CanarySize?: { Type: string; Value: number };
      LinearStepSize?: { Type: string; Value: number };
    };
    TerminationWaitInSeconds: number;
    MaximumExecutionTimeoutInSeconds: number;
  };
  AutoRollbackConfiguration: { Alarms: { AlarmName: string }[] };
}

/** Traffic shifting per the stack config, rolling back when any of `rollbackAlarms` fires. */
export function deploymentConfig(hosting: InstanceEndpointConfig, rollbackAlarms: string[]): DeploymentConfig {
  const d = hosting.deployment;
  const step = { Type: "CAPACITY_PERCENT", Value: d.stepPercent };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        Type: d.trafficRouting,
        WaitIntervalInSeconds: d.waitIntervalSeconds,
        ...(d.trafficRouting === "CANARY" ? { CanarySize: step } : {}),
        ...(d.trafficRouting === "LINEAR" ? { LinearStepSize: step } : {}),
      },
      TerminationWaitInSeconds: d.terminationWaitSeconds,
      MaximumExecutionTimeoutInSeconds: d.maximumExecutionTimeoutSeconds,
    },
    AutoRollbackConfiguration: { Alarms: rollbackAlarms.map((AlarmName) => ({ AlarmName })) },
  };
}

/** A value with the API's PascalCase member names in the AWS provider's camelCase (`WaitIntervalInSeconds` → `waitIntervalInSeconds`). */
export function providerShape<T>(value: T): unknown {
  if (Array.isArray(value)) return value.map(providerShape);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), providerShape(v)]));
  }
  return value;
}

/**
 * Blue/green with auto-rollback: "ensure that your execution role has permission to perform
 * the DescribeAlarms action on the auto-rollback alarms you specify" (SageMaker Developer
 * Guide, "Auto-Rollback Configuration and Monitoring"). The page does not say which role; the
 * caller of UpdateEndpoint (the state machine) and the endpoint's execution role both get it,
 * on those alarms only.
 */
export function readRollbackAlarmsStatement(alarmArns: string[]): PolicyStatement {
  return { Sid: "ReadRollbackAlarms", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: alarmArns };
}
