/**
 * What a source stack grants the stages that deploy its versions (registry.shareWith), as
 * pure statements: the model package group's resource policy, and the statements its
 * bucket and key policies add. Each names the consumer's account root as the principal and
 * narrows it to the consumer's pipeline role with `aws:PrincipalArn` (a resource policy
 * that names a role which does not exist yet is refused, an account root is not), so the
 * source can be deployed before its consumers.
 *
 * Across accounts, the consumer's identity policy must allow the same actions (IAM
 * evaluation logic: both sides): workflow/tasks/routePromotion.ts, copyArtifact.ts and
 * recordPromotion.ts declare that side.
 */
import { PolicyStatement } from "../../lib/iamPolicy";
import { accountRootArn } from "../../stacks/arns";
import { PromotionConsumerModel, PromotionModel } from "../../stacks/model";
import { STAGE_APPROVED } from "../../workflow/tasks/routePromotion";

/** `Staging`, for Sids: letters and digits only. */
const title = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1);

const principalOf = (partition: string, consumer: PromotionConsumerModel) => ({
  Principal: { AWS: accountRootArn({ partition, accountId: consumer.accountId }) },
  Condition: { ArnEquals: { "aws:PrincipalArn": consumer.pipelineRoleArn } },
});

/**
 * An Allow for every stage at once: their accounts' roots (each once), narrowed to their
 * pipeline roles; the statement's own conditions are added to that narrowing.
 */
const allowStages = (partition: string, consumers: PromotionConsumerModel[], statement: Pick<PolicyStatement, "Sid" | "Action" | "Resource" | "Condition">): PolicyStatement => ({
  Sid: statement.Sid,
  Effect: "Allow",
  Principal: { AWS: [...new Set(consumers.map((c) => accountRootArn({ partition, accountId: c.accountId })))] },
  Action: statement.Action,
  Resource: statement.Resource,
  Condition: { ArnEquals: { "aws:PrincipalArn": consumers.map((c) => c.pipelineRoleArn) }, ...statement.Condition },
});

/** allowStages for the stages of a source that shares; no statement for one that does not. */
const grantToSharingStages = (partition: string, promotion: PromotionModel, statement: Parameters<typeof allowStages>[2]): PolicyStatement[] => {
  const consumers = promotion.sharing?.consumers ?? [];
  return consumers.length === 0 ? [] : [allowStages(partition, consumers, statement)];
};

/**
 * The group's policy. Each stage reads the versions (DescribeModelPackage) and records that it
 * deployed one (UpdateModelPackage) only by setting its own `mlpipeline_deployed_<stage>` key,
 * and only on a version that is approved for it now (CurrentModelLifeCycleStage/StageStatus)
 * or that already carries its record (a redeploy, the rollback): the request may not change
 * the approval status or the lifecycle, remove metadata, or set another stage's key or the
 * registered artifact's. Explicit denies, for every principal, the source account's own
 * included: only a stage's role sets that stage's key, and nobody changes what was registered
 * (IAM condition keys of UpdateModelPackage: Service Authorization Reference, Amazon SageMaker
 * AI; an explicit deny in a resource policy overrides any allow).
 *
 * Who may approve a version for a stage (ModelLifeCycle Stage/StageStatus) is the source
 * account's business, granted by its own identity policies; these statements grant it to no
 * stage.
 */
export function groupPolicyStatements(partition: string, packageArns: string, promotion: PromotionModel): PolicyStatement[] {
  const sharing = promotion.sharing;
  if (!sharing) return [];
  const keys = promotion.metadataKeys;
  const registered = [keys.artifactKey, keys.artifactVersion, keys.artifactChecksum, keys.image];
  const requestKey = (k: string) => `sagemaker:CustomerMetadataProperties/${k}`;
  // Another stage's key and the registered keys are refused by the denies below, for every
  // principal: the allows need not repeat them (the policy stays within SageMaker's size limit).
  const untouched = ["sagemaker:ModelApprovalStatus", "sagemaker:ModelLifeCycle:Stage", "sagemaker:ModelLifeCycle:StageStatus", "sagemaker:CustomerMetadataPropertiesToRemove"];
  const reads = allowStages(partition, sharing.consumers, { Sid: "StagesReadVersions", Action: "sagemaker:DescribeModelPackage", Resource: packageArns });
  const perStage = sharing.consumers.flatMap((consumer): PolicyStatement[] => {
    const { Principal, Condition } = principalOf(partition, consumer);
    const deployed = keys.deployedIn(consumer.stage);
    const recordsOnly = { [requestKey(deployed)]: "false", ...Object.fromEntries(untouched.map((k) => [k, "true"])) };
    return [
      {
        Sid: `${title(consumer.stage)}RecordsItsDeployments`,
        Effect: "Allow",
        Principal,
        Action: "sagemaker:UpdateModelPackage",
        Resource: packageArns,
        Condition: {
          ...Condition,
          StringEquals: { "sagemaker:CurrentModelLifeCycleStage": consumer.stage, "sagemaker:CurrentModelLifeCycleStageStatus": STAGE_APPROVED },
          Null: recordsOnly,
        },
      },
      {
        Sid: `${title(consumer.stage)}RecordsItsRedeployments`,
        Effect: "Allow",
        Principal,
        Action: "sagemaker:UpdateModelPackage",
        Resource: packageArns,
        Condition: { ...Condition, Null: { ...recordsOnly, [`sagemaker:CurrentCustomerMetadataProperties/${deployed}`]: "false" } },
      },
      {
        Sid: `Only${title(consumer.stage)}RecordsItsDeployments`,
        Effect: "Deny",
        Principal: "*",
        Action: "sagemaker:UpdateModelPackage",
        Resource: packageArns,
        Condition: { Null: { [requestKey(deployed)]: "false" }, ArnNotEquals: { "aws:PrincipalArn": consumer.pipelineRoleArn } },
      },
    ];
  });
  // One statement per key: the keys of one Null condition must all be set for it to match.
  const registration = registered.map(
    (k): PolicyStatement => ({
      Sid: `NobodyRewrites${k.split("_").map(title).join("")}`,
      Effect: "Deny",
      Principal: "*",
      Action: "sagemaker:UpdateModelPackage",
      Resource: packageArns,
      Condition: { Null: { [requestKey(k)]: "false" } },
    }),
  );
  const removal: PolicyStatement = {
    Sid: "NobodyRemovesRegisteredArtifact",
    Effect: "Deny",
    Principal: "*",
    Action: "sagemaker:UpdateModelPackage",
    Resource: packageArns,
    Condition: { "ForAnyValue:StringEquals": { "sagemaker:CustomerMetadataPropertiesToRemove": registered } },
  };
  return [reads, ...perStage, ...registration, removal];
}

/** The bucket policy's statement: the stages' pipeline roles read the registered artifacts (the exact object version they copy). */
export function artifactReadStatements(partition: string, registeredArtifactArns: string, promotion: PromotionModel): PolicyStatement[] {
  return grantToSharingStages(partition, promotion, { Sid: "PromotedStagesReadRegisteredArtifacts", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: registeredArtifactArns });
}

/** The key policy's statement: S3 decrypts the registered artifacts for the stages' pipeline roles, and only S3 (kms:ViaService). */
export function artifactDecryptStatements(partition: string, region: string, promotion: PromotionModel): PolicyStatement[] {
  return grantToSharingStages(partition, promotion, { Sid: "PromotedStagesDecryptThroughS3", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } });
}
