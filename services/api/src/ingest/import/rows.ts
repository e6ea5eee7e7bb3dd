import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportFormatError } from '../errors.ts';
import { decodeInput, sniffDelimiter, type TextEncodingName } from './decode.ts';
import type { SourceRow } from './types.ts';

export type ImportInput = NodeJS.ReadableStream | AsyncIterable<Buffer | Uint8Array | string>;

/** A record csv-parse could not read (say, over the size limit) is reported as a bad row, not a crash. */
export interface UnreadableRow {
  line: number;
  reason: string;
}

export interface RowSource {
  encoding?: TextEncodingName;
  delimiter?: string;
  rows: AsyncGenerator<SourceRow | UnreadableRow>;
}

const MAX_RECORD_CHARS = 1_000_000;

export async function csvRows(input: ImportInput, delimiter?: string): Promise<RowSource> {
  const decoded = await decodeInput(input as AsyncIterable<Buffer>);
  const chosen = delimiter ?? sniffDelimiter(decoded.sample);
  const unreadable: UnreadableRow[] = [];
  const parser = parse({
    delimiter: chosen,
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (error) => {
      unreadable.push({
        line: Number(error?.lines ?? 0),
        reason: `unreadable CSV record: ${error?.message ?? 'parse error'}`,
      });
      return undefined;
    },
  });
  // Errors on either side destroy the parser, which ends the iteration below with that error.
  pipeline(Readable.from(decoded.chunks), parser, () => {});

  async function* rows(): AsyncGenerator<SourceRow | UnreadableRow> {
    let previousEnd = 0;
    try {
      for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        while (unreadable.length > 0) yield unreadable.shift() as UnreadableRow;
        // A record starts on the line after the previous one ended (blank lines are records of one empty cell).
        const line = previousEnd + 1;
        previousEnd = entry.info.lines;
        yield { line, cells: entry.record };
      }
    } catch (error) {
      throw new ImportFormatError(
        'unreadable_import',
        `the CSV file could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    while (unreadable.length > 0) yield unreadable.shift() as UnreadableRow;
  }
  return { encoding: decoded.encoding, delimiter: chosen, rows: rows() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Excel stores dates as zone-less serials; exceljs returns them as UTC Dates, so UTC fields are the wall time. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
    return time === '00:00:00' ? date : `${date} ${time}`;
  }
  if (typeof value === 'object') {
    const cell = value as { richText?: { text?: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((run) => run.text ?? '').join('');
    if ('result' in cell) return cellText(cell.result);
    if (cell.text !== undefined) return cellText(cell.text);
  }
  return '';
}

/** The first worksheet of an XLSX workbook, streamed row by row (exceljs WorkbookReader). */
export async function xlsxRows(input: ImportInput): Promise<RowSource> {
  const stream = input instanceof Readable ? input : Readable.from(input as AsyncIterable<Buffer>);
  // exceljs is loaded on the first XLSX import only (it is large).
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      for await (const worksheet of reader) {
        for await (const row of worksheet) {
          const values = Array.isArray(row.values) ? row.values : [];
          const cells: string[] = [];
          for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
          yield { line: row.number, cells };
        }
        break;
      }
    } catch (error) {
      throw new ImportFormatError(
        'unreadable_import',
        `the XLSX file could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { rows: rows() };
}
