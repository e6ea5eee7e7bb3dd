import { textBefore } from './context.ts';
import type { PiiCandidate } from './types.ts';

// Street-type words that end an English-style street name ("14 Mill Lane", "2450 Crown St").
const STREET_TYPES = new Set(
  (
    'street st str road rd avenue ave av lane ln drive dr close cl way court ct courts place pl crescent cres terrace tce ' +
    'gardens gdns grove gr boulevard blvd parkway pkwy highway hwy square sq squares row mews walk rise parade green view ' +
    'park vale circle cir trail trl path loop alley plaza heights ridge gate gateway causeway wharf quay embankment ' +
    'broadway expressway freeway turnpike pike crossing landing meadow meadows orchard glen dale fields chase croft wynd ' +
    'yard cove coves extension extensions ville village villages station stravenue spur junction knoll knolls lodge ' +
    'manor mill mills motorway fort forge ford falls ferry estate estates haven harbor harbour hollow island isle lake ' +
    'lakes mount mountain oval pass passage pines plains point port prairie ranch ridges route shoal shores springs ' +
    'summit trace track tunnel underpass valley vista wall wells brook bridge bypass camp canyon cape center centre ' +
    'cliff common corner corners creek crest curve divide expy flat flats forest fork grn hts jct ln. mnr pt rdg sqr ' +
    'ter trce vw walkway bank brow end side hey garth approach wood woods'
  ).split(' '),
);

// Continental street words written before the name ("Rua do Arenque 1634", "Via Roma 12").
const STREET_PREFIXES = new Set(
  (
    'rua rue avenida avda av. calle c/ via viale vicolo strada piazza piazzale corso largo plaza paseo rúa travessa ' +
    'carrer ul. ulica utca aleja al. allee platz rynek chaussee route chemin boulevard bd quai impasse allée cours ' +
    'praça praca estrada alameda ruta camino carretera str. strasse straße weg ulitsa prospekt bulevar calea strada ' +
    'sokak sokağı cadde caddesi'
  ).split(' '),
);

// Suffixes of one-word continental street names ("Koskikatu", "Søndergade", "Þorsteinsgata", "Mellemvej").
const STREET_SUFFIX_RE =
  /(?:katu|tie|kuja|polku|vej|gade|vænget|gata|gatan|vägen|väg|veien|vegen|gränd|straße|strasse|str\.|weg|laan|straat|gracht|plein|dreef|steeg|utca|út|tér|ulica|ská|ského|ová|ova|ovo|ská|ska|skaya|skiy|allee|platz|ring|damm|markt|gasse|stræde|torv|sgatan|braut|vegur|stígur|gasse)$/i;

