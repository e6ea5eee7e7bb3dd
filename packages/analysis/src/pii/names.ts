import { ASCII_WORD, BMP_CLASS, C_LETTER, C_OTHER, charClass, classWidth } from './chars.ts';
import { AMBIGUOUS_GIVEN, AMBIGUOUS_SURNAMES, GIVEN_NAME_SET, nameKey, SURNAME_SET } from './given-names.ts';
import { NAME_PARTICLES, NAME_SUFFIXES, NOT_NAME_WORDS, ORG_PLACE_FOLLOWERS, TITLES } from './name-words.ts';
import type { PiiCandidate } from './types.ts';

// Cues before a name. Strong cues accept even a lower-case or unknown word; weak ones need a capital.
// Cues before a name. Strong cues accept even a lower-case or unknown word; weak ones need a capital. Each is scanned
// once over the text; a word is cued when it starts where a cue (plus its trailing space) ends.
const STRONG_CUE_RE =
  /(?:\bmy name is|\bname is|\bname's|\bname:|\bcall me|\bcalled|\bnamed|\bi am called|\bknown as|\bsigned|\bfrom:|\buser:|\bpatient:|\benw:|\bfy enw i yw|\benw i yw|\bdw i'n|\bchange it to|\bit to|\bunder the name|\bunder|\bregards,?|\bsincerely,?|\bthanks,|\bthank you,|\bcheers,|\bdiolch,|\bcofion,|\byn gywir,|\bbest wishes,?)\s*/gi;
