/** Where the plan's tests find their programs, and the policy pack the plan depends on. */
import * as path from "path";

/** The plan's package directory (plan/). */
export const PLAN_DIR = path.resolve(__dirname, "../..");

/** A test-only program or config under plan/test/fixtures: none of them is the ml-pipeline program. */
export const fixture = (name: string) => path.join(PLAN_DIR, "test", "fixtures", name);

/** The installed `ml-pipeline-policies`: the default pack the plan judges by (cli.ts resolves it the same way). */
export const POLICY_PACK_DIR = path.dirname(require.resolve("ml-pipeline-policies/package.json"));
