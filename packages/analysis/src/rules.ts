import type { ThemeDef } from './taxonomy.ts';
import { negatedForRules, phraseStems, stemWord, type Token, tokenise, welshRadicals } from './tokenise.ts';

interface Phrase {
  stems: string[];
  kind: 'include' | 'exclude' | 'force';
  themeKey: string;
  /** theme and kind: a longer phrase claims its words from shorter ones of the same theme and kind */
  claimKey: string;
}

/** A taxonomy's rules indexed by the first stem of each phrase, ready to match many texts. */
export interface CompiledRules {
  /** this compilation's number: a word's memo record keeps the phrases that can start at it, per compilation */
  id: number;
  byFirstStem: Map<string, Phrase[]>;
  /** phrases whose first word must match exactly ("=parking") */
  byFirstWord: Map<string, Phrase[]>;
  prefixFirst: Phrase[];
  /**
   * prefixFirst by the first character of the prefix (keeping their order), with the prefix cut out once: a word
   * is checked only against phrases that can match it; null when some prefix is empty (then every word is)
   */
  prefixByFirstChar: Map<number, { prefix: string; phrase: Phrase }[]> | null;
  /** every stem an include/force rule mentions (for emerging-topic coverage checks) */
  coveredStems: Set<string>;
}

export interface RuleMatch {
  key: string;
  /** the words of the text that matched include or force phrases: the explanation shown to staff */
  terms: string[];
  forced: boolean;
  vetoed: boolean;
  /** include phrases that matched only under negation ("not dirty"), which do not tag the theme */
  negatedTerms: string[];
}

let compiledRulesCount = 0;

export function compileRules(taxonomy: ThemeDef[]): CompiledRules {
  const byFirstStem = new Map<string, Phrase[]>();
  const byFirstWord = new Map<string, Phrase[]>();
  const prefixFirst: Phrase[] = [];
  const coveredStems = new Set<string>();
  for (const theme of taxonomy) {
    const groups: [Phrase['kind'], string[] | undefined][] = [
      ['include', theme.rules?.include],
      ['exclude', theme.rules?.exclude],
      ['force', theme.rules?.force],
    ];
    for (const [kind, phrases] of groups) {
      for (const text of phrases ?? []) {
        const stems = phraseStems(text);
        if (stems.length === 0) continue;
        const phrase: Phrase = { stems, kind, themeKey: theme.key, claimKey: `${theme.key}\u0000${kind}` };
        if (kind !== 'exclude')
          for (const s of stems) coveredStems.add(s.startsWith('=') ? stemWord(s.slice(1)) : s.replace(/\*$/, ''));
        const first = stems[0]!;
        if (first.endsWith('*')) prefixFirst.push(phrase);
        else {
          const [map, key] = first.startsWith('=') ? [byFirstWord, first.slice(1)] : [byFirstStem, first];
          const list = map.get(key);
          if (list) list.push(phrase);
          else map.set(key, [phrase]);
        }
      }
    }
  }
  // longest phrases first, so "car parks" claims its words before "parks" can
  for (const map of [byFirstStem, byFirstWord]) {
    for (const list of map.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  }
  prefixFirst.sort((a, b) => b.stems.length - a.stems.length);
  let prefixByFirstChar: CompiledRules['prefixByFirstChar'] = new Map();
  for (const phrase of prefixFirst) {
    const prefix = phrase.stems[0]!.slice(0, -1);
    if (prefix === '') {
      prefixByFirstChar = null;
      break;
    }
    const list = prefixByFirstChar.get(prefix.charCodeAt(0));
    if (list) list.push({ prefix, phrase });
    else prefixByFirstChar.set(prefix.charCodeAt(0), [{ prefix, phrase }]);
  }
  return { id: ++compiledRulesCount, byFirstStem, byFirstWord, prefixFirst, prefixByFirstChar, coveredStems };
}

/** How to match: `welsh` also tries each word's forms before an initial mutation (for text detected as Welsh). */
export interface MatchOptions {
  welsh?: boolean;
}

function wordMatches(pattern: string, word: string, stem: string): boolean {
  if (pattern.endsWith('*')) return word.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('=')) return word === pattern.slice(1);
  return stem === pattern;
}

function stemMatches(pattern: string, tok: Token, welsh: boolean): boolean {
  if (wordMatches(pattern, tok.word, tok.stem)) return true;
  if (!welsh) return false;
  for (const radical of welshRadicals(tok.word)) if (wordMatches(pattern, radical, stemWord(radical))) return true;
  return false;
}

