/**
 * The SageMaker jobs a program asks for, in the API's member names, so that one set of
 * checks serves them all:
 *  - hidden in Step Functions definitions: every Task that calls CreateTrainingJob,
 *    CreateProcessingJob, CreateTransformJob, CreateHyperParameterTuningJob or
 *    CreateEndpointConfig, through the optimized integration
 *    (`arn:aws:states:::sagemaker:<api>[.sync]`) or the AWS SDK integration
 *    (`arn:aws:states:::aws-sdk:sagemaker:<api>`), in any nesting (Parallel, Map). No
 *    other scanner reads these: those jobs are not Pulumi resources;
 *  - native `aws:sagemaker` TrainingJob resources.
 */

import { asArray, read, TYPES } from "./resources";

export type SageMakerApi =
  | "createTrainingJob"
  | "createProcessingJob"
  | "createTransformJob"
  | "createHyperParameterTuningJob"
  | "createEndpointConfig"
  | "createDataQualityJobDefinition"
  | "createMonitoringSchedule"
  | "updateMonitoringSchedule"
  | "createModelPackage";

/** One instance pool a task asks for. */
export interface InstanceRequest {
  /** hosting, training or processing (transform jobs run on hosting types). */
  use: "hosting" | "training" | "processing";
  /** Literal type, or undefined when set at run time (`.$` path). */
  instanceType?: string;
  /** Literal count, or undefined when absent or set at run time. */
  instanceCount?: number;
  /** The count is a `.$` path: only known when the workflow runs. */
  instanceCountAtRunTime?: boolean;
  /** JSON path inside the task parameters, for messages. */
  where: string;
}

export interface SageMakerTask {
  state: string;
  api: SageMakerApi;
  sync: boolean;
  parameters: Record<string, any>;
}

/** The APIs the job rules read; they all run instances on data. */
const CHECKED_APIS = new Set([
  "createTrainingJob",
  "createProcessingJob",
  "createTransformJob",
  "createHyperParameterTuningJob",
  "createEndpointConfig",
  // Model Monitor's data-quality jobs, and the schedules that run them (a schedule naming a
  // definition is checked where the definition is created; an inline one is checked here).
  "createDataQualityJobDefinition",
  "createMonitoringSchedule",
  "updateMonitoringSchedule",
  // A model package names the instance types it may be served and batch-transformed on.
  "createModelPackage",
]);

/**
 * SageMaker APIs that start compute or hold data and that the job rules cannot read
 * (notebook instances, HyperPod clusters, AutoML, compilation, monitoring...): a task
 * calling one is reported, never silently passed. APIs that only name things
 * (createModel, createEndpoint, updateEndpoint, model packages, experiments) are not.
 */
const UNCHECKED_API = /^create(\w*Job|\w*JobDefinition|NotebookInstance|Cluster|InferenceComponent|MonitoringSchedule|Domain|Space|App|FlowDefinition|TrainingPlan|OptimizationJob|PartnerApp|MlflowTrackingServer|EdgeDeploymentPlan)$/;

const SAGEMAKER_TASK = /^arn:aws[a-z-]*:states:::(?:aws-sdk:)?sagemaker:(\w+?)(\.sync|\.waitForTaskToken)?$/;

/** A SageMaker task the job rules cannot check. */
export interface UncheckedTask {
  state: string;
  api: string;
}

/** A SageMaker createModel task: its network isolation is checked like a model resource's. */
export interface ModelTask {
  state: string;
  parameters: Record<string, any>;
}

/**
 * A Glue job run a definition starts (`glue:startJobRun`, optimized or aws-sdk). The run
 * may override the job's workers, timeout and security configuration; a `.$` value
 * (set at run time) is listed in `atRunTime`, so rules can refuse what they cannot read.
 */
export interface GlueRunTask {
  state: string;
  /** Literal job name, or undefined when set at run time. */
  jobName?: string;
  parameters: Record<string, any>;
  /** StartJobRun members given as JSONPaths (`JobName`, `WorkerType`, ...). */
  atRunTime: string[];
}

export interface DefinitionTasks {
  jobs: SageMakerTask[];
  unchecked: UncheckedTask[];
  models: ModelTask[];
  glueRuns: GlueRunTask[];
}

const GLUE_RUN_TASK = /^arn:aws[a-z-]*:states:::(?:aws-sdk:)?glue:startJobRun(\.sync|\.waitForTaskToken)?$/;

