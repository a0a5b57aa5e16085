/** Runs this project's program for a stack under mocks, with optional config overrides. */
import * as path from "path";
import { DeclaredResource, runProgram, RunResult } from "../../plan/src/engine/mockEngine";
import { readStackFiles, toConfigMap } from "../../plan/src/engine/stackFiles";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

/** A test-only program or config under test/fixtures. */
export const fixture = (name: string) => path.join(PROJECT_DIR, "test", "fixtures", name);

export interface StackRun extends RunResult {
  /** All custom resources of a type token, e.g. `aws:s3/bucket:Bucket`. */
  ofType(type: string): DeclaredResource[];
  /** The single resource of a type; fails when there is not exactly one. */
  one(type: string): DeclaredResource;
  /** The resource with this logical name; fails when absent. */
  named(name: string): DeclaredResource;
}

/**
 * `overrides` replaces whole keys of the stack file (`{ "ml-pipeline:endpoint": {...} }`);
 * `null` removes a key.
 */
export async function runStack(stack: string, overrides: Record<string, unknown> = {}, firstPreview = false): Promise<StackRun> {
  const files = readStackFiles(PROJECT_DIR, stack);
  const config = { ...files.config };
  for (const [key, value] of Object.entries(toConfigMap(files.project, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== null))))) {
    config[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) if (value === null) delete config[key];
  const result = await runProgram({ programDir: PROJECT_DIR, project: files.project, stack, config, firstPreview });
  return withLookups(result);
}

export function withLookups(result: RunResult): StackRun {
  const ofType = (type: string) => result.resources.filter((r) => r.type === type);
  return {
    ...result,
    ofType,
    one(type: string) {
      const found = ofType(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
    named(name: string) {
      const found = result.resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; have ${result.resources.map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

/** Parses an IAM/ASL JSON string input. */
export function json<T = any>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${JSON.stringify(value)}`);
  return JSON.parse(value) as T;
}

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  model: "aws:sagemaker/model:Model",
  endpointConfig: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  lambda: "aws:lambda/function:Function",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  schedule: "aws:scheduler/schedule:Schedule",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
} as const;

/** An IAM statement as the tests read it back from a declared policy document. */
export type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: any; Principal?: unknown };
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The statements of the policy document a named resource declares. */
export const statementsOf = (run: StackRun, resourceName: string): Statement[] => json(run.named(resourceName).inputs.policy).Statement;

const asDeclared = new Map<string, Promise<StackRun>>();
/**
 * The stack exactly as its stack file declares it (at a first preview, with `firstPreview`:
 * no computed outputs), run once per test process and shared by the test files that only
 * read it (the result is plain data).
 */
export function stackAsDeclared(stack: string, firstPreview = false): Promise<StackRun> {
  const key = `${stack}${firstPreview ? " (first preview)" : ""}`;
  if (!asDeclared.has(key)) asDeclared.set(key, runStack(stack, {}, firstPreview));
  return asDeclared.get(key)!;
}
