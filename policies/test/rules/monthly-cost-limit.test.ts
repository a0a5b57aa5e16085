/** monthly-cost-limit: the stack's worst-case monthly cost, for SageMaker and for Glue. */
import { strict as assert } from "assert";
import { rule as monthlyCostLimitRule } from "../../rules/monthly-cost-limit";
import { checkStack, stackPolicy } from "../support/check";
import { endpointConfig } from "../support/sagemaker";
import { glueRun, job, line, machine, schedule } from "../support/glue";

const monthlyCostLimit = stackPolicy(monthlyCostLimitRule);

describe("rule: monthly-cost-limit", () => {
  it("fails the stack above maxMonthlyUsd, naming the largest items and the fix", () => {
    const ec = { ...endpointConfig({ instanceType: "ml.p3.2xlarge", initialInstanceCount: 40 }), urn: "urn:ec" };
    const [v] = checkStack(monthlyCostLimit, [ec], { maxMonthlyUsd: 1000 });
    assert.match(v.message, /Estimated worst-case monthly cost \$111690\.00 exceeds maxMonthlyUsd \$1000\. Largest: .*40 × ml\.p3\.2xlarge/);
    assert.deepEqual(checkStack(monthlyCostLimit, [ec], { maxMonthlyUsd: 200000 }), []);
  });
  it("reports an instance type without a price instead of guessing, and accepts a price from config", () => {
    const ec = { ...endpointConfig({ instanceType: "ml.r5d.large" }), urn: "urn:ec" };
    assert.match(checkStack(monthlyCostLimit, [ec])[0].message, /No price for ml\.r5d\.large .* add it to the policy config "prices"/);
    assert.deepEqual(checkStack(monthlyCostLimit, [ec], { prices: { "ml.r5d.large": 0.2 } }), []);
  });

  describe("cost: Glue jobs", () => {
    it("a run's literal overrides count; overrides set at run time cannot be bounded", () => {
      const est = line([job(), machine({ Prep: glueRun({ NumberOfWorkers: 20, Timeout: 30 }) }), schedule]);
      assert.equal(est.lines.find((l) => l.urn === "urn:job")!.monthlyUsd, Math.round(31 * 20 * 1 * 0.5 * 0.44 * 100) / 100);
      const dynamic = line([job(), machine({ Prep: glueRun({ "NumberOfWorkers.$": "$.n" }) }), schedule]);
      assert.match(dynamic.unbounded[0].why, /NumberOfWorkers is set at run time/);
      assert.match(checkStack(monthlyCostLimit, [job(), machine({ Prep: glueRun({ "NumberOfWorkers.$": "$.n" }) }), schedule])[0].message, /cannot be bounded/);
    });

    it("jobs sized in DPUs (Python shell, Glue 1.0-era Spark) are priced by their DPUs", () => {
      const shell = job({ command: { name: "pythonshell" }, workerType: undefined, numberOfWorkers: undefined, maxCapacity: 1, timeout: 30 });
      assert.equal(line([shell]).lines[0].monthlyUsd, Math.round(4 * 1 * 0.44 * 0.5 * 100) / 100);
      assert.deepEqual(checkStack(monthlyCostLimit, [shell]), []);
      const small = job({ command: { name: "pythonshell" }, workerType: undefined, numberOfWorkers: undefined, timeout: 60 });
      assert.match(line([small]).lines[0].basis, /× 0\.0625 DPU × 1 h timeout/);
    });

    it("memory-optimized workers have no price in the table: reported, not guessed, and priced from config", () => {
      const r = job({ workerType: "R.2X" });
      assert.match(checkStack(monthlyCostLimit, [r])[0].message, /No price for glue:R\.2X/);
      assert.deepEqual(checkStack(monthlyCostLimit, [r], { prices: { "glue:R.2X": 1.1 } }), []);
      assert.equal(line([r], { prices: { "glue:R.2X": 1.1 } }).lines[0].monthlyUsd, Math.round(4 * 10 * 1.1 * 1 * 100) / 100);
    });
  });
});
