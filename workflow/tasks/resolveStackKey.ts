/**
 * ResolveStackKey: `VolumeKmsKeyId` takes a key id or ARN, not an alias, and the key's ARN
 * carries a generated id unknown before the stack exists; resolve it from the alias at run
 * time (`$.key.arn`).
 */
import { keyUseStatement } from "../../lib/iamPolicy";
import { KMS_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { integration, task, taskSeconds, TaskModule, Wiring } from "./task";

export function resolveStackKey(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const states = {
    ResolveStackKey: task(
      integration(spec.partition, "aws-sdk:kms:describeKey"),
      { KeyId: spec.key.aliasName },
      {
        Comment: "VolumeKmsKeyId takes no alias: resolve the stack key's ARN",
        ResultSelector: { "arn.$": "$.KeyMetadata.Arn" },
        ResultPath: "$.key",
        TimeoutSeconds: 60,
        Retry: KMS_RETRY,
        Next: wiring.next,
      },
    ),
  };
  return { entry: "ResolveStackKey", states, timeoutSeconds: taskSeconds(states), stateMachineStatements: [keyUseStatement("UseStackKey", ["kms:DescribeKey"], spec.key)] };
}
