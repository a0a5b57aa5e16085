/**
 * The gate metrics scheduled evaluation can compute from the served model's predictions
 * (monitoring/evaluate.py's METRICS; test/evaluateScript.test.ts keeps the two equal), by
 * XGBoost's names ("eval_metric" in the XGBoost parameter docs); the training job reports
 * them as `<channel>:<name>` (validation:auc).
 */
export const EVALUATION_METRICS = ["auc", "error", "logloss", "mae", "rmse"] as const;
