import type { FastifyRequest } from 'fastify';

export type FormBody = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The url-encoded form body (or query string) as a plain record; anything else becomes empty. */
export function formOf(value: unknown): FormBody {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as FormBody) : {};
}

export const bodyOf = (request: FastifyRequest): FormBody => formOf(request.body);
export const queryOf = (request: FastifyRequest): FormBody => formOf(request.query);

/** First value of a field, trimmed; '' when absent. */
export function str(form: FormBody, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** Every value of a repeated field (checkbox groups), trimmed, empty ones dropped. */
export function list(form: FormBody, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.map((v) => String(v).trim()).filter((v) => v !== '');
}

export function checked(form: FormBody, name: string): boolean {
  const v = str(form, name);
  return v === 'on' || v === 'true' || v === '1' || v === 'yes';
}

/**
 * A calendar day typed by a person: dd/mm/yyyy (also with - or .), d/m/yy, or ISO yyyy-mm-dd.
 * Returns the ISO date, or null when it is not a real date.
 */
export function parseDay(text: string): string | null {
  const s = text.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s);
    if (!match) return null;
    d = Number(match[1]);
    m = Number(match[2]);
    y = Number(match[3]);
    if (y < 100) y += 2000;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || y > 2999) return null;
  return date.toISOString().slice(0, 10);
}

const LONDON = 'Europe/London';
const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: LONDON,
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: LONDON,
});
const slashFormat = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: LONDON,
});

export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDay(value: Date | string | null | undefined): string {
  const date = toDate(value);
  return date ? dayFormat.format(date) : '—';
}

export function formatDateTime(value: Date | string | null | undefined): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : '—';
}

/** dd/mm/yyyy, the way front-line staff read and type dates. */
export function formatSlashDay(value: Date): string {
  return slashFormat.format(value);
}

/** ISO day of an instant in UK time. */
export function isoDayInLondon(value: Date): string {
  const [d, m, y] = formatSlashDay(value).split('/');
  return `${y}-${m}-${d}`;
}

export function percent(ratio: number | null | undefined, digits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export const CHANNEL_LABELS: Record<string, string> = {
  widget: 'Website widget',
  survey: 'Survey',
  comment_card: 'Comment card',
  complaint: 'Complaint',
  social_mention: 'Social media',
  email: 'Email',
  crm: 'CRM case',
  focus_group: 'Focus group',
  phone: 'Phone',
};

export const channelLabel = (channel: string): string => CHANNEL_LABELS[channel] ?? channel;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
