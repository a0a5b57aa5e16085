/**
 * The pack on Pulumi code written the way most people write it (auto-named resources,
 * sub-resources wired with `bucket: b.id`), through the plan's real gRPC path, at an
 * ordinary and at a first preview: exact verdicts, no extras.
 */
import { strict as assert } from "assert";
import { Plan } from "../src/plan";
import { fixture, runPlanCli } from "./support/plan";

const plans = new Map<string, Promise<{ code: number; plan: Plan; stderr: string }>>();

/** The plan of a fixture, run once per set of arguments (the fixtures do not change between tests). */
function planJson(...args: string[]): Promise<{ code: number; plan: Plan; stderr: string }> {
  const key = JSON.stringify(args);
  if (!plans.has(key)) {
    plans.set(
      key,
      runPlanCli(...args, "--json", "--quiet").then(({ code, stdout, stderr }) => ({ code, plan: JSON.parse(stdout) as Plan, stderr })),
    );
  }
  return plans.get(key)!;
}

const program = fixture("everyday-s3");
const verdicts = (p: Plan) => p.violations.map((v) => `${v.level} ${v.policy} ${v.urn?.split("::").pop() ?? "(stack)"}: ${v.message.split(";")[0]}`).sort();

/** The unconfigured bucket's four findings, at any preview. */
const SCRATCH = [
  'mandatory s3-bucket-encryption-and-access scratch: S3 bucket "scratch" has no SSE-KMS default encryption',
  'mandatory s3-bucket-encryption-and-access scratch: S3 bucket "scratch" has no bucket policy denying requests without TLS',
  'mandatory s3-bucket-encryption-and-access scratch: S3 bucket "scratch" is not versioned (status unset)',
  'mandatory s3-bucket-encryption-and-access scratch: S3 bucket "scratch": the public access block is missing',
];

describe("everyday Pulumi programs (auto-named, wired by reference)", function () {
  this.timeout(120_000);

  it("the plan gives auto-named resources the provider's generated name, and the pack the dependency graph", async () => {
    const { plan } = await planJson("--program", program, "--stack", "test");
    const raw = plan.resources.find((r) => r.name === "raw")!;
    assert.match(raw.props.bucket as string, /^raw-[0-9a-f]{7}$/, "auto-named as Pulumi names it");
    const versioning = plan.resources.find((r) => r.name === "raw-versioning")!;
    assert.equal(versioning.props.bucket, raw.props.bucket, "bucket: raw.id resolves to the bucket's name");
  });

  it("ordinary preview: the configured bucket passes, the unconfigured one gets exactly its four findings", async () => {
    const { code, plan } = await planJson("--program", program, "--stack", "test");
    assert.equal(code, 1);
    assert.deepEqual(verdicts(plan), SCRATCH);
  });

  it("first preview (ids unknown): sub-resources still pair by dependency; only the check that needs an unknown value waits", async () => {
    const { code, plan } = await planJson("--program", program, "--stack", "test", "--first-preview");
    assert.equal(code, 1);
    const raw = plan.resources.find((r) => r.name === "raw-versioning")!;
    assert.equal(raw.props.bucket, "<computed>", "the bucket's id is unknown at a first preview");
    const expected = [
      ...SCRATCH,
      "advisory resource-policy-not-public raw-tls-only: can't run policy 'resource-policy-not-public' from policy pack 'ml-pipeline-policies@v0.1.0' during preview: string value at .policy can't be known during preview",
      // Who the bucket policy names is unknown too: only that resource's check waits.
      "advisory cross-account-principals (stack): can't run policy 'cross-account-principals' from policy pack 'ml-pipeline-policies@v0.1.0' during preview: checks that need values known only after deployment: BucketPolicy \"raw-tls-only\"",
      "advisory s3-bucket-encryption-and-access (stack): can't run policy 's3-bucket-encryption-and-access' from policy pack 'ml-pipeline-policies@v0.1.0' during preview: checks that need values known only after deployment: S3 bucket \"raw\" bucket policy (string value at .policy can't be known during preview)",
    ].sort();
    assert.deepEqual(verdicts(plan), expected);
  });
});

describe("everyday Glue (auto-named, security configuration by reference)", function () {
  this.timeout(120_000);
  const glue = fixture("everyday-glue");
  const EXPECTED = [
    'mandatory glue-job-encryption adhoc: Glue job "adhoc" names no security configuration, so Glue writes its S3 output, logs and bookmarks without a customer-managed key',
    `mandatory glue-job-workers adhoc: Job "adhoc" has no timeout: Glue's default lets a stuck run bill for up to 48 hours`,
  ];
  for (const firstPreview of [false, true]) {
    it(`${firstPreview ? "first" : "ordinary"} preview: the configured Spark job passes, the ad-hoc Python shell job gets exactly its two findings`, async () => {
      const { code, plan } = await planJson("--program", glue, "--stack", "test", ...(firstPreview ? ["--first-preview"] : []));
      assert.equal(code, 1);
      assert.deepEqual(verdicts(plan), EXPECTED);
      // A Python shell job is priced by its DPUs, not reported unpriced.
      assert.ok(plan.cost.lines.some((l) => l.urn.endsWith("::adhoc") && /0\.0625 DPU/.test(l.basis)));
    });
  }
});
