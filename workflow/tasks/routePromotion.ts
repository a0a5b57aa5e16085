/**
 * RoutePromotion (a promoted stack, registry.source.kind "promoted"): what started the
 * execution decides what it deploys, and the source's version itself decides whether it may.
 *  - the promotion rule, on any state change of a version of the source's group that the
 *    source account forwarded (`{"promotionEvent": {"arn"}}`): deploy it if it is approved for
 *    this stage and not yet deployed here; any other change (another stage's approval, a
 *    rejection, this stage's own record of its deployment) ends quietly;
 *  - a person asking to deploy a version (`{"promotedModelPackageArn": "<arn>"}`, the rollback):
 *    deploy it if it is approved for this stage or was deployed here before, unless it has
 *    since been rejected for this stage;
 *  - anything else: nothing to deploy, said as a failure (a promoted stack trains nothing).
 * Either way the version must be Approved in the source, serve exactly the artifact copy
 * (location, S3 version, checksum) and the image that the source registered, and have been
 * deployed by every stage of `after`. The lifecycle is read from DescribeModelPackage, not
 * from the event: the event's detail is not documented to carry ModelLifeCycle.
 */
import { SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { ChoiceRule, State } from "../asl";
import { failState, integration, isString, task, taskSeconds, TaskModule, Wiring } from "./task";

/** The status a person sets on a version's ModelLifeCycle for a stage to deploy it (SageMaker's staging construct's own "Approved"). */
export const STAGE_APPROVED = "Approved";
/** The status that takes a stage's approval back: a version rejected for a stage is not redeployed there on request either. */
export const STAGE_REJECTED = "Rejected";

export function routePromotion(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const consumer = spec.promotion.consumer;
  if (!consumer) return undefined;
  const { source, stage, after } = consumer;
  const keys = spec.promotion.metadataKeys;
  const metadata = (key: string) => `$.package.CustomerMetadataProperties.${key}`;
  const approvedForStage: ChoiceRule = { And: [isString("$.package.ModelLifeCycle.Stage", stage), isString("$.package.ModelLifeCycle.StageStatus", STAGE_APPROVED)] };
  const states: Record<string, State> = {
    RoutePromotion: {
      Type: "Choice",
      Comment: "A forwarded state change of a source version, a person's request to deploy one, or nothing to deploy",
      Choices: [
        { ...isString("$.input.promotionEvent.arn"), Next: "FromPromotionEvent" },
        { ...isString("$.input.promotedModelPackageArn"), Next: "FromPromotionRequest" },
      ],
      Default: "RecordNothingToPromote",
    },
    FromPromotionEvent: { Type: "Pass", Parameters: { "arn.$": "$.input.promotionEvent.arn", event: true }, ResultPath: "$.requested", Next: "DescribeSourcePackage" },
    FromPromotionRequest: { Type: "Pass", Parameters: { "arn.$": "$.input.promotedModelPackageArn", event: false }, ResultPath: "$.requested", Next: "DescribeSourcePackage" },
    DescribeSourcePackage: task(
      integration(spec.partition, "aws-sdk:sagemaker:describeModelPackage"),
      { "ModelPackageName.$": "$.requested.arn" },
      // The whole description: its optional members (ModelLifeCycle, CustomerMetadataProperties) may be absent.
      { Comment: "The source account's version, through its group's resource policy", ResultPath: "$.package", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "IsApprovedVersionOfSource" },
    ),
    IsApprovedVersionOfSource: {
      Type: "Choice",
      Choices: [
        {
          And: [
            isString("$.package.ModelPackageArn"),
            { Variable: "$.package.ModelPackageArn", StringMatches: `${source.packageArns}` },
            isString("$.package.ModelApprovalStatus", "Approved"),
          ],
          Next: "IsForThisStage",
        },
      ],
      Default: "IsRequest",
    },
    // A forwarded change that is not an approved version of the source (pending, rejected) is not for any stage: end quietly.
    IsRequest: { Type: "Choice", Choices: [{ Variable: "$.requested.event", BooleanEquals: false, Next: "RecordNotApproved" }], Default: "NotForThisStage" },
    IsForThisStage: {
      Type: "Choice",
      Comment: `Approved for ${stage} (ModelLifeCycle), or, on a person's request, deployed here before and not since rejected for ${stage}`,
      Choices: [
        // Every later change of a version deployed here (this stage's own record of it, the next stage's approval) is forwarded too: deploy once.
        { And: [{ Variable: "$.requested.event", BooleanEquals: true }, isString(metadata(keys.deployedIn(stage)))], Next: "AlreadyDeployedHere" },
        { And: [{ Variable: "$.requested.event", BooleanEquals: false }, isString("$.package.ModelLifeCycle.Stage", stage), isString("$.package.ModelLifeCycle.StageStatus", STAGE_REJECTED)], Next: "RecordRejectedForStage" },
        { ...approvedForStage, Next: "HasRegisteredArtifact" },
        { And: [{ Variable: "$.requested.event", BooleanEquals: false }, isString(metadata(keys.deployedIn(stage)))], Next: "HasRegisteredArtifact" },
        { Variable: "$.requested.event", BooleanEquals: false, Next: "RecordNotApprovedForStage" },
      ],
      Default: "NotForThisStage",
    },
    NotForThisStage: { Type: "Succeed", Comment: `A change of a version that is not approved for ${stage}: nothing to do here` },
    AlreadyDeployedHere: { Type: "Succeed", Comment: `A change of a version ${stage} already deployed: a redeploy is a person's request (promotedModelPackageArn)` },
    HasRegisteredArtifact: {
      Type: "Choice",
      Comment: "The source registered where the artifact is, its S3 version and its checksum (a group that shares its versions does)",
      Choices: [
        {
          And: [
            isString(metadata(keys.artifactKey)),
            isString(metadata(keys.artifactVersion)),
            isString(metadata(keys.artifactChecksum)),
            isString("$.package.InferenceSpecification.Containers[0].ModelDataUrl"),
            isString(metadata(keys.image)),
            isString("$.package.InferenceSpecification.Containers[0].Image"),
          ],
          Next: "ExpectedModelDataUrl",
        },
      ],
      Default: "RecordNoRegisteredArtifact",
    },
    ExpectedModelDataUrl: {
      Type: "Pass",
      Parameters: { "uri.$": `States.Format('s3://${source.bucket.name}/{}', ${metadata(keys.artifactKey)})` },
      ResultPath: "$.expected",
      Next: "IsRegisteredArtifactServed",
    },
    IsRegisteredArtifactServed: {
      Type: "Choice",
      Comment: "What the version deploys is the registered copy in the source's bucket and the image registered with it, nothing else",
      Choices: [
        {
          And: [
            { Variable: "$.package.InferenceSpecification.Containers[0].ModelDataUrl", StringEqualsPath: "$.expected.uri" },
            { Variable: "$.package.InferenceSpecification.Containers[0].Image", StringEqualsPath: metadata(keys.image) },
          ],
          Next: after.length > 0 ? "WasDeployedBefore" : wiring.next,
        },
      ],
      Default: "RecordNoRegisteredArtifact",
    },
    ...(after.length > 0
      ? {
          WasDeployedBefore: {
            Type: "Choice",
            Comment: `${after.join(", ")} deployed this version first (their runs record it on the version)`,
            Choices: [{ And: after.map((earlier) => isString(metadata(keys.deployedIn(earlier)))), Next: wiring.next }],
            Default: "RecordNotDeployedBefore",
          },
          RecordNotDeployedBefore: failState(
            "NotDeployedInEarlierStage",
            { format: `States.Format('{} is approved for ${stage}, but ${after.join(" and ")} ${after.length > 1 ? "have" : "has"} not deployed it: a version reaches ${stage} only after ${after.join(", ")}; nothing was deployed', $.package.ModelPackageArn)` },
          ),
        }
      : {}),
    RecordNothingToPromote: failState(
      "NothingToPromote",
      `${spec.jobPrefix} trains nothing: it deploys versions of ${source.group.arn} approved for ${stage}. To deploy one by hand, start a run whose input sets promotedModelPackageArn to the version's ARN; nothing was deployed`,
    ),
    RecordNotApproved: failState("ModelPackageNotApproved", { format: `States.Format('{} is not an Approved version of ${source.group.arn}; nothing was deployed', $.requested.arn)` }),
    RecordRejectedForStage: failState(
      "RejectedForStage",
      { format: `States.Format('{} is rejected for ${stage} (its ModelLifeCycle stage is ${stage} with status ${STAGE_REJECTED}); nothing was deployed', $.package.ModelPackageArn)` },
    ),
    RecordNotApprovedForStage: failState(
      "NotApprovedForStage",
      { format: `States.Format('{} is not approved for ${stage} (its ModelLifeCycle stage must be ${stage} with status ${STAGE_APPROVED}) and was never deployed here; nothing was deployed', $.package.ModelPackageArn)` },
    ),
    RecordNoRegisteredArtifact: failState(
      "NoRegisteredArtifact",
      { format: `States.Format('{} does not deploy the registered copy of its artifact, with its version and checksum, in the image registered with it (registry.shareWith in the source stack registers them); nothing was deployed', $.package.ModelPackageArn)` },
    ),
  };
  return {
    entry: "RoutePromotion",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      // Allowed by the source group's resource policy too (components/modelSharing.ts): both must allow across accounts.
      { Sid: "ReadSourceVersions", Effect: "Allow", Action: "sagemaker:DescribeModelPackage", Resource: source.packageArns },
    ],
  };
}
