/**
 * RouteRun: what started the execution decides what it does.
 *  - the model registry's rule, on an approval (`{"modelPackageEvent": {"arn", "status": "Approved"}}`),
 *    or a person asking to deploy an approved version (`{"approvedModelPackageArn": "<arn>"}`,
 *    the rollback to an earlier version): deploy exactly that package, after checking that it
 *    is a version of this stack's group and that it is Approved; an approval event for a
 *    version no newer than the one serving (late or repeated) deploys nothing and says so;
 *    In a group shared with other accounts' stages, an event of a version whose ModelLifeCycle
 *    is set (promoted to a stage, or a stage's record of it) ends quietly: not an approval here;
 *  - the registry's rule on a rejection: say so, deploy nothing;
 *  - anything else (the schedule, new data, a person, a drift retraining): a full run.
 * Every comparison first checks that the value is there and is a string: a Choice on a
 * missing path is a States.Runtime error, which nothing can catch.
 */
import { SAGEMAKER_SDK_RETRY } from "../retries";
import { regionalArn } from "../../stacks/arns";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { failState, integration, isString, task, taskSeconds, TaskModule, Wiring } from "./task";
import { CREATE_MODEL_STATE } from "./createModel";
import { DRIFT_BASELINE_FILE } from "./monitorDrift";

