/** Every rule of the pack, grouped by concern. */
import { Policies } from "@pulumi/policy";
import { instanceTypePolicies } from "./instanceTypes";
import { encryptionPolicies } from "./encryption";
import { costPolicies } from "./cost";
import { baselinePolicies } from "./baseline";

export const allPolicies: Policies = [...instanceTypePolicies, ...encryptionPolicies, ...costPolicies, ...baselinePolicies];
