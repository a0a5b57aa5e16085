/**
 * Suppressions with a reason (every resource rule's `suppressions` knob in the policy config):
 * planned through the real pack over the Analyzer protocol. A suppressed finding is reported
 * as suppressed in every output (text, JSON, the PR comment, SARIF with its justification,
 * checked by Microsoft's validator in plan/test/sarif.test.ts), never hidden; an expired one is a finding again; one
 * without a reason is refused as the CLI refuses a bad knob; one that covers nothing is a
 * warning; adding or renewing one loosens the guard rails.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as sarif from "sarif";
import { Plan } from "../src/plan";
import { railsReport } from "../src/guardRails";
import { fixture, runPlanCli } from "./support/plan";
import { SCRATCH_SUPPRESSION as SCRATCH } from "./support/fixtures";

/** The everyday program: bucket `raw` configured as the pack requires, bucket `scratch` not (four mandatory findings of one rule). */
const PROGRAM = fixture("everyday-s3");
const RULE = "s3-bucket-encryption-and-access";

describe("suppressions with a reason", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "suppressions-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = (name: string, suppressions: unknown[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ [RULE]: { suppressions } }));
    return file;
  };
  const plan = (configFile: string, ...more: string[]) => runPlanCli("--program", PROGRAM, "--stack", "test", "--policy-pack-config", configFile, "--quiet", ...more);

  it("a suppression that holds takes the finding out of the violations and reports it as suppressed, with its reason, owner, expiry and the finding", async () => {
    const sarifFile = path.join(dir, "suppressed.sarif");
    const r = await plan(config("holds.json", [SCRATCH]), "--json", "--sarif", sarifFile);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as Plan;
    assert.deepEqual(p.violations, []);
    assert.equal(p.summary.suppressed, 1);
    const [s] = p.suppressed!;
    assert.deepEqual([s.policy, s.level, s.urn.split("::").pop()], [RULE, "mandatory", "scratch"]);
    assert.match(s.reason, /^load-test scratch space, holds no data and is emptied daily \(owner data-eng, until 2999-12-31\); the finding: S3 bucket "scratch" has no SSE-KMS default encryption.* \| .*public access block is missing/);
    assert.deepEqual(p.unusedSuppressions, []);
    // SARIF: the finding is a result with its suppression and justification.
    const log = JSON.parse(fs.readFileSync(sarifFile, "utf8")) as sarif.Log;
    const [result] = log.runs[0].results!;
    assert.deepEqual(result.suppressions, [{ kind: "external", status: "accepted", justification: s.reason }]);
    assert.equal(result.ruleId, RULE);
    // Its validity for Microsoft's validator: plan/test/sarif.test.ts, in the one validator run (a second run costs seconds of .NET start-up).
    // Text and the PR comment list it too.
    const text = await plan(config("holds.json", [SCRATCH]));
    assert.match(text.stdout, /\[suppressed mandatory\] s3-bucket-encryption-and-access — .*scratch: load-test scratch space/);
    const md = await plan(config("holds.json", [SCRATCH]), "--markdown");
    assert.match(md.stdout, /#### Suppressed findings \(1\)/);
    assert.match(md.stdout, /\| mandatory \| `s3-bucket-encryption-and-access` \| `.*scratch` \| load-test scratch space/);
  });

  it("covers by logical name or URN, `*` matching any characters; a suppression that covers no finding is a warning, in every output", async () => {
    const byUrn = { resource: "urn:pulumi:test::*aws:s3/bucket:Bucket::scr*", reason: "the same bucket, named by its URN" };
    const stale = { resource: "raw", reason: "raw is compliant, so this suppresses nothing" };
    const r = await plan(config("urn.json", [byUrn, stale]), "--json");
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as Plan;
    assert.equal(p.suppressed!.length, 1);
    assert.deepEqual(p.unusedSuppressions, [{ policy: RULE, resource: "raw", reason: stale.reason, expired: false }]);
    assert.match(r.stderr, /plan: warning: the suppression of s3-bucket-encryption-and-access for "raw" suppressed nothing \(no finding on a resource it covers\): remove it/);
  });

  it("an expired suppression suppresses nothing: the findings are violations again, each saying so, and the plan says it expired", async () => {
    const r = await plan(config("expired.json", [{ ...SCRATCH, expires: "2020-01-31" }]), "--json");
    assert.equal(r.code, 1, "mandatory findings again");
    const p = JSON.parse(r.stdout) as Plan;
    assert.equal(p.summary.mandatory, 4);
    for (const v of p.violations) assert.match(v.message, /\(its suppression expired on 2020-01-31: "load-test scratch space, holds no data and is emptied daily"; fix the finding, or renew the suppression with a new date\)$/);
    assert.deepEqual(p.suppressed, []);
    assert.equal(p.unusedSuppressions![0].expired, true);
    assert.match(r.stderr, /the suppression of s3-bucket-encryption-and-access for "scratch" has expired/);
  });

  it("a suppression without a reason (or with a bad date, or an unknown field) is refused before anything runs, naming the knob", async () => {
    for (const [entry, expected] of [
      [{ resource: "scratch" }, /"s3-bucket-encryption-and-access"\.suppressions\.0 .*must have required property 'reason'/],
      [{ resource: "scratch", reason: "because" }, /"s3-bucket-encryption-and-access"\.suppressions\.0\.reason "because": must NOT have fewer than 10 characters/],
      [{ ...SCRATCH, expires: "31/12/2999" }, /suppressions\.0\.expires "31\/12\/2999": must match pattern/],
      [{ ...SCRATCH, until: "2999-12-31" }, /"s3-bucket-encryption-and-access"\.suppressions\.0 has "until", which is not a field here \(fields: expires, owner, reason, resource\)/],
    ] as const) {
      const r = await plan(config("bad.json", [entry]));
      assert.equal(r.code, 2, JSON.stringify(entry));
      assert.match(r.stderr, expected);
    }
  });

  it("a pull request that adds or renews a suppression loosens the guard rails; one that removes it tightens them", async () => {
    const none = JSON.parse((await plan(config("none.json", []), "--json")).stdout) as Plan;
    const one = JSON.parse((await plan(config("one.json", [SCRATCH]), "--json")).stdout) as Plan;
    const renewed = JSON.parse((await plan(config("renewed.json", [{ ...SCRATCH, expires: "3000-06-30" }]), "--json")).stdout) as Plan;
    const change = (inForce: Plan, proposed: Plan) => railsReport(inForce, proposed).changes.find((c) => c.policy === RULE && c.what === "suppressions");
    assert.equal(change(none, one)?.effect, "loosens");
    assert.equal(railsReport(none, one).loosened, true);
    assert.equal(change(one, renewed)?.effect, "loosens", "a later expiry is a new exception");
    assert.equal(change(one, none)?.effect, "tightens");
  });
});
