import type { EmbeddingFeatureConfig } from './embeddings.ts';
import { lexiconValence, normaliseValence } from './lexicon.ts';
import { type Token, tokenise } from './tokenise.ts';

/** Which feature families a model extracts; stored in the model so prediction matches training. */
export interface FeatureConfig {
  wordNgrams: 1 | 2 | 3;
  charMin: number;
  charMax: number; // 0 disables character n-grams
  question: boolean; // question text and question polarity as features, crossed with words
  lengthBuckets: boolean;
  /** share of a document vector's squared norm given to character n-grams (the rest to word features) */
  charWeight: number;
  /** sentiment-lexicon score buckets as features (crossed with the question polarity) */
  lexicon?: boolean;
  /** dense features from a word-embedding table (the model then needs that table to predict) */
  embedding?: EmbeddingFeatureConfig;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  wordNgrams: 2,
  charMin: 3,
  charMax: 5,
  question: true,
  lengthBuckets: true,
  charWeight: 0.5,
};

// Namespace seeds keep the feature families apart in the one hashed space.
const NS_WORD = 0x01000193;
const NS_NEG = 0x02000193;
const NS_BIGRAM = 0x03000193;
const NS_TRIGRAM = 0x04000193;
const NS_CHAR = 0x05000193;
const NS_QUESTION = 0x06000193;
const NS_QTYPE_WORD = 0x07000193;
const NS_LENGTH = 0x08000193;
const NS_QTYPE = 0x09000193;
const NS_LEXICON = 0x0a000193;

