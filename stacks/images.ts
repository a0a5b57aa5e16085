/** Which container images a stack uses, resolved from its config. */
import { StackConfig } from "./schema";
import { xgboostImageUri } from "./algorithmImages";

/** The training image: a custom one from config, else the region's built-in XGBoost. */
export function trainingImage(config: StackConfig): string {
  return config.training.image ?? xgboostImageUri(config.region, config.training.xgboostVersion);
}

/** The inference image: the endpoint's own, else the training image (true for built-in algorithms). */
export function inferenceImage(config: StackConfig): string {
  return config.endpoint.image ?? trainingImage(config);
}
