#!/usr/bin/env node
"use strict";
// The package's command (`npx ml-pipeline-plan --stack dev`): the plan ships TypeScript and
// runs it through its own cached transpile hook, then starts the supervisor (src/run.ts).
require("./transpile.js");
require("./src/run.ts");
