/**
 * The role an AWS service assumes for one component, with its one inline policy: the
 * pair every component of the stack declares, named `<name>-role` and
 * `<name>-role-policy` under the component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { assumeRolePolicy, PolicyDocument, policyJson } from "../../lib/iamPolicy";
import { Named } from "../../stacks/model";

export interface ServiceRoleArgs {
  /** The role's physical name (other resources refer to it by its known ARN). */
  role: Named;
  /** Service principal that may assume it, on behalf of this account only. */
  service: string;
  /**
   * The service's resources allowed to assume the role (`aws:SourceArn`), where the
   * service sends that key; empty where it does not (Lambda execution roles).
   */
  sourceArns: string[];
  /**
   * Whether the service sends `aws:SourceAccount` when it assumes the role (default true).
   * false leaves the trust unconditioned: a condition on a key that is absent denies.
   */
  sourceAccount?: boolean;
  description: string;
  /** The inline policy. */
  policy: PolicyDocument;
  accountId: string;
  tags: Record<string, string>;
}

export interface ServiceRole {
  role: aws.iam.Role;
  /** Depend on this, not only on the role, where a service checks the permissions at creation. */
  policy: aws.iam.RolePolicy;
}

export function serviceRole(name: string, args: ServiceRoleArgs, parent: pulumi.Resource): ServiceRole {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      name: args.role.name,
      description: args.description,
      assumeRolePolicy: policyJson(assumeRolePolicy(args.service, args.sourceAccount === false ? undefined : args.accountId, args.sourceArns)),
      tags: args.tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(`${name}-role-policy`, { role: role.id, policy: policyJson(args.policy) }, { parent });
  return { role, policy };
}
