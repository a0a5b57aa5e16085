/** Where the plan's tests find their programs, and the policy pack the plan depends on. */
import * as path from "path";

/** The plan's package directory (plan/). */
export const PLAN_DIR = path.resolve(__dirname, "../..");

/** A test-only program or config under plan/test/fixtures: none of them is the ml-pipeline program. */
export const fixture = (name: string) => path.join(PLAN_DIR, "test", "fixtures", name);

/** The installed `ml-pipeline-policies`: the default pack the plan judges by (cli.ts resolves it the same way). */
export const POLICY_PACK_DIR = path.dirname(require.resolve("ml-pipeline-policies/package.json"));

/**
 * A suppression, with a reason, an owner and an expiry, of the one rule that the `everyday-s3`
 * fixture's `scratch` bucket breaks (plan/test/suppressions.test.ts judges what the plan
 * reports, plan/test/sarif.test.ts the SARIF log's validity).
 */
export const SCRATCH_SUPPRESSION = { resource: "scratch", reason: "load-test scratch space, holds no data and is emptied daily", owner: "data-eng", expires: "2999-12-31" };
