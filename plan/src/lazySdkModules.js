"use strict";
/**
 * The Pulumi SDK loads, as it loads itself, modules that only closure serialization and code
 * packaging use (`pulumi.runtime.serializeFunction`, magic Lambda callbacks,
 * `computeCodePaths`), which a policy pack never calls and the plan rarely does:
 *  - the TypeScript compiler (about 9 MB of JavaScript), which runtime/closure/parseFunction.js
 *    reaches through @pulumi/pulumi/typescript-shim.js at its top;
 *  - npm's Arborist (with pacote, sigstore, cacache, … : about 300 modules) and
 *    normalize-package-data, which runtime/closure/codePaths.js requires at its top.
 * Together about 0.6 s of CPU on every start of the plan and of each policy pack.
 *
 * Installed before the SDK loads (cli.ts, servePolicyPack.js), this hands those SDK files,
 * and only them, a stand-in for each module that loads the real one on first use, resolved
 * as the SDK's own require would resolve it (where it cannot be found, the require throws
 * then, as it would have at the top). A module found but failing to load fails where it is
 * first used (computeCodePaths, serializeFunction), not as the SDK loads. Each stand-in has the shape its SDK file uses:
 *  - typescript: any read of it (a property, `in`, its keys) loads it and answers from it;
 *  - Arborist: the module's `Arborist` class, constructed (`new arborist.Arborist(…)`);
 *  - normalize-package-data: the module's function, called.
 * plan/test/lazySdkModules.test.ts checks that a process with the stand-ins loads none of
 * the modules and computes the same code paths and serialized closure as one without.
 *
 * Plain JavaScript: the pack process loads it without the TypeScript hook.
 */
const Module = require("module");
const path = require("path");

const SDK = `${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/** The compiler as a proxy: whatever is read of it is read from the real module. */
function proxyOf(real) {
  return new Proxy(
    {},
    {
      get: (_, key) => real()[key],
      has: (_, key) => key in real(),
      set: (_, key, value) => Reflect.set(real(), key, value),
      ownKeys: () => Reflect.ownKeys(real()),
      // Reported configurable: the stand-in's own (empty) target cannot hold the module's fixed exports.
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(real(), key);
        return d && { ...d, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    },
  );
}

/**
 * Which SDK file gets which stand-in: `${file}\0${request}` → the stand-in, given the real
 * module's loader and the requiring SDK file.
 */
const STAND_INS = new Map([
  // The shim's own fallback, kept: where `typescript` is found but fails to load, the shim
  // loads its vendored compiler (typescript-shim.js: `catch` → vendor/typescript@3.8.3).
  [
    `typescript-shim.js\0typescript`,
    (real, shim) => {
      let compiler;
      return proxyOf(() => {
        if (compiler === undefined) {
          try {
            compiler = real();
          } catch {
            compiler = require(path.join(path.dirname(shim), "vendor", "typescript@3.8.3", "typescript.js"));
          }
        }
        return compiler;
      });
    },
  ],
  // codePaths.js: `__importStar(require("@npmcli/arborist"))`, then `new arborist.Arborist({ path })`.
  [
    `runtime${path.sep}closure${path.sep}codePaths.js\0@npmcli/arborist`,
    (real) => ({
      Arborist: function Arborist(...args) {
        return new (real().Arborist)(...args);
      },
    }),
  ],
  // codePaths.js: `__importDefault(require("normalize-package-data"))`, then `.default(data)`.
  [`runtime${path.sep}closure${path.sep}codePaths.js\0normalize-package-data`, (real) => (...args) => real()(...args)],
]);

let installed = false;

function installLazySdkModules() {
  if (installed) return;
  installed = true;
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const file = parent && typeof parent.filename === "string" ? parent.filename : "";
    const at = file.lastIndexOf(SDK);
    const standIn = at >= 0 ? STAND_INS.get(`${file.slice(at + SDK.length)}\0${request}`) : undefined;
    if (!standIn) return load.apply(this, arguments);
    const resolved = Module._resolveFilename(request, parent, isMain);
    if (Module._cache[resolved] && Module._cache[resolved].loaded) return Module._cache[resolved].exports;
    let real;
    return standIn(() => (real ??= load.call(Module, request, parent, isMain)), file);
  };
}

module.exports = { installLazySdkModules };
