"use strict";
/**
 * The Pulumi SDK loads the TypeScript compiler (about 9 MB of JavaScript) as it loads itself:
 * runtime/closure/parseFunction.js requires @pulumi/pulumi/typescript-shim.js at its top, for
 * closure serialization (`pulumi.runtime.serializeFunction`, magic Lambda callbacks). The plan
 * process rarely and a policy pack never serializes a closure, yet each paid ~0.3 s of CPU for
 * the compiler on every start (a third of the pack's start).
 *
 * Installed before the SDK loads (cli.ts, servePolicyPack.js), this hands the shim, and only
 * the shim, a stand-in for `typescript` that loads the real compiler on first use: any read of
 * it (a property, `in`, its keys) loads it and answers from it, so code that does use it gets
 * the same module, and a process that never does never loads it. The module is resolved when
 * the shim asks for it, as the shim's own require would: where no TypeScript can be found, the
 * require throws and the shim falls back to its vendored copy, as before.
 *
 * Plain JavaScript: the pack process loads it without the TypeScript hook.
 */
const Module = require("module");
const path = require("path");

const SHIM = `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js`;
let installed = false;

function installLazyTypeScript() {
  if (installed) return;
  installed = true;
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request !== "typescript" || !parent || typeof parent.filename !== "string" || !parent.filename.endsWith(SHIM)) return load.apply(this, arguments);
    const file = Module._resolveFilename(request, parent, isMain);
    if (Module._cache[file] && Module._cache[file].loaded) return Module._cache[file].exports;
    let compiler;
    const real = () => (compiler ??= load.call(Module, request, parent, isMain));
    return new Proxy(
      {},
      {
        get: (_, key) => real()[key],
        has: (_, key) => key in real(),
        set: (_, key, value) => Reflect.set(real(), key, value),
        ownKeys: () => Reflect.ownKeys(real()),
        // Reported configurable: the stand-in's own (empty) target cannot hold the compiler's fixed exports.
        getOwnPropertyDescriptor: (_, key) => {
          const d = Reflect.getOwnPropertyDescriptor(real(), key);
          return d && { ...d, configurable: true };
        },
        getPrototypeOf: () => Reflect.getPrototypeOf(real()),
      },
    );
  };
}

module.exports = { installLazyTypeScript };
