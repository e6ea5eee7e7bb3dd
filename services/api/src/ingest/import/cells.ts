import { isoDateOf, isValidCalendarDate, type WallTime, wallTimeToIso } from '../dates.ts';

export type DateParse = { ok: true; iso: string; date: string } | { ok: false; reason: string };

const ZONE = String.raw`(Z|UTC|GMT(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|BST|[+-]\d{2}:?\d{2})`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+${TIME})?\s*${ZONE}?$`, 'i');
const DAY_OR_MONTH_FIRST = new RegExp(
  String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[T\s,]+${TIME})?\s*${ZONE}?$`,
  'i',
);

function zoneOffsetMinutes(zone: string): number | undefined {
  const text = zone.toUpperCase().replace(/\s+/g, '');
  if (text === 'Z' || text === 'UTC' || text === 'GMT') return 0;
  if (text === 'BST') return 60;
  const match = /^(?:GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

function hour24(hour: number, meridiem: string | undefined): number | undefined {
  if (!meridiem) return hour <= 23 ? hour : undefined;
  if (hour < 1 || hour > 12) return undefined;
  const pm = meridiem.toLowerCase().startsWith('p');
  return (hour % 12) + (pm ? 12 : 0);
}

/**
 * A date cell as exports and people write it: `2024-10-14`, `2024-10-14 10:12:44`, `2024/10/02 8:31:17 AM
 * GMT+1`, `14/10/2024`, `4/11/24`, `10/14/24 10:12:44`. Day/month order comes from the profile (`dmy`
 * unless told `mdy`); two-digit years are 20xx below 70. A named zone or offset wins; otherwise the time is
 * wall-clock time in `timeZone`. Blank → undefined.
 */
export function parseDateCell(
  cell: string,
  dateFormat: 'dmy' | 'mdy' | 'iso',
  timeZone: string,
): DateParse | undefined {
  const text = cell.trim();
  if (!text) return undefined;
  const yearFirst = YEAR_FIRST.exec(text);
  const other = yearFirst ? undefined : DAY_OR_MONTH_FIRST.exec(text);
  const match = yearFirst ?? other;
  if (!match) {
    const parsed = Date.parse(text);
    if (/[a-z]{3}/i.test(text) && !Number.isNaN(parsed) && /\d{4}/.test(text)) {
      const iso = new Date(parsed).toISOString();
      return { ok: true, iso, date: iso.slice(0, 10) };
    }
    return { ok: false, reason: `date '${text}' is not a date this importer can read` };
  }
  let year: number;
  let month: number;
  let day: number;
  if (yearFirst) {
    year = Number(match[1]);
    month = Number(match[2]);
    day = Number(match[3]);
  } else {
    const first = Number(match[1]);
    const second = Number(match[2]);
    const rawYear = match[3] ?? '';
    year = rawYear.length === 2 ? (Number(rawYear) < 70 ? 2000 : 1900) + Number(rawYear) : Number(rawYear);
    [day, month] = dateFormat === 'mdy' ? [second, first] : [first, second];
  }
  const order = yearFirst ? 'yyyy-mm-dd' : dateFormat === 'mdy' ? 'mm/dd/yyyy' : 'dd/mm/yyyy';
  if (!isValidCalendarDate(year, month, day)) {
    return { ok: false, reason: `date '${text}' is not a valid ${order} date` };
  }
  // A date without a time is stamped at local noon, so its calendar day survives conversion to any zone.
  const hour = match[4] === undefined ? 12 : hour24(Number(match[4]), match[7]);
  const minute = Number(match[5] ?? 0);
  const second = Number(match[6] ?? 0);
  if (hour === undefined || minute > 59 || second > 59) return { ok: false, reason: `time in '${text}' is not valid` };
  const wall: WallTime = { year, month, day, hour, minute, second };
  const zone = match[8];
  const offset = zone ? zoneOffsetMinutes(zone) : undefined;
  if (zone && offset === undefined) return { ok: false, reason: `time zone '${zone}' in '${text}' is not known` };
  const iso = wallTimeToIso(wall, offset === undefined ? { timeZone } : { offsetMinutes: offset });
  return { ok: true, iso, date: isoDateOf(wall) };
}
