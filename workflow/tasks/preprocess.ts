/**
 * Preprocess: split raw/ into processed/<run>/{train,validation}/ with the stack's engine:
 * its Lambda function (preprocessLambda.ts), a SageMaker Processing job
 * (preprocessProcessing.ts) or its Spark job on AWS Glue (preprocessGlue.ts).
 */
import { WorkflowSpec } from "../spec";
import { gluePreprocessing } from "./preprocessGlue";
import { lambdaPreprocessing } from "./preprocessLambda";
import { processingPreprocessing } from "./preprocessProcessing";
import { SLACK_SECONDS, TaskModule, Wiring } from "./task";

function preprocessSeconds(spec: WorkflowSpec): number {
  const p = spec.preprocessing;
  const own = p.kind === "lambda" ? p.timeoutSeconds : p.kind === "glue" ? p.timeoutMinutes * 60 : p.maxRuntimeSeconds;
  return own + SLACK_SECONDS;
}

export function preprocess(spec: WorkflowSpec, wiring: Wiring): TaskModule {
  const p = spec.preprocessing;
  const step = { next: wiring.next, timeoutSeconds: preprocessSeconds(spec) };
  const engine = p.kind === "lambda" ? lambdaPreprocessing(spec, p, step) : p.kind === "glue" ? gluePreprocessing(spec, p, step) : processingPreprocessing(spec, p, step);
  return { entry: "Preprocess", states: { Preprocess: engine.state }, timeoutSeconds: step.timeoutSeconds, ...engine };
}
