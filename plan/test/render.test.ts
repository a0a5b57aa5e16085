/**
 * The pull-request comment (renderMarkdown) as a reviewer reads it: every new and fixed
 * violation named, cost per resource before → after, and never over GitHub's comment limit
 * (65,536 characters, GitHub REST API "Create an issue comment": body is limited to 65536
 * characters) however large the plan — with what was left out said.
 */
import { strict as assert } from "assert";
import { comparePlans } from "../src/compare";
import { Plan } from "../src/plan";
import { MARKDOWN_MAX_CHARS, renderMarkdown } from "../src/render";

const GITHUB_COMMENT_LIMIT = 65_536;
const urn = (name: string, type = "aws:s3/bucket:Bucket") => `urn:pulumi:dev::app::${type}::${name}`;

function planWith(over: Partial<Plan>): Plan {
  return {
    kind: "ml-pipeline/offline-plan",
    version: 1,
    note: "Offline plan.",
    stack: "dev",
    project: "app",
    program: ".",
    firstPreview: false,
    policyPack: { name: "pack", version: "1.0.0", config: null, policies: [] },
    resources: [],
    violations: [],
    remediations: [],
    cost: { monthlyUsd: 0, currency: "USD", estimate: true, lines: [], unpriced: [], unbounded: [] },
    diagrams: [],
    summary: { resources: 0, checked: 0, mandatory: 0, advisory: 0 },
    timingsMs: {},
    ...over,
  };
}

