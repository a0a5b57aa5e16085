/*
 * Retries, by the error names Step Functions really raises (Step Functions developer
 * guide, "Handling errors in Step Functions workflows" and "AWS SDK service integrations";
 * test/awsApiModel.test.ts checks every name against the services' API models):
 *  - optimized integrations (sagemaker:*, sns:publish) name an error the API model declares
 *    `<Service>.<Shape>Exception` and everything else after the SDK's base exception:
 *    `SageMaker.AmazonSageMakerException`, `SNS.AmazonSNSException`. Throttling and
 *    internal errors are among "everything else", and so is a request the service rejects
 *    as invalid: the name cannot tell them apart, so those retries are few and bounded.
 *  - aws-sdk integrations (aws-sdk:<service>:<api>) name undeclared errors
 *    `<Service>.<Service>Exception` (SageMaker.SageMakerException, Kms.KmsException).
 * A job that failed on its own (States.TaskFailed from a .sync task) is never retried.
 */
import { Retrier } from "./asl";

export const SAGEMAKER_RETRY: Retrier[] = [
  // Throttling, internal errors (and, under the same name, invalid requests): 3 attempts, about 35 s at most.
  { ErrorEquals: ["SageMaker.AmazonSageMakerException"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
  // Declared by CreateTrainingJob/CreateProcessingJob/CreateEndpoint...: a concurrency or capacity quota; AWS's documented long-interval retry.
  { ErrorEquals: ["SageMaker.ResourceLimitExceededException"], IntervalSeconds: 120, MaxAttempts: 3, BackoffRate: 2 },
];

/** AWS's documented retrier for Lambda tasks ("Handle transient Lambda service exceptions"), plus TooManyRequestsException, which Invoke declares. */
export const LAMBDA_RETRY: Retrier[] = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

/** KMS DescribeKey: DependencyTimeoutException is declared and transient; throttling arrives as Kms.KmsException (undeclared). */
export const KMS_RETRY: Retrier[] = [
  { ErrorEquals: ["Kms.DependencyTimeoutException", "Kms.KmsException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
];

/**
 * aws-sdk SageMaker calls (DescribeEndpoint): the API model declares no errors, so
 * throttling, a missing endpoint and a denied call all arrive as SageMaker.SageMakerException.
 * Two quick retries absorb throttling; FindEndpoint then tells "not found" apart by its message.
 */
export const SAGEMAKER_SDK_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.SageMakerException"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" },
];

/** Publish declares InternalErrorException and KMSThrottlingException; throttling of Publish itself is undeclared. */
export const SNS_RETRY: Retrier[] = [
  { ErrorEquals: ["SNS.AmazonSNSException", "SNS.InternalErrorException", "SNS.KMSThrottlingException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
];

/**
 * Glue startJobRun.sync: StartJobRun declares ConcurrentRunsExceededException (another run
 * of the job still going: wait) and InternalServiceException/OperationTimeoutException
 * (transient); everything else arrives as the SDK's base exception, Glue.AWSGlueException.
 * A run that itself failed or timed out is States.TaskFailed and is not retried: the same
 * data would fail the same way.
 */
export const GLUE_RETRY: Retrier[] = [
  { ErrorEquals: ["Glue.AWSGlueException", "Glue.InternalServiceException", "Glue.OperationTimeoutException"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
  { ErrorEquals: ["Glue.ConcurrentRunsExceededException"], IntervalSeconds: 120, MaxAttempts: 3, BackoffRate: 2 },
];

/** aws-sdk S3 PutObject: its declared errors are permanent (a bad request); throttling and 5xx arrive as S3.S3Exception. */
export const S3_SDK_RETRY: Retrier[] = [{ ErrorEquals: ["S3.S3Exception"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" }];

/**
 * aws-sdk SageMaker calls that declare errors (CreateModelPackage): the undeclared ones,
 * throttling among them, arrive as SageMaker.SageMakerException; the declared quota error
 * gets the long-interval retry. ConflictException (a version being written) is retried once.
 */
export const SAGEMAKER_SDK_WRITE_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.SageMakerException", "SageMaker.ConflictException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
  { ErrorEquals: ["SageMaker.ResourceLimitExceededException"], IntervalSeconds: 120, MaxAttempts: 2, BackoffRate: 2 },
];

/** UpdateModelPackage declares ConflictException only (another update of the version at the same time): retried with the undeclared ones. */
export const SAGEMAKER_SDK_UPDATE_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.SageMakerException", "SageMaker.ConflictException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
];

/** aws-sdk SageMaker writes that declare only quota and in-use errors (monitoring): throttling short, quota long. */
export const SAGEMAKER_SDK_QUOTA_RETRY: Retrier[] = [
  { ErrorEquals: ["SageMaker.SageMakerException"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" },
  { ErrorEquals: ["SageMaker.ResourceLimitExceededException"], IntervalSeconds: 120, MaxAttempts: 2, BackoffRate: 2 },
];
