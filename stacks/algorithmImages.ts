/**
 * ECR registries of SageMaker's built-in XGBoost container (repository
 * `sagemaker-xgboost`, versions 1.0-1 and later), per region.
 *
 * Source: aws/sagemaker-python-sdk, src/sagemaker/image_uri_config/xgboost.json
 * (read 2026-11). Resolving the image here, not through the `getPrebuiltEcrImage`
 * invoke, keeps the image URI known at the first `pulumi preview` and visible to
 * policies and tests without a cloud.
 */
export const XGBOOST_REGISTRIES: Readonly<Record<string, string>> = {
  "af-south-1": "510948584623",
  "ap-east-1": "651117190479",
  "ap-northeast-1": "354813040037",
  "ap-northeast-2": "366743142698",
  "ap-northeast-3": "867004704886",
  "ap-south-1": "720646828776",
  "ap-southeast-1": "121021644041",
  "ap-southeast-2": "783357654285",
  "ca-central-1": "341280168497",
  "eu-central-1": "492215442770",
  "eu-north-1": "662702820516",
  "eu-south-1": "978288397137",
  "eu-west-1": "141502667606",
  "eu-west-2": "764974769150",
  "eu-west-3": "659782779980",
  "me-south-1": "801668240914",
  "sa-east-1": "737474898029",
  "us-east-1": "683313688378",
  "us-east-2": "257758044811",
  "us-west-1": "746614075791",
  "us-west-2": "246618743249",
};

/**
 * SageMaker's scikit-learn container (`sagemaker-scikit-learn`) is published from the
 * same registries as XGBoost 1.x (same source file's sibling, sklearn.json); it is the
 * default image of processing-job preprocessing.
 */
const SKLEARN_PROCESSING_TAG = "1.2-1-cpu-py3";

export function sklearnImageUri(region: string): string {
  const account = XGBOOST_REGISTRIES[region];
  if (!account) {
    throw new Error(`no built-in scikit-learn registry known for region ${region}`);
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-scikit-learn:${SKLEARN_PROCESSING_TAG}`;
}

/** XGBoost container versions this project has been written against. */
export const XGBOOST_VERSIONS = ["1.5-1", "1.7-1"] as const;

/** `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1` */
export function xgboostImageUri(region: string, version: string): string {
  const account = XGBOOST_REGISTRIES[region];
  if (!account) {
    throw new Error(`no built-in XGBoost registry known for region ${region}`);
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-xgboost:${version}`;
}

/**
 * The ECR repository ARN of an image URI, for scoping `ecr:BatchGetImage` to it.
 * Returns undefined for images outside ECR (which SageMaker cannot pull anyway
 * without a private-registry config).
 */
export function ecrRepositoryArn(imageUri: string, partition = "aws"): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(imageUri);
  if (!m) return undefined;
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}
