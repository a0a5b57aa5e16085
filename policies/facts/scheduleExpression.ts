/**
 * EventBridge Scheduler expressions: parsing for validation and for the cost
 * estimate (how many runs a month a schedule starts).
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

/** AWS cron fields (EventBridge "Cron expressions reference"): range, names, and the specials each allows. */
interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  specials: string;
}
const FIELDS: FieldSpec[] = [
  { name: "minutes", min: 0, max: 59, specials: ",-*/" },
  { name: "hours", min: 0, max: 23, specials: ",-*/" },
  { name: "day-of-month", min: 1, max: 31, specials: ",-*?/LW" },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], specials: ",-*/" },
  { name: "day-of-week", min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], specials: ",-*?L#" },
  { name: "year", min: 1970, max: 2199, specials: ",-*/" },
];

/** A single value of a field (number or name), or undefined when it is not one. */
function valueOf(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const i = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  return i >= 0 ? spec.min + i : undefined;
}

/**
 * The values one field allows, as a set (its size bounds the runs), or a problem. Handles
 * `*`, `?`, lists, ranges, steps (`0/15` is every 15 from 0, like `*\/15`), `L`, `W` and `#`.
 */
function fieldValues(field: string, spec: FieldSpec): Set<number> | string {
  const all = new Set(Array.from({ length: spec.max - spec.min + 1 }, (_, i) => spec.min + i));
  if (field === "*" || (field === "?" && spec.specials.includes("?"))) return all;
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const bad = () => `${spec.name} field "${field}": "${part}" is not a value ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ""} or a range, step${spec.specials.includes("L") ? ", L" : ""}${spec.specials.includes("W") ? ", W" : ""}${spec.specials.includes("#") ? ", #" : ""} of them`;
    // Specials that pick one day of the month: L (last), nW (nearest weekday), LW, d#n (nth weekday), dL (last weekday d).
    if (spec.specials.includes("L") && /^(L|LW)$/.test(part)) { out.add(spec.max); continue; }
    if (spec.specials.includes("W") && /^\d+W$/.test(part)) { const v = valueOf(part.slice(0, -1), spec); if (v === undefined) return bad(); out.add(v); continue; }
    if (spec.specials.includes("#") && /^\w+#[1-5]$/.test(part)) { const v = valueOf(part.split("#")[0], spec); if (v === undefined) return bad(); out.add(v); continue; }
    if (spec.name === "day-of-week" && /^\w+L$/.test(part)) { const v = valueOf(part.slice(0, -1), spec); if (v === undefined) return bad(); out.add(v); continue; }
    const step = /^(.+)\/(\d+)$/.exec(part);
    const base = step ? step[1] : part;
    const by = step ? Number(step[2]) : 1;
    if (by < 1) return bad();
    let from: number | undefined;
    let to: number | undefined;
    if (base === "*") [from, to] = [spec.min, spec.max];
    else if (base.includes("-")) [from, to] = base.split("-").map((t) => valueOf(t, spec)) as [number | undefined, number | undefined];
    else {
      from = valueOf(base, spec);
      to = step ? spec.max : from; // `n/step`: from n to the end of the range
    }
    if (from === undefined || to === undefined || from > to) return bad();
    for (let v = from; v <= to; v += by) out.add(v);
  }
  return out;
}

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
    if ((fields[2] === "?") === (fields[4] === "?")) {
      return "cron() needs exactly one of day-of-month and day-of-week to be ?";
    }
    for (let i = 0; i < 6; i++) {
      const values = fieldValues(fields[i], FIELDS[i]);
      if (typeof values === "string") return `cron() ${values}`;
    }
    return undefined;
  }
  return "expected rate(<n> minute|minutes|hour|hours|day|days) or cron(<6 fields>), e.g. rate(7 days) or cron(0 3 ? * SUN *)";
}

/**
 * Runs a valid expression starts in the worst month (31 days; a weekday occurs at most 5
 * times), for the worst-case cost estimate: never fewer than the real schedule runs.
 */
export function runsPerMonth(expression: string): number {
  const hoursPerMonth = 744; // 31 days
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unitHours = rate[2].startsWith("minute") ? 1 / 60 : rate[2].startsWith("hour") ? 1 : 24;
    return Math.ceil(hoursPerMonth / (value * unitHours));
  }
  const cron = CRON.exec(expression);
  const problem = scheduleExpressionProblem(expression);
  if (!cron || problem) throw new Error(`invalid schedule expression ${expression}: ${problem}`);
  const fields = cron[1].trim().split(/\s+/);
  const size = (i: number) => (fieldValues(fields[i], FIELDS[i]) as Set<number>).size;
  // Day-of-week: a plain weekday occurs up to 5 times a month; `d#n` and `dL` once.
  const weekdays = () => {
    const parts = fields[4].split(",");
    const once = parts.filter((p) => /#|.L$/.test(p)).length;
    const plain = parts.filter((p) => !/#|.L$/.test(p)).join(",");
    return once + (plain ? (fieldValues(plain, FIELDS[4]) as Set<number>).size * 5 : 0);
  };
  const daysPerMonth = fields[2] !== "?" ? size(2) : Math.min(31, weekdays());
  return size(0) * size(1) * daysPerMonth;
}
