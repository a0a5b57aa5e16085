"use strict";
/**
 * The require hook that runs this project's TypeScript (the plan, the program, the bench):
 * sucrase strips types and converts imports, without type-checking (`npm test` type-checks
 * once), and its output is cached on disk by the hash of the source, so a warm plan loads
 * compiled files instead of transpiling ~100 of them again. Plain JavaScript, so that loading
 * it costs nothing to transpile; sucrase itself is loaded only on a cache miss.
 *
 *   node -r ./plan/transpile.js plan/src/run.ts
 *
 * The cache lives in node_modules/.cache (gone with every `npm ci`), or where
 * ML_PIPELINE_TRANSPILE_CACHE says; where it cannot be written, files are transpiled every
 * time, as before.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { addHook } = require("pirates");

const SUCRASE_VERSION = require("sucrase/package.json").version;
// What sucrase/register/ts uses; no source maps: nothing reads them (sucrase keeps line numbers).
const OPTIONS = { transforms: ["typescript", "imports"] };
// node_modules/.cache of the project that holds this package: the workspace root's here, the
// installing project's where the package is installed (…/node_modules/ml-pipeline-plan).
const HOLDER = path.dirname(__dirname);
const CACHE_DIR =
  process.env.ML_PIPELINE_TRANSPILE_CACHE ||
  (path.basename(HOLDER) === "node_modules" ? path.join(HOLDER, ".cache", "ml-pipeline", "transpiled") : path.join(HOLDER, "node_modules", ".cache", "ml-pipeline", "transpiled"));
const SALT = `${SUCRASE_VERSION}\0${JSON.stringify(OPTIONS)}\0`;

let sucrase;
let cacheWritable = true;

function transpile(code, filename) {
  // By the source alone, not its path: sucrase's output depends on the code and the options
  // only (the path goes into source maps, which are off, and error messages, never cached), so
  // a checkout of the same code elsewhere (a base branch's, a copy) loads compiled files too.
  const key = crypto.createHash("sha256").update(SALT).update(code).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // A miss: transpile below.
  }
  sucrase ??= require("sucrase");
  const out = sucrase.transform(code, { ...OPTIONS, filePath: filename }).code;
  if (cacheWritable) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // Write then rename: a concurrent reader never sees half a file.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, out);
      fs.renameSync(tmp, cached);
    } catch {
      cacheWritable = false;
    }
  }
  return out;
}

// TypeScript outside node_modules (the program, its tests), and this package's own sources
// wherever it is installed: it ships TypeScript and runs it through this hook.
const OWN_DIR = __dirname + path.sep;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
addHook(transpile, { exts: [".ts"], ignoreNodeModules: false, matcher: (file) => !file.endsWith(".d.ts") && (!file.includes(NODE_MODULES) || file.startsWith(OWN_DIR)) });
