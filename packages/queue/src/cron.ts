/**
 * A small cron evaluator for the memory driver's schedules (BullMQ evaluates cron itself).
 * Accepts 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), with
 * `*`, lists, ranges, steps and month/day names, in local time like cron-parser's default.
 */
interface FieldSpec {
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldSpec = { min: 0, max: 59 };
const MINUTE: FieldSpec = { min: 0, max: 59 };
const HOUR: FieldSpec = { min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { min: 1, max: 31 };
const MONTH: FieldSpec = {
  min: 1,
  max: 12,
  names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
};
const DAY_OF_WEEK: FieldSpec = { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

export interface CronExpression {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Both day fields restricted: a day matches if either does (classic cron rule). */
  dayOr: boolean;
}

export function parseCron(expression: string): CronExpression {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(`cron expression needs 5 or 6 fields: "${expression}"`);
  }
  const [sec, min, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  const daysOfWeek = parseField(dow!, DAY_OF_WEEK);
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  return {
    seconds: parseField(sec!, SECOND),
    minutes: parseField(min!, MINUTE),
    hours: parseField(hour!, HOUR),
    daysOfMonth: parseField(dom!, DAY_OF_MONTH),
    months: parseField(month!, MONTH),
    daysOfWeek,
    dayOr: !isWildcard(dom!) && !isWildcard(dow!),
  };
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function parseField(field: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const part of field.toLowerCase().split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad cron step "${part}"`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') {
      from = spec.min;
      to = spec.max;
    } else {
      const [a, b] = range!.split('-');
      from = parseValue(a!, spec);
      to = b === undefined ? (stepText === undefined ? from : spec.max) : parseValue(b, spec);
    }
    if (from > to) throw new Error(`bad cron range "${part}"`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text) ?? -1;
  const value = named >= 0 ? named + (spec === MONTH ? 1 : 0) : Number(text);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new Error(`cron value "${text}" out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

function dayMatches(cron: CronExpression, date: Date): boolean {
  const dom = cron.daysOfMonth.has(date.getDate());
  const dow = cron.daysOfWeek.has(date.getDay());
  return cron.dayOr ? dom || dow : dom && dow;
}

/** The first matching time strictly after `after`. */
export function nextCronTime(cron: CronExpression, after: Date): Date {
  const t = new Date(after.getTime());
  t.setMilliseconds(0);
  t.setSeconds(t.getSeconds() + 1);
  const limit = after.getTime() + 8 * 366 * 24 * 3_600_000;
  while (t.getTime() <= limit) {
    if (!cron.months.has(t.getMonth() + 1)) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0);
    } else if (!dayMatches(cron, t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0);
    } else if (!cron.hours.has(t.getHours())) {
      t.setHours(t.getHours() + 1, 0, 0);
    } else if (!cron.minutes.has(t.getMinutes())) {
      t.setMinutes(t.getMinutes() + 1, 0);
    } else if (!cron.seconds.has(t.getSeconds())) {
      t.setSeconds(t.getSeconds() + 1);
    } else {
      return t;
    }
  }
  throw new Error('cron expression never matches');
}