const SECONDARY_RE =
  /^(?:(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|box|po box|p\.o\. box|building|bldg|block|house|#)\.?\s*#?[\dA-Z][\w-]*|psc \d+,? box \d+|(?:apo|fpo|dpo) (?:aa|ae|ap) \d{5}|unit \d+ box \d+)/i;

const ADDRESS_CONTEXT =
  /(?:address|addr|lives? (?:at|on|in)|living (?:at|on)|located at|located on|resid\w+ (?:at|in)|moved? (?:to|into)|moving to|sent to|send (?:it |them )?to|deliver\w* to|post\w* to|meet (?:you |me )?at|office is at|offices are|is at|corner of|side of|drops? you off at|stop at|return to|ship\w* to|mail\w* to|cyfeiriad|byw (?:yn|ar))[^.!?]{0,20}$/;

const WORD_RE = /[\p{L}][\p{L}\p{M}'’.-]*/uy;
const NUMBER_RE = /\d{1,5}[A-Za-z]?\.?(?![\d])/y;
const SPACE_RE = / {1,4}/y;

interface Token {
  start: number;
  end: number;
  text: string;
  kind: 'word' | 'num';
}

/** Tokens of one line (letters or numbers, separated by single spaces), stopping at any other character. */
function lineTokens(text: string, start: number, limit: number): Token[] {
  const tokens: Token[] = [];
  let pos = start;
  while (pos < limit && tokens.length < limit) {
    NUMBER_RE.lastIndex = pos;
    WORD_RE.lastIndex = pos;
    const num = NUMBER_RE.exec(text);
    if (num) {
      tokens.push({ start: pos, end: pos + num[0].length, text: num[0], kind: 'num' });
      pos += num[0].length;
    } else {
      const word = WORD_RE.exec(text);
      if (!word) break;
      tokens.push({ start: pos, end: pos + word[0].length, text: word[0], kind: 'word' });
      pos += word[0].length;
    }
    SPACE_RE.lastIndex = pos;
    const sp = SPACE_RE.exec(text);
    if (!sp) break;
    pos += sp[0].length;
    if (tokens.length > 10) break;
  }
  return tokens;
}

function isCap(word: string): boolean {
  const c = word[0]!;
  return c !== c.toLowerCase();
}

function normWord(word: string): string {
  return word.toLowerCase().replace(/[.,]$/, '');
}

/**
 * Finds the end of a street core starting at tokens[i]; returns the index after its last token or -1.
 * Accepted shapes: NUM words+ TYPE, NUM? PREFIX words+ NUM?, NUM? word(-suffix) NUM, NUM word+ NUM (building + street + number).
 */
function matchStreet(tokens: Token[], i: number, strongContext: boolean): number {
  let j = i;
  const leadingNumber = tokens[j]?.kind === 'num';
  if (leadingNumber) j++;
  if (leadingNumber && tokens[j]?.kind === 'num') j++; // "1987 74 Diakou Street", "704 1436 Redbud Drive"
  const nameStart = j;
  // Continental prefix: "Rua do Arenque 1634", "137 Avenue Teboulbi", "ul. Miła 53".
  const first = tokens[nameStart];
  if (!first || first.kind !== 'word') return -1;
  if (STREET_PREFIXES.has(first.text.toLowerCase())) {
    let k = nameStart + 1;
    let words = 0;
    while (tokens[k]?.kind === 'word' && words < 4) {
      k++;
      words++;
    }
    if (words === 0) return -1;
    if (tokens[k]?.kind === 'num') return k + 1;
    return leadingNumber || strongContext ? k : -1;
  }
  // Words up to a street type or a number.
  let k = nameStart;
  let words = 0;
  while (tokens[k]?.kind === 'word' && words < 5) {
    const w = tokens[k]!.text;
    const lw = normWord(w);
    if (words > 0 && STREET_TYPES.has(lw)) {
      // Allow a second type word: "Kishiev Squares", "Reuquén Extensions".
      let end = k + 1;
      if (tokens[end]?.kind === 'word' && STREET_TYPES.has(normWord(tokens[end]!.text))) end++;
      if (tokens[end]?.kind === 'num' && !leadingNumber) end++;
      return leadingNumber || strongContext ? end : -1;
    }
    if (!isCap(w) && !strongContext && !leadingNumber) return -1;
    k++;
    words++;
  }
  if (words === 0) return -1;
  const next = tokens[k];
  if (next?.kind === 'num') {
    const nameWords = tokens.slice(nameStart, k);
    const suffixed = nameWords.some((t) => STREET_SUFFIX_RE.test(t.text));
    if (suffixed || leadingNumber || strongContext) return k + 1;
  }
  return -1;
}

/** Extends an address over following lines: secondary unit, city, ", ST", "Country 12345", postcode lines. */
function extendAddress(text: string, end: number): number {
  let pos = end;
  for (let lines = 0; lines < 5; lines++) {
    const rest = text.slice(pos, pos + 80);
    const sep = /^(?:\s*,\s*|\n[ \t]*|[ \t]+)/.exec(rest);
    if (!sep) break;
    const after = rest.slice(sep[0].length);
    const sec = SECONDARY_RE.exec(after);
    if (sec) {
      pos += sep[0].length + sec[0].length;
      continue;
    }
    // Lines after a newline that look like "City", ", ST", "Country 12345", "CITY, ST 12345".
    const newlineSep = sep[0].includes('\n') || sep[0].includes(',');
    if (!newlineSep) break;
    const line = /^(?:,\s*)?(?:[\p{Lu}\d][\p{L}\p{M}'’.-]*(?: [\p{L}\p{M}'’().-]+){0,3}|nan)(?:,? (?:[A-Z]{2}|nan))?(?: \d{3,5}(?:-\d{3,4})?)?(?=[ \t]*(?:\n|$|[?.!,]))/u.exec(
      after,
    );
    if (!line || line[0].length === 0) break;
    // Stop at a line that reads like a sentence (lower-case words) or a label ("Mobile: ...").
    if (/[:@]/.test(line[0])) break;
    const looksLikeLocality = /\d{3,5}$/.test(line[0]) || /^(?:,\s*)?[\p{Lu}\d]/u.test(line[0]);
    if (!looksLikeLocality) break;
    // A city line only counts when a later line (or this one) ends the address with a code or state.
    const candidateEnd = pos + sep[0].length + line[0].length;
    if (!/\d{3,5}$|, ?[A-Z]{2}$|nan$/.test(line[0])) {
      const lookahead = text.slice(candidateEnd, candidateEnd + 60);
      if (!/^\s*\n?\s*,?\s*(?:[A-Z]{2}\b|nan\b|[\p{L} ()]*\d{3,5}\b)/u.test(lookahead)) break;
    }
    pos = candidateEnd;
  }
  return pos;
}

export function findAddresses(text: string, out: PiiCandidate[]): void {
  // Candidate starts: each number or capitalised word at a token boundary.
  const re = /(?<![\p{L}\p{M}\d'’.-])(?:\d{1,5}\b|[\p{L}])/gu;
  let lastEnd = 0;
  for (const m of text.matchAll(re)) {
    const start = m.index;
    if (start < lastEnd) continue;
    const ch = text[start]!;
    const isDigit = ch >= '0' && ch <= '9';
    const lowerWord = !isDigit && ch === ch.toLowerCase();
    const strongContext = ADDRESS_CONTEXT.test(textBefore(text, start, 60));
    if (lowerWord && !strongContext) continue;
    const tokens = lineTokens(text, start, Math.min(text.length, start + 120));
    if (tokens.length < 2) continue;
    let endIdx = matchStreet(tokens, 0, strongContext);
    if (endIdx < 0 && isDigit && tokens[1]?.kind === 'num') endIdx = matchStreet(tokens, 1, strongContext);
    if (endIdx < 0) {
      // Secondary unit or military address alone ("Apt. 297", "PSC 0413, Box 8144 APO AA 42323").
      const sec = SECONDARY_RE.exec(text.slice(start, start + 60));
      if (sec && /^(?:apt|apartment|suite|unit|flat|psc|po box|p\.o\. box)/i.test(sec[0]) && /\d/.test(sec[0])) {
        const end = extendAddress(text, start + sec[0].length);
        out.push({ start, end, type: 'address', priority: 50 });
        lastEnd = end;
      }
      continue;
    }
    const coreEnd = tokens[endIdx - 1]!.end;
    let end = extendAddress(text, coreEnd);
    // "the corner of X 12 and Y Courts": keep both streets together.
    const and = /^ and (?=\S)/.exec(text.slice(end, end + 5));
    if (and && /corner of\s*$/.test(textBefore(text, start, 20))) {
      const t2 = lineTokens(text, end + and[0].length, Math.min(text.length, end + 100));
      const e2 = matchStreet(t2, 0, true);
      if (e2 > 0) end = t2[e2 - 1]!.end;
    }
    // Trailing "." belongs to "u. 97." style numbers only when the next char ends the sentence.
    let spanStart = start;
    if (/corner of\s*$/.test(textBefore(text, start, 20))) {
      const cornerAt = text.lastIndexOf('the corner of', start);
      if (cornerAt >= 0 && start - cornerAt <= 15) spanStart = cornerAt;
    }
    out.push({ start: spanStart, end, type: 'address', priority: 50 });
    lastEnd = end;
  }
}
