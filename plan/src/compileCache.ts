/**
 * Node's on-disk compile cache (Node >= 22.1): the plan loads the Pulumi SDK in two
 * processes on every run, and caching V8's compiled code roughly halves the load time
 * of warm runs. Imported first by the CLIs. The policy pack process gets the same cache
 * and writes it once it has loaded (src/analyzer/servePolicyPack.js): it is stopped by a
 * signal, so Node's write at exit never happens there. Harmless where unsupported.
 */
import { COMPILE_CACHE_DIR } from "./compileCacheDir";

export { COMPILE_CACHE_DIR };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeModule = require("module") as { enableCompileCache?: (dir: string) => unknown };
nodeModule.enableCompileCache?.(COMPILE_CACHE_DIR);
