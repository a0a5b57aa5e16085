/**
 * IAM documents as typed objects. Built here and serialized with
 * `pulumi.jsonStringify`, not through the `getPolicyDocument` invoke, so that every
 * statement is visible to tests and to the policy pack without a cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import { anyKeyArn } from "../../stacks/arns";
import { arnOf } from "./context";

type OneOrMany<T> = T | T[];

/** Condition operator → condition key → value(s), e.g. `{ Bool: { "aws:SecureTransport": "false" } }`. */
export type Conditions = Record<string, Record<string, pulumi.Input<OneOrMany<pulumi.Input<string>>>>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: OneOrMany<pulumi.Input<string>>; Service?: OneOrMany<string> };
  Action: OneOrMany<string>;
  Resource: OneOrMany<pulumi.Input<string>>;
  Condition?: Conditions;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The document as the JSON string AWS expects; known whenever its inputs are. */
export function toJson(doc: PolicyDocument | { Version: "2012-10-17"; Statement: unknown[] }): pulumi.Output<string> {
  return pulumi.jsonStringify(doc);
}

/** A trust-policy statement: like a statement, but IAM forbids `Resource` in it. */
export interface TrustStatement {
  Effect: "Allow";
  Principal: { Service: string };
  Action: "sts:AssumeRole";
  Condition?: Conditions;
}

/**
 * Trust policy letting one AWS service assume a role, only on behalf of this account
 * (`aws:SourceAccount`) and, where the service sends it, only for the stack's own
 * resources (`aws:SourceArn`): the confused-deputy guards of each service's docs.
 */
export function assumeRolePolicy(
  service: string,
  accountId: pulumi.Input<string>,
  sourceArns: pulumi.Input<string>[] = [],
): { Version: "2012-10-17"; Statement: TrustStatement[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ...(sourceArns.length > 0 ? { ArnLike: { "aws:SourceArn": sourceArns } } : {}),
        },
      },
    ],
  };
}

/**
 * Grants KMS actions on the stack key, identified by its alias (AWS's ABAC condition
 * `kms:ResourceAliases`) instead of its generated ARN, so the statement is known
 * before the key exists. Only keys of this account and region carrying that alias match.
 */
export function keyUseStatement(
  sid: string,
  actions: string[],
  key: { aliasName: string },
  context: { partition: string; region: string; accountId: pulumi.Input<string> },
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: arnOf(context, anyKeyArn),
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName } },
  };
}
