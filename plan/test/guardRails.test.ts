/**
 * Guard rails a pull request cannot loosen (plan/src/guardRails.ts): every knob of every
 * rule is moved both ways and must be ranked loosens one way and tightens the other; levels,
 * rules removed and added, the rules' code, hidden violations and the relative cost limits.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allRules } from "ml-pipeline-policies";
import { compareGuardRails, costIncreaseCheck, GuardRails, packCodeHash, railKnobs, railsReport } from "../src/guardRails";
import { POLICY_PACK_DIR } from "./support/fixtures";

/** The rails of the whole pack at its defaults: what a plan records (schema defaults, no config). */
function defaults(): GuardRails {
  return {
    codeHash: "c0de",
    policies: allRules.map((r) => ({ name: r.policy.name, level: "mandatory", knobs: railKnobs(r.policy.configSchema as any, undefined) })),
  };
}

/** The same rails with one knob of one policy set to `value`. */
function withKnob(rails: GuardRails, policy: string, knob: string, value: unknown): GuardRails {
  return { ...rails, policies: rails.policies.map((p) => (p.name === policy ? { ...p, knobs: { ...p.knobs, [knob]: { ...p.knobs[knob], value } } } : p)) };
}

/** A value that loosens and one that tightens, by the knob's declared direction, from its default. */
function moves(loosens: string, value: unknown, knob: string): { loosened: unknown; tightened: unknown } {
  switch (loosens) {
    case "higher":
      return { loosened: typeof value === "number" ? value * 2 + 1 : undefined, tightened: typeof value === "number" ? Math.max(0, value / 2) : 10 };
    case "lower":
      // A map of quantities (the usage assumption): each entry halved, then doubled.
      if (value && typeof value === "object") {
        const scaled = (f: number) => Object.fromEntries(Object.entries(value as Record<string, number>).map(([k, v]) => [k, v * f]));
        return { loosened: scaled(0.5), tightened: scaled(4) };
      }
      return { loosened: Math.max(0, (value as number) / 2), tightened: (value as number) * 2 + 1 };
    case "true":
      return { loosened: true, tightened: false };
    case "false":
      return { loosened: false, tightened: true };
    case "wider":
      return { loosened: [...(value as string[]), "ml.p4d.24xlarge-or-anything"], tightened: (value as string[]).slice(1) };
    case "pricing":
      if (knob === "prices") return { loosened: { "ml.m5.large": 0.01 }, tightened: { "ml.m5.large": 10 } };
      if (knob === "region") return { loosened: "us-east-1", tightened: "ap-northeast-1" };
      return { loosened: 0.5, tightened: 2 };
    default:
      throw new Error(`no way to move a knob that loosens "${loosens}"`);
  }
}

