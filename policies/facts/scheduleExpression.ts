/**
 * EventBridge Scheduler expressions: parsing for validation and for the cost
 * estimate (how many runs a month a schedule starts).
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const CRON_FIELD = /^[0-9A-Z*?,/#LW-]+$/;

/** Why an expression is invalid, or undefined when it is a valid rate() or cron(). */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "rate() needs a positive value";
    const singular = !rate[2].endsWith("s");
    if (value === 1 && !singular) return `use the singular unit for 1, e.g. rate(1 ${rate[2].slice(0, -1)})`;
    if (value > 1 && singular) return `use the plural unit for ${value}, e.g. rate(${value} ${rate[2]}s)`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) {
      return `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    }
    const bad = fields.find((f) => !CRON_FIELD.test(f));
    if (bad) return `cron() field "${bad}" has characters outside 0-9 A-Z * ? , / # L W -`;
    if ((fields[2] === "?") === (fields[4] === "?")) {
      return "cron() needs exactly one of day-of-month and day-of-week to be ?";
    }
    return undefined;
  }
  return "expected rate(<n> minute|minutes|hour|hours|day|days) or cron(<6 fields>), e.g. rate(7 days) or cron(0 3 ? * SUN *)";
}

/**
 * Upper bound on the runs a valid expression starts in a month (730 hours), for the
 * worst-case cost estimate. For cron, counts the combinations each field allows, which
 * over-counts rather than under-counts (the estimate must not be optimistic).
 */
export function runsPerMonth(expression: string): number {
  const hoursPerMonth = 730;
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unitHours = rate[2].startsWith("minute") ? 1 / 60 : rate[2].startsWith("hour") ? 1 : 24;
    return Math.ceil(hoursPerMonth / (value * unitHours));
  }
  const cron = CRON.exec(expression);
  if (!cron) throw new Error(`invalid schedule expression: ${expression}`);
  const [minutes, hours, dayOfMonth, , dayOfWeek] = cron[1].trim().split(/\s+/);
  const perDay = fieldCount(minutes, 60) * fieldCount(hours, 24);
  const daysPerMonth =
    dayOfMonth !== "?" ? Math.min(fieldCount(dayOfMonth, 31), 31) : Math.ceil((fieldCount(dayOfWeek, 7) * 31) / 7);
  // The month field only restricts which months run; the worst month runs in full.
  return perDay * daysPerMonth;
}

/** How many values a cron field can take (upper bound). */
function fieldCount(field: string, range: number): number {
  if (field === "*" || field === "?") return range;
  return field.split(",").reduce((sum, part) => {
    const step = /^(.+)\/(\d+)$/.exec(part);
    if (step) {
      const base = step[1] === "*" ? range : rangeSize(step[1], range);
      return sum + Math.ceil(base / Number(step[2]));
    }
    return sum + rangeSize(part, range);
  }, 0);
}

function rangeSize(part: string, range: number): number {
  const m = /^(\d+)-(\d+)$/.exec(part);
  if (m) return Math.max(1, Number(m[2]) - Number(m[1]) + 1);
  if (/^[A-Z]{3}-[A-Z]{3}$/.test(part)) return range; // named day ranges: assume all
  return 1;
}