/** StartJobRun members that decide what a run costs and how it is encrypted. */
export const GLUE_RUN_SETTINGS = ["JobName", "WorkerType", "NumberOfWorkers", "Timeout", "SecurityConfiguration", "MaxCapacity", "AllocatedCapacity"] as const;

/** Every SageMaker task of a definition (a JSON string or object), in any nesting. */
export function definitionTasks(definition: unknown): DefinitionTasks {
  const def = typeof definition === "string" ? JSON.parse(definition) : definition;
  const out: DefinitionTasks = { jobs: [], unchecked: [], models: [], glueRuns: [] };
  const visit = (states: unknown, prefix: string) => {
    if (!states || typeof states !== "object") return;
    for (const [name, state] of Object.entries(states as Record<string, any>)) {
      if (!state || typeof state !== "object") continue;
      const label = prefix ? `${prefix}/${name}` : name;
      const m = state.Type === "Task" && typeof state.Resource === "string" ? SAGEMAKER_TASK.exec(state.Resource) : null;
      if (state.Type === "Task" && typeof state.Resource === "string" && GLUE_RUN_TASK.test(state.Resource)) {
        const parameters = state.Parameters ?? state.Arguments ?? {};
        out.glueRuns.push({
          state: label,
          jobName: typeof parameters.JobName === "string" ? parameters.JobName : undefined,
          parameters,
          atRunTime: GLUE_RUN_SETTINGS.filter((k) => parameters[`${k}.$`] !== undefined),
        });
      }
      if (m) {
        const parameters = state.Parameters ?? state.Arguments ?? {};
        const api = m[1];
        if (CHECKED_APIS.has(api)) out.jobs.push({ state: label, api: api as SageMakerApi, sync: m[2] === ".sync", parameters });
        else if (api === "createModel") out.models.push({ state: label, parameters });
        else if (UNCHECKED_API.test(api)) out.unchecked.push({ state: label, api });
      }
      for (const branch of asArray<any>(state.Branches)) visit(branch?.States, label);
      for (const processor of [state.Iterator, state.ItemProcessor]) if (processor) visit(processor.States, label);
    }
  };
  visit(def?.States, "");
  return out;
}

/** The SageMaker jobs of a definition that the job rules read. */
export function sageMakerTasks(definition: unknown): SageMakerTask[] {
  return definitionTasks(definition).jobs;
}

/** Whether a member is set, literally or as a `.$` path. */
export function isSet(obj: Record<string, any> | undefined, key: string): boolean {
  return !!obj && (obj[key] !== undefined || obj[`${key}.$`] !== undefined);
}

/** The instance pools a task requests, with where they are. A pool given as a JSONPath is a pool with unknown type. */
export function instanceRequests(task: SageMakerTask): InstanceRequest[] {
  const p = task.parameters ?? {};
  const rc = (o: any, where: string, use: InstanceRequest["use"]): InstanceRequest => ({
    use,
    instanceType: typeof o?.InstanceType === "string" ? o.InstanceType : undefined,
    instanceCount: typeof o?.InstanceCount === "number" ? o.InstanceCount : undefined,
    instanceCountAtRunTime: o?.["InstanceCount.$"] !== undefined,
    where,
  });
  const atRunTime = (key: string, use: InstanceRequest["use"]): InstanceRequest[] => (p[`${key}.$`] !== undefined ? [{ use, where: `${key} (a JSONPath)` }] : []);
  switch (task.api) {
    case "createTrainingJob":
      return [rc(p.ResourceConfig, "ResourceConfig", "training")];
    case "createProcessingJob":
      return [rc(p.ProcessingResources?.ClusterConfig, "ProcessingResources.ClusterConfig", "processing")];
    case "createTransformJob":
      return [rc(p.TransformResources, "TransformResources", "hosting")];
    case "createHyperParameterTuningJob": {
      const defs = [p.TrainingJobDefinition, ...asArray<any>(p.TrainingJobDefinitions)].filter(Boolean);
      return [
        ...defs.map((d: any, i: number) => rc(d.ResourceConfig, `TrainingJobDefinition${defs.length > 1 ? `s[${i}]` : ""}.ResourceConfig`, "training")),
        ...atRunTime("TrainingJobDefinition", "training"),
        ...atRunTime("TrainingJobDefinitions", "training"),
      ];
    }
    case "createDataQualityJobDefinition":
      return [rc(p.JobResources?.ClusterConfig, "JobResources.ClusterConfig", "processing"), ...atRunTime("JobResources", "processing")];
    case "createMonitoringSchedule":
    case "updateMonitoringSchedule": {
      const inline = monitoringScheduleJob(task);
      return inline ? [rc(inline.MonitoringResources?.ClusterConfig, "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig", "processing")] : [];
    }
    case "createModelPackage": {
      const spec = p.InferenceSpecification ?? {};
      const listed = (key: string) =>
        asArray<unknown>(spec[key]).map((t, i): InstanceRequest => ({ use: "hosting", instanceType: typeof t === "string" ? t : undefined, where: `InferenceSpecification.${key}[${i}]` }));
      return [...listed("SupportedRealtimeInferenceInstanceTypes"), ...listed("SupportedTransformInstanceTypes")];
    }
    case "createEndpointConfig":
      return [
        ...asArray<any>(p.ProductionVariants)
          .map((v: any, i: number) => ({ v, i }))
          .filter(({ v }) => v && !v.ServerlessConfig)
          .map(({ v, i }) => ({
            use: "hosting" as const,
            instanceType: typeof v.InstanceType === "string" ? v.InstanceType : undefined,
            instanceCount: typeof v.InitialInstanceCount === "number" ? v.InitialInstanceCount : undefined,
            instanceCountAtRunTime: v["InitialInstanceCount.$"] !== undefined,
            where: `ProductionVariants[${i}]`,
          })),
        ...atRunTime("ProductionVariants", "hosting"),
      ];
  }
}