describe("guard rails: how a change of the pack's config is ranked", () => {
  const base = defaults();

  it("every knob of every rule declares which way it loosens", () => {
    let knobs = 0;
    for (const r of allRules) {
      for (const [name, k] of Object.entries(r.knobs)) {
        knobs++;
        assert.ok(["higher", "lower", "true", "false", "wider", "narrower", "pricing"].includes(k.loosens), `${r.policy.name}.${name}: ${k.loosens}`);
        // And the pack publishes it in the schema the CLI and the plan read.
        assert.equal((r.policy.configSchema as any)?.properties?.[name]?.loosens, k.loosens, `${r.policy.name}.${name} in configSchema`);
      }
    }
    assert.ok(knobs >= 25, `${knobs} knobs`);
  });

  it("every knob, moved its loosening way, loosens; moved the other way, tightens", () => {
    let checked = 0;
    for (const r of allRules) {
      for (const [name, k] of Object.entries(r.knobs)) {
        // region moves from us-east-1 (the table's own prices): a dearer region tightens, and back loosens.
        // A boolean starts at its tightest value (requireAccessLogging defaults to the looser false).
        const from =
          name === "region" ? withKnob(base, r.policy.name, "region", "ap-northeast-1")
          : k.loosens === "true" || k.loosens === "false" ? withKnob(base, r.policy.name, name, k.loosens === "false")
          : k.loosens === "higher" && k.default === undefined ? withKnob(base, r.policy.name, name, 10) // an optional limit, set
          : name === "usage" ? withKnob(base, r.policy.name, name, { "aws:s3/bucket:Bucket": 100 }) // a usage assumption, set
          : base;
        const value = from.policies.find((p) => p.name === r.policy.name)!.knobs[name].value;
        const { loosened, tightened } = moves(k.loosens, value, name);
        const looser = withKnob(from, r.policy.name, name, loosened);
        const up = compareGuardRails(from, looser);
        // Back from the looser value (a boolean's default may already be the tightest).
        const down = compareGuardRails(looser, withKnob(from, r.policy.name, name, tightened));
        assert.deepEqual(up.map((c) => [c.policy, c.what, c.effect]), [[r.policy.name, name, "loosens"]], `${r.policy.name}.${name}: ${JSON.stringify(value)} → ${JSON.stringify(loosened)}`);
        assert.deepEqual(down.map((c) => [c.policy, c.what, c.effect]), [[r.policy.name, name, "tightens"]], `${r.policy.name}.${name}: ${JSON.stringify(loosened)} → ${JSON.stringify(tightened)}`);
        checked++;
      }
    }
    assert.ok(checked >= 25);
  });

  it("edge cases: order does not count; an unset requirement loosens; pricing an unpriced type loosens (the cost rules report it as a violation); remediate is neither", () => {
    const rule = "sagemaker-job-instance-types";
    const types = base.policies.find((p) => p.name === rule)!.knobs.allowedTrainingInstanceTypes.value as string[];
    assert.deepEqual(compareGuardRails(base, withKnob(base, rule, "allowedTrainingInstanceTypes", [...types].reverse())), [], "a reordered allow-list is the same list");
    const s3 = "s3-bucket-encryption-and-access";
    assert.equal(compareGuardRails(base, withKnob(base, s3, "requireVersioning", undefined))[0].effect, "loosens");
    const cost = "monthly-cost-limit";
    assert.equal(compareGuardRails(base, withKnob(base, cost, "prices", { "ml.trn1.2xlarge": 0.0001 }))[0].effect, "loosens");
    assert.equal(compareGuardRails(base, withKnob(base, cost, "prices", { "ml.m5.large": 0.115, "ml.c5.xlarge": 0.204 })).length, 0, "the table's own prices change nothing");
    const rem = compareGuardRails(base, { ...base, policies: base.policies.map((p) => (p.name === "kms-key-rotation" ? { ...p, level: "remediate" } : p)) })[0];
    assert.match(rem.why, /neither looser nor tighter/);
  });

  it("an unset limit is no limit: setting a relative cost limit tightens, removing it loosens", () => {
    const set = withKnob(base, "monthly-cost-limit", "maxIncreasePercent", 20);
    assert.equal(compareGuardRails(base, set)[0].effect, "tightens");
    assert.equal(compareGuardRails(set, base)[0].effect, "loosens");
  });

  it("levels: lower loosens (mandatory → advisory → disabled), higher tightens; rules removed loosen, added tighten", () => {
    const level = (rails: GuardRails, name: string, l: string): GuardRails => ({ ...rails, policies: rails.policies.map((p) => (p.name === name ? { ...p, level: l } : p)) });
    assert.equal(compareGuardRails(base, level(base, "kms-key-rotation", "advisory"))[0].effect, "loosens");
    assert.equal(compareGuardRails(base, level(base, "kms-key-rotation", "disabled"))[0].effect, "loosens");
    assert.equal(compareGuardRails(level(base, "kms-key-rotation", "advisory"), base)[0].effect, "tightens");
    assert.equal(compareGuardRails(base, level(base, "kms-key-rotation", "remediate"))[0].effect, "unranked", "remediate fixes instead of failing: neither");
    const removed = { ...base, policies: base.policies.filter((p) => p.name !== "sns-topic-kms") };
    assert.deepEqual(compareGuardRails(base, removed).map((c) => [c.policy, c.what, c.effect]), [["sns-topic-kms", "rule", "loosens"]]);
    assert.deepEqual(compareGuardRails(removed, base).map((c) => [c.policy, c.what, c.effect]), [["sns-topic-kms", "rule", "tightens"]]);
  });

  it("the rules' code changed cannot be ranked (and so fails the check); the hash sees an edit of any rule", () => {
    assert.deepEqual(compareGuardRails(base, { ...base, codeHash: "beef" }).map((c) => [c.what, c.effect]), [["code", "unranked"]]);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    try {
      fs.cpSync(POLICY_PACK_DIR, copy, { recursive: true, filter: (src) => !/node_modules|[/\\]bin([/\\]|$)/.test(src) });
      const before = packCodeHash(copy);
      assert.equal(before, packCodeHash(POLICY_PACK_DIR), "the copy hashes as the original (bin/ and node_modules/ aside)");
      const rule = path.join(copy, "rules", "sns-topic-kms.ts");
      fs.writeFileSync(rule, fs.readFileSync(rule, "utf8").replace("report(", "void (")); // a rule that reports nothing
      assert.notEqual(packCodeHash(copy), before);
      // The config is not the code: it is compared knob by knob instead.
      fs.writeFileSync(rule, fs.readFileSync(path.join(POLICY_PACK_DIR, "rules", "sns-topic-kms.ts")));
      fs.writeFileSync(path.join(copy, "config", "dev.json"), "{}");
      assert.equal(packCodeHash(copy), before);
      // Nor are its tests (the pack's code may not import them: .dependency-cruiser.cjs).
      const test = path.join(copy, "test", "rules", "sns-topic-kms.test.ts");
      fs.writeFileSync(test, fs.readFileSync(test, "utf8") + "\n// edited\n");
      assert.equal(packCodeHash(copy), before);
      // But a folder named test/ among the rules' sources is code like any other.
      fs.mkdirSync(path.join(copy, "lib", "test"), { recursive: true });
      fs.writeFileSync(path.join(copy, "lib", "test", "helper.ts"), "export const allow = true;\n");
      assert.notEqual(packCodeHash(copy), before);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a violation the rails in force report and the proposed ones would not is named, and fails the check even when no knob looks loosened", () => {
    const v = { policy: "sagemaker-job-instance-types", level: "mandatory", urn: "urn:pulumi:dev::p::aws:sfn/stateMachine:StateMachine::sm", message: "ml.p3.2xlarge is a GPU type" };
    const judged = { policyPack: { codeHash: "c", policies: [] }, violations: [v] };
    const own = { policyPack: { codeHash: "c", policies: [] }, violations: [] };
    const report = railsReport(judged, own);
    assert.deepEqual(report.hiddenViolations, [v]);
    assert.equal(report.loosened, true);
    assert.equal(railsReport(judged, judged).loosened, false);
  });

  it("relative cost limits, as Infracost offers: +50 % fails a 20 % limit; an absolute limit too; none set, no check", () => {
    const rails = (knobs: Record<string, number>) => ({ policyPack: { policies: [{ name: "monthly-cost-limit", level: "mandatory", knobs: Object.fromEntries(Object.entries(knobs).map(([k, v]) => [k, { value: v, loosens: "higher" }])) }] } });
    const fifty = { beforeUsd: 100, deltaUsd: 50, deltaPercent: 50 };
    const check = costIncreaseCheck(rails({ maxIncreasePercent: 20 }), fifty)!;
    assert.equal(check.exceeded, true);
    assert.match(check.why!, /\+50% is over maxIncreasePercent 20%/);
    assert.equal(costIncreaseCheck(rails({ maxIncreasePercent: 60 }), fifty)!.exceeded, false);
    assert.equal(costIncreaseCheck(rails({ maxIncreaseUsd: 40 }), fifty)!.exceeded, true);
    assert.equal(costIncreaseCheck(rails({ maxIncreasePercent: 20 }), { beforeUsd: 0, deltaUsd: 5, deltaPercent: null })!.exceeded, true, "from nothing, any increase");
    assert.equal(costIncreaseCheck(rails({}), fifty), undefined);
    assert.equal(costIncreaseCheck({ policyPack: { policies: [{ name: "monthly-cost-limit", level: "disabled", knobs: { maxIncreasePercent: { value: 1 } } }] } }, fifty), undefined, "a disabled rule limits nothing");
    const advisory = costIncreaseCheck({ policyPack: { policies: [{ name: "monthly-cost-limit", level: "advisory", knobs: { maxIncreasePercent: { value: 20 } } }] } }, fifty)!;
    assert.deepEqual([advisory.exceeded, advisory.enforced], [true, false], "an advisory rule reports, does not fail");
  });
});

describe("--proposed-policy-pack: the proposed rails judge the same evaluation", function () {
  this.timeout(60_000);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fixture, runPlanCli } = require("./support/plan") as typeof import("./support/plan");
  const program = fixture("everyday-s3");
  let dir = "";
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "proposed-rails-"));
    // The proposed rails disable every rule: they loosen, and hide the unconfigured bucket's findings.
    fs.writeFileSync(path.join(dir, "own.json"), JSON.stringify({ all: "disabled" }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("evaluates the program once and reports what a second plan under the proposed rails would (--proposed)", async () => {
    const once = await runPlanCli("--program", program, "--stack", "test", "--json", "--proposed-policy-pack", POLICY_PACK_DIR, "--proposed-policy-pack-config", path.join(dir, "own.json"));
    assert.equal(once.code, 1, "the proposed rails loosen: exit 1");
    assert.equal(once.stderr.match(/evaluating .* under the mock engine/g)?.length, 1, once.stderr);
    const own = await runPlanCli("--program", program, "--stack", "test", "--json", "--quiet", "--policy-pack-config", path.join(dir, "own.json"));
    fs.writeFileSync(path.join(dir, "own-plan.json"), own.stdout);
    const twice = await runPlanCli("--program", program, "--stack", "test", "--json", "--quiet", "--proposed", path.join(dir, "own-plan.json"));
    assert.equal(twice.code, 1);
    const [a, b] = [JSON.parse(once.stdout).guardRails, JSON.parse(twice.stdout).guardRails];
    assert.equal(a.loosened, true);
    assert.ok(a.hiddenViolations.length > 0);
    assert.deepEqual(a, b);
  });

  it("is refused with --proposed, and its config without it", async () => {
    const both = await runPlanCli("--program", program, "--stack", "test", "--proposed", "x.json", "--proposed-policy-pack", POLICY_PACK_DIR);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of them/);
    const alone = await runPlanCli("--program", program, "--stack", "test", "--proposed-policy-pack-config", "x.json");
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--proposed-policy-pack-config needs --proposed-policy-pack/);
  });
});
