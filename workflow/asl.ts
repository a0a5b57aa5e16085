/**
 * The subset of the Amazon States Language (JSONPath flavour) this project writes,
 * typed so that a misspelt field fails the type check rather than the deployment.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}

interface Flow {
  Next?: string;
  End?: true;
  Comment?: string;
}

export interface TaskState extends Flow {
  Type: "Task";
  Resource: string;
  Parameters?: { [key: string]: Json };
  ResultSelector?: { [key: string]: Json };
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends Flow {
  Type: "Pass";
  Parameters?: { [key: string]: Json };
  Result?: Json;
  ResultPath?: string | null;
}

export interface WaitState extends Flow {
  Type: "Wait";
  Seconds: number;
}

export type ChoiceRule =
  | ({ Variable: string } & Partial<Record<"NumericGreaterThanEquals" | "NumericLessThanEquals" | "NumericGreaterThan", number>> &
      Partial<Record<"StringEquals" | "StringEqualsPath" | "StringMatches", string>> &
      Partial<Record<"IsPresent" | "IsNumeric" | "IsString" | "IsBoolean" | "BooleanEquals", boolean>>)
  | { And: ChoiceRule[] }
  | { Or: ChoiceRule[] }
  | { Not: ChoiceRule };

export interface ChoiceState {
  Type: "Choice";
  Choices: (ChoiceRule & { Next: string })[];
  Default: string;
  Comment?: string;
}

export interface SucceedState {
  Type: "Succeed";
  Comment?: string;
  OutputPath?: string;
}

export interface FailState {
  Type: "Fail";
  Error: string;
  Cause?: string;
  CausePath?: string;
  Comment?: string;
}

export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}
