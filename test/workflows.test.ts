/** The GitHub workflows cannot run here: lint them (valid YAML, real jobs, scripts that exist). */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "./support/stacks";

const dir = path.join(PROJECT_DIR, ".github", "workflows");
const workflows = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).map((f) => [f, parse(fs.readFileSync(path.join(dir, f), "utf8"))]));
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("GitHub workflows", () => {
  it("are valid YAML with triggers and jobs whose steps use or run something", () => {
    assert.deepEqual(Object.keys(workflows).sort(), ["deploy.yml", "plan-comment.yml", "pr-plan.yml", "pr-preview.yml"]);
    for (const [file, wf] of Object.entries<any>(workflows)) {
      assert.ok(wf.on, `${file} has triggers`);
      assert.ok(Object.keys(wf.jobs).length > 0, file);
      for (const job of Object.values<any>(wf.jobs)) for (const step of job.steps) assert.ok(step.uses || step.run, `${file}: a step does nothing`);
    }
  });

  it("every job has a time limit (a hung plan or deploy cannot hold a runner for GitHub's 6 hours)", () => {
    for (const [file, wf] of Object.entries<any>(workflows)) {
      for (const [name, job] of Object.entries<any>(wf.jobs)) assert.ok(Number.isInteger(job["timeout-minutes"]) && job["timeout-minutes"] <= 60, `${file} job ${name}`);
    }
  });

  it("every `npm run` and script they call exists", () => {
    for (const [file, wf] of Object.entries<any>(workflows)) {
      for (const job of Object.values<any>(wf.jobs)) {
        for (const step of job.steps.filter((s: any) => s.run)) {
          for (const m of step.run.matchAll(/npm run ([\w:-]+)/g)) assert.ok(pkg.scripts[m[1]], `${file}: npm run ${m[1]}`);
          for (const m of step.run.matchAll(/(scripts\/[\w.-]+)/g)) assert.ok(fs.existsSync(path.join(PROJECT_DIR, m[1])), `${file}: ${m[1]}`);
        }
      }
    }
    const bash = spawnSync("bash", ["-n", path.join(PROJECT_DIR, "scripts", "pr-plan.sh")]);
    assert.equal(bash.status, 0, String(bash.stderr));
  });

  it("pull-request plan needs no secrets and cannot write; the comment job never checks out PR code", () => {
    const text = fs.readFileSync(path.join(dir, "pr-plan.yml"), "utf8");
    assert.ok(!/secrets\./.test(text));
    assert.deepEqual(workflows["pr-plan.yml"].permissions, { contents: "read" });
    const comment = workflows["plan-comment.yml"];
    assert.deepEqual(comment.on.workflow_run.workflows, ["PR plan"]);
    for (const job of Object.values<any>(comment.jobs)) assert.ok(!job.steps.some((s: any) => String(s.uses).startsWith("actions/checkout")));
  });

  it("preview and deploy use pulumi/actions v6 with the policy pack per stack and OIDC (no access keys)", () => {
    for (const file of ["pr-preview.yml", "deploy.yml"]) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      assert.ok(!/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/.test(text), file);
      assert.equal(workflows[file].permissions["id-token"], "write");
      const pulumiSteps = Object.values<any>(workflows[file].jobs).flatMap((j) => j.steps).filter((s: any) => String(s.uses).startsWith("pulumi/actions@"));
      assert.ok(pulumiSteps.length > 0);
      for (const s of pulumiSteps) {
        assert.equal(s.uses, "pulumi/actions@v6");
        assert.equal(s.with.policyPacks, "policies");
        assert.match(s.with.policyPackConfigs, /^policies\/config\/(\$\{\{ matrix.stack \}\}|dev|prod)\.json$/);
      }
    }
    assert.equal(workflows["pr-preview.yml"].jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
    assert.equal(workflows["deploy.yml"].jobs.prod.needs, "dev");
    assert.equal(workflows["deploy.yml"].jobs.prod.environment, "production");
  });
});
