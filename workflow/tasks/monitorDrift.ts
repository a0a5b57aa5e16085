/**
 * Drift monitoring (monitoring.drift.enabled): the workflow owns the data-quality
 * monitoring of the endpoint, because its baseline changes with every model it deploys
 * (as it owns the live endpoint configuration). Pulumi declares none of it, so
 * `pulumi up` can never put back a stale baseline.
 *
 *  - baselineData (after the gate, before RegisterModel): Model Monitor's analyzer computes
 *    statistics.json and constraints.json from the run's features-only training data
 *    (processed/<run>/baseline/) into artifacts/baselines/<run>/; RegisterModel stores them
 *    in the package as its DriftCheckBaselines, so an approved package carries its baseline.
 *  - monitorDrift (after the endpoint is InService on the new model): a data-quality job
 *    definition with that baseline, then the stack's monitoring schedule created or pointed
 *    at it; the definition it replaces is deleted.
 *  - drift → retraining is in routeRun.ts.
 */
import { Json } from "../asl";
import { SAGEMAKER_RETRY, SAGEMAKER_SDK_QUOTA_RETRY, SAGEMAKER_SDK_RETRY } from "../retries";
import { WorkflowSpec } from "../spec";
import { jobExecutionRoleStatements, passRoleStatement, perRunUri, syncJobStatements, volumeKms } from "./sageMakerJob";
import { FAILURE_STATE, integration, task, taskSeconds, TaskModule, Wiring, workflowTags } from "./task";
import { SLACK_SECONDS } from "./preprocess";

type Drift = NonNullable<WorkflowSpec["drift"]>;

/** The analyzer's contract (SageMaker Model Monitor; the SDK's DefaultModelMonitor.suggest_baseline): environment and paths. */
const BASELINE_INPUT = "/opt/ml/processing/input/baseline_dataset_input";
const ANALYZER_OUTPUT = "/opt/ml/processing/output";

/** The monitor role: the baseline data and captured requests in; baselines and reports out. */
export function monitorRoleStatements(spec: WorkflowSpec, drift: Drift) {
  const { processed, baselines, capture, monitoring } = spec.bucket.prefixes;
  return jobExecutionRoleStatements(spec, { kind: "Processing", readPrefixes: [processed, baselines, capture], writePrefixes: [baselines, monitoring], image: drift.image, vpc: false });
}

export function baselineData(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const drift = spec.drift;
  if (!drift) return undefined;
  const { processed, baselines } = spec.bucket.prefixes;
  const timeout = 3600;
  const states = {
    BaselineData: task(
      integration(spec.partition, "sagemaker:createProcessingJob.sync"),
      {
        "ProcessingJobName.$": `States.Format('${spec.jobPrefix}-bl-{}', $.run.id)`,
        RoleArn: drift.roleArn,
        AppSpecification: { ImageUri: drift.image },
        Environment: {
          dataset_format: JSON.stringify({ csv: { header: false, output_columns_position: "START" } }),
          dataset_source: BASELINE_INPUT,
          output_path: ANALYZER_OUTPUT,
          publish_cloudwatch_metrics: "Disabled",
        },
        ProcessingInputs: [
          {
            InputName: "baseline_dataset_input",
            S3Input: { "S3Uri.$": perRunUri(spec, processed, "baseline"), LocalPath: BASELINE_INPUT, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: spec.key.aliasArn,
          Outputs: [{ OutputName: "monitoring_output", S3Output: { "S3Uri.$": perRunUri(spec, baselines, ""), LocalPath: ANALYZER_OUTPUT, S3UploadMode: "EndOfJob" } }],
        },
        ProcessingResources: { ClusterConfig: { InstanceType: drift.instanceType, InstanceCount: 1, VolumeSizeInGB: drift.volumeSizeGb, ...volumeKms(drift.instanceType) } },
        StoppingCondition: { MaxRuntimeInSeconds: timeout },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        Tags: workflowTags(spec.jobPrefix),
      },
      { Comment: "Data-quality baseline of the features the model was trained on (Model Monitor's analyzer)", ResultPath: null, TimeoutSeconds: timeout + SLACK_SECONDS, Retry: SAGEMAKER_RETRY, Next: "RecordBaselines" },
    ),
    RecordBaselines: {
      Type: "Pass" as const,
      Parameters: {
        "statistics.$": `States.Format('s3://${spec.bucket.name}/${baselines}{}/statistics.json', $.run.id)`,
        "constraints.$": `States.Format('s3://${spec.bucket.name}/${baselines}{}/constraints.json', $.run.id)`,
      },
      ResultPath: "$.baselines",
      Next: wiring.next,
    },
  };
  return {
    entry: "BaselineData",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [...syncJobStatements(spec, "Processing", `processing-job/${spec.jobPrefix}-bl-*`), passRoleStatement(drift.roleArn)],
    executionRole: { roleArn: drift.roleArn, statements: monitorRoleStatements(spec, drift) },
  };
}

/** CreateDataQualityJobDefinition, in the API's member names. */
function jobDefinitionParameters(spec: WorkflowSpec, drift: Drift): { [k: string]: Json } {
  return {
    "JobDefinitionName.$": `States.Format('${spec.jobPrefix}-dq-{}', $.run.id)`,
    DataQualityBaselineConfig: { ConstraintsResource: { "S3Uri.$": "$.baselines.constraints" }, StatisticsResource: { "S3Uri.$": "$.baselines.statistics" } },
    DataQualityAppSpecification: { ImageUri: drift.image },
    DataQualityJobInput: { EndpointInput: { EndpointName: spec.endpoint.name, LocalPath: "/opt/ml/processing/input/endpoint", S3InputMode: "File", S3DataDistributionType: "FullyReplicated" } },
    DataQualityJobOutputConfig: {
      KmsKeyId: spec.key.aliasArn,
      MonitoringOutputs: [{ S3Output: { S3Uri: spec.bucket.uri(spec.bucket.prefixes.monitoring), LocalPath: ANALYZER_OUTPUT, S3UploadMode: "EndOfJob" } }],
    },
    JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: drift.instanceType, VolumeSizeInGB: drift.volumeSizeGb, ...volumeKms(drift.instanceType) } },
    NetworkConfig: { EnableInterContainerTrafficEncryption: true, EnableNetworkIsolation: true },
    RoleArn: drift.roleArn,
    StoppingCondition: { MaxRuntimeInSeconds: drift.maxRuntimeSeconds },
    Tags: workflowTags(spec.jobPrefix),
  };
}

