/**
 * The referees' recorded answers (test/support/recordedAnswers.ts) are theirs: a record is read
 * only for the same question asked with the same packages and the same asking code, and a
 * recorded verdict of asl-validator (test/support/asl.ts) is the verdict the validator gives,
 * rejections included.
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { aslVerdict, localStateMachine } from "./support/asl";
import { RecordedAnswers } from "./support/recordedAnswers";
import { PROJECT_DIR } from "./support/stacks";

// A fresh question each run, so that the first answer is asked, never read from an earlier run.
const nonce = crypto.randomUUID();

describe("recorded answers (node_modules/.cache)", () => {
  const store = `recorded-answers-test-${process.pid}`;
  after(() => fs.rmSync(path.join(PROJECT_DIR, "node_modules", ".cache", "ml-pipeline", store), { recursive: true, force: true }));

  it("asks once per question; another question, or other asking code, is asked again", () => {
    const asked: string[] = [];
    const ask = (q: string) => () => (asked.push(q), { answer: `${q}!`, n: asked.length });
    const records = new RecordedAnswers(store, { reader: "v1" });
    assert.deepEqual(records.answer({ q: nonce }, ask("a")), { answer: "a!", n: 1 });
    assert.deepEqual(records.answer({ q: nonce }, ask("a")), { answer: "a!", n: 1 }, "the recorded answer, not asked again");
    assert.deepEqual(new RecordedAnswers(store, { reader: "v1" }).answer({ q: nonce }, ask("a")), { answer: "a!", n: 1 }, "read back by another reader with the same dependencies");
    assert.deepEqual(records.answer({ q: `${nonce}-other` }, ask("b")), { answer: "b!", n: 2 });
    assert.deepEqual(new RecordedAnswers(store, { reader: "v2" }).answer({ q: nonce }, ask("c")), { answer: "c!", n: 3 }, "changed asking code asks again");
    assert.deepEqual(asked, ["a", "b", "c"]);
  });
});

describe("asl-validator's verdicts, recorded", () => {
  // Two faults asl-validator names: a transition to no state (so no terminal state either), and a malformed path.
  // Fixed, so that a warm run reads their records; each recorded verdict is compared with the validator's, asked now.
  const dangling = { StartAt: "A", States: { A: { Type: "Pass", Next: "Missing" } } };
  const badPath = { StartAt: "A", States: { A: { Type: "Pass", InputPath: "not a path", End: true } } };
  const valid = { StartAt: "A", States: { A: { Type: "Pass", Result: { ok: true }, End: true } } };

  it("a recorded rejection is the validator's own, and a valid definition is accepted", () => {
    const fresh = (d: unknown) => (require("asl-validator") as any)(structuredClone(d), { checkPaths: true, checkArn: true });
    for (const [definition, error] of [
      [dangling, /MISSING_TRANSITION_TARGET: Missing 'StartAt'\|'Next'\|'Default' target: Missing/],
      [badPath, /SCHEMA_VALIDATION_FAILED: \/States\/A\/InputPath is invalid\. must match format "asl_path"/],
    ] as const) {
      const verdict = aslVerdict(definition);
      assert.equal(verdict.isValid, false);
      assert.match(verdict.errorsText, error);
      assert.equal(verdict.errorsText, fresh(definition).errorsText("\n"), "the validator's own errors");
    }
    assert.deepEqual(aslVerdict(valid), { isValid: true, errorsText: "" });
  });

  it("a member set to undefined is judged as the JSON it records leaves it (out), so one record never stands for two definitions", () => {
    // asl-validator refuses Next on a terminal state when it is there, even undefined; JSON drops it.
    const withUndefined = { Comment: `${nonce}-undefined`, StartAt: "A", States: { A: { Type: "Pass", End: true, Next: undefined } } };
    assert.deepEqual(aslVerdict(withUndefined), aslVerdict(JSON.parse(JSON.stringify(withUndefined))));
    assert.equal(aslVerdict(withUndefined).isValid, true, "judged as the JSON Step Functions would receive");
  });

  it("the validator judges a copy: the definition it is given is left as it was", () => {
    const definition = { Comment: nonce, StartAt: "A", States: { A: { Type: "Pass", End: true } } };
    const before = JSON.stringify(definition);
    aslVerdict(definition);
    assert.equal(JSON.stringify(definition), before, "no QueryLanguage written into it");
  });

  it("a local state machine is refused as aws-local-stepfunctions' validator refuses it; an accepted one runs", async () => {
    assert.throws(() => localStateMachine(dangling), /State machine definition is invalid, see error\(s\) below:\n MISSING_TRANSITION_TARGET/);
    assert.throws(() => localStateMachine(badPath), /InputPath is invalid/);
    assert.deepEqual(await localStateMachine(valid).run({}).result, { ok: true });
  });
});
