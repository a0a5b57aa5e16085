/**
 * Small helpers shared by the rules. The pack imports only `@pulumi/policy`, not
 * `@pulumi/aws`: rules match resources by type token, which keeps the pack fast to
 * start and independent of the provider version a program uses.
 */
import { PolicyConfigSchema, ResourceValidation, ResourceValidationArgs, ReportViolation, UnknownValueError } from "@pulumi/policy";
import { schemaDefaults } from "./policyConfig";

/** Type tokens the rules look at (with the pre-v7 names where they differ). */
export const TYPES = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketSse: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
  bucketVersioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  bucketPab: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
  bucketAcl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  kmsKey: ["aws:kms/key:Key"],
  endpointConfig: ["aws:sagemaker/endpointConfiguration:EndpointConfiguration"],
  model: ["aws:sagemaker/model:Model"],
  stateMachine: ["aws:sfn/stateMachine:StateMachine"],
  trainingJob: ["aws:sagemaker/trainingJob:TrainingJob"],
  notebookInstance: ["aws:sagemaker/notebookInstance:NotebookInstance"],
  domain: ["aws:sagemaker/domain:Domain"],
  dataQualityJobDefinition: ["aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"],
  monitoringSchedule: ["aws:sagemaker/monitoringSchedule:MonitoringSchedule"],
  flowDefinition: ["aws:sagemaker/flowDefinition:FlowDefinition"],
  scalingTarget: ["aws:appautoscaling/target:Target"],
  schedule: ["aws:scheduler/schedule:Schedule"],
  eventRule: ["aws:cloudwatch/eventRule:EventRule"],
  eventTarget: ["aws:cloudwatch/eventTarget:EventTarget"],
  topic: ["aws:sns/topic:Topic"],
  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
  lambda: ["aws:lambda/function:Function"],
  glueJob: ["aws:glue/job:Job"],
  glueSecurityConfiguration: ["aws:glue/securityConfiguration:SecurityConfiguration"],
  glueTrigger: ["aws:glue/trigger:Trigger"],
  /** Glue components that take a security configuration (Checkov CKV_AWS_195's list). */
  glueSecured: ["aws:glue/job:Job", "aws:glue/crawler:Crawler", "aws:glue/devEndpoint:DevEndpoint"],
  iamPolicyDocuments: [
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    // IAM Identity Center: a permission set's inline policy (`inlinePolicy`), an identity policy for every account it is assigned to.
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
  ],
  iamRole: ["aws:iam/role:Role"],
  /** Resources that carry a resource-based policy (`policy`), and Lambda permissions. */
  resourcePolicies: [
    "aws:s3/bucketPolicy:BucketPolicy",
    // Inline `policy` inputs (CKV_AWS_70 reads the bucket's): the classic bucket resources take one too.
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topic:Topic",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/queue:Queue",
    "aws:kms/key:Key",
    "aws:secretsmanager/secretPolicy:SecretPolicy",
    "aws:secretsmanager/secret:Secret",
    "aws:lambda/permission:Permission",
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
    "aws:glue/resourcePolicy:ResourcePolicy",
  ],
  iamAttachments: [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
  ],
} as const;

/** A resource validation that applies to some type tokens only (others: not applicable). */
export function forTypes(types: readonly string[], validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void): ResourceValidation {
  return (args, report) => {
    if (!types.includes(args.type)) args.notApplicable();
    validate(args.props, args, report);
  };
}

/** Parses a JSON document that a property holds as a string or an object. */
export function parseDocument(value: unknown): any {
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value;
}

export const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * A value the engine sent, as text: what `String(value)` gives for strings, numbers, booleans,
 * null and lists of them, and an object as its JSON. Never `String(value)` itself on data: an
 * object whose `toString` member is not a function (valid wire data, `{"toString": 0}`) makes
 * that throw, and a rule must report, not crash.
 */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? "" : shown(v))).join(",");
  if (value === null || typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return "[object]";
  }
}

/** `Number(value)`, except that a value it cannot convert (an object whose toString or valueOf is not a function) is NaN, not a throw. */
export function numeric(value: unknown): number {
  try {
    return Number(value);
  } catch {
    return NaN;
  }
}

/** A readable name for messages. */
export function describe(args: { type: string; name: string }): string {
  return `${args.type.split(":").pop()} "${args.name}"`;
}

/** Marks a value that is set but not known yet (an output of a resource still to be created). */
export const UNKNOWN: unique symbol = Symbol("unknown until deployed");

/**
 * The checks of a stack rule, deferred one by one when a value they read is unknown at preview:
 * every other check still reaches its verdict, and `done()` then throws the error the server
 * turns into its advisory "can't run … during preview", naming what waited.
 */
export function deferrals() {
  const deferred: string[] = [];
  let first: Error | undefined;
  return {
    /** Runs a check; when it reads an unknown value, records `what` (with the unknown's message when `withCause`) and gives undefined. */
    check<T>(what: string, run: () => T, withCause = false): T | undefined {
      try {
        return run();
      } catch (e) {
        if (!(e instanceof UnknownValueError)) throw e;
        deferred.push(withCause ? `${what} (${(e as Error).message})` : what);
        first ??= e as Error;
        return undefined;
      }
    },
    /** Records a check that waits for another deferred value (no unknown read of its own). */
    wait(what: string): void {
      deferred.push(what);
    },
    /** How many checks have waited so far. */
    get count(): number {
      return deferred.length;
    },
    done(): void {
      if (deferred.length === 0) return;
      const error = first ?? new UnknownValueError("a value is unknown during preview");
      error.message = `checks that need values known only after deployment: ${deferred.join("; ")}`;
      throw error;
    },
  };
}

/**
 * Reads a property that may be unknown during preview. Reading an unknown through the
 * server's proxy throws and skips the whole policy ("can't run during preview"); a rule
 * that only needs to know that a value is *set* (a KMS key given as another resource's
 * ARN) reads it with this and still reaches a verdict at the first preview.
 */
export function read(obj: any, key: string): any {
  try {
    return obj?.[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/**
 * The policy's config with its schema's defaults filled in. The Pulumi CLI fills
 * them before `Configure`, but the analyzer server itself does not: a pack run by
 * another host, or a policy missing from the config file, would otherwise see `{}`.
 */
export function configOf<T>(args: { getConfig<C extends object>(): C }, schema: PolicyConfigSchema | undefined): T {
  return { ...schemaDefaults(schema), ...(args.getConfig<Record<string, unknown>>() ?? {}) } as T;
}

