/**
 * Training: the SageMaker execution role of training jobs. The job itself is not a
 * Pulumi resource: the workflow starts one per run with the specification in
 * workflow/sagemakerJobs.ts (instance type, spot, encryption, isolation...).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ecrRepositoryArn } from "../stacks/algorithmImages";
import { ARTIFACT_KEYS } from "../workflow/spec";
import { sageMakerJobStatements } from "../workflow/iam";
import { DATA_PREFIXES } from "./dataBucket";
import { arnOf, AwsContext } from "./shared/context";
import { anySageMakerArn } from "../stacks/arns";
import { policyDocument } from "./shared/iam";
import { serviceRole } from "./shared/serviceRole";
import { sageMakerJobLogGroup } from "./shared/logGroups";

export interface TrainingArgs {
  /** Physical role name (deterministic: the workflow passes it by ARN). */
  roleName: string;
  /** Training image, for scoping ECR pulls. */
  image: string;
  bucketName: pulumi.Input<string>;
  /** `alias/<name>` of the stack key. */
  keyAlias: string;
  /** Whether training runs in VPC subnets. */
  vpc: boolean;
  /** Declare /aws/sagemaker/TrainingJobs (account-wide; see the stack config's monitoring.declareJobLogGroups). */
  declareLogGroup: boolean;
  /** The key's ARN: CloudWatch Logs takes no alias. */
  keyArn: pulumi.Input<string>;
  logRetentionDays: number;
  context: AwsContext;
  tags: Record<string, string>;
}

export class Training extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly logGroup?: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TrainingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:training:Training", name, {}, opts);
    const { partition, region, accountId } = args.context;
    const policy = pulumi.all([accountId, args.bucketName]).apply(([acct, bucketName]) =>
      JSON.stringify(
        policyDocument(
          ...sageMakerJobStatements(
            { partition, region, accountId: acct, bucketName, keyAlias: args.keyAlias },
            {
              jobKind: "TrainingJobs",
              readPrefixes: [DATA_PREFIXES.processed, ARTIFACT_KEYS.checkpoints],
              writePrefixes: [ARTIFACT_KEYS.models, ARTIFACT_KEYS.checkpoints],
              repositoryArn: ecrRepositoryArn(args.image, partition),
              vpc: args.vpc,
            },
          ),
        ),
      ),
    );
    this.role = serviceRole(
      name,
      {
        roleName: args.roleName,
        service: "sagemaker.amazonaws.com",
        sourceArns: [arnOf(args.context, anySageMakerArn)],
        description: "SageMaker execution role of the pipeline's training jobs",
        policy,
        accountId,
        tags: args.tags,
      },
      this,
    ).role;
    if (args.declareLogGroup) this.logGroup = sageMakerJobLogGroup(name, "TrainingJobs", args, this);
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
