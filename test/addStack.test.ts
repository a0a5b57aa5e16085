/**
 * The README's "Add a stack", followed step by step in a scratch copy of the repository: its
 * shell lines run as written, its stacks.yaml entry goes where it says (before prod's), its
 * `npm run plan` lines run as the plan's CLI with the same arguments. Then the new stack is
 * planned, listed, and picked up by the workflows: deploy.yml's jobs (run here, pulumi and aws
 * stubbed) deploy it between dev and prod from its approved preview, and scripts/pr-plan.sh
 * plans it without being told its name.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { runPlanCli } from "../plan/test/support/plan";
import { scratchCheckout, simulateDeploy } from "./support/githubActions";
import { PROJECT_DIR } from "./support/stacks";

/** The README section's code blocks, in order, with their language. */
function addStackSection(): { lang: string; code: string }[] {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  const start = readme.indexOf("## Add a stack\n");
  assert.ok(start >= 0, "the README has an \"Add a stack\" section");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
}

describe("README, \"Add a stack\", followed step by step", function () {
  this.timeout(120_000);
  let dir: string;
  const planned: { args: string[]; code: number; stdout: string; stderr: string }[] = [];

  before(async () => {
    dir = scratchCheckout();
    const blocks = addStackSection();
    assert.deepEqual(blocks.map((b) => b.lang), ["bash", "yaml", "bash"], "files, the list entry, the commands that check it");
    const files = spawnSync("bash", ["-eo", "pipefail", "-c", blocks[0].code], { cwd: dir, encoding: "utf8" });
    assert.equal(files.status, 0, files.stderr);
    const list = fs.readFileSync(path.join(dir, "stacks.yaml"), "utf8");
    assert.ok(list.includes("  - name: prod\n"), "prod's entry, before which the README puts the new one");
    fs.writeFileSync(path.join(dir, "stacks.yaml"), list.replace("  - name: prod\n", `${blocks[1].code}  - name: prod\n`));
    for (const line of blocks[2].code.split("\n").filter((l) => l.trim())) {
      const m = /^npm run plan -- (.*?)\s*(#.*)?$/.exec(line);
      assert.ok(m, `a command the test knows how to follow: ${line}`);
      const args = m[1].split(/\s+/);
      planned.push({ args, ...(await runPlanCli("--program", dir, ...args)) });
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the stack's config (the prod profile, its own tags) and its policy config", () => {
    const config = parse(fs.readFileSync(path.join(dir, "Pulumi.qa.yaml"), "utf8")).config;
    assert.equal(config["ml-pipeline:profile"], "prod");
    assert.equal(config["ml-pipeline:tags"].environment, "qa");
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "policies/config/qa.json"), "utf8")), JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies/config/prod.json"), "utf8")));
  });

  it("plans the new stack under its own policy config, and lists it between dev and prod", async () => {
    const [plan, list] = planned;
    assert.deepEqual(plan.args, ["--stack", "qa"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^Offline plan for ml-pipeline \/ qa/);
    const config = /Policy verdicts \(ml-pipeline-policies@[^,]+, config ([^)]+)\)/.exec(plan.stdout)?.[1];
    assert.equal(path.resolve(config ?? ""), path.join(dir, "policies/config/qa.json"), "judged by its own policy config");
    assert.deepEqual([list.args, list.code, list.stdout], [["--list-stacks"], 0, "dev\nqa\nprod\n"]);
  });

  it("a listed stack without its policy config is an error that says what to do", async () => {
    fs.renameSync(path.join(dir, "policies/config/qa.json"), path.join(dir, "policies/config/qa.json.off"));
    try {
      const r = await runPlanCli("--program", dir, "--stack", "qa", "--quiet");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /stacks\.1 \(qa\): policyConfig policies\/config\/qa\.json does not exist; write it, or set policyConfig: defaults/);
    } finally {
      fs.renameSync(path.join(dir, "policies/config/qa.json.off"), path.join(dir, "policies/config/qa.json"));
    }
  });

  it("deploy.yml deploys it after dev and before prod, from its approved preview, with its policy config", () => {
    const wf = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "deploy.yml"), "utf8"));
    const sim = simulateDeploy(wf, dir);
    assert.deepEqual(sim.runs.filter((r) => r.job === "deploy").map((r) => r.stack), ["dev", "qa", "prod"]);
    assert.deepEqual(sim.runs.filter((r) => r.job === "preview").map((r) => r.stack), ["qa", "prod"]);
    const up = sim.runs.find((r) => r.job === "deploy" && r.stack === "qa")!;
    assert.equal(up.status, 0, up.stderr);
    // After checking that dev, before it in the list, is deployed at this commit.
    assert.deepEqual(up.calls.filter((c) => c.cli === "pulumi").map((c) => c.args.slice(0, 4)), [["stack", "history", "--stack", "acme/dev"], ["up", "--yes", "--stack", "acme/qa"]]);
    assert.deepEqual(up.calls.filter((c) => c.cli === "pulumi")[1].args, ["up", "--yes", "--stack", "acme/qa", "--policy-pack", "policies", "--policy-pack-config", "policies/config/qa.json", "--plan", "qa-update-plan.json"]);
  });

  it("scripts/pr-plan.sh plans it without being told its name", () => {
    // npm is stubbed for the plans (what each was asked is recorded), not for the list it reads.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "npm-stub-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-base-")); // a base branch before the plan existed
    try {
      const realNpm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
      fs.writeFileSync(path.join(bin, "npm"), `#!/usr/bin/env bash\ncase "$*" in *--list-stacks*) exec ${JSON.stringify(realNpm)} "$@";; esac\necho "$*" >> ${JSON.stringify(path.join(out, "npm.log"))}\n`, { mode: 0o755 });
      const r = spawnSync("bash", [path.join(dir, "scripts", "pr-plan.sh"), base, out], { cwd: dir, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      assert.equal(r.status, 0, r.stderr);
      const stacks = fs.readFileSync(path.join(out, "npm.log"), "utf8").trim().split("\n").map((l) => /--stack (\S+)/.exec(l)?.[1]);
      assert.deepEqual(stacks, ["dev", "qa", "prod"]);
    } finally {
      for (const d of [bin, out, base]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