function matchAt(tokens: Token[], i: number, stems: string[], welsh: boolean): boolean {
  if (i + stems.length > tokens.length) return false;
  // the first word was found by phrasesStartingAt (directly or through a radical form)
  for (let k = 1; k < stems.length; k++) if (!stemMatches(stems[k]!, tokens[i + k]!, welsh)) return false;
  return true;
}

/**
 * Matches every rule phrase against the tokens of a text. A phrase whose first word is under negation
 * ("no problem with parking", "not dirty") neither tags nor vetoes; it is reported in `negatedTerms`.
 */
export function matchRules(rules: CompiledRules, tokens: Token[], opts: MatchOptions = {}): RuleMatch[] {
  const welsh = opts.welsh === true;
  const out = new Map<string, RuleMatch>();
  const get = (key: string): RuleMatch => {
    let m = out.get(key);
    if (!m) {
      m = { key, terms: [], forced: false, vetoed: false, negatedTerms: [] };
      out.set(key, m);
    }
    return m;
  };
  // per theme, the token index up to which a longer phrase already matched
  const claimedUntil = new Map<string, number>();
  const consider = (phrase: Phrase, i: number) => {
    if (!matchAt(tokens, i, phrase.stems, welsh)) return;
    if ((claimedUntil.get(phrase.claimKey) ?? -1) > i) return;
    claimedUntil.set(phrase.claimKey, i + phrase.stems.length);
    const words = tokens
      .slice(i, i + phrase.stems.length)
      .map((t) => t.word)
      .join(' ');
    const m = get(phrase.themeKey);
    if (negatedForRules(tokens, i)) {
      if (phrase.kind !== 'exclude' && !m.negatedTerms.includes(words)) m.negatedTerms.push(words);
      return;
    }
    if (phrase.kind === 'exclude') m.vetoed = true;
    else {
      if (phrase.kind === 'force') m.forced = true;
      if (!m.terms.includes(words)) m.terms.push(words);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const phrases = phrasesStartingAt(rules, tokens[i]!, welsh);
    for (let k = 0; k < phrases.length; k++) consider(phrases[k]!, i);
  }
  return [...out.values()];
}

const NO_PHRASES: Phrase[] = [];

/** The phrases whose first word can be this word (by stem, exact, by prefix; longest first within each), appended to `out`. */
function phrasesFor(rules: CompiledRules, word: string, stem: string, out: Phrase[]): void {
  const byStem = rules.byFirstStem.get(stem);
  if (byStem) for (const p of byStem) if (!out.includes(p)) out.push(p);
  const exact = rules.byFirstWord.get(word);
  if (exact) for (const p of exact) if (!out.includes(p)) out.push(p);
  if (rules.prefixByFirstChar) {
    const candidates = rules.prefixByFirstChar.get(word.charCodeAt(0));
    if (candidates)
      for (const { prefix, phrase } of candidates)
        if (word.startsWith(prefix) && !out.includes(phrase)) out.push(phrase);
  } else {
    for (const phrase of rules.prefixFirst)
      if (word.startsWith(phrase.stems[0]!.slice(0, -1)) && !out.includes(phrase)) out.push(phrase);
  }
}

/**
 * The phrases whose first word the token can be, in the order they are tried, kept in the word's memo record for
 * the next text (per compilation, and per Welsh or not: in Welsh text the word's unmutated forms count too).
 */
function phrasesStartingAt(rules: CompiledRules, tok: Token, welsh: boolean): Phrase[] {
  const info = tok.info;
  const owner = welsh ? -rules.id : rules.id;
  if (info !== undefined) {
    const own = info.rules as { owner: number; phrases: Phrase[] } | null;
    if (own !== null && own.owner === owner) return own.phrases;
  }
  const out: Phrase[] = [];
  phrasesFor(rules, tok.word, tok.stem, out);
  if (welsh) for (const radical of welshRadicals(tok.word)) phrasesFor(rules, radical, stemWord(radical), out);
  const phrases = out.length > 0 ? out : NO_PHRASES;
  if (info !== undefined) info.rules = { owner, phrases };
  return phrases;
}

const compiledCache = new WeakMap<ThemeDef[], CompiledRules>();

/** Convenience: compile (cached per taxonomy array) and match a raw text. */
export function matchThemeRules(taxonomy: ThemeDef[], text: string, opts: MatchOptions = {}): RuleMatch[] {
  let compiled = compiledCache.get(taxonomy);
  if (!compiled) {
    compiled = compileRules(taxonomy);
    compiledCache.set(taxonomy, compiled);
  }
  return matchRules(compiled, tokenise(text), opts);
}
