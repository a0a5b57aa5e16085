/**
 * The cost knobs of the pack and their defaults, in one place: the cost rules' config
 * schemas, the estimator (which fills in whatever a caller leaves out) and the offline
 * plan's cost table all read these.
 */
import { knob, KnobValues } from "../lib/rule";
import { schemaDefaults } from "../lib/policyConfig";

/** Which prices apply. */
export const PRICE_KNOBS = {
  prices: knob.numberMap("USD/hour overrides or additions to the price table, by instance type", "pricing"),
  region: knob.string("us-east-1", "Region whose prices apply", "pricing"),
  regionFactor: knob.optionalNumber("Overrides the region's price factor relative to us-east-1", "pricing"),
};

/** How much a stack is used, where the program does not say. */
export const USAGE_KNOBS = {
  unscheduledRunsPerMonth: knob.integer(4, "Runs a month of a workflow no schedule starts", "lower"),
  serverlessMonthlyInvocations: knob.integer(100000, "Serverless invocations a month, for endpoints without expected-usage tags", "lower"),
  serverlessDurationMs: knob.integer(100, "Serverless duration per invocation (ms), for endpoints without expected-usage tags", "lower", 1),
  transformHoursPerRun: knob.number(1, "Hours a transform job runs (the API has no maximum runtime)", "lower"),
  usage: knob.numberMap(
    "The usage assumption: per resource type billed by usage, how much one resource uses a month, in the unit the estimate prices it by (aws:cloudwatch/logGroup:LogGroup GB ingested, aws:s3/bucket:Bucket GB stored, aws:sns/topic:Topic million publishes, aws:sqs/queue:Queue million requests, aws:dynamodb/table:Table million request units, aws:scheduler/schedule:Schedule million invocations); a type left out is listed as not priced",
    "lower",
  ),
  dynamoDbExportGbPerRun: knob.number(10, "GB of table data a DynamoDB export in a workflow reads per run (billed per GB of the table; the program does not declare the table)", "lower"),
};

export type CostOptions = KnobValues<typeof PRICE_KNOBS & typeof USAGE_KNOBS>;

/** Every cost knob's default. */
export const COST_DEFAULTS = schemaDefaults({ properties: { ...PRICE_KNOBS, ...USAGE_KNOBS } }) as CostOptions;
