import { stemmer } from 'stemmer';

/** One word of a text: lower-cased surface form, Porter stem, and whether a negator governs it. */
export interface Token {
  word: string;
  stem: string;
  negated: boolean;
  start: number;
  end: number;
  /** what is memoised about the word (from `tokenise`; tokens made by hand may leave it out) */
  info?: WordInfo;
}

/**
 * One distinct word as the analysis has met it: its stem, and slots where the scorers keep their last per-word
 * result, so a text's words reach them through its tokens rather than through a lookup per word and scorer.
 * Each slot's owner checks the value is its own and current before using it.
 */
export interface WordInfo {
  stem: string;
  /** a negator ("not", "dim", …), and a word that ends a negation's scope ("but", "ond", …) */
  negator: boolean;
  breaker: boolean;
  /** a theme or sentiment model's character n-gram entry for this word */
  chars: unknown;
  /** the word's row in `table` (−1: not in it) */
  table: unknown;
  row: number;
  /** what the sentiment lexicon says about the word */
  lexicon: unknown;
  /** the theme rule phrases that can start at the word, for one compilation of the rules */
  rules: unknown;
}

// Words that negate what follows, until a clause boundary or NEGATION_SPAN words.
// Welsh: "dim" (no/not), "heb" (without), "nid"/"ddim" (not), "na"/"nad" (not, in clauses).
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'none',
  'nobody',
  'nothing',
  'neither',
  'nor',
  'without',
  'cannot',
  'cant',
  'dont',
  'didnt',
  'doesnt',
  'isnt',
  'wasnt',
  'werent',
  'arent',
  'wont',
  'wouldnt',
  'couldnt',
  'shouldnt',
  'hasnt',
  'havent',
  'hadnt',
  'aint',
  'lack',
  'dim',
  'ddim',
  'heb',
  'nid',
  'nad',
]);
// Words that end a negation scope even without punctuation.
const SCOPE_BREAKERS = new Set(['but', 'however', 'although', 'though', 'except', 'yet', 'ond']);
const NEGATION_SPAN = 3;
// Amounts: for theme rules, a negated amount ends the negation ("not enough staff" is about staff).
const QUANTIFIERS = new Set(['enough', 'sufficient', 'adequate', 'many', 'much', 'digon', 'ddigon', 'llawer']);

/**
 * Whether a theme rule should treat token i as negated: it is under a negation, and no negated amount stands
 * between it and the negator ("not enough parking", "dim digon o lefydd parcio" are about parking). Only the
 * rules read it this way; the tokens' own marks, which the models' features use, are left as they are.
 */
export function negatedForRules(tokens: readonly Token[], i: number): boolean {
  if (!tokens[i]!.negated) return false;
  for (let j = i - 1; j >= 0 && tokens[j]!.negated; j--) if (QUANTIFIERS.has(tokens[j]!.word)) return false;
  return true;
}

const STEM_CACHE_LIMIT = 50_000;
const wordCache = new Map<string, WordInfo>();

/** The memo record of a lower-case word, with its Porter stem (bounded: the same words recur constantly). */
export function wordInfo(word: string): WordInfo {
  const hit = wordCache.get(word);
  if (hit !== undefined) return hit;
  // The Porter stemmer is for English; it leaves short and non-Latin words alone anyway.
  const stem = word.length <= 2 || word.length > 30 ? word : stemmer(word);
  if (wordCache.size >= STEM_CACHE_LIMIT) wordCache.clear();
  const info: WordInfo = {
    stem,
    negator: NEGATORS.has(word),
    breaker: SCOPE_BREAKERS.has(word),
    chars: null,
    table: null,
    row: -1,
    lexicon: null,
    rules: null,
  };
  wordCache.set(word, info);
  return info;
}

/** Porter stem of a lower-case word, memoised (bounded). */
export function stemWord(word: string): string {
  return wordInfo(word).stem;
}

function isWordChar(code: number): boolean {
  // ASCII fast path, then any letter/number/mark outside ASCII.
  if (code < 128) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  }
  return code !== 0x2019 && code !== 0x2018 && code > 0xbf && !isSpaceOrPunct(code);
}

