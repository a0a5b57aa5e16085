/**
 * The policy pack entry point: constructs the PolicyPack and nothing else
 * (constructing it starts the analyzer server; tests import ./rules instead).
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

new PolicyPack("ml-pipeline-policies", { policies: allPolicies });