export function routeRun(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const group = spec.registry.groupName;
  const shared = spec.promotion.sharing !== undefined;
  const sdk = (api: string) => integration(spec.partition, `aws-sdk:sagemaker:${api}`);
  // After the checks: the drift profile (with drift checks), then the package is deployed.
  const DEPLOY_APPROVED = spec.drift ? "HasDriftBaseline" : "UseApprovedPackage";
  const UNDECIDED = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.servingLookup", Next: DEPLOY_APPROVED }];
  const states = {
    RouteRun: {
      Type: "Choice" as const,
      Comment: "An approval or rejection of a model package, a request to deploy an approved version, or a full run",
      Choices: [
        { And: [isString("$.input.modelPackageEvent.arn"), isString("$.input.modelPackageEvent.status", "Approved")], Next: "FromApprovalEvent" },
        { And: [isString("$.input.modelPackageEvent.arn"), isString("$.input.modelPackageEvent.status", "Rejected")], Next: "NotifyRejected" },
        { ...isString("$.input.approvedModelPackageArn"), Next: "FromDeployRequest" },
      ],
      Default: wiring.next,
    },
    FromApprovalEvent: { Type: "Pass" as const, Parameters: { "arn.$": "$.input.modelPackageEvent.arn" }, ResultPath: "$.requested", Next: "DescribeModelPackage" },
    FromDeployRequest: { Type: "Pass" as const, Parameters: { "arn.$": "$.input.approvedModelPackageArn" }, ResultPath: "$.requested", Next: "DescribeModelPackage" },
    DescribeModelPackage: task(
      integration(spec.partition, "aws-sdk:sagemaker:describeModelPackage"),
      { "ModelPackageName.$": "$.requested.arn" },
      // The whole description: its optional members may be absent, and a ResultSelector path to an absent member is a States.Runtime error.
      { ResultPath: "$.package", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "IsApprovedVersionOfThisStack" },
    ),
    IsApprovedVersionOfThisStack: {
      Type: "Choice" as const,
      Choices: [
        {
          And: [isString("$.package.ModelPackageGroupName", group), isString("$.package.ModelApprovalStatus", "Approved"), isString("$.package.ModelPackageArn")],
          Next: "IsApprovalEvent",
        },
      ],
      Default: "RecordNotApproved",
    },
    IsApprovalEvent: {
      Type: "Choice" as const,
      Comment: "An approval event for a version no newer than the one serving (a late or repeated event) does not redeploy it; a person's explicit request does",
      Choices: [
        // A shared group's versions change after approval (a stage's lifecycle, a stage's record of its deployment), and each
        // change is a state-change event of an Approved version: none of them is an approval for this stack.
        ...(shared ? [{ And: [isString("$.input.modelPackageEvent.arn"), isString("$.package.ModelLifeCycle.Stage")], Next: "PromotionChange" }] : []),
        { ...isString("$.input.modelPackageEvent.arn"), Next: "FindServingEndpoint" },
      ],
      Default: DEPLOY_APPROVED,
    },
    ...(shared
      ? { PromotionChange: { Type: "Succeed" as const, Comment: "A change of a version promoted to a stage (its lifecycle set): the stages act on it, the source does not redeploy" } }
      : {}),
    // Which version serves: endpoint → its config → its model → the package the model was created from.
    // Any lookup that fails (no endpoint yet, the bootstrap config, throttling) leaves the check undecided: the approved version deploys, as before the check.
    FindServingEndpoint: {
      ...task(sdk("describeEndpoint"), { EndpointName: spec.endpoint.name }, { ResultSelector: { "config.$": "$.EndpointConfigName" }, ResultPath: "$.serving", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "DescribeServingConfig" }),
      Catch: UNDECIDED,
    },
    DescribeServingConfig: {
      ...task(sdk("describeEndpointConfig"), { "EndpointConfigName.$": "$.serving.config" }, { ResultSelector: { "model.$": "$.ProductionVariants[0].ModelName" }, ResultPath: "$.servingConfig", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "DescribeServingModel" }),
      Catch: UNDECIDED,
    },
    DescribeServingModel: {
      // The whole description: PrimaryContainer and its ModelPackageName are optional.
      ...task(sdk("describeModel"), { "ModelName.$": "$.servingConfig.model" }, { ResultPath: "$.servingModel", TimeoutSeconds: 60, Retry: SAGEMAKER_SDK_RETRY, Next: "ServesAVersion" }),
      Catch: UNDECIDED,
    },
    ServesAVersion: {
      Type: "Choice" as const,
      Choices: [
        {
          And: [isString("$.servingModel.PrimaryContainer.ModelPackageName"), { Variable: "$.servingModel.PrimaryContainer.ModelPackageName", StringMatches: `arn:*:model-package/${group}/*` }],
          Next: "ServingVersion",
        },
      ],
      Default: DEPLOY_APPROVED,
    },
    ServingVersion: {
      Type: "Pass" as const,
      Parameters: { "version.$": "States.StringToJson(States.ArrayGetItem(States.StringSplit($.servingModel.PrimaryContainer.ModelPackageName, '/'), 2))" },
      ResultPath: "$.servingVersion",
      Next: "IsNewerThanServing",
    },
    IsNewerThanServing: {
      Type: "Choice" as const,
      Choices: [
        {
          And: [
            { Variable: "$.package.ModelPackageVersion", IsPresent: true },
            { Variable: "$.package.ModelPackageVersion", IsNumeric: true },
            { Variable: "$.servingVersion.version", IsNumeric: true },
            { Variable: "$.package.ModelPackageVersion", NumericLessThanEqualsPath: "$.servingVersion.version" },
          ],
          Next: "NotifyStaleApproval",
        },
      ],
      Default: DEPLOY_APPROVED,
    },
    NotifyStaleApproval: publish(
      spec,
      "approval not deployed: not newer than the version serving",
      {
        "Message.$": `States.Format('Model package {} was approved, but ${spec.endpoint.name} already serves version {} of ${group}; an approval event does not redeploy a version that is not newer. To deploy it anyway (a rollback), start a run whose input sets approvedModelPackageArn to {} (docs/workflow.md, Model registry and approval).', $.package.ModelPackageArn, $.servingVersion.version, $.package.ModelPackageArn)`,
      },
      "StaleApproval",
    ),
    StaleApproval: { Type: "Succeed" as const, Comment: "Nothing deployed: the approved version is not newer than the one serving" },
    ...(spec.drift
      ? {
          HasDriftBaseline: {
            Type: "Choice" as const,
            Comment: "Drift checks compare with the drift profile the package was registered with; a version without one is deployed all the same",
            Choices: [
              {
                And: [isString("$.package.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri"), { Variable: "$.package.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri", StringMatches: `s3://*/${DRIFT_BASELINE_FILE}` }],
                Next: "UseApprovedPackage",
              },
            ],
            Default: "UseApprovedPackageWithoutBaseline",
          },
          UseApprovedPackageWithoutBaseline: {
            Type: "Pass" as const,
            Parameters: {
              registry: { "ModelPackageArn.$": "$.package.ModelPackageArn" },
              summary: { "text.$": "States.Format('approved model package {} (registered without a drift profile: drift is not checked while it serves)', $.package.ModelPackageArn)" },
              baselines: { statistics: "none" },
            },
            ResultPath: "$.approved",
            Next: "KeepApprovedPackage",
          },
        }
      : {}),
    UseApprovedPackage: {
      Type: "Pass" as const,
      Parameters: {
        registry: { "ModelPackageArn.$": "$.package.ModelPackageArn" },
        summary: { "text.$": "States.Format('approved model package {}', $.package.ModelPackageArn)" },
        ...(spec.drift ? { baselines: { "statistics.$": "$.package.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri" } } : {}),
      },
      ResultPath: "$.approved",
      Next: "KeepApprovedPackage",
    },
    KeepApprovedPackage: {
      Type: "Pass" as const,
      Comment: "Where the deploy states read the package and the summary, as a full run leaves them",
      Parameters: {
        "run.$": "$.run",
        "key.$": "$.key",
        "registry.$": "$.approved.registry",
        "summary.$": "$.approved.summary",
        ...(spec.drift ? { "baselines.$": "$.approved.baselines" } : {}),
      },
      Next: CREATE_MODEL_STATE,
    },
    RecordNotApproved: failState("ModelPackageNotApproved", { format: `States.Format('{} is not an Approved version of ${group}; nothing was deployed', $.requested.arn)` }),
    NotifyRejected: publish(
      spec,
      "model package rejected",
      { "Message.$": "States.Format('Model package {} was rejected; nothing was deployed.', $.input.modelPackageEvent.arn)" },
      "Rejected",
    ),
    Rejected: { Type: "Succeed" as const, Comment: "A rejection only notifies" },
  };
  return {
    entry: "RouteRun",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      { Sid: "UseModelRegistry", Effect: "Allow", Action: ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:AddTags"], Resource: [spec.registry.groupArn, spec.registry.packageArns] },
      {
        // Which version serves (an approval event that is not newer does not redeploy): the workflow's own configs and models only.
        Sid: "FindServingVersion",
        Effect: "Allow",
        Action: ["sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel"],
        Resource: [regionalArn(spec, "sagemaker", `endpoint-config/${spec.jobPrefix}-ec-*`), regionalArn(spec, "sagemaker", `model/${spec.jobPrefix}-md-*`)],
      },
      { Sid: "FindServingEndpoint", Effect: "Allow", Action: "sagemaker:DescribeEndpoint", Resource: spec.endpoint.arn },
      ...publishStatements(spec),
    ],
  };
}
