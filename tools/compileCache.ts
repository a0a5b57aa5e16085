/**
 * Node's on-disk compile cache (Node >= 22.1): the plan loads the Pulumi SDK in two
 * processes on every run, and caching V8's compiled code roughly halves the load time
 * of warm runs. Imported first by the CLIs. Not passed to the policy pack process:
 * measured slower there (docs/BENCHMARKS.md, table 3). Harmless where unsupported.
 */
import * as os from "os";
import * as path from "path";

export const COMPILE_CACHE_DIR = process.env.NODE_COMPILE_CACHE ?? path.join(os.tmpdir(), "ml-pipeline-node-compile-cache");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeModule = require("module") as { enableCompileCache?: (dir: string) => unknown };
nodeModule.enableCompileCache?.(COMPILE_CACHE_DIR);
