import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { type ImportOptions, type ImportRowResult, parseImport } from '../../src/ingest/import/index.ts';
import { fixturePath } from './fixtures.ts';

export async function collect(results: AsyncIterable<ImportRowResult>): Promise<ImportRowResult[]> {
  const out: ImportRowResult[] = [];
  for await (const result of results) out.push(result);
  return out;
}

export function importFixture(relative: string, opts: Partial<ImportOptions> = {}) {
  return collect(parseImport(createReadStream(fixturePath(relative)), { format: 'csv', fileName: relative, ...opts }));
}

export function importText(text: string | Buffer, opts: Partial<ImportOptions> = {}) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return collect(parseImport(Readable.from([bytes]), { format: 'csv', ...opts }));
}

export const good = (results: ImportRowResult[]) =>
  results.flatMap((result) => (result.ok ? [{ ...result.item, line: result.line, warnings: result.warnings }] : []));
export const bad = (results: ImportRowResult[]) =>
  results.flatMap((result) => (result.ok ? [] : [{ line: result.line, reason: result.reason }]));