describe("the pull-request comment", () => {
  const base = planWith({
    resources: [{ urn: urn("data"), type: "aws:s3/bucket:Bucket", name: "data", props: {} }, { urn: urn("old", "aws:sagemaker/endpoint:Endpoint"), type: "aws:sagemaker/endpoint:Endpoint", name: "old", props: {} }],
    violations: [{ policy: "s3-bucket-encryption-and-access", level: "mandatory", urn: urn("data"), message: "Bucket data has no public access block" }],
    cost: { monthlyUsd: 150, currency: "USD", estimate: true, unpriced: [], unbounded: [], lines: [{ urn: urn("old", "aws:sagemaker/endpoint:Endpoint"), monthlyUsd: 100, basis: "1 × ml.m5.large" }, { urn: urn("data"), monthlyUsd: 50, basis: "storage" }] },
  });
  const head = planWith({
    resources: [{ urn: urn("data"), type: "aws:s3/bucket:Bucket", name: "data", props: {} }, { urn: urn("new", "aws:sagemaker/endpoint:Endpoint"), type: "aws:sagemaker/endpoint:Endpoint", name: "new", props: {} }],
    violations: [{ policy: "sagemaker-endpoint-instance-type", level: "advisory", urn: urn("new", "aws:sagemaker/endpoint:Endpoint"), message: "ml.p4d.24xlarge is not an allowed type" }],
    cost: { monthlyUsd: 250, currency: "USD", estimate: true, unpriced: [], unbounded: [], lines: [{ urn: urn("new", "aws:sagemaker/endpoint:Endpoint"), monthlyUsd: 200, basis: "1 × ml.m5.xlarge" }, { urn: urn("data"), monthlyUsd: 50, basis: "storage" }] },
    summary: { resources: 2, checked: 2, mandatory: 0, advisory: 1 },
  });
  const md = renderMarkdown(head, comparePlans(base, head));

  it("names each new and each fixed violation: level, policy, resource, message", () => {
    assert.match(md, /#### Violations since the base branch: 1 new, 1 fixed/);
    assert.ok(md.includes("- 🆕 **advisory** `sagemaker-endpoint-instance-type` — `new`: ml.p4d.24xlarge is not an allowed type"), md);
    assert.ok(md.includes("- ✔️ fixed: **mandatory** `s3-bucket-encryption-and-access` — `data`: Bucket data has no public access block"), md);
  });

  it("shows each resource's cost on the base branch and in the change, with the difference", () => {
    assert.ok(md.includes("| `new` | — | $200.00 | +$200.00 | 1 × ml.m5.xlarge |"), md);
    assert.ok(md.includes("| `old` | $100.00 | — | −$100.00 | 1 × ml.m5.large |"), md);
    assert.ok(md.includes("| `data` | $50.00 | $50.00 |  | storage |"), md);
    assert.ok(md.includes("| **total** | **$150.00** | **$250.00** | **+$100.00** |"), md);
  });

  it("a stack the change leaves as it was is one line, not its cost table, resources and diagrams; its violations stay listed", () => {
    const withDiagram = { ...base, diagrams: [{ urn: urn("sm", "aws:sfn/stateMachine:StateMachine"), mermaid: "flowchart TD\n  A --> B" }], summary: { resources: 2, checked: 2, mandatory: 1, advisory: 0 } };
    const same = renderMarkdown(withDiagram, comparePlans(withDiagram, withDiagram));
    assert.match(same, /_No change to this stack since the base branch: its resources, cost and state machines are as there\._/);
    assert.doesNotMatch(same, /#### Estimated monthly cost|#### Resource changes|```mermaid/);
    assert.match(same, /#### Policy violations[\s\S]*`s3-bucket-encryption-and-access`/, "an unchanged violation is still a violation");
    // Any change, even of cost alone, shows the whole stack.
    assert.doesNotMatch(md, /No change to this stack/);
    assert.match(md, /#### Estimated monthly cost/);
  });

  it("the diagram of a changed state machine highlights the states the change adds or changes, and names them", () => {
    const SM = "aws:sfn/stateMachine:StateMachine";
    const definition = (states: Record<string, unknown>) => JSON.stringify({ StartAt: "Prep", States: states });
    const before = { Prep: { Type: "Pass", Next: "Train" }, Train: { Type: "Task", Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync", Parameters: { ResourceConfig: { InstanceType: "ml.m5.large" } }, End: true } };
    const after = { Prep: { Type: "Pass", Next: "Train" }, Train: { ...before.Train, Parameters: { ResourceConfig: { InstanceType: "ml.m5.xlarge" } }, End: undefined, Next: "Notify-Done" }, "Notify-Done": { Type: "Succeed" } };
    const machine = (states: Record<string, unknown>) => planWith({ resources: [{ urn: urn("sm", SM), type: SM, name: "sm", custom: true, props: { definition: definition(states) } }], diagrams: [{ urn: urn("sm", SM), mermaid: "flowchart TD\n  Prep --> Train" }] });
    const text = renderMarkdown(machine(after), comparePlans(machine(before), machine(after)));
    assert.match(text, /<summary>State machine <code>sm<\/code> \(changed here: <code>Notify_Done<\/code>, <code>Train<\/code>\)<\/summary>/);
    assert.match(text, /\n {2}classDef changed fill:#fff3b0,stroke:#d97706,stroke-width:2px\n {2}class Notify_Done,Train changed\n```/);
    assert.doesNotMatch(text, /class [^\n]*Prep/, "an unchanged state is not highlighted");
  });

  it("the header's counts are the plan's summary", () => {
    assert.match(md, /### ✅ `dev`: 0 mandatory and 1 advisory policy violations · 2 resources \(2 checked by policy\) · est\. \$250\.00\/month, \+\$100\.00 \(\+66\.7%\) vs base/);
  });

  describe("size: never over GitHub's limit, and says what it left out", () => {
    const many = 3000;
    const huge = planWith({
      resources: Array.from({ length: many }, (_, i) => ({ urn: urn(`bucket-${i}`), type: "aws:s3/bucket:Bucket", name: `bucket-${i}`, props: {} })),
      violations: Array.from({ length: many }, (_, i) => ({ policy: "s3-bucket-encryption-and-access", level: i % 2 ? "advisory" : "mandatory", urn: urn(`bucket-${i}`), message: `Bucket bucket-${i} is not encrypted with KMS; set a KMS key` })),
      cost: { monthlyUsd: many, currency: "USD", estimate: true, unpriced: [], unbounded: [], lines: Array.from({ length: many }, (_, i) => ({ urn: urn(`bucket-${i}`), monthlyUsd: 1, basis: "storage" })) },
      diagrams: [{ urn: urn("sm", "aws:sfn/stateMachine:StateMachine"), mermaid: "flowchart TD\n" + "  a --> b\n".repeat(5000) }],
      summary: { resources: many, checked: many, mandatory: many / 2, advisory: many / 2 },
    });

    it("two stacks at the default size fit one comment; the summary and mandatory violations come first", () => {
      const text = renderMarkdown(huge);
      assert.ok(text.length <= MARKDOWN_MAX_CHARS, `${text.length}`);
      assert.ok(2 * text.length + 100 < GITHUB_COMMENT_LIMIT);
      assert.match(text, /^<!-- ml-pipeline-plan:dev -->\n### ❌ `dev`: 1500 mandatory and 1500 advisory/);
      assert.match(text, /\| mandatory \| `s3-bucket-encryption-and-access` \| `bucket-0` \|/);
      assert.match(text, /\| … \| \d+ more \| \| see the full plan \|/);
      assert.match(text, /_Left out to fit a GitHub comment: state machine diagrams, resource changes, cost table, \d+ violation rows\. The full plan is in the workflow run's `offline-plan` artifact/);
    });

    it("drops the least useful sections first: with room for the violations, only the diagram goes", () => {
      const fewer = { ...huge, violations: huge.violations.slice(0, 10), cost: { ...huge.cost, lines: huge.cost.lines.slice(0, 10) }, resources: huge.resources.slice(0, 10) };
      const text = renderMarkdown(fewer);
      assert.ok(text.length <= MARKDOWN_MAX_CHARS);
      assert.match(text, /#### Estimated monthly cost/);
      assert.match(text, /<summary>Resources<\/summary>/);
      assert.doesNotMatch(text, /```mermaid/);
      assert.match(text, /_Left out to fit a GitHub comment: state machine diagrams\./);
    });

    it("a small plan is whole, with nothing said about leaving out", () => {
      assert.doesNotMatch(md, /Left out|truncated/);
      assert.ok(renderMarkdown(huge, undefined, 10_000_000).includes("```mermaid"));
    });
  });
});
