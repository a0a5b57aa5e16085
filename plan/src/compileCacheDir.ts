/** Where Node's compile cache for the plan and its policy pack lives (NODE_COMPILE_CACHE, else the temp dir). */
import * as os from "os";
import * as path from "path";

export const COMPILE_CACHE_DIR = process.env.NODE_COMPILE_CACHE ?? path.join(os.tmpdir(), "ml-pipeline-node-compile-cache");
