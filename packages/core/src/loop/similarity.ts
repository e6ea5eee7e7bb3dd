import { tokenise } from '@closeloop/analysis';

/** A sparse TF-IDF vector: stem → weight, L2-normalised so a dot product is the cosine. */
export type SparseVector = Map<string, number>;

// Words that carry no topic: they would make every complaint look alike.
const STOP = new Set(
  'a an and are as at be been but by for from had has have i if in into is it its me my of on or our so that the their them there they this to was we were what when which who will with you your not no very just also can could would should about all any more some than then too out up do does did get got'.split(
    ' ',
  ),
);

/** The stems of a text that say what it is about: no stop words, no redaction placeholders, no digits alone. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenise(text.replace(/\[[A-Z_]+\]/g, ' '))) {
    if (token.word.length < 2 || STOP.has(token.word) || /^\d+$/.test(token.word)) continue;
    out.push(token.stem);
  }
  return out;
}

export interface TfIdfModel {
  idf: Map<string, number>;
  vectors: SparseVector[];
}

/** Smoothed IDF (ln((1+n)/(1+df)) + 1) and sublinear TF, over the given corpus. */
export function tfidf(texts: readonly string[]): TfIdfModel {
  const docs = texts.map(terms);
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const [term, count] of df) idf.set(term, Math.log((1 + n) / (1 + count)) + 1);
  return { idf, vectors: docs.map((doc) => weigh(doc, idf)) };
}

/** The vector of a new text in an existing model (terms the model has never seen are left out). */
export function vectorise(model: Pick<TfIdfModel, 'idf'>, text: string): SparseVector {
  return weigh(terms(text), model.idf);
}

function weigh(doc: string[], idf: Map<string, number>): SparseVector {
  const tf = new Map<string, number>();
  for (const term of doc) tf.set(term, (tf.get(term) ?? 0) + 1);
  const v: SparseVector = new Map();
  for (const [term, count] of tf) {
    const w = idf.get(term);
    if (w !== undefined) v.set(term, (1 + Math.log(count)) * w);
  }
  return normalise(v);
}

export function normalise(v: SparseVector): SparseVector {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  if (sum === 0) return v;
  const norm = Math.sqrt(sum);
  const out: SparseVector = new Map();
  for (const [term, w] of v) out.set(term, w / norm);
  return out;
}

/** Cosine of two normalised vectors. */
export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, w] of small) {
    const other = large.get(term);
    if (other !== undefined) dot += w * other;
  }
  return dot;
}

/** The normalised mean of vectors: the "centre" of a set of texts. */
export function centroid(vectors: readonly SparseVector[]): SparseVector {
  const sum: SparseVector = new Map();
  for (const v of vectors) for (const [term, w] of v) sum.set(term, (sum.get(term) ?? 0) + w);
  return normalise(sum);
}

export interface Scored<T> {
  item: T;
  score: number;
}

/**
 * Ranks candidates by cosine similarity to a query, inside one TF-IDF model built over the query and
 * every candidate (so rare shared words weigh most). Scores below `minScore` are dropped.
 */
export function rankBySimilarity<T>(
  query: string,
  candidates: readonly T[],
  textOf: (candidate: T) => string,
  opts: { minScore?: number; limit?: number } = {},
): Scored<T>[] {
  if (candidates.length === 0) return [];
  const model = tfidf([query, ...candidates.map(textOf)]);
  const [q, ...rest] = model.vectors;
  const scored = rest.map((v, i) => ({ item: candidates[i]!, score: cosine(q!, v) }));
  return scored
    .filter((s) => s.score >= (opts.minScore ?? 0.05))
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.limit ?? 20);
}

export interface QuoteCandidate {
  id: string;
  text: string;
}

/**
 * Up to `count` texts nearest to the centre of all of them (centroid of their TF-IDF vectors), skipping
 * texts too short to say anything or too long to quote; near-duplicates of a chosen quote are skipped.
 */
export function representativeTexts<T extends QuoteCandidate>(
  candidates: readonly T[],
  opts: { count?: number; minChars?: number; maxChars?: number } = {},
): Scored<T>[] {
  const minChars = opts.minChars ?? 40;
  const maxChars = opts.maxChars ?? 400;
  const model = tfidf(candidates.map((c) => c.text));
  const centre = centroid(model.vectors);
  const ranked = candidates
    .map((item, i) => ({ item, vector: model.vectors[i]!, score: cosine(centre, model.vectors[i]!) }))
    .filter((c) => {
      const length = c.item.text.trim().length;
      return length >= minChars && length <= maxChars && c.vector.size > 0;
    })
    .sort((a, b) => b.score - a.score || a.item.id.localeCompare(b.item.id));
  const chosen: typeof ranked = [];
  for (const c of ranked) {
    if (chosen.length >= (opts.count ?? 3)) break;
    if (chosen.some((q) => cosine(q.vector, c.vector) > 0.9)) continue;
    chosen.push(c);
  }
  return chosen.map(({ item, score }) => ({ item, score }));
}