/** A schedule's inline job definition (MonitoringScheduleConfig.MonitoringJobDefinition), if it has one. */
export function monitoringScheduleJob(task: SageMakerTask): Record<string, any> | undefined {
  const def = task.parameters?.MonitoringScheduleConfig?.MonitoringJobDefinition;
  return def && typeof def === "object" ? def : undefined;
}

/** A schedule's literal expression and the definition it runs (by name, literal or a JSONPath). */
export function monitoringScheduleOf(task: SageMakerTask): { expression?: string; definitionName?: string } {
  const config = task.parameters?.MonitoringScheduleConfig ?? {};
  const expression = config.ScheduleConfig?.ScheduleExpression;
  const name = config.MonitoringJobDefinitionName;
  return { expression: typeof expression === "string" ? expression : undefined, definitionName: typeof name === "string" ? name : undefined };
}

/** Seconds a job may run at most (MaxRuntimeInSeconds), where the API has one and it is written literally. */
export function maxRuntimeSeconds(task: SageMakerTask): number | undefined {
  return literalMaxRuntime(jobHolder(task));
}

/** `StoppingCondition.MaxRuntimeInSeconds` of a job's parameters (or an inline job definition), where written as a number. */
export function literalMaxRuntime(holder: Record<string, any> | undefined): number | undefined {
  const value = holder?.StoppingCondition?.MaxRuntimeInSeconds;
  return typeof value === "number" ? value : undefined;
}

/** Whether the job's maximum runtime is a JSONPath (or its stopping condition is): only known when it runs. */
export function maxRuntimeAtRunTime(task: SageMakerTask): boolean {
  const holder = jobHolder(task);
  return holder?.["StoppingCondition.$"] !== undefined || holder?.StoppingCondition?.["MaxRuntimeInSeconds.$"] !== undefined;
}

/** The parameters that hold a job's stopping condition: a tuning job's (first) training job definition, else the task's own. */
function jobHolder(task: SageMakerTask): Record<string, any> | undefined {
  const p = task.parameters ?? {};
  return task.api === "createHyperParameterTuningJob" ? (p.TrainingJobDefinition ?? asArray<any>(p.TrainingJobDefinitions)[0]) : p;
}

/**
 * Training jobs a tuning job may start: ResourceLimits.MaxNumberOfTrainingJobs written as a
 * number; for a Grid search without it, SageMaker runs every combination of its categorical
 * ranges. Otherwise (a JSONPath anywhere on the way, or no limit) the number is not known
 * from the definition: `undefined`, which callers treat as unbounded, never as one job.
 */
