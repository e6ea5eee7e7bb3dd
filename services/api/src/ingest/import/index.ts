import type { FeedbackInputRaw } from '@closeloop/domain';
import { ImportFormatError } from '../errors.ts';
import { type ColumnInfo, columnKeys } from './columns.ts';
import { detectProfile } from './detect.ts';
import { createRowMapper } from './map-row.ts';
import { csvRows, type ImportInput, type UnreadableRow, xlsxRows } from './rows.ts';
import type { ImportedFeedback, ImportProfile, ImportRowResult, SourceRow } from './types.ts';

export type { ColumnInfo } from './columns.ts';
export { columnKeys } from './columns.ts';
export { detectProfile } from './detect.ts';
export { rowHash } from './map-row.ts';
export type { ImportInput } from './rows.ts';
export type { ImportedFeedback, ImportKind, ImportProfile, ImportRowResult } from './types.ts';
export { IMPORT_KINDS } from './types.ts';

export interface ImportOptions {
  format: 'csv' | 'xlsx';
  /** A saved profile; detected from the first rows when absent. */
  profile?: ImportProfile;
  /** Helps detection (a file named "…comment-cards…"). */
  fileName?: string;
  /** The organisation's zone, for times written without one (default Europe/London). */
  timeZone?: string;
}

/** Rows read before detection: the header rows plus samples that tell free text from choice columns. */
const DETECTION_ROWS = 25;

export interface OpenedImport {
  profile: ImportProfile;
  columns: ColumnInfo[];
  results: AsyncGenerator<ImportRowResult>;
}

const isUnreadable = (row: SourceRow | UnreadableRow): row is UnreadableRow => 'reason' in row;
const isBlank = (row: SourceRow) => row.cells.every((cell) => cell.trim() === '');

/** Opens an import: reads the header (and detection sample), settles the profile, then streams results. */
export async function openImport(input: ImportInput, opts: ImportOptions): Promise<OpenedImport> {
  const source = opts.format === 'xlsx' ? await xlsxRows(input) : await csvRows(input, opts.profile?.delimiter);
  const iterator = source.rows;
  const head: SourceRow[] = [];
  const early: UnreadableRow[] = [];
  while (head.length < DETECTION_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    if (isUnreadable(next.value)) early.push(next.value);
    else if (!isBlank(next.value)) head.push(next.value);
  }
  if (head.length === 0) {
    await iterator.return(undefined);
    throw new ImportFormatError('unreadable_import', `the ${opts.format.toUpperCase()} file has no header row`);
  }
  const detected =
    opts.profile ??
    detectProfile(
      head.map((row) => row.cells),
      opts.fileName,
    );
  const profile = source.delimiter && !detected.delimiter ? { ...detected, delimiter: source.delimiter } : detected;
  const columns = columnKeys(
    head.slice(0, profile.headerRows).map((row) => row.cells),
    profile.kind,
  );
  let mapRow: ReturnType<typeof createRowMapper>;
  try {
    mapRow = createRowMapper(profile, columns, { encoding: source.encoding, timeZone: opts.timeZone });
  } catch (error) {
    await iterator.return(undefined);
    throw error;
  }
  async function* results(): AsyncGenerator<ImportRowResult> {
    try {
      for (const row of early) yield { line: row.line, ok: false, reason: row.reason, raw: {} };
      for (const row of head.slice(profile.headerRows)) yield* mapRow(row);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (isUnreadable(next.value)) yield { line: next.value.line, ok: false, reason: next.value.reason, raw: {} };
        else yield* mapRow(next.value);
      }
    } finally {
      await iterator.return(undefined);
    }
  }
  return { profile, columns, results: results() };
}

/**
 * Streams a CSV or XLSX export as feedback rows, in file order: `ok` rows carry the item (with names for
 * the route to resolve) and a `rowHash` for idempotent re-imports (also set as `externalId`, with
 * `source: 'import'`); bad rows carry their line, the reason and the raw cells. Blank rows yield nothing.
 * Memory stays flat: the file is never held whole (CSV through csv-parse, XLSX through exceljs's streaming
 * reader). Throws `ImportFormatError` when the file cannot be read or has no open-text column.
 */
export async function* parseImport(input: ImportInput, opts: ImportOptions): AsyncGenerator<ImportRowResult> {
  const opened = await openImport(input, opts);
  yield* opened.results;
}

/** Dry run: the profile in use, the file's columns and the first `limit` results. */
export async function previewImport(
  input: ImportInput,
  opts: ImportOptions & { limit?: number },
): Promise<{ profile: ImportProfile; columns: ColumnInfo[]; results: ImportRowResult[] }> {
  const opened = await openImport(input, opts);
  const results: ImportRowResult[] = [];
  for await (const result of opened.results) {
    results.push(result);
    if (results.length >= (opts.limit ?? 20)) break;
  }
  return { profile: opened.profile, columns: opened.columns, results };
}

/** Separates the names the route must resolve from the strict feedback input. */
export function splitImported(item: ImportedFeedback): {
  input: FeedbackInputRaw;
  servicePointName?: string;
  locationName?: string;
  customerGroupName?: string;
  consentToPublish?: boolean;
} {
  const { servicePointName, locationName, customerGroupName, consentToPublish, ...input } = item;
  return {
    input,
    ...(servicePointName !== undefined ? { servicePointName } : {}),
    ...(locationName !== undefined ? { locationName } : {}),
    ...(customerGroupName !== undefined ? { customerGroupName } : {}),
    ...(consentToPublish !== undefined ? { consentToPublish } : {}),
  };
}
