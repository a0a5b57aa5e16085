/**
 * Encryption rules: S3 (SSE-KMS with a customer key, public access block, TLS-only
 * policy, versioning), KMS rotation, SageMaker endpoint configurations, the
 * encryption settings of SageMaker jobs inside Step Functions definitions, SNS topics,
 * CloudWatch log groups and Lambda environments.
 */
import { ResourceValidationPolicy, StackValidationPolicy, PolicyResource } from "@pulumi/policy";
import { hasLocalNvmeStorage } from "../facts/instanceTypes";
import { asArray, configOf, describe, forTypes, parseDocument, read, TYPES, UNKNOWN } from "../lib/resources";
import { INVALID_DEFINITION, isSet, jobsOf, jobSubject } from "../lib/sageMakerJobs";

/**
 * AWS-managed keys do not count as customer keys. They are always written as literal
 * aliases (`alias/aws/s3`); a key that is unknown at preview is another resource's
 * output, hence customer-managed.
 */
const isAwsManagedKey = (key: unknown) => typeof key === "string" && /alias\/aws\//.test(key);
/** Set, literally or as a value only known after deployment. */
const isGiven = (v: unknown) => v === UNKNOWN || (v !== undefined && v !== null && v !== "");

/** The bucket a sub-resource (policy, encryption, ...) refers to: by name or id. */
function refersTo(sub: PolicyResource, bucket: PolicyResource): boolean {
  const ref = sub.props.bucket;
  return ref !== undefined && (ref === bucket.props.bucket || ref === bucket.name);
}

function denyInsecureTransport(policy: unknown): boolean {
  const doc = parseDocument(policy);
  return asArray<any>(doc?.Statement).some((s) => {
    const v = s.Effect === "Deny" ? s.Condition?.Bool?.["aws:SecureTransport"] : undefined;
    return v === false || v === "false";
  });
}

export const s3BucketProtection: StackValidationPolicy = {
  name: "s3-bucket-encryption-and-access",
  description:
    "Every S3 bucket has SSE-KMS with a customer-managed key, a public access block with all four settings, a bucket policy denying non-TLS access, and versioning. Pairs each bucket with its separate configuration resources (@pulumi/aws v7). Counterparts: cdk-nag AwsSolutions-S1/S2/S10, Checkov CKV_AWS_18/19/20/21/53-56/145.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireVersioning: { type: "boolean", default: true },
      requireCustomerKey: { type: "boolean", default: true, description: "Reject SSE-S3 and the AWS-managed aws/s3 key" },
    },
  },
  validateStack: (args, report) => {
    const c = configOf<{ requireVersioning: boolean; requireCustomerKey: boolean }>(args, s3BucketProtection.configSchema);
    const of = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
    const sse = of(TYPES.bucketSse);
    const pabs = of(TYPES.bucketPab);
    const policies = of(TYPES.bucketPolicy);
    const versionings = of(TYPES.bucketVersioning);
    for (const bucket of of(TYPES.bucket)) {
      const where = `S3 bucket "${bucket.name}"`;
      const rules = [
        ...sse.filter((r) => refersTo(r, bucket)).flatMap((r) => asArray<any>(r.props.rules)),
        ...asArray<any>(bucket.props.serverSideEncryptionConfiguration?.rule),
      ];
      const kms = rules.map((r) => r.applyServerSideEncryptionByDefault).filter((d) => d && (d.sseAlgorithm === "aws:kms" || d.sseAlgorithm === "aws:kms:dsse"));
      if (kms.length === 0) {
        report(`${where} has no SSE-KMS default encryption; add a BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId.`, bucket.urn);
      } else if (c.requireCustomerKey && kms.every((d) => !isGiven(read(d, "kmsMasterKeyId")) || isAwsManagedKey(read(d, "kmsMasterKeyId")))) {
        report(`${where} uses SSE-KMS with the AWS-managed key; set kmsMasterKeyId to a customer-managed key.`, bucket.urn);
      }
      const pab = pabs.find((r) => refersTo(r, bucket));
      const missing = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => pab?.props[k] !== true);
      if (missing.length > 0) report(`${where}: the public access block ${pab ? `does not set ${missing.join(", ")}` : "is missing"}; add a BucketPublicAccessBlock with all four settings true.`, bucket.urn);
      const policy = policies.find((r) => refersTo(r, bucket));
      if (!policy || !denyInsecureTransport(policy.props.policy)) {
        report(`${where} has no bucket policy denying requests without TLS; add a Deny statement with Condition Bool aws:SecureTransport = "false".`, bucket.urn);
      }
      if (c.requireVersioning) {
        const v = versioningStatus(versionings.find((r) => refersTo(r, bucket)), bucket);
        if (v !== "Enabled") report(`${where} is not versioned (status ${v ?? "unset"}); add a BucketVersioning with status "Enabled".`, bucket.urn);
      }
    }
  },
};

