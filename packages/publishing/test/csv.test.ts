import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, renderCallListCsv } from '../src/index.ts';

describe('renderCallListCsv', () => {
  it('writes RFC 4180 CSV that parses back to the same values', () => {
    const csv = renderCallListCsv([
      {
        name: 'Jones, "Dai"',
        phone: '01632 960001',
        language: 'cy',
        youSaidExcerpt: 'Line one\nline two, with a comma',
        actionTitle: 'Grŵp ffocws',
        actionStatus: 'done',
        outcome: 'Gwnaethom ni …',
        entryUrl: 'https://x.test/demo/you-said-we-did/1',
      },
    ]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows: string[][] = parse(csv);
    expect(rows[0]).toEqual([
      'name',
      'phone',
      'language',
      'you_said',
      'action',
      'status',
      'outcome',
      'entry_url',
      'reference',
    ]);
    expect(rows[1]).toEqual([
      'Jones, "Dai"',
      '01632 960001',
      'cy',
      'Line one\nline two, with a comma',
      'Grŵp ffocws',
      'done',
      'Gwnaethom ni …',
      'https://x.test/demo/you-said-we-did/1',
      '',
    ]);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const hostile of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) {
      expect(csvCell(hostile).replace(/^"/, '')).toMatch(/^'/);
    }
    const csv = renderCallListCsv([
      {
        name: '=cmd|"/c calc"!A1',
        phone: '+44 1632 960001',
        language: 'en',
        youSaidExcerpt: 'ok',
        actionTitle: 'a',
        actionStatus: 'done',
        outcome: 'o',
        entryUrl: 'u',
      },
    ]);
    const rows: string[][] = parse(csv);
    expect(rows[1]?.[0]).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[1]?.[1]).toBe(`'+44 1632 960001`);
  });

  it('adds a byte order mark only when asked', () => {
    expect(renderCallListCsv([]).startsWith('\uFEFF')).toBe(false);
    expect(renderCallListCsv([], { bom: true }).startsWith('\uFEFF')).toBe(true);
  });
});
