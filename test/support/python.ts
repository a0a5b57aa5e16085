/**
 * The python3 interpreter the script tests run, resolved once to its own path: a version
 * manager's shim in front of it (pyenv) costs about half a second per start on this machine,
 * which the drift, processing and Glue script tests would pay dozens of times.
 * Undefined when the machine has no python3 (the tests then skip and say so).
 */
import { spawnSync } from "child_process";

const found = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
export const PYTHON: string | undefined = found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;

/**
 * The flags every script test starts it with: -S, no site directory. The scripts use the
 * standard library alone (what every SageMaker and Glue image has), so a third-party import
 * fails here rather than in a container; and the site directory's start-up hooks (a version
 * manager's .pth files) cost about 45 ms a start on this machine, over 70 starts a run.
 */
export const PYTHON_FLAGS = ["-S"];