function versioningStatus(resource: PolicyResource | undefined, bucket: PolicyResource): string | undefined {
  if (resource) return resource.props.versioningConfiguration?.status;
  const inline = bucket.props.versioning;
  return inline?.enabled === true ? "Enabled" : undefined;
}

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Symmetric customer-managed KMS keys rotate. Remediates by turning rotation on. Counterparts: Checkov CKV_AWS_7, cdk-nag KMS5.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.kmsKey, (props, args, report) => {
    const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable("only symmetric keys rotate automatically");
    if (props.enableKeyRotation !== true) report(`${describe(args)} does not rotate; set enableKeyRotation: true.`);
  }),
  remediateResource: (args) => {
    if (!TYPES.kmsKey.includes(args.type as never)) return undefined;
    const spec = args.props.customerMasterKeySpec ?? args.props.keySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT" || args.props.enableKeyRotation === true) return undefined;
    return { ...args.props, enableKeyRotation: true };
  },
};

export const endpointConfigKms: ResourceValidationPolicy = {
  name: "sagemaker-endpoint-config-kms",
  description:
    "SageMaker endpoint configurations set kmsKeyArn, except when a variant runs on an instance type with local NVMe storage (ml.m5d, ml.g4dn, ml.g5, ...), where the key must be absent because CreateEndpointConfig rejects it; data capture is KMS-encrypted. Counterparts: Checkov CKV_AWS_98, cdk-nag HIPAA/NIST SageMakerEndpointConfigurationKMSKeyConfigured.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.endpointConfig, (props, args, report) => {
    const nvme = asArray<any>(props.productionVariants).filter((v) => typeof v.instanceType === "string" && hasLocalNvmeStorage(v.instanceType));
    if (nvme.length > 0) {
      if (isGiven(read(props, "kmsKeyArn"))) {
        report(`${describe(args)} sets kmsKeyArn, but variant ${nvme[0].variantName} runs on ${nvme[0].instanceType}, whose local NVMe storage is hardware-encrypted: CreateEndpointConfig rejects the key. Remove kmsKeyArn.`);
      }
    } else if (!isGiven(read(props, "kmsKeyArn"))) {
      report(`${describe(args)} has no kmsKeyArn; set it to a customer-managed key (key or alias ARN).`);
    }
    const capture = props.dataCaptureConfig;
    if (capture && capture.enableCapture !== false && !isGiven(read(capture, "kmsKeyId"))) {
      report(`${describe(args)} captures data without a KMS key; set dataCaptureConfig.kmsKeyId.`);
    }
  }),
};

