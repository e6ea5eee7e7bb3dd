import type { ActionStatus, Lang } from './types.ts';

export type CsvCell = string | number | boolean | Date | null | undefined;

/**
 * One CSV cell (RFC 4180). Cells that a spreadsheet would run as a formula (starting with
 * = + - @, tab or carriage return) get a leading apostrophe, as OWASP advises for CSV injection.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with CRLF line ends; with `bom`, a UTF-8 byte order mark so Excel reads Welsh letters correctly. */
export function toCsv(header: string[], rows: CsvCell[][], options: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return (options.bom ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n';
}

/** One contributor to ring: they asked to hear the outcome and gave only a phone number. */
export interface CallListRow {
  name?: string | null;
  phone: string;
  language: Lang;
  youSaidExcerpt: string;
  actionTitle: string;
  actionStatus: ActionStatus;
  /** What to tell them, in their language. */
  outcome: string;
  entryUrl: string;
  reference?: string | null;
}

export const CALL_LIST_HEADER = [
  'name',
  'phone',
  'language',
  'you_said',
  'action',
  'status',
  'outcome',
  'entry_url',
  'reference',
];

/** The call list for staff, one row per contributor. */
export function renderCallListCsv(rows: CallListRow[], options: { bom?: boolean } = {}): string {
  return toCsv(
    CALL_LIST_HEADER,
    rows.map((r) => [
      r.name,
      r.phone,
      r.language,
      r.youSaidExcerpt,
      r.actionTitle,
      r.actionStatus,
      r.outcome,
      r.entryUrl,
      r.reference,
    ]),
    options,
  );
}