function hashString(seed: number, s: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export type QuestionPolarity = 'improve' | 'good' | 'other' | 'none';

const IMPROVE_RE = /\b(improve|better|worse|dissatisf|wrong|change|differently|disappoint|complain|problem|bad)/i;
const GOOD_RE = /\b(good|well|like|best|satisf|enjoy|positive|happy|great)/i;

/**
 * What a survey question asks for, so that "Nothing." can mean praise (after "what could we do better?")
 * or criticism (after "what was good?"). Derived from the question wording only.
 */
export function questionPolarity(question: string | null | undefined): QuestionPolarity {
  if (!question) return 'none';
  const q = question.slice(0, 300);
  const improve = IMPROVE_RE.test(q);
  const good = GOOD_RE.test(q.replace(/\bbetter\b/gi, ''));
  if (improve && !good) return 'improve';
  if (good && !improve) return 'good';
  return 'other';
}

/** Hashed feature counts of one document: parallel arrays, sorted by hash, counts ≥ 1. */
export interface HashedDoc {
  hashes: Uint32Array;
  counts: Float32Array;
  tokens: Token[];
}

let buffer = new Uint32Array(4096);

function ensureRoom(size: number): void {
  if (size <= buffer.length) return;
  const next = new Uint32Array(Math.max(size, buffer.length * 2));
  next.set(buffer);
  buffer = next;
}

function push(pos: number, h: number): number {
  if (pos >= buffer.length) ensureRoom(pos + 1);
  // Word-level features have an even hash, character n-grams an odd one, so that rows can weight the two blocks.
  buffer[pos] = (h & 0xfffffffe) >>> 0;
  return pos + 1;
}

/** An upper bound on the character n-grams of a word (what `charNgramHashes` needs room for). */
export function charNgramCount(word: string, cfg: FeatureConfig): number {
  return cfg.charMax > 0 ? (word.length + 2) * Math.max(0, cfg.charMax - cfg.charMin + 1) : 0;
}

/**
 * Writes the character n-gram hashes (charMin..charMax) of the padded word " word " into `out` from `at`
 * (odd hashes: the character block); returns how many. `out` needs room for `charNgramCount`.
 */
export function charNgramHashes(word: string, cfg: FeatureConfig, out: Uint32Array, at: number): number {
  let pos = at;
  const len = word.length + 2;
  for (let s = 0; s + cfg.charMin <= len; s++) {
    let h = NS_CHAR;
    const stop = Math.min(len, s + cfg.charMax);
    for (let e = s; e < stop; e++) {
      const c = e === 0 || e === len - 1 ? 32 : word.charCodeAt(e - 1);
      h = Math.imul(h ^ c, 0x01000193) >>> 0;
      if (e - s + 1 >= cfg.charMin) out[pos++] = (h | 1) >>> 0;
    }
  }
  return pos - at;
}

function lengthBucket(n: number): number {
  if (n <= 3) return n;
  if (n <= 6) return 4;
  if (n <= 12) return 5;
  if (n <= 25) return 6;
  if (n <= 60) return 7;
  return 8;
}

let stemHashScratch = new Uint32Array(256);
// what the buffer holds from 0 to `end`: the per-token part of the last text (tokens null while rewritten)
let lastTokenPart: { tokens: Token[] | null; qPolarity: string; wordNgrams: number; chars: string; end: number } = {
  tokens: null,
  qPolarity: '',
  wordNgrams: 0,
  chars: '',
  end: 0,
};

/** Writes a text's per-token hashes (word with negation, question crossing, n-grams, characters) from 0. */
function tokenPart(tokens: Token[], qPolarity: string, qSeed: number, cfg: FeatureConfig, chars: boolean): number {
  let pos = 0;
  const nt = tokens.length;
  if (stemHashScratch.length < nt) stemHashScratch = new Uint32Array(nt * 2);
  const stemHashes = stemHashScratch;
  for (let t = 0; t < nt; t++) {
    const tok = tokens[t]!;
    const hs = hashString(NS_WORD, tok.stem);
    stemHashes[t] = hs;
    pos = push(pos, tok.negated ? mix(NS_NEG, hs) : hs);
    if (qPolarity !== 'none') pos = push(pos, mix(qSeed, hs));
    if (cfg.wordNgrams >= 2 && t > 0) pos = push(pos, mix(mix(NS_BIGRAM, stemHashes[t - 1]!), hs));
    if (cfg.wordNgrams >= 3 && t > 1) {
      pos = push(pos, mix(mix(mix(NS_TRIGRAM, stemHashes[t - 2]!), stemHashes[t - 1]!), hs));
    }
    if (chars) {
      ensureRoom(pos + charNgramCount(tok.word, cfg));
      pos += charNgramHashes(tok.word, cfg, buffer, pos);
    }
  }
  return pos;
}

/**
 * Writes the feature hashes of a tokenised text (and its survey question) into a shared buffer, unsorted and
 * with repeats; returns the buffer and the count. The buffer is reused by the next call.
 */
export function collectHashes(
  tokens: Token[],
  question: string | null | undefined,
  cfg: FeatureConfig,
  /** false: leave out the character n-grams (the scorer takes them per word, from `charNgramHashes`) */
  withChars = true,
): { hashes: Uint32Array; length: number } {
  const qPolarity = cfg.question ? questionPolarity(question) : 'none';
  const qSeed = hashString(NS_QTYPE_WORD, qPolarity);
  const nt = tokens.length;
  const chars = withChars && cfg.charMax > 0 ? `${cfg.charMin}-${cfg.charMax}` : '';
  // The per-token part depends only on the tokens, the question's polarity and the n-gram settings: the theme and
  // the sentiment model of one pipeline ask for the same text in turn, and the buffer still holds it from [0, end).
  const last = lastTokenPart;
  let pos: number;
  if (
    last.tokens === tokens &&
    last.qPolarity === qPolarity &&
    last.wordNgrams === cfg.wordNgrams &&
    last.chars === chars
  ) {
    pos = last.end;
  } else {
    last.tokens = null; // the buffer is being rewritten
    pos = tokenPart(tokens, qPolarity, qSeed, cfg, chars !== '');
    lastTokenPart = { tokens, qPolarity, wordNgrams: cfg.wordNgrams, chars, end: pos };
  }
  if (cfg.question && question) {
    pos = push(pos, hashString(NS_QUESTION, question.slice(0, 300).toLowerCase().trim()));
    pos = push(pos, hashString(NS_QTYPE, qPolarity));
  }
  if (cfg.lexicon) {
    const lex = lexiconValence(tokens);
    const bucket = Math.round(normaliseValence(lex.sum) * 5);
    const lexSeed = mix(NS_LEXICON, qSeed);
    pos = push(pos, mix(NS_LEXICON, bucket));
    pos = push(pos, mix(lexSeed, bucket));
    pos = push(pos, mix(lexSeed, 100 + Math.min(4, Math.round(lex.positive))));
    pos = push(pos, mix(lexSeed, 200 + Math.min(4, Math.round(lex.negative))));
  }
  if (cfg.lengthBuckets) pos = push(pos, mix(NS_LENGTH, lengthBucket(nt)));
  if (nt === 0) pos = push(pos, NS_LENGTH); // an explicit "empty" feature
  return { hashes: buffer, length: pos };
}

/** Extracts the hashed features of a text (or its tokens) as sorted hash/count pairs, for training. */
export function extractFeatures(
  text: string | Token[],
  question: string | null | undefined,
  cfg: FeatureConfig,
): HashedDoc {
  const tokens = typeof text === 'string' ? tokenise(text) : text;
  const { hashes: all, length: pos } = collectHashes(tokens, question, cfg);
  const sorted = all.subarray(0, pos).sort();
  lastTokenPart.tokens = null; // sorted in place: the buffer no longer holds the per-token part in order
  let unique = 0;
  for (let i = 0; i < pos; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
  const hashes = new Uint32Array(unique);
  const counts = new Float32Array(unique);
  let u = -1;
  for (let i = 0; i < pos; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      u++;
      hashes[u] = sorted[i]!;
    }
    counts[u] = counts[u]! + 1;
  }
  return { hashes, counts, tokens };
}

/** Hash of a unigram stem feature, used to explain predictions by the words that drove them. */
export function wordFeatureHash(stem: string): number {
  return (hashString(NS_WORD, stem) & 0xfffffffe) >>> 0;
}
