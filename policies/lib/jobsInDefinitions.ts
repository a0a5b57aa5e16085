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

import { read, TYPES } from "./resources";

export type SageMakerApi = "createTrainingJob" | "createProcessingJob" | "createTransformJob" | "createHyperParameterTuningJob" | "createEndpointConfig";

/** One instance pool a task asks for. */
export interface InstanceRequest {
  /** hosting, training or processing (transform jobs run on hosting types). */
  use: "hosting" | "training" | "processing";
  /** Literal type, or undefined when set at run time (`.$` path). */
  instanceType?: string;
  /** Literal count, or undefined when set at run time. */
  instanceCount?: number;
  /** JSON path inside the task parameters, for messages. */
  where: string;
}

export interface SageMakerTask {
  state: string;
  api: SageMakerApi;
  sync: boolean;
  parameters: Record<string, any>;
}

const RESOURCE = /^arn:aws[a-z-]*:states:::(?:aws-sdk:)?sagemaker:(createTrainingJob|createProcessingJob|createTransformJob|createHyperParameterTuningJob|createEndpointConfig)(\.sync|\.waitForTaskToken)?$/;

/** All SageMaker tasks of a definition (a JSON string or object). */
export function sageMakerTasks(definition: unknown): SageMakerTask[] {
  const def = typeof definition === "string" ? JSON.parse(definition) : definition;
  const out: SageMakerTask[] = [];
  const visit = (states: Record<string, any> | undefined, prefix: string) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      const label = prefix ? `${prefix}/${name}` : name;
      if (state?.Type === "Task" && typeof state.Resource === "string") {
        const m = RESOURCE.exec(state.Resource);
        if (m) out.push({ state: label, api: m[1] as SageMakerApi, sync: m[2] === ".sync", parameters: state.Parameters ?? state.Arguments ?? {} });
      }
      for (const branch of state?.Branches ?? []) visit(branch.States, label);
      for (const processor of [state?.Iterator, state?.ItemProcessor]) if (processor) visit(processor.States, label);
    }
  };
  visit(def?.States, "");
  return out;
}

/** A literal value, or undefined when the key is given as a `.$` path. */
function literal<T>(obj: Record<string, any> | undefined, key: string): T | undefined {
  if (!obj) return undefined;
  return obj[key] as T | undefined;
}

/** Whether a member is set, literally or as a `.$` path. */
export function isSet(obj: Record<string, any> | undefined, key: string): boolean {
  return !!obj && (obj[key] !== undefined || obj[`${key}.$`] !== undefined);
}

/** The instance pools a task requests, with where they are. */
export function instanceRequests(task: SageMakerTask): InstanceRequest[] {
  const p = task.parameters;
  const rc = (o: any, where: string, use: InstanceRequest["use"]): InstanceRequest => ({
    use,
    instanceType: literal(o, "InstanceType"),
    instanceCount: literal(o, "InstanceCount"),
    where,
  });
  switch (task.api) {
    case "createTrainingJob":
      return [rc(p.ResourceConfig, "ResourceConfig", "training")];
    case "createProcessingJob":
      return [rc(p.ProcessingResources?.ClusterConfig, "ProcessingResources.ClusterConfig", "processing")];
    case "createTransformJob":
      return [rc(p.TransformResources, "TransformResources", "hosting")];
    case "createHyperParameterTuningJob": {
      const defs = [p.TrainingJobDefinition, ...(p.TrainingJobDefinitions ?? [])].filter(Boolean);
      return defs.map((d: any, i: number) => rc(d.ResourceConfig, `TrainingJobDefinition${defs.length > 1 ? `s[${i}]` : ""}.ResourceConfig`, "training"));
    }
    case "createEndpointConfig":
      return (p.ProductionVariants ?? [])
        .filter((v: any) => !v.ServerlessConfig)
        .map((v: any, i: number) => ({ use: "hosting", instanceType: literal(v, "InstanceType"), instanceCount: literal(v, "InitialInstanceCount"), where: `ProductionVariants[${i}]` }));
  }
}

/** Seconds a job may run at most (MaxRuntimeInSeconds), where the API has one. */
export function maxRuntimeSeconds(task: SageMakerTask): number | undefined {
  const p = task.parameters;
  if (task.api === "createHyperParameterTuningJob") {
    const d = p.TrainingJobDefinition ?? p.TrainingJobDefinitions?.[0];
    return d?.StoppingCondition?.MaxRuntimeInSeconds;
  }
  return p.StoppingCondition?.MaxRuntimeInSeconds;
}

/** Maximum training jobs a tuning job starts. */
export function maxTuningJobs(task: SageMakerTask): number {
  return task.parameters.HyperParameterTuningJobConfig?.ResourceLimits?.MaxNumberOfTrainingJobs ?? 1;
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
  if (TYPES.trainingJob.includes(type as never)) return [nativeTrainingJobTask(props)];
  const definition = props.definition;
  try {
    return sageMakerTasks(definition);
  } catch {
    return INVALID_DEFINITION;
  }
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
