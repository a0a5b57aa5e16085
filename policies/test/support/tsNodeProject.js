"use strict";
/**
 * Required by .mocharc.json before ts-node: ts-node transpiles the tests with
 * test/tsconfig.json (the pack's compiler options, with Node's and mocha's types), not with
 * the build's tsconfig.json that it would find from policies/ (whose include list names only
 * the pack's sources). A TS_NODE_PROJECT already set wins.
 */
const path = require("path");

process.env.TS_NODE_PROJECT ??= path.join(__dirname, "..", "tsconfig.json");