export function maxTuningJobs(task: SageMakerTask): number | undefined {
  const p = task.parameters ?? {};
  const config = p.HyperParameterTuningJobConfig;
  if (p["HyperParameterTuningJobConfig.$"] !== undefined || config?.["ResourceLimits.$"] !== undefined) return undefined;
  const limit = config?.ResourceLimits?.MaxNumberOfTrainingJobs;
  if (typeof limit === "number") return limit;
  if (limit === undefined && config?.ResourceLimits?.["MaxNumberOfTrainingJobs.$"] === undefined && config?.Strategy === "Grid") {
    const ranges = config?.ParameterRanges?.CategoricalParameterRanges;
    if (Array.isArray(ranges) && ranges.every((r: any) => Array.isArray(r?.Values))) return ranges.reduce((n: number, r: any) => n * r.Values.length, 1);
  }
  return undefined;
}

/**
 * A native `aws:sagemaker/trainingJob:TrainingJob` resource (a job Pulumi itself
 * starts) as a task in the API's member names, so that the checks written for
 * definitions apply to it unchanged. Values unknown at preview stay "set".
 */
function nativeTrainingJobTask(props: Record<string, any>): SageMakerTask {
  const rc = props.resourceConfig ?? {};
  const volumeKey = read(rc, "volumeKmsKeyId");
  const outputKey = props.outputDataConfig ? read(props.outputDataConfig, "kmsKeyId") : undefined;
  return {
    state: "(resource)",
    api: "createTrainingJob",
    sync: true,
    parameters: {
      ResourceConfig: { InstanceType: rc.instanceType, InstanceCount: rc.instanceCount, ...(volumeKey !== undefined ? { VolumeKmsKeyId: volumeKey } : {}) },
      OutputDataConfig: outputKey !== undefined ? { KmsKeyId: outputKey } : {},
      EnableInterContainerTrafficEncryption: props.enableInterContainerTrafficEncryption,
      EnableNetworkIsolation: props.enableNetworkIsolation,
      StoppingCondition: { MaxRuntimeInSeconds: props.stoppingCondition?.maxRuntimeInSeconds },
    },
  };
}

/** A state machine definition that is not JSON: its tasks cannot be read. */
export const INVALID_DEFINITION = "invalid-definition" as const;

/**
 * The SageMaker jobs a resource runs: the tasks of a state machine's definition, or the
 * native training job itself. A value unknown during preview throws the server's
 * UnknownValueError, which rules must let through (the server turns it into an
 * advisory); only a definition that is not JSON is caught here.
 */
export function jobsOf(type: string, props: Record<string, any>): SageMakerTask[] | typeof INVALID_DEFINITION {
  const tasks = tasksOf(type, props);
  return tasks === INVALID_DEFINITION ? tasks : tasks.jobs;
}

/** All SageMaker tasks a resource runs, the ones the rules cannot read included. */
export function tasksOf(type: string, props: Record<string, any>): DefinitionTasks | typeof INVALID_DEFINITION {
  if (TYPES.trainingJob.includes(type as never)) return { jobs: [nativeTrainingJobTask(props)], unchecked: [], models: [], glueRuns: [] };
  const definition = props.definition;
  try {
    return definitionTasks(definition);
  } catch (e) {
    if (e instanceof SyntaxError) return INVALID_DEFINITION;
    throw e; // an UnknownValueError: the server reports it
  }
}

/** The message every job rule reports for a definition it cannot parse (each rule stands alone). */
export function invalidDefinitionMessage(resource: string, rule: string): string {
  return `${resource}: the definition is not valid JSON, so ${rule} cannot check its SageMaker tasks; fix the definition.`;
}

/** The message for a SageMaker API the job rules cannot read. */
export function uncheckedTaskMessage(resource: string, task: UncheckedTask, what: string): string {
  return `${resource} state ${task.state} calls sagemaker:${task.api}, whose ${what} this pack cannot check; use an API the pack reads (training, processing, transform, tuning jobs, endpoint configs) or exempt this resource by disabling the rule for its stack with a recorded reason.`;
}

/** How a job is named in messages: the resource, and the state inside a definition. */
export function jobSubject(resource: string, task: SageMakerTask): string {
  return task.state === "(resource)" ? resource : `${resource} state ${task.state} (${task.api})`;
}

/** Number of states in a definition, for transition cost. */
export function stateCount(definition: unknown): number {
  const def = typeof definition === "string" ? JSON.parse(definition) : definition;
  return Object.keys(def?.States ?? {}).length;
}
