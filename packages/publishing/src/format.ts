import { escapeHtml, SafeHtml } from './html.ts';
import { type MessageKey, messages, t } from './i18n.ts';
import type { ActionStatus, Lang, OrgBranding } from './types.ts';

const LOCALE: Record<Lang, string> = { en: 'en-GB', cy: 'cy' };
const TIME_ZONE = 'Europe/London';
const WELSH_MONTHS = [
  'Ionawr',
  'Chwefror',
  'Mawrth',
  'Ebrill',
  'Mai',
  'Mehefin',
  'Gorffennaf',
  'Awst',
  'Medi',
  'Hydref',
  'Tachwedd',
  'Rhagfyr',
];

// Intl formatters are slow to build and safe to share.
const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
const numberFormats = new Map<Lang, Intl.NumberFormat>();

function dateFormat(lang: Lang): Intl.DateTimeFormat {
  let format = dateFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[lang], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: TIME_ZONE,
    });
    dateFormats.set(lang, format);
  }
  return format;
}

let welshIntl: boolean | undefined;
/** Node built with small-icu has no Welsh month names; detect once and fall back to our own list. */
function hasWelshIntl(): boolean {
  if (welshIntl === undefined) {
    const january = new Intl.DateTimeFormat('cy', { month: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2025, 0, 15)),
    );
    welshIntl = january === 'Ionawr';
  }
  return welshIntl;
}

function londonParts(date: Date): { day: number; month: number; year: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    timeZone: TIME_ZONE,
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return { day: get('day'), month: get('month'), year: get('year') };
}

/** "5 March 2025" / "5 Mawrth 2025", in UK time. */
export function formatDate(lang: Lang, date: Date): string {
  if (lang === 'cy' && !hasWelshIntl()) {
    const { day, month, year } = londonParts(date);
    return `${day} ${WELSH_MONTHS[month - 1]} ${year}`;
  }
  return dateFormat(lang).format(date);
}

/** "1 January – 31 March 2025". */
export function formatPeriod(lang: Lang, start: Date, end: Date): string {
  if (lang === 'cy' && !hasWelshIntl()) return `${formatDate(lang, start)} – ${formatDate(lang, end)}`;
  const format = dateFormat(lang);
  // Intl puts thin spaces around the dash; plain spaces wrap better and exist in every PDF font.
  const range = end.getTime() < start.getTime() ? format.format(start) : format.formatRange(start, end);
  return range.replace(/[\u2009\u202f]/g, ' ');
}

export function formatNumber(lang: Lang, value: number): string {
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 2 });
    numberFormats.set(lang, format);
  }
  return format.format(value);
}

/** ISO date (YYYY-MM-DD) for `<time datetime>`. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A Welsh value when the page is Welsh and one exists; `fallback` says English text is shown on a Welsh page. */
export interface Localised {
  text: string;
  fallback: boolean;
}

export function localise(lang: Lang, english: string, welsh: string | null | undefined): Localised {
  if (lang === 'cy' && welsh && welsh.trim() !== '') return { text: welsh, fallback: false };
  return { text: english, fallback: lang === 'cy' };
}

export function orgName(org: OrgBranding, lang: Lang): string {
  return localise(lang, org.name, org.nameCy).text;
}

/** Attribute marking English text inside a Welsh page (WCAG 3.1.2, language of parts). */
export function langAttr(value: Localised): SafeHtml {
  return new SafeHtml(value.fallback ? ' lang="en"' : '');
}

export function channelLabel(lang: Lang, channel: string): string {
  const key = `channel_${channel}`;
  if (Object.hasOwn(messages.en, key)) return t(lang, key as MessageKey);
  const words = channel.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : t(lang, 'channel_other');
}

const STATUS_KEY: Record<ActionStatus, MessageKey> = {
  proposed: 'statusProposed',
  planned: 'statusPlanned',
  in_progress: 'statusInProgress',
  done: 'statusDone',
  declined: 'statusDeclined',
};

export function statusLabel(lang: Lang, status: ActionStatus): string {
  return t(lang, STATUS_KEY[status]);
}

/**
 * A message with some placeholders filled by markup (for example a number in `<strong>`):
 * the message text and string params are escaped, `SafeHtml` params are inserted as they are.
 */
export function tHtml(lang: Lang, key: MessageKey, params: Record<string, string | number | SafeHtml>): SafeHtml {
  const template = messages[lang][key];
  let out = '';
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] ?? '';
    out += escapeHtml(template.slice(last, match.index));
    const value = params[name];
    if (value === undefined) out += escapeHtml(match[0]);
    else out += value instanceof SafeHtml ? value.value : escapeHtml(String(value));
    last = (match.index ?? 0) + match[0].length;
  }
  out += escapeHtml(template.slice(last));
  return new SafeHtml(out);
}

/** Whole-number percentage change; `previous` must not be 0. */
export function percentChange(count: number, previous: number): number {
  return Math.round(((count - previous) / previous) * 100);
}

/** Shares that add up to 100 (largest-remainder rounding), so a bar and its labels agree. */
export function shares(values: readonly number[]): number[] {
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0);
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((v) => (Math.max(0, v) / total) * 100);
  const floored = exact.map(Math.floor);
  let remaining = 100 - floored.reduce((a, b) => a + b, 0);
  const order = exact.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r);
  for (const { i } of order) {
    if (remaining <= 0) break;
    floored[i] = (floored[i] ?? 0) + 1;
    remaining--;
  }
  return floored;
}
