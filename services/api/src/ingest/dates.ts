/**
 * Date handling for ingestion. Every output is an ISO 8601 instant (`toISOString()`, UTC `Z`), which
 * the feedback schema accepts. Inputs without a zone are wall-clock times in a named IANA zone.
 */

/** Parse an instant written with a zone: RFC 3339 (any fraction length, `+0000` without colon) or RFC 822/2822. */
export function toIsoInstant(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Unix seconds vs milliseconds: seconds stay below 1e11 until the year 5138.
    return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let text = value.trim();
  const iso = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    const fraction = iso[2] ? `.${iso[2].slice(0, 3).padEnd(3, '0')}` : '';
    const zone = iso[3] ? iso[3].toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : undefined;
    if (!zone) return undefined;
    text = `${iso[1]?.replace(' ', 'T')}${fraction}${zone}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return undefined;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A wall-clock time in `timeZone` (or at a fixed offset in minutes) → ISO instant. */
export function wallTimeToIso(wall: WallTime, zone: { timeZone: string } | { offsetMinutes: number }): string {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  if ('offsetMinutes' in zone) return new Date(naive - zone.offsetMinutes * 60_000).toISOString();
  // Two passes settle the offset on either side of a daylight-saving change.
  let utc = naive - zoneOffsetMs(naive, zone.timeZone);
  utc = naive - zoneOffsetMs(utc, zone.timeZone);
  return new Date(utc).toISOString();
}

export function isoDateOf(wall: WallTime): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}