const LOWER_NAME_CUE_RE = /(?:name is|call me|called|named|name:|enw i yw)\s*$/i;
const WEAK_CUE_RE =
  /(?:\bi'm|\bi am|\bthis is|\bspoke to|\bspoke with|\bspeak to|\bspeaking to|\bspoken to|\btalked to|\btalking to|\bsaw|\bseen by|\btreated by|\bhelped by|\basked for|\bask for|\bask|\bthanks to|\bthank you|\bthanks|\bhi|\bhello|\bdear|\bcheers|\bdiolch i|\bdiolch|\bsays|\bsaid|\bexplained|\baccording to|\bstarring)\s*,?\s*/gi;
const PREP_CUE_RE = /\b(?:by|with|from|and|to|of)\s+/gi;

/**
 * A cue regex prepared for scanning: a sticky copy, and the literal prefixes of its alternatives. Every alternative
 * starts with `\b` and at least two literal characters, and the regexes are case-insensitive without the `u` flag,
 * so a match can only start at an ASCII letter that begins an ASCII word and whose next two or three characters fold
 * (ASCII case only) to one of those prefixes.
 */
interface CueScanner {
  sticky: RegExp;
  /** Bit in CUE_PREFIX2 for an alternative whose literal prefix is these two characters. */
  bit2: number;
  /** Bit in CUE_PREFIX2 for an alternative whose literal prefix starts with these two characters and has a third. */
  bit3: number;
  keys3: Set<number>;
}

/** Bits of the cue scanners by folded two-character key (c0 * 128 + c1). */
const CUE_PREFIX2 = new Uint8Array(128 * 128);

function foldAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function cueScanner(re: RegExp, index: number): CueScanner {
  if (re.flags !== 'gi') throw new Error(`cue regex flags: ${re.flags}`);
  const src = re.source.replace(/\\b/g, '');
  if (!src.startsWith('(?:')) throw new Error(`cue regex shape: ${re.source}`);
  const body = src.slice(3, src.indexOf(')'));
  if (body.includes('(')) throw new Error(`cue regex shape: ${re.source}`);
  const bit2 = 1 << (2 * index);
  const bit3 = 1 << (2 * index + 1);
  const keys3 = new Set<number>();
  for (const alt of body.split('|')) {
    let lit = '';
    for (let k = 0; k < alt.length && lit.length < 3; k++) {
      const c = alt[k]!;
      const next = alt[k + 1];
      if ('\\.[](){}*+?^$|'.includes(c) || (next !== undefined && '?*+{'.includes(next))) break;
      lit += c;
    }
    if (lit.length < 2 || /[^\x20-\x7e]/.test(lit)) throw new Error(`cue regex alternative: ${alt}`);
    const k2 = foldAscii(lit.charCodeAt(0)) * 128 + foldAscii(lit.charCodeAt(1));
    if (lit.length === 2) CUE_PREFIX2[k2]! |= bit2;
    else {
      CUE_PREFIX2[k2]! |= bit3;
      keys3.add(k2 * 128 + foldAscii(lit.charCodeAt(2)));
    }
  }
  return { sticky: new RegExp(re.source, 'iy'), bit2, bit3, keys3 };
}

const STRONG_CUES = cueScanner(STRONG_CUE_RE, 0);
const WEAK_CUES = cueScanner(WEAK_CUE_RE, 1);
const PREP_CUES = cueScanner(PREP_CUE_RE, 2);

/** The end of every match of the cue regex, scanned left to right without overlaps (as `matchAll` does). */
function cueEnds(text: string, candidates: number[], sc: CueScanner): Set<number> {
  const ends = new Set<number>();
  const { sticky, bit2, bit3, keys3 } = sc;
  let from = 0;
  for (let s = 0; s < candidates.length; s += 3) {
    const p = candidates[s]!;
    if (p < from) continue;
    const bits = candidates[s + 1]!;
    if ((bits & bit2) === 0 && ((bits & bit3) === 0 || !keys3.has(candidates[s + 2]!))) continue;
    sticky.lastIndex = p;
    if (!sticky.test(text)) continue;
    from = sticky.lastIndex;
    ends.add(from);
  }
  return ends;
}

const SPEECH_AFTER_RE =
  /^(?:'s)?,?\s+(?:says|said|shouted|asked|explained|told|added|wrote|replied|points out|lives|moved|called|rang|emailed)\b/;
const SURNAME_MORPH_RE =
  /(?:ov|ova|ová|ev|eva|ovich|evich|ovna|yev|yeva|ina|sky|ski|ska|ský|ská|wicz|icz|czyk|vić|vič|ić|escu|eanu|sson|sen|ssen|dóttir|dottir|poulos|akis|idis|oglu|oğlu|yan|ian|stein|berg|mann|ez|ini|elli|etti|ucci|ato|ano|aki|moto|mura|yama|kawa|shima|uchi|ishi|nen|lä|ainen|inen|aho|ek|ák|ás|ová|ovà|ič|ski|ius|ienė|aitė|ytė|ovas|dze|shvili|ishi|oto|ata|ani|ari|ovski)$/;
const NON_ASCII_LETTER_RE = /[À-ɏ]/;

function isInitialPosition(text: string, start: number): boolean {
  let i = start - 1;
  while (
    i >= 0 &&
    (text[i] === ' ' ||
      text[i] === '\t' ||
      text[i] === '"' ||
      text[i] === '“' ||
      text[i] === "'" ||
      text[i] === '(' ||
      text[i] === '>' ||
      text[i] === '*' ||
      text[i] === '-')
  )
    i--;
  if (i < 0) return true;
  const c = text[i]!;
  return c === '.' || c === '!' || c === '?' || c === '\n' || c === ':' || c === '…';
}

/** Records `q` as a cue candidate when an ASCII word starts there and a cue alternative may start with it. */
function addCueCandidate(text: string, q: number, out: number[]): void {
  const n = text.length;
  if (q + 1 >= n) return;
  if (q > 0) {
    const b = text.charCodeAt(q - 1);
    if (b < 128 && ASCII_WORD[b] !== 0) return;
  }
  const c1 = text.charCodeAt(q + 1);
  if (c1 >= 128) return;
  const k2 = foldAscii(text.charCodeAt(q)) * 128 + foldAscii(c1);
  const bits = CUE_PREFIX2[k2]!;
  if (bits === 0) return;
  const c2 = q + 2 < n ? text.charCodeAt(q + 2) : 128;
  out.push(q, bits, c2 < 128 ? k2 * 128 + foldAscii(c2) : -1);
}

/** A word of the text. Its strings, lexicon key and sentence position are worked out when first asked for. */
class Word {
  readonly start: number;
  readonly end: number;
  readonly cap: boolean;
  /** Written with a possessive "'s", which ends a name. */
  readonly possessive: boolean;
  private readonly source: string;
  /** Lexicon keys only matter for words that can start a name (capitalised, or any word in text without capitals). */
  private readonly relevant: boolean;
  private textCache: string | undefined = undefined;
  private lowerCache: string | undefined = undefined;
  private keyCache: string | undefined = undefined;
  private initialCache = -1;

  constructor(source: string, start: number, end: number, cap: boolean, possessive: boolean, relevant: boolean) {
    this.source = source;
    this.start = start;
    this.end = end;
    this.cap = cap;
    this.possessive = possessive;
    this.relevant = relevant;
  }

  get text(): string {
    if (this.textCache === undefined) this.textCache = this.source.slice(this.start, this.end);
    return this.textCache;
  }

  /** Lower case, with typographic apostrophes made straight. */
  get lower(): string {
    if (this.lowerCache === undefined) {
      const lower = this.text.toLowerCase();
      this.lowerCache = lower.includes('’') ? lower.replace(/’/g, "'") : lower;
    }
    return this.lowerCache;
  }

  /** Lexicon key: lower case without diacritics or a trailing dot. */
  get key(): string {
    if (this.keyCache === undefined) {
      const t = this.text;
      this.keyCache = this.relevant ? nameKey(t.endsWith('.') ? t.slice(0, -1) : t) : t.toLowerCase();
    }
    return this.keyCache;
  }

  /** First word of a sentence or line, where capitals say nothing. */
  get initial(): boolean {
    if (this.initialCache < 0) this.initialCache = this.cap && isInitialPosition(this.source, this.start) ? 1 : 0;
    return this.initialCache === 1;
  }
}

/**
 * The words of the text, as `[\p{L}][\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*\.?` matches them (a possessive "'s" and a
 * sentence-final dot taken off), and the cue candidates (see `cueEnds`) in `cues`.
 */
function tokenise(text: string, noCase: boolean, cues: number[]): Word[] {
  const words: Word[] = [];
  const n = text.length;
  let p = 0;
  while (p < n) {
    let c = text.charCodeAt(p);
    if (c < 128) {
      if (BMP_CLASS[c] !== C_LETTER) {
        p++;
        continue;
      }
      p++;
    } else {
      if (charClass(text, p) !== C_LETTER) {
        p += classWidth;
        continue;
      }
      p += classWidth;
    }
    const start = p - (c < 128 ? 1 : classWidth);
    // Plain words are ASCII letters only (and maybe a final dot): the only ASCII word start in them is the first.
    let plain = c < 128;
    for (;;) {
      while (p < n) {
        c = text.charCodeAt(p);
        if (c < 128) {
          if (BMP_CLASS[c] !== C_LETTER) break;
          p++;
        } else {
          if (charClass(text, p) === C_OTHER) break;
          plain = false;
          p += classWidth;
        }
      }
      if (p + 1 < n) {
        c = text.charCodeAt(p);
        if ((c === 0x27 || c === 0x2019 || c === 0x2d) && charClass(text, p + 1) !== C_OTHER) {
          plain = false;
          p += 1 + classWidth;
          continue;
        }
      }
      break;
    }
    if (p < n && text.charCodeAt(p) === 0x2e) p++;
    const matchEnd = p;
    if (plain) addCueCandidate(text, start, cues);
    else {
      for (let q = start; q < matchEnd; q++) {
        const cq = text.charCodeAt(q);
        if (cq < 128 && ASCII_WORD[cq] === 1) addCueCandidate(text, q, cues);
      }
    }
    let e = matchEnd;
    const possessive =
      e - start > 3 &&
      (text.charCodeAt(e - 1) | 0x20) === 0x73 &&
      (text.charCodeAt(e - 2) === 0x27 || text.charCodeAt(e - 2) === 0x2019);
    if (possessive) e -= 2;
    const c0 = text.charCodeAt(start);
    let cap: boolean;
    if (c0 < 128) cap = c0 >= 65 && c0 <= 90;
    else {
      const first = text[start]!;
      cap = first !== first.toLowerCase();
    }
    // Keep the dot only on initials and abbreviations ("D.", "Dr."), not at sentence ends.
    if (text.charCodeAt(e - 1) === 0x2e && e - start > 2 && !TITLES.has(text.slice(start, e - 1).toLowerCase())) e--;
    words.push(new Word(text, start, e, cap, possessive, cap || noCase));
  }
  return words;
}

function bare(lower: string): string {
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function isInitialLetter(w: Word, allowLower = false): boolean {
  return allowLower ? /^\p{L}\.?$/u.test(w.text) : w.cap && /^\p{Lu}\.?$/u.test(w.text);
}

function isGiven(w: Word): boolean {
  return GIVEN_NAME_SET.has(w.key) && !AMBIGUOUS_GIVEN.has(w.key);
}

function isSurname(w: Word): boolean {
  return SURNAME_SET.has(w.key) && !AMBIGUOUS_SURNAMES.has(w.key);
}

function isNameLike(w: Word): boolean {
  if (!w.cap) return false;
  const b = bare(w.lower);
  if (NOT_NAME_WORDS.has(b)) return false;
  // All-capital words of 2+ letters are acronyms or shouting ("NHS", "LONDON"), unless a known name.
  if (w.text.length >= 2 && !w.text.endsWith('.') && w.text === w.text.toUpperCase() && !GIVEN_NAME_SET.has(w.key))
    return false;
  return true;
}

function gap(text: string, a: Word, b: Word): string {
  return text.slice(a.end, b.start);
}

/** Extends a name from word index i over following surname words, initials and particles. */
function extendRun(text: string, words: Word[], i: number, allowLower: boolean): number {
  let j = i + 1;
  if (words[i]!.possessive) return j;
  while (j < words.length && j - i < 4) {
    const w = words[j]!;
    const g = gap(text, words[j - 1]!, w);
    if (g !== ' ' && g !== '') break;
    const lowerOk =
      allowLower && !NOT_NAME_WORDS.has(bare(w.lower)) && /^\p{L}+$/u.test(w.text) && !/(?:s|ed|ing|ly)$/.test(w.lower);
    if (isInitialLetter(w, allowLower) || isNameLike(w) || lowerOk) {
      if (ORG_PLACE_FOLLOWERS.has(bare(w.lower))) break;
      j++;
      if (w.possessive) break;
      continue;
    }
    if (
      NAME_PARTICLES.has(w.lower) &&
      j + 1 < words.length &&
      isNameLike(words[j + 1]!) &&
      gap(text, w, words[j + 1]!) === ' '
    ) {
      j += 2;
      continue;
    }
    if (NAME_SUFFIXES.has(w.lower)) {
      j++;
      break;
    }
    break;
  }
  return j;
}

function followedByOrgWord(text: string, words: Word[], end: number): boolean {
  const next = words[end];
  if (!next) return false;
  if (gap(text, words[end - 1]!, next) !== ' ') return false;
  return ORG_PLACE_FOLLOWERS.has(bare(next.lower)) && next.cap;
}

function pushSpan(out: PiiCandidate[], words: Word[], i: number, j: number, priority: number): void {
  let end = words[j - 1]!.end;
  const last = words[j - 1]!;
  if (last.text.endsWith('.') && !/^\p{Lu}\.$/u.test(last.text)) end--;
  out.push({ start: words[i]!.start, end, type: 'name', priority });
}

/** Person names found by cues, titles, a given-name lexicon and the shape of capitalised runs. */
export function findNames(text: string, out: PiiCandidate[]): void {
  // Text written without capitals ("eva kleist lives at …") gives no case signal; fall back on the lexicon.
  const noCase = !/\p{Lu}/u.test(text);
  const candidates: number[] = [];
  const words = tokenise(text, noCase, candidates);
  if (words.length === 0) return;
  const found: PiiCandidate[] = [];
  const strongCues = cueEnds(text, candidates, STRONG_CUES);
  // Weak and preposition cues only matter for some capitalised runs: scanned when first asked for.
  let weakCues: Set<number> | undefined;
  let prepCues: Set<number> | undefined;
  const weakCueAt = (pos: number): boolean => {
    if (weakCues === undefined) weakCues = cueEnds(text, candidates, WEAK_CUES);
    return weakCues.has(pos);
  };
  const prepCueAt = (pos: number): boolean => {
    if (prepCues === undefined) prepCues = cueEnds(text, candidates, PREP_CUES);
    return prepCues.has(pos);
  };
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    // A lower-case word in text with capitals can only start a name right after a strong cue.
    if (!w.cap && !noCase && !strongCues.has(w.start)) {
      i++;
      continue;
    }
    const prev = words[i - 1];
    // 1. Title + name: "Dr. Kyle Kuefer", "Mrs Jones".
    if (
      prev &&
      TITLES.has(bare(prev.lower)) &&
      (prev.cap || prev.text.endsWith('.') || w.cap) &&
      (w.cap || noCase) &&
      /^[ .]+$/.test(gap(text, prev, w)) &&
      !NOT_NAME_WORDS.has(bare(w.lower))
    ) {
      const j = extendRun(text, words, i, noCase);
      pushSpan(found, words, i, j, 45);
      i = j;
      continue;
    }
    // 2. Strong cue: "my name is Rubija", "call me višeslav", "Regards,\nJane Smith".
    if (strongCues.has(w.start) && !NOT_NAME_WORDS.has(bare(w.lower))) {
      const lowerOk = !w.cap && LOWER_NAME_CUE_RE.test(text.slice(Math.max(0, w.start - 12), w.start));
      if (w.cap || lowerOk || noCase) {
        const j = extendRun(text, words, i, lowerOk || noCase);
        if (!followedByOrgWord(text, words, j)) {
          pushSpan(found, words, i, j, 45);
          i = j;
          continue;
        }
      }
    }
    const nameLike = isNameLike(w) || (noCase && isGiven(w));
    if (!nameLike) {
      i++;
      continue;
    }
    const j = extendRun(text, words, i, noCase);
    const run = words.slice(i, j);
    const len = run.filter((r) => !isInitialLetter(r)).length;
    if (followedByOrgWord(text, words, j) || run.some((r) => ORG_PLACE_FOLLOWERS.has(bare(r.lower)))) {
      i = j;
      continue;
    }
    const given =
      run.some((r) => isGiven(r)) ||
      (len >= 2 && run.some((r) => isSurname(r))) ||
      (len === 1 && isSurname(w) && !w.initial);
    // The other signals are only worked out when the lexicon does not settle it (all of them are pure tests).
    let accept = false;
    let shaped = false;
    if (given) accept = true;
    else {
      shaped =
        len >= 2 &&
        run.some((r) => SURNAME_MORPH_RE.test(bare(r.lower)) || NON_ASCII_LETTER_RE.test(r.text)) &&
        !(w.initial && len === 2 && !run[1]!.cap);
      const ambiguousGiven = run.some((r) => AMBIGUOUS_GIVEN.has(r.key) && GIVEN_NAME_SET.has(r.key));
      // A vocative: ", Mark!" at the end of a sentence.
      const vocative =
        len === 1 &&
        ambiguousGiven &&
        /,\s*$/.test(text.slice(Math.max(0, w.start - 3), w.start)) &&
        /^[!?.]/.test(text.slice(w.end, w.end + 1));
      if ((ambiguousGiven && len >= 2) || vocative) accept = true;
      else {
        const after = text.slice(run[run.length - 1]!.end, run[run.length - 1]!.end + 24);
        const speech = SPEECH_AFTER_RE.test(after);
        const multiUnknown = len >= 2 && !w.initial;
        if (shaped || (multiUnknown && (prepCueAt(w.start) || speech))) accept = true;
        else {
          // Dialogue speaker at the start of a line: "Nicole: Remember me".
          const speaker =
            len === 1 &&
            /^\s*:/.test(after) &&
            (i === 0 || /\n[ \t]*$/.test(text.slice(Math.max(0, w.start - 8), w.start)));
          if (weakCueAt(w.start) || speech || speaker) accept = len >= 1;
        }
      }
    }
    if (accept) {
      pushSpan(found, words, i, j, given || shaped ? 40 : 35);
    }
    i = j;
  }
  // Coordination: in "Kadiev and Adams" or "Gaetane, Hannah and Anthony" one name vouches for its neighbours.
  const queue = found.slice();
  const taken = (start: number, end: number): boolean => found.some((s) => start < s.end && s.start < end);
  const acceptNeighbour = (start: number, word: string): void => {
    const end = start + word.length;
    if (taken(start, end) || NOT_NAME_WORDS.has(nameKey(word)) || ORG_PLACE_FOLLOWERS.has(nameKey(word))) return;
    const span: PiiCandidate = { start, end, type: 'name', priority: 35 };
    found.push(span);
    queue.push(span);
  };
  const NEIGHBOUR_RIGHT = noCase
    ? /^(?:,\s*|\s+(?:and|or|&)\s+|,\s*(?:and|or)\s+)(\p{L}[\p{L}\p{M}'’-]+)(?![\p{L}\p{M}]|\s+\p{Lu})/u
    : /^(?:,\s*|\s+(?:and|or|&)\s+|,\s*(?:and|or)\s+)(\p{Lu}[\p{L}\p{M}'’-]+)(?![\p{L}\p{M}]|\s+\p{Lu})/u;
  const NEIGHBOUR_LEFT = noCase
    ? /(?<![\p{L}\p{M}])(\p{L}[\p{L}\p{M}'’-]+)(?:\s*,\s*|\s+(?:and|or|&)\s+|,\s*(?:and|or)\s+)$/u
    : /(?<![\p{L}\p{M}]|\p{Lu}\p{L}*\s)(\p{Lu}[\p{L}\p{M}'’-]+)(?:\s*,\s*|\s+(?:and|or|&)\s+|,\s*(?:and|or)\s+)$/u;
  for (let q = 0; q < queue.length && q < 50; q++) {
    const s = queue[q]!;
    if (/\s/.test(text.slice(s.start, s.end))) continue;
    const right = NEIGHBOUR_RIGHT.exec(text.slice(s.end, s.end + 40));
    if (right) acceptNeighbour(s.end + right[0].length - right[1]!.length, right[1]!.replace(/['’]s$/, ''));
    const leftText = text.slice(Math.max(0, s.start - 40), s.start);
    const left = NEIGHBOUR_LEFT.exec(leftText);
    if (left) acceptNeighbour(s.start - leftText.length + left.index, left[1]!);
  }
  // Surnames and first names seen once in a full name count wherever they recur ("… than early Yefremova").
  const known = new Set<string>();
  for (const s of found) {
    for (const part of text.slice(s.start, s.end).split(/\s+/)) {
      const p = part.toLowerCase().replace(/\.$/, '');
      if (p.length >= 3 && !NOT_NAME_WORDS.has(p)) known.add(p);
    }
  }
  if (known.size > 0) {
    const covered = (pos: number): boolean => found.some((s) => pos >= s.start && pos < s.end);
    for (const w of words) {
      if (covered(w.start)) continue;
      if ((w.cap || noCase) && known.has(bare(w.lower)))
        found.push({ start: w.start, end: w.end, type: 'name', priority: 35 });
    }
  }
  for (const s of found) out.push(s);
}
