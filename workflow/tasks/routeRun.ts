/**
 * RouteRun: what started the execution decides what it does.
 *  - the model registry's rule, on an approval (`{"modelPackageEvent": {"arn", "status": "Approved"}}`),
 *    or a person asking to deploy an approved version (`{"approvedModelPackageArn": "<arn>"}`,
 *    the rollback to an earlier version): deploy exactly that package, after checking that it
 *    is a version of this stack's group and that it is Approved;
 *  - the registry's rule on a rejection: say so, deploy nothing;
 *  - anything else (the schedule, new data, a person, a drift retraining): a full run.
 * Every comparison first checks that the value is there and is a string: a Choice on a
 * missing path is a States.Runtime error, which nothing can catch.
 */
import { ChoiceRule } from "../asl";
import { SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { publish, publishStatements } from "./notify";
import { FAILURE_STATE, integration, task, taskSeconds, TaskModule, Wiring } from "./task";
import { CREATE_MODEL_STATE } from "./createModel";
import { DRIFT_BASELINE_FILE } from "./monitorDrift";

const isString = (path: string, value?: string): ChoiceRule => ({
  And: [{ Variable: path, IsPresent: true }, { Variable: path, IsString: true }, ...(value ? [{ Variable: path, StringEquals: value }] : [])],
});

export function routeRun(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const group = spec.registry.groupName;
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
          Next: spec.drift ? "HasDriftBaseline" : "UseApprovedPackage",
        },
      ],
      Default: "RecordNotApproved",
    },
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
    RecordNotApproved: {
      Type: "Pass" as const,
      Parameters: { Error: "ModelPackageNotApproved", "Cause.$": `States.Format('{} is not an Approved version of ${group}; nothing was deployed', $.requested.arn)` },
      ResultPath: "$.error",
      Next: FAILURE_STATE,
    },
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
      ...publishStatements(spec),
    ],
  };
}
