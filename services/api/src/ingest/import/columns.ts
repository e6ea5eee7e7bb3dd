import type { ImportKind } from './types.ts';

export interface ColumnInfo {
  index: number;
  /** What profiles refer to. */
  key: string;
  /** What a person reads: the question text. */
  label: string;
  /** Qualtrics: the zone named in a date column's ImportId JSON. */
  timeZone?: string;
}

export function normaliseHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const tidy = (text: string | undefined) =>
  (text ?? '')
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ')
    .trim();

/** SurveyMonkey's second row says "Response" or "Open-Ended Response" under single-column questions. */
const PLAIN_SUBHEADER = /^(response|open-ended response)?$/i;

/**
 * Column keys and labels from the header rows of each export layout:
 * - one header row: the header text
 * - SurveyMonkey (two rows): a question spanning columns names only its first; the second row names the
 *   option/row, so the key is "Question - Option" unless the sub-header is just "Response"
 * - Qualtrics (three rows): the row-3 ImportId (stable when the owner renames tags), labelled by row 2
 * Duplicate keys get " (2)", " (3)" appended.
 */
export function columnKeys(headerRows: string[][], kind: ImportKind): ColumnInfo[] {
  const width = Math.max(0, ...headerRows.map((row) => row.length));
  const columns: ColumnInfo[] = [];
  let heading = '';
  for (let index = 0; index < width; index++) {
    const top = tidy(headerRows[0]?.[index]);
    let key = top;
    let label = top;
    let timeZone: string | undefined;
    if (kind === 'surveymonkey' && headerRows.length >= 2) {
      if (top) heading = top;
      const sub = tidy(headerRows[1]?.[index]);
      label = heading;
      key = PLAIN_SUBHEADER.test(sub) ? top || heading : `${heading} - ${sub}`;
      if (!PLAIN_SUBHEADER.test(sub)) label = `${heading} - ${sub}`;
    } else if (kind === 'qualtrics' && headerRows.length >= 3) {
      label = tidy(headerRows[1]?.[index]) || top;
      try {
        const meta = JSON.parse(headerRows[2]?.[index] ?? '') as { ImportId?: unknown; timeZone?: unknown };
        if (typeof meta.ImportId === 'string' && meta.ImportId) key = meta.ImportId;
        if (typeof meta.timeZone === 'string') timeZone = meta.timeZone;
      } catch {
        // Not JSON: keep the row-1 tag.
      }
    }
    if (!key) key = `column ${index + 1}`;
    columns.push({ index, key, label: label || key, ...(timeZone ? { timeZone } : {}) });
  }
  const seen = new Map<string, number>();
  for (const column of columns) {
    const normal = normaliseHeader(column.key);
    const count = (seen.get(normal) ?? 0) + 1;
    seen.set(normal, count);
    if (count > 1) column.key = `${column.key} (${count})`;
  }
  return columns;
}

/** Finds a profile's column reference by key, then by label; case- and space-insensitive. */
export function findColumn(columns: ColumnInfo[], reference: string | undefined): ColumnInfo | undefined {
  if (!reference) return undefined;
  const wanted = normaliseHeader(reference);
  return (
    columns.find((c) => normaliseHeader(c.key) === wanted) ?? columns.find((c) => normaliseHeader(c.label) === wanted)
  );
}
