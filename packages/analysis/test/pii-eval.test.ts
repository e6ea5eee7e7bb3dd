import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PiiSpan } from '../src/pii.ts';
import { evalPii, goldType, iou, type PiiEvalRow } from '../src/pii-eval.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

function readJsonl(file: string): PiiEvalRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as PiiEvalRow);
}

describe('evalPii scoring', () => {
  const fixed =
    (spans: PiiSpan[]) =>
    (_text: string): PiiSpan[] =>
      spans;

  it('matches spans at IoU >= 0.5 regardless of type for the headline figure', () => {
    const rows: PiiEvalRow[] = [{ id: '1', text: 'Jane Smith rang', spans: [{ start: 0, end: 10, type: 'PERSON' }] }];
    const result = evalPii(rows, fixed([{ start: 0, end: 4, type: 'address' }]));
    expect(iou({ start: 0, end: 4 }, { start: 0, end: 10 })).toBeCloseTo(0.4);
    expect(result.recall).toBe(0);
    const typedWrong = evalPii(rows, fixed([{ start: 0, end: 10, type: 'address' }]));
    expect(typedWrong.recall).toBe(1);
    expect(typedWrong.precision).toBe(1);
  });

  it('neither rewards nor penalises predictions on ignored gold types', () => {
    const rows: PiiEvalRow[] = [
      {
        id: '1',
        text: 'Persint is in Canada, call 07700 900123',
        spans: [
          { start: 0, end: 7, type: 'ORGANIZATION' },
          { start: 27, end: 39, type: 'PHONE_NUMBER' },
        ],
      },
    ];
    const result = evalPii(
      rows,
      fixed([
        { start: 0, end: 7, type: 'name' },
        { start: 14, end: 20, type: 'name' },
        { start: 27, end: 39, type: 'phone' },
      ]),
    );
    // "Persint" overlaps an ORGANIZATION span (ignored); "Canada" overlaps nothing and is a false positive.
    expect(result.precision).toBeCloseTo(1 / 2);
    expect(result.recall).toBe(1);
    expect(result.f2).toBeCloseTo((5 * 0.5 * 1) / (4 * 0.5 + 1));
    expect(result.per_type.phone).toEqual({ precision: 1, recall: 1, f2: 1, support: 1 });
    expect(result.per_type.name!.precision).toBe(0);
  });

  it('maps Presidio entity names to ours and ignores the rest', () => {
    expect(goldType('PERSON')).toBe('name');
    expect(goldType('STREET_ADDRESS')).toBe('address');
    expect(goldType('CREDIT_CARD')).toBe('card');
    expect(goldType('nhs_number')).toBe('nhs_number');
    expect(goldType('GPE')).toBeNull();
  });

  it('counts each gold span at most once', () => {
    const rows: PiiEvalRow[] = [{ id: '1', text: 'aaaa bbbb', spans: [{ start: 0, end: 9, type: 'name' }] }];
    const result = evalPii(
      rows,
      fixed([
        { start: 0, end: 9, type: 'name' },
        { start: 0, end: 9, type: 'name' },
      ]),
    );
    expect(result.recall).toBe(1);
    expect(result.precision).toBe(0.5);
  });
});

describe('UK PII test set (test/fixtures/pii-uk.jsonl, span types in our names)', () => {
  const rows = readJsonl(path.join(here, 'fixtures/pii-uk.jsonl'));
  const result = evalPii(rows);

  it('has at least 120 records including negatives', () => {
    expect(rows.length).toBeGreaterThanOrEqual(120);
    expect(rows.filter((r) => r.spans.length === 0).length).toBeGreaterThanOrEqual(30);
  });

  it('recalls at least 95% of structured identifiers', () => {
    const structured = [
      'postcode',
      'nhs_number',
      'ni_number',
      'phone',
      'email',
      'card',
      'iban',
      'sort_code',
      'bank_account',
    ];
    let gold = 0;
    let hit = 0;
    for (const t of structured) {
      const s = result.per_type[t];
      expect(s, t).toBeDefined();
      gold += s!.support;
      hit += s!.recall * s!.support;
    }
    expect(gold).toBeGreaterThanOrEqual(60);
    expect(hit / gold).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps precision reasonable overall', () => {
    expect(result.precision).toBeGreaterThanOrEqual(0.85);
    expect(result.per_type.name!.recall).toBeGreaterThanOrEqual(0.8);
  });
});

const devFile = path.resolve(repoRoot, '../shared/data/pii/dev.jsonl');

describe.skipIf(!existsSync(devFile))('presidio-research synthetic dev set', () => {
  it('reaches F2 >= 0.80 on the scored types', () => {
    const result = evalPii(readJsonl(devFile));
    expect(result.n_test).toBe(1000);
    expect(result.f2).toBeGreaterThanOrEqual(0.8);
  });
});
