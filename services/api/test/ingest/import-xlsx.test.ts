import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../src/ingest/import/index.ts';
import { bad, collect, good } from './import-helpers.ts';

async function microsoftFormsWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Form1');
  sheet.addRow([
    'ID',
    'Start time',
    'Completion time',
    'Email',
    'Name',
    'How would you rate the service?',
    "Tell us more – what worked and what didn't?",
  ]);
  sheet.addRow([
    1,
    new Date(Date.UTC(2024, 9, 14, 10, 9, 2)),
    new Date(Date.UTC(2024, 9, 14, 10, 12, 44)),
    'anonymous',
    null,
    4,
    'The library was great but two PCs were out of order.',
  ]);
  sheet.addRow([
    2,
    new Date(Date.UTC(2024, 10, 2, 15, 1, 47)),
    new Date(Date.UTC(2024, 10, 2, 15, 5, 10)),
    'anonymous',
    null,
    1,
    { richText: [{ text: 'Toiledau ar gau ' }, { font: { bold: true }, text: 'eto' }, { text: '.' }] },
  ]);
  sheet.addRow([]);
  sheet.addRow([
    3,
    new Date(Date.UTC(2024, 10, 3, 9, 0, 0)),
    new Date(Date.UTC(2024, 10, 3, 9, 4, 0)),
    'anonymous',
    null,
    3,
    null,
  ]);
  for (const column of [2, 3]) sheet.getColumn(column).numFmt = 'm/d/yy h:mm:ss';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('XLSX import', () => {
  it('streams a Microsoft Forms workbook: Excel date serials as local wall time, rich text, row numbers as lines', async () => {
    const bytes = await microsoftFormsWorkbook();
    const results = await collect(parseImport(Readable.from([bytes]), { format: 'xlsx' }));
    expect(bad(results)).toEqual([{ line: 5, reason: "no text in 'Tell us more – what worked and what didn't?'" }]);
    const items = good(results);
    expect(items.map((item) => [item.line, item.rating, item.receivedAt])).toEqual([
      [2, 4, '2024-10-14T09:12:44.000Z'],
      [3, 1, '2024-11-02T15:05:10.000Z'],
    ]);
    expect(items[1]?.text).toBe('Toiledau ar gau eto.');
    expect(items[0]?.details).toMatchObject({ kind: 'survey', source: 'microsoft_forms', respondentId: '1' });
    expect(items[0]?.contact).toBeUndefined();
  });

  it('rejects bytes that are not a workbook with ImportFormatError', async () => {
    await expect(
      collect(parseImport(Readable.from([Buffer.from('a,b,c\n1,2,3\n')]), { format: 'xlsx' })),
    ).rejects.toMatchObject({
      code: 'unreadable_import',
    });
  });
});