export function monitorDrift(spec: WorkflowSpec, wiring: Wiring): TaskModule | undefined {
  const drift = spec.drift;
  if (!drift) return undefined;
  const sdk = (api: string) => integration(spec.partition, `aws-sdk:sagemaker:${api}`);
  const scheduleConfig = { ScheduleConfig: { ScheduleExpression: drift.scheduleExpression }, "MonitoringJobDefinitionName.$": "$.monitor.JobDefinitionName", MonitoringType: "DataQuality" };
  const states = {
    CreateMonitoringJobDefinition: task(sdk("createDataQualityJobDefinition"), jobDefinitionParameters(spec, drift), {
      Comment: "The data-quality job for the model now served, with its baseline",
      ResultSelector: { "JobDefinitionArn.$": "$.JobDefinitionArn" },
      ResultPath: "$.monitorDefinition",
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_QUOTA_RETRY,
      Next: "NameMonitoringJobDefinition",
    }),
    NameMonitoringJobDefinition: {
      Type: "Pass" as const,
      Parameters: { "JobDefinitionName.$": `States.Format('${spec.jobPrefix}-dq-{}', $.run.id)` },
      ResultPath: "$.monitor",
      Next: "FindMonitoringSchedule",
    },
    FindMonitoringSchedule: task(sdk("describeMonitoringSchedule"), { MonitoringScheduleName: drift.scheduleName }, {
      // The whole description: the previous definition's name is read only where present.
      ResultPath: "$.schedule",
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_RETRY,
      Catch: [
        { ErrorEquals: ["SageMaker.ResourceNotFoundException"], ResultPath: "$.scheduleLookup", Next: "CreateMonitoringSchedule" },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: FAILURE_STATE },
      ],
      Next: "UpdateMonitoringSchedule",
    }),
    CreateMonitoringSchedule: task(sdk("createMonitoringSchedule"), { MonitoringScheduleName: drift.scheduleName, MonitoringScheduleConfig: scheduleConfig, Tags: workflowTags(spec.jobPrefix) }, {
      Comment: "First deploy with drift monitoring: the schedule",
      ResultPath: null,
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_QUOTA_RETRY,
      Next: wiring.next,
    }),
    UpdateMonitoringSchedule: task(sdk("updateMonitoringSchedule"), { MonitoringScheduleName: drift.scheduleName, MonitoringScheduleConfig: scheduleConfig }, {
      Comment: "Point the schedule at the new model's baseline",
      ResultPath: null,
      TimeoutSeconds: 60,
      Retry: SAGEMAKER_SDK_QUOTA_RETRY,
      Next: "HadPreviousJobDefinition",
    }),
    HadPreviousJobDefinition: {
      Type: "Choice" as const,
      Choices: [
        {
          And: [
            { Variable: "$.schedule.MonitoringScheduleConfig.MonitoringJobDefinitionName", IsPresent: true },
            { Variable: "$.schedule.MonitoringScheduleConfig.MonitoringJobDefinitionName", IsString: true },
            { Not: { Variable: "$.schedule.MonitoringScheduleConfig.MonitoringJobDefinitionName", StringEqualsPath: "$.monitor.JobDefinitionName" } },
          ],
          Next: "DeletePreviousJobDefinition",
        },
      ],
      Default: wiring.next,
    },
    DeletePreviousJobDefinition: {
      ...task(sdk("deleteDataQualityJobDefinition"), { "JobDefinitionName.$": "$.schedule.MonitoringScheduleConfig.MonitoringJobDefinitionName" }, {
        Comment: "The replaced definition: nothing uses it any more",
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: SAGEMAKER_SDK_RETRY,
        Next: wiring.next,
      }),
      // A leftover definition is untidy, not a failed deploy.
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.cleanupError", Next: wiring.next }],
    },
  };
  return {
    entry: "CreateMonitoringJobDefinition",
    states,
    timeoutSeconds: taskSeconds(states),
    stateMachineStatements: [
      {
        Sid: "OwnDataQualityMonitoring",
        Effect: "Allow",
        Action: [
          "sagemaker:CreateDataQualityJobDefinition",
          "sagemaker:DeleteDataQualityJobDefinition",
          "sagemaker:DescribeMonitoringSchedule",
          "sagemaker:CreateMonitoringSchedule",
          "sagemaker:UpdateMonitoringSchedule",
          "sagemaker:AddTags",
        ],
        Resource: [drift.jobDefinitionArns, drift.scheduleArn],
      },
      passRoleStatement(drift.roleArn),
    ],
  };
}

