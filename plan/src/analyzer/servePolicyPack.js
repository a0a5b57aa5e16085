"use strict";
/**
 * Starts a policy pack whose main is JavaScript as `@pulumi/pulumi/cmd/run-policy-pack`
 * (what the Pulumi CLI runs) does — `require` of the pack directory, so its package.json
 * `main` is served by @pulumi/policy's own Analyzer gRPC server, which prints its port — but
 * without what only a TypeScript main needs: ts-node and the TypeScript compiler, which
 * run-policy-pack loads for every pack and which are a third of its start. Also left out:
 * source-map-support and the V8 inspector hooks (closure serialization; packs serialize no
 * closures). test/packLauncher.test.ts checks that both launchers give the same answers.
 * With NODE_COMPILE_CACHE set (the plan sets it), V8's compiled code is cached for the next
 * start, which then takes about half as long.
 *
 * Run in the pack's directory: `node servePolicyPack.js`.
 */

// As run-policy-pack: anything the pack leaves unhandled ends it with a non-zero status,
// never a half-started server the client waits on.
const fail = (err) => {
  process.stderr.write(`${(err && err.stack) || String(err)}\n`);
  process.exit(1);
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

// The plan holds the other end of stdin: when the plan process ends, however it ends (even
// SIGKILL, which it cannot pass on), the pipe closes and the pack ends with it.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();

// What the Pulumi SDK loads for closure serialization and code packaging (the TypeScript
// compiler, npm's Arborist), which a pack never does, loads on first use only: more than half
// of the start (../lazySdkModules.js).
require("../lazySdkModules.js").installLazySdkModules();

require(process.cwd());

// Everything the pack needs is loaded now (its server binds asynchronously). With
// NODE_COMPILE_CACHE set, write the compiled code now: the pack ends by a signal, and Node
// writes the cache only at a normal exit.
require("module").flushCompileCache?.();
