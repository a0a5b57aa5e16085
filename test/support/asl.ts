/**
 * asl-validator, the referee of every state machine definition these tests build, with its
 * verdicts recorded (RecordedAnswers): the validator compiles its JSON schemas again on every
 * call, about 140 ms of CPU, and the same definitions are judged in every run. A definition,
 * a package or this file changed is judged again.
 *
 * Two validators judge: asl-validator itself (aslVerdict), and the one aws-local-stepfunctions
 * bundles, which judges a definition before a local state machine runs it (localStateMachine).
 * Both judge the definition's JSON, the text a record is found by (and the text Step Functions
 * receives): a member set to undefined, which JSON leaves out, is left out of what is judged too,
 * so one record never stands for two definitions. And both judge a copy: asl-validator writes
 * each state's default QueryLanguage into the definition it is given, which no caller sees.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { StateMachine } from "aws-local-stepfunctions";
import { RecordedAnswers } from "./recordedAnswers";

/** Paths and ARNs checked, as aws-local-stepfunctions checks them by default. */
const OPTIONS = { checkPaths: true, checkArn: true };

export interface AslVerdict {
  /** The definition is valid Amazon States Language. */
  isValid: boolean;
  /** The validator's errors, one per line; empty when valid. */
  errorsText: string;
}

const verdicts = new RecordedAnswers("asl-verdicts", { reader: fs.readFileSync(__filename, "utf8") });

/** asl-validator's verdict on a definition, paths and ARNs checked. */
export function aslVerdict(definition: unknown): AslVerdict {
  const text = JSON.stringify(definition);
  return verdicts.answer({ validator: "asl-validator", definition: text }, () => {
    const validate = require("asl-validator") as (d: unknown, o: typeof OPTIONS) => { isValid: boolean; errorsText: (separator?: string) => string };
    const result = validate(JSON.parse(text), OPTIONS);
    return { isValid: result.isValid, errorsText: result.isValid ? "" : result.errorsText("\n") };
  });
}

/** Fails with asl-validator's errors unless the definition is valid (paths and ARNs checked). */
export function assertValidAsl(definition: unknown, what = "the definition"): void {
  const verdict = aslVerdict(definition);
  assert.ok(verdict.isValid, `${what}: ${verdict.errorsText}`);
}

/**
 * A local state machine that runs `definition` (its JSON, as Step Functions would), once
 * aws-local-stepfunctions' own validator has accepted it (paths and ARNs checked); a
 * definition it rejects throws its error, as the StateMachine constructor does.
 */
export function localStateMachine(definition: unknown): StateMachine {
  const text = JSON.stringify(definition);
  const verdict = verdicts.answer({ validator: "aws-local-stepfunctions", definition: text }, (): AslVerdict => {
    try {
      new StateMachine(JSON.parse(text), { validationOptions: OPTIONS });
      return { isValid: true, errorsText: "" };
    } catch (e) {
      return { isValid: false, errorsText: (e as Error).message };
    }
  });
  if (!verdict.isValid) throw new Error(verdict.errorsText);
  return new StateMachine(JSON.parse(text), { validationOptions: { noValidate: true } });
}