function isSpaceOrPunct(code: number): boolean {
  // Common non-ASCII separators and punctuation: NBSP, general punctuation block, CJK/full-width punctuation.
  return (
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xff00 && code <= 0xff0f) ||
    code === 0xfeff ||
    code === 0xfffd ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function isClauseBoundary(code: number): boolean {
  // . , ; : ! ? ( ) newline, and the Unicode full stops/commas used in other scripts
  return (
    code === 46 ||
    code === 44 ||
    code === 59 ||
    code === 58 ||
    code === 33 ||
    code === 63 ||
    code === 40 ||
    code === 41 ||
    code === 10 ||
    code === 0x3002 ||
    code === 0x060c ||
    code === 0x06d4 ||
    code === 0x061f
  );
}

/**
 * Splits text into lower-case word tokens with stems and negation marks. Apostrophes inside a word
 * are dropped ("don't" → "dont") so contractions become single negators. Linear time, no regex.
 */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let negLeft = 0;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    if (!isWordChar(code)) {
      if (isClauseBoundary(code)) negLeft = 0;
      i++;
      continue;
    }
    const start = i;
    let word = '';
    let segStart = i;
    let clitic = false;
    while (i < n) {
      code = text.charCodeAt(i);
      if (isWordChar(code)) {
        i++;
        continue;
      }
      // apostrophe between word characters: keep joining ("don't", "patient's"), except before a Welsh clitic 'n
      // or 'r ("archebu'n iawn", "mae'r staff"), which ends the word and is itself left out
      if ((code === 39 || code === 0x2019) && i + 1 < n && isWordChar(text.charCodeAt(i + 1)) && i > start) {
        if (isWelshClitic(text, i + 1)) {
          clitic = true;
          break;
        }
        word += text.slice(segStart, i);
        i++;
        segStart = i;
        continue;
      }
      break;
    }
    word = (word + text.slice(segStart, i)).toLowerCase();
    if (word.length > 40) word = word.slice(0, 40);
    const info = wordInfo(word);
    if (info.breaker) negLeft = 0;
    const negator = info.negator;
    tokens.push({ word, stem: info.stem, negated: negLeft > 0, start, end: i, info });
    if (negLeft > 0) negLeft--;
    if (negator) negLeft = NEGATION_SPAN;
    if (clitic) i += 2;
  }
  return tokens;
}

/** `'n` or `'r` standing alone after an apostrophe (at `at`): Welsh "yn" and "yr" written onto the word before. */
function isWelshClitic(text: string, at: number): boolean {
  const c = text.charCodeAt(at) | 0x20;
  return (c === 0x6e || c === 0x72) && (at + 1 >= text.length || !isWordChar(text.charCodeAt(at + 1)));
}

const WELSH_VOWEL_START = /^[aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ]/;

/**
 * The forms a lower-case Welsh word may have before an initial mutation, the word itself left out: Welsh changes
 * a word's first consonant after certain words ("Cymraeg" → "yn Gymraeg", "fy Nghymraeg", "a Chymraeg";
 * "gwefan" → "ei wefan"), so a rule written in the dictionary form must also match the mutated one. Soft mutation
 * (p→b, t→d, c→g, b→f, d→dd, g→∅, m→f, ll→l, rh→r), nasal (p→mh, t→nh, c→ngh, b→m, d→n, g→ng), aspirate
 * (p→ph, t→th, c→ch) and h before a vowel ("ei hamser") are undone; several candidates may come back ("fwyd":
 * "bwyd" or "mwyd"), and only rule words decide which is meant.
 */
export function welshRadicals(word: string): string[] {
  const out: string[] = [];
  const add = (radical: string): void => {
    if (radical.length > 1 && radical !== word && !out.includes(radical)) out.push(radical);
  };
  const rest1 = word.slice(1);
  const rest2 = word.slice(2);
  if (word.startsWith('ngh')) add(`c${word.slice(3)}`);
  else if (word.startsWith('ng')) add(`g${rest2}`);
  else if (word.startsWith('nh')) add(`t${rest2}`);
  else if (word.startsWith('n')) add(`d${rest1}`);
  if (word.startsWith('mh')) add(`p${rest2}`);
  else if (word.startsWith('m')) add(`b${rest1}`);
  if (word.startsWith('ph')) add(`p${rest2}`);
  if (word.startsWith('th')) add(`t${rest2}`);
  if (word.startsWith('ch')) add(`c${rest2}`);
  if (word.startsWith('dd')) add(`d${rest2}`);
  else if (word.startsWith('d')) add(`t${rest1}`);
  if (word.startsWith('b')) add(`p${rest1}`);
  if (word.startsWith('g') && !word.startsWith('ng')) add(`c${rest1}`);
  if (word.startsWith('f') && !word.startsWith('ff')) {
    add(`b${rest1}`);
    add(`m${rest1}`);
  }
  if (word.startsWith('l') && !word.startsWith('ll')) add(`l${word}`);
  if (word.startsWith('r') && !word.startsWith('rh')) add(`rh${rest1}`);
  // soft mutation drops a g: "wefan" ← gwefan, "lanhau" ← glanhau, "ardd" ← gardd
  if (
    WELSH_VOWEL_START.test(word) ||
    (word.startsWith('l') && !word.startsWith('ll')) ||
    (word.startsWith('r') && !word.startsWith('rh'))
  )
    add(`g${word}`);
  if (word.startsWith('h') && WELSH_VOWEL_START.test(rest1)) add(rest1);
  return out;
}

/** True when the word is a negator ("not", "never", "dim", …). */
export function isNegator(word: string): boolean {
  return NEGATORS.has(word);
}

/**
 * Patterns of a rule phrase, one per word: a stem ("Waiting times" → ["wait", "time"]), a prefix for a word
 * ending in `*` ("recycl*"), or an exact word for a word starting with `=` ("=parking" does not match "parks").
 */
export function phraseStems(phrase: string): string[] {
  const out: string[] = [];
  for (const raw of phrase.toLowerCase().split(/\s+/)) {
    if (!raw) continue;
    const prefix = raw.endsWith('*');
    const exact = raw.startsWith('=');
    const cleaned = raw.replace(/[’']/g, '').replace(/[^\p{L}\p{N}]+/gu, '');
    if (!cleaned) continue;
    out.push(prefix ? `${cleaned}*` : exact ? `=${cleaned}` : stemWord(cleaned));
  }
  return out;
}
