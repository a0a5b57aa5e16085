/**
 * docs/workflow.md, "Promotion across accounts", followed file by file in a scratch checkout:
 * each block merged into the file the sentence before it names (keys added or replaced, a key
 * set to null removed), then the three stacks planned as the plan's CLI plans them, each in the
 * account its stacks.yaml entry pins. The plan is the referee: the schema and config checks, the
 * account pins, and the policy pack under each stack's own policy config.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Plan } from "../plan/src/plan";
import { runPlanCli } from "../plan/test/support/plan";
import { scratchCheckout } from "./support/githubActions";
import { PROJECT_DIR } from "./support/stacks";

/** The section's blocks with the file each one goes into (the `name` in backticks just before it). */
function setupBlocks(): { file: string; lang: string; code: string }[] {
  const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "workflow.md"), "utf8");
  const start = doc.indexOf("**The same, file by file**");
  assert.ok(start >= 0, "docs/workflow.md walks through the files");
  const section = doc.slice(start, doc.indexOf("**Promoting a version.**", start));
  return [...section.matchAll(/([^\n]*)\n\n```(yaml|json)\n([\s\S]*?)```/g)].map((m) => {
    const names = [...m[1].matchAll(/`([\w./-]+\.(?:yaml|json))`/g)].map((n) => n[1]);
    assert.ok(names.length > 0, `a block whose file the sentence before it names: ${m[1]}`);
    return { file: names[names.length - 1], lang: m[2], code: m[3] };
  });
}

/** Keys added or replaced, objects merged, a null removing the key. */
function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(from)) {
    if (value === null) delete into[key];
    else if (typeof value === "object" && !Array.isArray(value) && typeof into[key] === "object" && into[key] !== null && !Array.isArray(into[key])) merge(into[key] as Record<string, unknown>, value as Record<string, unknown>);
    else into[key] = value;
  }
  return into;
}

describe("docs/workflow.md, promotion set up file by file", function () {
  this.timeout(120_000);
  let dir = "";
  const plans: Record<string, { code: number; stderr: string; plan?: Plan }> = {};

  before(async () => {
    dir = scratchCheckout();
    const blocks = setupBlocks();
    assert.deepEqual(
      blocks.map((b) => b.file),
      ["Pulumi.dev.yaml", "policies/config/dev.json", "Pulumi.prod.yaml", "policies/config/prod.json", "stacks.yaml"],
    );
    for (const block of blocks) {
      const file = path.join(dir, block.file);
      if (block.lang === "json") {
        fs.writeFileSync(file, JSON.stringify(merge(JSON.parse(fs.readFileSync(file, "utf8")), JSON.parse(block.code)), null, 2));
      } else if (block.file === "stacks.yaml") {
        fs.writeFileSync(file, stringify(merge(parse(fs.readFileSync(file, "utf8")), parse(block.code))));
      } else {
        // A stack file's block goes under `config:`.
        const stackFile = parse(fs.readFileSync(file, "utf8"));
        merge(stackFile.config, parse(block.code));
        fs.writeFileSync(file, stringify(stackFile));
      }
    }
    for (const stack of ["dev", "staging", "prod"]) {
      const r = await runPlanCli("--program", dir, "--stack", stack, "--json", "--quiet");
      plans[stack] = { code: r.code, stderr: r.stderr, plan: r.code <= 1 && r.stdout ? (JSON.parse(r.stdout) as Plan) : undefined };
    }
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const [stack, account] of [["dev", "111111111111"], ["staging", "222222222222"], ["prod", "333333333333"]] as const) {
    it(`${stack} plans in account ${account} with 0 violations under its own policy config`, () => {
      const { code, stderr, plan } = plans[stack];
      assert.equal(code, 0, stderr);
      assert.equal(plan!.account, account);
      assert.deepEqual(plan!.violations, []);
      // Named relative to the working directory, as the plan names paths.
      assert.equal(path.resolve(plan!.policyPack.config ?? ""), path.join(dir, "policies", "config", `${stack}.json`));
    });
  }

  it("dev shares its group with both stages; staging and prod deploy from it, prod after staging, training nothing", () => {
    const types = (stack: string) => new Set(plans[stack].plan!.resources.map((r) => r.type));
    assert.ok(types("dev").has("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy"));
    const policy = plans.dev.plan!.resources.find((r) => r.type === "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy")!;
    const principals = JSON.stringify(JSON.parse(String(policy.props.resourcePolicy)).Statement.map((s: any) => s.Principal));
    for (const account of ["222222222222", "333333333333"]) assert.ok(principals.includes(`arn:aws:iam::${account}:root`), account);
    for (const stack of ["staging", "prod"]) {
      assert.ok(!types(stack).has("aws:sagemaker/modelPackageGroup:ModelPackageGroup"), `${stack} has no group of its own`);
      assert.ok(!types(stack).has("ml-pipeline:training:TrainingJobs"), `${stack} trains nothing`);
      assert.ok(types(stack).has("aws:cloudwatch/eventBus:EventBus"), `${stack} receives the promotions`);
    }
    const prodMachine = plans.prod.plan!.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.match(String(prodMachine.props.definition), /mlpipeline_deployed_staging/, "prod checks staging's record");
  });
});
