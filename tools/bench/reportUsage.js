// Preloaded into a benchmarked process: reports its peak memory on exit (stderr line).
"use strict";
process.on("exit", () => {
  process.stderr.write(`BENCH_USAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
