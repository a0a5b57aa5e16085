/**
 * IAM documents as typed, plain objects, shared by the components and the workflow's
 * tasks. Every value is a string known before deployment (the stack model's names and
 * ARNs), never a Pulumi Output: a document is serialized one way, `policyJson`, and the
 * type checker refuses an Output inside a statement (the bug where a policy carried
 * "Calling [toJSON] on an Output" came from mixing the two).
 */

type OneOrMany<T> = T | T[];

/** Condition operator → condition key → value(s), e.g. `{ Bool: { "aws:SecureTransport": "false" } }`. */
export type Conditions = Record<string, Record<string, OneOrMany<string>>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: OneOrMany<string>; Service?: OneOrMany<string> };
  Action: OneOrMany<string>;
  Resource: OneOrMany<string>;
  Condition?: Conditions;
}

/** A trust-policy statement: like a statement, but IAM forbids `Resource` in it. */
export interface TrustStatement {
  Effect: "Allow";
  Principal: { Service: string };
  Action: "sts:AssumeRole";
  Condition?: Conditions;
}

export interface PolicyDocument<S = PolicyStatement> {
  Version: "2012-10-17";
  Statement: S[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The document as the JSON string AWS expects. */
export function policyJson(doc: PolicyDocument<PolicyStatement | TrustStatement>): string {
  return JSON.stringify(doc);
}

/**
 * Trust policy letting one AWS service assume a role, only on behalf of this account
 * (`aws:SourceAccount`) and, where the service sends it, only for the stack's own
 * resources (`aws:SourceArn`): the confused-deputy guards of each service's docs. No
 * `accountId`: the service sends no `aws:SourceAccount`, so no condition can be put on it.
 */
export function assumeRolePolicy(service: string, accountId: string | undefined, sourceArns: string[] = []): PolicyDocument<TrustStatement> {
  const condition = {
    ...(accountId !== undefined ? { StringEquals: { "aws:SourceAccount": accountId } } : {}),
    ...(sourceArns.length > 0 ? { ArnLike: { "aws:SourceArn": sourceArns } } : {}),
  };
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}) }],
  };
}

/**
 * Grants KMS actions on the stack key, identified by its alias (AWS's ABAC condition
 * `kms:ResourceAliases`) instead of its generated ARN, so the statement is known before
 * the key exists. Only keys of this account and region carrying that alias match.
 */
export function keyUseStatement(sid: string, actions: string[], key: { aliasName: string; anyKeyArn: string }): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: key.anyKeyArn,
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName } },
  };
}

/**
 * `kms:CreateGrant` on the stack key, only for grants to AWS resources
 * (`kms:GrantIsForAWSResource`): how SageMaker attaches the key to ML storage volumes.
 */
export function keyGrantStatement(sid: string, key: { aliasName: string; anyKeyArn: string }): PolicyStatement {
  return {
    ...keyUseStatement(sid, ["kms:CreateGrant"], key),
    Condition: {
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName },
      Bool: { "kms:GrantIsForAWSResource": "true" },
    },
  };
}

/**
 * Pulling a container image from ECR: the registry login (no resource-level permissions) and,
 * for an image in a private repository, reading its layers. SageMaker's own algorithm images
 * (`repositoryArn` undefined) need the login only.
 */
export function imagePullStatements(pullSid: string, repositoryArn: string | undefined): PolicyStatement[] {
  return [
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }, // no resource-level permissions
    ...(repositoryArn
      ? [{ Sid: pullSid, Effect: "Allow" as const, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: repositoryArn }]
      : []),
  ];
}
