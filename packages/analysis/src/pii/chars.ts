/** Character tables shared by the PII scanners (they stand in for `\p{L}`, `\p{M}` and `\b` in hot loops). */

/** 1 for ASCII letters, 2 for digits and "_" (the other ASCII word characters of `\b`), 0 otherwise. */
export const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_WORD[c] = 1;
  else if ((c >= 48 && c <= 57) || c === 95) ASCII_WORD[c] = 2;
}

/** Character classes: letters (\p{L}), marks (\p{M}), anything else. */
export const C_LETTER = 1;
export const C_MARK = 2;
export const C_OTHER = 3;
/** Class of each BMP code unit, filled in on first sight (0: not yet known). ASCII is set up front. */
export const BMP_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) BMP_CLASS[c] = ASCII_WORD[c] === 1 ? C_LETTER : C_OTHER;
const ASTRAL_CLASS = new Map<number, number>();
const LETTER_RE = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;

function classOf(ch: string): number {
  return LETTER_RE.test(ch) ? C_LETTER : MARK_RE.test(ch) ? C_MARK : C_OTHER;
}

function astralClass(cp: number): number {
  let k = ASTRAL_CLASS.get(cp);
  if (k === undefined) {
    k = classOf(String.fromCodePoint(cp));
    ASTRAL_CLASS.set(cp, k);
  }
  return k;
}

function bmpClass(c: number): number {
  let k = BMP_CLASS[c]!;
  if (k === 0) {
    k = c >= 0xd800 && c <= 0xdfff ? C_OTHER : classOf(String.fromCharCode(c));
    BMP_CLASS[c] = k;
  }
  return k;
}

/** Width (1 or 2 code units) of the code point classified by the last `charClass` call. */
export let classWidth = 1;

/**
 * Class of the code point starting at `p` (p < text.length), as a `u` regex sees it: a surrogate pair is one code
 * point, a lone surrogate is C_OTHER. Sets `classWidth`.
 */
export function charClass(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c >= 0xd800 && c <= 0xdbff && p + 1 < text.length) {
    const d = text.charCodeAt(p + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      classWidth = 2;
      return astralClass((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
    }
  }
  classWidth = 1;
  return bmpClass(c);
}

/** Class of the code point that ends right before `p` (p > 0), as a `u` regex lookbehind sees it. */
export function classBefore(text: string, p: number): number {
  const d = text.charCodeAt(p - 1);
  if (d >= 0xdc00 && d <= 0xdfff && p >= 2) {
    const c = text.charCodeAt(p - 2);
    if (c >= 0xd800 && c <= 0xdbff) return astralClass((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
  }
  return bmpClass(d);
}