export const jobEncryption: ResourceValidationPolicy = {
  name: "sagemaker-job-encryption",
  description:
    "SageMaker jobs (tasks in Step Functions definitions, native TrainingJob resources) encrypt job volumes with KMS (VolumeKmsKeyId; absent for local-NVMe types, which the API rejects), encrypt outputs (OutputDataConfig / ProcessingOutputConfig / TransformOutput KmsKeyId), encrypt inter-container traffic, and created endpoint configs set KmsKeyId (same NVMe exception). No other scanner sees these jobs.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { requireInterContainerEncryption: { type: "boolean", default: true } } },
  validateResource: forTypes([...TYPES.stateMachine, ...TYPES.trainingJob], (props, args, report) => {
    const c = configOf<{ requireInterContainerEncryption: boolean }>(args, jobEncryption.configSchema);
    const tasks = jobsOf(args.type, props);
    if (tasks === INVALID_DEFINITION) return; // reported by the instance-type rule
    for (const t of tasks) {
      const where = jobSubject(describe(args), t);
      const p = t.parameters;
      const volume = (rc: any, path: string) => {
        if (!rc) return;
        const nvme = typeof rc.InstanceType === "string" && hasLocalNvmeStorage(rc.InstanceType);
        if (nvme && isSet(rc, "VolumeKmsKeyId")) report(`${where}: ${path}.VolumeKmsKeyId must be absent for ${rc.InstanceType} (local NVMe storage; the API rejects it).`);
        if (!nvme && !isSet(rc, "VolumeKmsKeyId")) report(`${where}: ${path}.VolumeKmsKeyId is missing; encrypt the job's ML storage volume with a customer-managed key.`);
      };
      switch (t.api) {
        case "createTrainingJob":
          volume(p.ResourceConfig, "ResourceConfig");
          if (!isSet(p.OutputDataConfig, "KmsKeyId")) report(`${where}: OutputDataConfig.KmsKeyId is missing; encrypt model artifacts with a customer-managed key.`);
          if (c.requireInterContainerEncryption && p.EnableInterContainerTrafficEncryption !== true) report(`${where}: set EnableInterContainerTrafficEncryption: true.`);
          break;
        case "createHyperParameterTuningJob":
          for (const d of [p.TrainingJobDefinition, ...asArray(p.TrainingJobDefinitions)].filter(Boolean) as any[]) {
            volume(d.ResourceConfig, "TrainingJobDefinition.ResourceConfig");
            if (!isSet(d.OutputDataConfig, "KmsKeyId")) report(`${where}: TrainingJobDefinition.OutputDataConfig.KmsKeyId is missing.`);
            if (c.requireInterContainerEncryption && d.EnableInterContainerTrafficEncryption !== true) report(`${where}: set TrainingJobDefinition.EnableInterContainerTrafficEncryption: true.`);
          }
          break;
        case "createProcessingJob":
          volume(p.ProcessingResources?.ClusterConfig, "ProcessingResources.ClusterConfig");
          if (p.ProcessingOutputConfig && !isSet(p.ProcessingOutputConfig, "KmsKeyId")) report(`${where}: ProcessingOutputConfig.KmsKeyId is missing.`);
          if (c.requireInterContainerEncryption && p.NetworkConfig?.EnableInterContainerTrafficEncryption !== true) report(`${where}: set NetworkConfig.EnableInterContainerTrafficEncryption: true.`);
          break;
        case "createTransformJob":
          if (!isSet(p.TransformOutput, "KmsKeyId")) report(`${where}: TransformOutput.KmsKeyId is missing.`);
          volume(p.TransformResources, "TransformResources");
          break;
        case "createEndpointConfig": {
          const nvme = asArray<any>(p.ProductionVariants).some((v) => typeof v.InstanceType === "string" && hasLocalNvmeStorage(v.InstanceType));
          if (nvme && isSet(p, "KmsKeyId")) report(`${where}: KmsKeyId must be absent when a variant has local NVMe storage (the API rejects it).`);
          if (!nvme && !isSet(p, "KmsKeyId")) report(`${where}: KmsKeyId is missing; encrypt the endpoint's storage with a customer-managed key.`);
          break;
        }
      }
    }
  }),
};

export const snsTopicKms: ResourceValidationPolicy = {
  name: "sns-topic-kms",
  description: "SNS topics are encrypted with a customer-managed KMS key. Counterparts: cdk-nag AwsSolutions-SNS2, Checkov CKV_AWS_26.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.topic, (props, args, report) => {
    const key = read(props, "kmsMasterKeyId");
    if (!isGiven(key)) report(`${describe(args)} is not encrypted; set kmsMasterKeyId to a customer-managed key.`);
    else if (isAwsManagedKey(key)) report(`${describe(args)} uses the AWS-managed key ${props.kmsMasterKeyId}; use a customer-managed key.`);
  }),
};

export const logGroupKms: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-kms",
  description: "CloudWatch log groups are encrypted with a KMS key and have a retention period. Counterparts: Checkov CKV_AWS_158 (KMS), CKV_AWS_66 (retention).",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.logGroup, (props, args, report) => {
    if (!isGiven(read(props, "kmsKeyId"))) report(`${describe(args)} is not encrypted with KMS; set kmsKeyId.`);
    if (!isGiven(read(props, "retentionInDays"))) report(`${describe(args)} keeps logs forever; set retentionInDays.`);
  }),
};

export const lambdaEnvironmentKms: ResourceValidationPolicy = {
  name: "lambda-environment-kms",
  description: "Lambda functions with environment variables encrypt them with a customer-managed key. Counterpart: Checkov CKV_AWS_173.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(TYPES.lambda, (props, args, report) => {
    const vars = props.environment?.variables;
    if (vars && Object.keys(vars).length > 0 && !isGiven(read(props, "kmsKeyArn"))) report(`${describe(args)} has environment variables but no kmsKeyArn; set kmsKeyArn to a customer-managed key.`);
  }),
};

export const encryptionPolicies = [
  s3BucketProtection,
  kmsKeyRotation,
  endpointConfigKms,
  jobEncryption,
  snsTopicKms,
  logGroupKms,
  lambdaEnvironmentKms,
];
