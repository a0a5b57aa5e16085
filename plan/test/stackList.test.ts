/**
 * stacks.yaml: a program's stacks, their accounts and policy configs in one place. The plan
 * takes a listed stack's policy config from it, refuses a stack it does not list, and
 * `--list-stacks` prints it for workflows; a list with a mistake is one message naming each.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackList } from "../src/stackList";
import { fixture, runPlanCli } from "./support/plan";

/** A copy of an everyday program (one bucket configured as the pack requires, one not) with stacks `test` and `qa`, and `files` beside it. */
function programWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-list-"));
  for (const f of ["Pulumi.yaml", "index.ts", "Pulumi.test.yaml"]) fs.copyFileSync(path.join(fixture("everyday-s3"), f), path.join(dir, f));
  fs.copyFileSync(path.join(fixture("everyday-s3"), "Pulumi.test.yaml"), path.join(dir, "Pulumi.qa.yaml"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const LIST = ["stacks:", "  - name: test", "    account: \"111122223333\"", "    policyConfig: rails/test.json", "    approval: false", "  - name: qa", "    policyConfig: defaults", "    approval: true", ""].join("\n");
/** Every rule advisory: the unconfigured bucket's findings stop being mandatory. */
const ADVISORY = JSON.stringify({ all: "advisory" });

describe("stacks.yaml, the program's stack list", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const program = (files: Record<string, string>) => {
    const dir = programWith(files);
    dirs.push(dir);
    return dir;
  };

  it("reads each stack's account, policy config and approval, with the defaults of the optional fields", () => {
    const dir = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY });
    assert.deepEqual(readStackList(dir), [
      { name: "test", account: "111122223333", policyConfig: "rails/test.json", approval: false },
      { name: "qa", account: null, policyConfig: "defaults", approval: true },
    ]);
    assert.equal(readStackList(fixture("everyday-s3")), undefined, "a program without a list has none");
  });

  it("names every mistake at once: a missing stack file, a missing policy config, a duplicate, a bad account, an unknown field with the one meant", () => {
    const dir = program({
      "stacks.yaml": [
        "stacks:",
        "  - name: test",
        "    policyConfig: rails/missing.json",
        "  - name: staging",
        "    policyConfig: defaults",
        "  - name: test",
        "    policyConfig: defaults",
        "",
      ].join("\n"),
    });
    assert.throws(() => readStackList(dir), (e: Error) => {
      assert.match(e.message, /stacks\.yaml is invalid:/);
      assert.match(e.message, /stacks\.0 \(test\): policyConfig rails\/missing\.json does not exist; write it, or set policyConfig: defaults/);
      assert.match(e.message, /stacks\.1 \(staging\): there is no stack file Pulumi\.staging\.yaml/);
      assert.match(e.message, /stacks\.2 \(test\): listed twice/);
      return true;
    });
    const typo = program({ "stacks.yaml": "stacks:\n  - name: test\n    policyConfg: defaults\n    account: \"12345\"\n  - name: qa\n    policyConfig: defaults\n    account: 111122223333\n" });
    assert.throws(() => readStackList(typo), (e: Error) => {
      assert.match(e.message, /stacks\.0: "policyConfg" is not a field \(fields: name, account, policyConfig, approval\); did you mean "policyConfig"\?/);
      assert.match(e.message, /stacks\.0\.account: "12345" is not an AWS account ID: 12 digits, quoted \(or null: not pinned\)/);
      assert.match(e.message, /stacks\.1\.account: 111122223333 is not an AWS account ID: 12 digits, quoted/, "YAML reads it as a number");
      assert.match(e.message, /stacks\.0: policyConfig is missing \(the stack.s policy config file, or defaults to run the pack at its defaults on purpose\)/);
      return true;
    });
    const outside = program({ "stacks.yaml": "stacks:\n  - name: test\n    policyConfig: ../elsewhere/test.json\n  - name: qa\n    policyConfig: /etc/rails.json\n" });
    assert.throws(() => readStackList(outside), (e: Error) => {
      assert.match(e.message, /stacks\.0 \(test\): policyConfig \.\.\/elsewhere\/test\.json must be a path relative to the list's folder, inside it/);
      assert.match(e.message, /stacks\.1 \(qa\): policyConfig \/etc\/rails\.json must be a path relative/);
      return true;
    });
    const yamlError = program({ "stacks.yaml": "stacks:\n  - name: test\n    policyConfig: { defaults\n" });
    assert.throws(() => readStackList(yamlError), /^Error: stacks\.yaml:\d+:\d+: /, "a YAML error names the file and where");
  });

  /** The fixture's stack file, pinned to the account LIST names for `test`. */
  const PINNED = "config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"111122223333\"]\n";

  it("the plan judges a listed stack by the list's policy config, or by the pack's defaults when the list says so", async () => {
    const dir = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY, "Pulumi.test.yaml": PINNED });
    const test = await runPlanCli("--program", dir, "--stack", "test", "--json", "--quiet");
    assert.equal(test.code, 0, test.stderr);
    const testPlan = JSON.parse(test.stdout);
    assert.equal(path.resolve(testPlan.policyPack.config), path.join(dir, "rails/test.json"));
    assert.equal(testPlan.summary.mandatory, 0);
    assert.ok(testPlan.summary.advisory > 0, "the unconfigured bucket is still reported, as advisory");
    const qa = await runPlanCli("--program", dir, "--stack", "qa", "--json", "--quiet");
    assert.equal(qa.code, 1, "at the pack's defaults the unconfigured bucket is a mandatory violation");
    assert.equal(JSON.parse(qa.stdout).policyPack.config, null);
    // The flag still wins, as pulumi preview's does.
    const given = await runPlanCli("--program", dir, "--stack", "qa", "--json", "--quiet", "--policy-pack-config", path.join(dir, "rails/test.json"));
    assert.equal(given.code, 0, given.stderr);
  });

  it("a listed account is the one the stack file pins (aws:allowedAccountIds), and the account the plan's mocks answer with", async () => {
    const pinned = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY, "Pulumi.test.yaml": PINNED });
    const r = await runPlanCli("--program", pinned, "--stack", "test", "--json", "--quiet");
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.account, "111122223333");
    const sse = p.resources.find((x: { name: string }) => x.name === "raw-sse");
    assert.match(JSON.stringify(sse.props), /arn:aws:kms:us-east-1:111122223333:/, "ARNs carry the stack's account");
    const text = await runPlanCli("--program", pinned, "--stack", "test", "--quiet");
    assert.match(text.stdout, /^Offline plan for everyday-s3 \/ test, account 111122223333 \(its stacks\.yaml; pinned by aws:allowedAccountIds\)/);

    const unpinned = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY });
    const missing = await runPlanCli("--program", unpinned, "--stack", "test", "--quiet");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /stacks\.yaml says test deploys into account 111122223333, and Pulumi\.test\.yaml does not pin it: add aws:allowedAccountIds: \["111122223333"\]/);
    const other = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY, "Pulumi.test.yaml": PINNED.replace("111122223333", "999988887777") });
    assert.match((await runPlanCli("--program", other, "--stack", "test", "--quiet")).stderr, /but Pulumi\.test\.yaml pins aws:allowedAccountIds \["999988887777"\]: make them the same one account/);
    // qa names no account in the list: a pin in its stack file would be a second, unchecked place.
    const qaPinned = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY, "Pulumi.qa.yaml": PINNED });
    assert.match((await runPlanCli("--program", qaPinned, "--stack", "qa", "--quiet")).stderr, /Pulumi\.qa\.yaml pins aws:allowedAccountIds \["111122223333"\], but stacks\.yaml names no account for qa/);
  });

  it("a stack the list does not name is not planned: the message lists the stacks it names and the closest", async () => {
    const dir = program({ "stacks.yaml": "stacks:\n  - name: test\n    policyConfig: defaults\n" });
    const r = await runPlanCli("--program", dir, "--stack", "qa", "--quiet");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stack "qa" is not in .*stacks\.yaml; its stacks: test\. A new stack is added there, with its policy config \(README, "Add a stack"\)/);
    const broken = program({ "stacks.yaml": "stacks:\n  - name: test\n    policyConfig: rails/none.json\n" });
    const b = await runPlanCli("--program", broken, "--stack", "test", "--quiet");
    assert.equal(b.code, 2);
    assert.match(b.stderr, /policyConfig rails\/none\.json does not exist/);
  });

  it("--list-stacks prints the names one per line, or one line of JSON; without a list it is exit 2", async () => {
    const dir = program({ "stacks.yaml": LIST, "rails/test.json": ADVISORY });
    const names = await runPlanCli("--program", dir, "--list-stacks");
    assert.deepEqual([names.code, names.stdout], [0, "test\nqa\n"]);
    const json = await runPlanCli("--program", dir, "--list-stacks", "-j");
    assert.equal(json.stdout.trim().split("\n").length, 1, "one line: a GitHub step output");
    assert.deepEqual(JSON.parse(json.stdout).map((s: { name: string; approval: boolean }) => [s.name, s.approval]), [["test", false], ["qa", true]]);
    const none = await runPlanCli("--program", fixture("everyday-s3"), "--list-stacks");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /has no stacks\.yaml/);
  });
});
