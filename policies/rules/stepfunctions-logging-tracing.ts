/** State machines log ALL events with execution data and trace with X-Ray. */
import { describe, read, TYPES, UNKNOWN } from "../lib/resources";
import { resourceRule } from "../lib/rule";

export const rule = resourceRule({
  name: "stepfunctions-logging-tracing",
  severity: "low",
  remediation: "Turn on loggingConfiguration with level ALL and execution data to an encrypted log group, and tracingConfiguration.enabled.",
  description: "State machines log ALL events with execution data to CloudWatch Logs and trace with X-Ray.",
  summary: "state machines log ALL with execution data and trace with X-Ray",
  counterparts: { cdkNag: ["AwsSolutions-SF1", "AwsSolutions-SF2"], checkov: ["CKV_AWS_284", "CKV_AWS_285"] },
  knobs: {},
  types: TYPES.stateMachine,
  validate: (props, args, report) => {
    const log = props.loggingConfiguration;
    if (!log || log.level !== "ALL") report(`${describe(args)} logs at level ${log?.level ?? "OFF"}; set loggingConfiguration.level: "ALL".`);
    if (log && log.includeExecutionData !== true) report(`${describe(args)} logs without execution data; set loggingConfiguration.includeExecutionData: true.`);
    const destination = read(log, "logDestination");
    if (log && destination !== UNKNOWN && !destination) report(`${describe(args)} has no log destination; set loggingConfiguration.logDestination to a log group ARN ending in :*.`);
    if (props.tracingConfiguration?.enabled !== true) report(`${describe(args)} is not traced; set tracingConfiguration.enabled: true.`);
  },
});
