import { ASCII_WORD, C_LETTER, C_OTHER, charClass, classBefore } from './chars.ts';
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
    'sokak sokağı cadde caddesi heol ffordd stryd lôn rhodfa cilgant teras'
  ).split(' '),
);

// Suffixes of one-word continental street names ("Koskikatu", "Søndergade", "Þorsteinsgata", "Mellemvej").
const STREET_SUFFIX_RE =
  /(?:katu|tie|kuja|polku|vej|gade|vænget|gata|gatan|vägen|väg|veien|vegen|gränd|straße|strasse|str\.|weg|laan|straat|gracht|plein|dreef|steeg|utca|út|tér|ulica|ská|ského|ová|ova|ovo|ská|ska|skaya|skiy|allee|platz|ring|damm|markt|gasse|stræde|torv|sgatan|braut|vegur|stígur|gasse)$/i;

const SECONDARY_RE =
  /^(?:(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|box|po box|p\.o\. box|building|bldg|block|house|#)\.?\s*#?[\dA-Z][\w-]*|psc \d+,? box \d+|(?:apo|fpo|dpo) (?:aa|ae|ap) \d{5}|unit \d+ box \d+)/i;

const ADDRESS_CONTEXT =
  /(?:address|addr|lives? (?:at|on|in)|living (?:at|on)|located at|located on|resid\w+ (?:at|in)|moved? (?:to|into)|moving to|sent to|send (?:it |them )?to|deliver\w* to|post\w* to|meet (?:you |me )?at|office is at|offices are|is at|corner of|side of|drops? you off at|stop at|return to|ship\w* to|mail\w* to|cyfeiriad|byw (?:yn|ar))/gi;

const ADDRESS_CUE_END = /(?:address(?: is)?:?|lives? (?:at|on|in)|at|to|is|of)\s*$/;
const MILITARY_RE =
  /^(?:(?:USNS|USS|USCGC|USNV) [\p{L}][\p{L}\p{M}'’-]*(?: [\p{L}][\p{L}\p{M}'’-]*)?\n(?:FPO|APO|DPO) (?:AA|AE|AP) \d{5})/iu;

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

const FUNCTION_WORDS = new Set(
  'a an the at in on of to is was are and or for from with by during since until after before it its this that my your his her our their i we you he she they there here where when which who as be been if so not no but'.split(
    ' ',
  ),
);
// Particles allowed inside continental street names ("Rua do Arenque", "Rue de Pologne", "Via della Pace").
const STREET_PARTICLES = new Set(
  'do da dos das de del della delle di du des la le los las el al y yr i van von der den'.split(' '),
);

const CALENDAR_RE =
  /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|st|nd|rd|th|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|people|volunteers|times|pounds|percent|miles|km|kg)$/;

function streetWordOk(t: Token, allowLower: boolean): boolean {
  const lw = normWord(t.text);
  if (FUNCTION_WORDS.has(lw) && !STREET_PARTICLES.has(lw)) return false;
  if (CALENDAR_RE.test(lw) || /['’](?:d|s|m|ll|re|ve|t)$/.test(lw)) return false;
  return isCap(t.text) || allowLower || STREET_PARTICLES.has(lw);
}

/** After a street core, takes a following "Name Type" street ("Koskikatu 25 Rott Crossroad"). Returns the new end. */
function trailingTypedStreet(tokens: Token[], k: number): number {
  let j = k;
  let words = 0;
  while (tokens[j]?.kind === 'word' && words < 4 && streetWordOk(tokens[j]!, false)) {
    if (words > 0 && STREET_TYPES.has(normWord(tokens[j]!.text))) {
      let end = j + 1;
      while (tokens[end]?.kind === 'word' && STREET_TYPES.has(normWord(tokens[end]!.text))) end++;
      return end;
    }
    j++;
    words++;
  }
  return k;
}

/**
 * Finds the end of a street core starting at tokens[i]; returns the index after its last token or -1.
 * Accepted shapes: NUM words+ TYPE, NUM? PREFIX words+ NUM?, NUM? word(-suffix) NUM, NUM word+ NUM (building + street + number).
 */
function matchStreet(tokens: Token[], i: number, strongContext: boolean, noCaseText = false): number {
  let j = i;
  const leadingNumber = tokens[j]?.kind === 'num';
  if (leadingNumber) j++;
  const doubleNumber = leadingNumber && tokens[j]?.kind === 'num';
  if (doubleNumber) j++; // "1987 74 Diakou Street", "704 1436 Redbud Drive"
  const nameStart = j;
  const first = tokens[nameStart];
  const allowLower = strongContext || noCaseText;
  if (first?.kind !== 'word' || !streetWordOk(first, allowLower)) return -1;
  if (SECONDARY_ALONE_RE.test(first.text)) return -1;
  // Continental prefix: "Rua do Arenque 1634", "137 Avenue Teboulbi", "ul. Miła 53".
  if (STREET_PREFIXES.has(first.text.toLowerCase())) {
    let k = nameStart + 1;
    let words = 0;
    while (tokens[k]?.kind === 'word' && words < 4 && streetWordOk(tokens[k]!, true)) {
      k++;
      words++;
    }
    if (words === 0) return -1;
    if (tokens[k]?.kind === 'num') {
      k++;
      if (tokens[k]?.kind === 'num') k++;
      return trailingTypedStreet(tokens, k);
    }
    return leadingNumber || strongContext ? k : -1;
  }
  // Words up to the last street type, or up to a number.
  let k = nameStart;
  let words = 0;
  let typedEnd = -1;
  while (tokens[k]?.kind === 'word' && words < 6 && streetWordOk(tokens[k]!, allowLower)) {
    if (words > 0 && STREET_TYPES.has(normWord(tokens[k]!.text))) typedEnd = k + 1;
    k++;
    words++;
  }
  if (words === 0) return -1;
  if (typedEnd > 0 && (leadingNumber || strongContext)) {
    if (tokens[typedEnd]?.kind === 'num' && !leadingNumber) typedEnd++;
    return typedEnd;
  }
  const next = tokens[k];
  if (next?.kind === 'num' && words <= 4) {
    const nameWords = tokens.slice(nameStart, k);
    const suffixed = nameWords.some((t) => STREET_SUFFIX_RE.test(t.text));
    if (suffixed || leadingNumber || strongContext) return trailingTypedStreet(tokens, k + 1);
  }
  // "9816 214 Pavlou Drandaki": building and street numbers before a capitalised name.
  if (doubleNumber && words <= 3 && tokens.slice(nameStart, k).every((t) => isCap(t.text) && t.text.length > 2))
    return k;
  return -1;
}

const COUNTRY_LINE_RE =
  /^(?:,\s*)?(?:united kingdom|uk|great britain|england|wales|scotland|northern ireland|ireland|united states(?: of america)?|usa|canada|australia|new zealand|south africa|france|germany|spain|portugal|italy|netherlands|belgium|luxembourg|switzerland|austria|denmark|norway|sweden|finland|iceland|greenland(?:er)?|estonia|latvia|lithuania|poland|czech republic|czechia|slovakia|hungary|slovenia|croatia|serbia|bosnia and herzegovina|montenegro|romania|bulgaria|greece|cyprus(?: \(greek\))?|turkey|ukraine|russia|brazil|argentina|uruguay|chile|mexico|tunisia|morocco|india|pakistan|bangladesh|china|japan|nigeria|ghana|kenya|somalia)$/i;

/**
 * Extends an address over following lines (secondary unit, city, ", ST", "Country 12345"). Lines after a line break
 * are taken only when the block ends like an address (a postal code, a state, or a country); a blank line ends it.
 */
function extendAddress(text: string, end: number): number {
  let pos = end;
  let committed = end;
  for (let lines = 0; lines < 6; lines++) {
    const rest = text.slice(pos, pos + 80);
    const sep = /^(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]+)/.exec(rest);
    if (!sep) break;
    const crossesLine = sep[0].includes('\n');
    const after = rest.slice(sep[0].length);
    const sec = SECONDARY_RE.exec(after);
    if (sec) {
      pos += sep[0].length + sec[0].length;
      const military = /^(?:apo|fpo|dpo) /i.test(sec[0]);
      if ((military || !crossesLine) && committed === pos - sep[0].length - sec[0].length) committed = pos;
      continue;
    }
    if (!crossesLine && !sep[0].includes(',')) break;
    const line =
      /^(?:,\s*)?(?:[\p{Lu}\d][\p{L}\p{M}'’.-]*(?: [\p{L}\p{M}'’().-]+){0,4}|nan)(?:,? (?:[A-Z]{2}|nan))?(?: \d{3,5}(?:-\d{3,4})?)?(?=[ \t]*(?:\n|$|[?.!,]))/u.exec(
        after,
      );
    if (!line || line[0].length === 0 || /[:@]/.test(line[0])) break;
    // A UK postcode is its own span, not part of the address line.
    if (/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/.test(line[0])) break;
    pos += sep[0].length + line[0].length;
    const l = line[0].replace(/^,\s*/, '');
    if (/\d{3,5}(?:-\d{3,4})?$|(?:^|[, ])(?:[A-Z]{2}|nan)$/.test(l) || COUNTRY_LINE_RE.test(l)) committed = pos;
    if (text.startsWith('\n\n', pos) || /^[ \t]*\n[ \t]*\n/.test(text.slice(pos, pos + 8))) break;
  }
  return committed;
}

const DIGIT_RE = /\d/g;

const SECONDARY_ALONE_RE = /^(?:apt|apartment|suite|unit|flat|psc|po box|p\.o\. box)\b/i;

// Candidate starts: each number or word at a token boundary. A match never hides another (the character after a
// match is one the lookbehind refuses), so the matches are exactly the places where the regex matches.
const START_RE = /(?<![\p{L}\p{M}\d'’.:/-])(?:\d{1,5}\b|[\p{L}])/gu;
// Text with capitals skips lower-case words (they need an address cue and no capital in the text), so its starts are
// looked for only at digits, capitals and non-ASCII characters, and checked as START_RE would.
const CASED_CANDIDATE_RE = /[0-9A-Z\u0080-\uffff]/g;

/** Does START_RE match at `p`, an ASCII digit, an ASCII capital or a non-ASCII code unit? */
function startsAt(text: string, p: number): boolean {
  const c = text.charCodeAt(p);
  if (p > 0) {
    const b = text.charCodeAt(p - 1);
    // A u-mode scan never starts inside a surrogate pair.
    if (c >= 0xdc00 && c <= 0xdfff && b >= 0xd800 && b <= 0xdbff) return false;
    // (?<![\p{L}\p{M}\d'’.:/-])
    if (b < 128) {
      if (ASCII_WORD[b] === 1 || (b >= 48 && b <= 57) || b === 39 || b === 46 || b === 58 || b === 47 || b === 45)
        return false;
    } else if (b === 0x2019 || classBefore(text, p) !== C_OTHER) return false;
  }
  if (c >= 48 && c <= 57) {
    // \d{1,5}\b: a run of at most five digits not followed by an ASCII word character.
    let q = p + 1;
    while (q < text.length && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
    if (q - p > 5) return false;
    const a = q < text.length ? text.charCodeAt(q) : 32;
    return !(a < 128 && ASCII_WORD[a] !== 0);
  }
  if (c < 128) return c >= 65 && c <= 90;
  return charClass(text, p) === C_LETTER;
}

function candidateStarts(text: string, noCaseText: boolean): number[] {
  const starts: number[] = [];
  if (noCaseText) {
    for (const m of text.matchAll(START_RE)) starts.push(m.index);
    return starts;
  }
  const re = CASED_CANDIDATE_RE;
  re.lastIndex = 0;
  while (re.test(text)) {
    const p = re.lastIndex - 1;
    if (startsAt(text, p)) starts.push(p);
  }
  return starts;
}

export function findAddresses(text: string, out: PiiCandidate[]): void {
  const noCaseText = !/\p{Lu}/u.test(text);
  // Address cues ("lives at", "address:") are found once; a start is cued when one ends up to 20 characters before
  // it within the same sentence.
  const cueEnds: number[] = [];
  for (const c of text.matchAll(ADDRESS_CONTEXT)) cueEnds.push(c.index + c[0].length);
  const cued = (start: number): boolean => {
    for (const e of cueEnds) {
      if (e <= start && start - e <= 20 && !/[.!?]/.test(text.slice(e, start))) return true;
    }
    return false;
  };
  let lastEnd = 0;
  // The next digit and the next line break at or after the current start (starts only grow).
  let nextDigit = -1;
  let nextBreak = -1;
  for (const start of candidateStarts(text, noCaseText)) {
    if (start < lastEnd) continue;
    const ch = text[start]!;
    const isDigit = ch >= '0' && ch <= '9';
    const lowerWord = !isDigit && ch === ch.toLowerCase();
    if (lowerWord && !noCaseText) continue;
    const strongContext = cueEnds.length > 0 && cued(start);
    // Without a cue, a street needs a number on its line ("14 Mill Lane", "Koskikatu 25").
    if (!isDigit && !strongContext) {
      if (nextDigit < start) {
        DIGIT_RE.lastIndex = start;
        nextDigit = DIGIT_RE.test(text) ? DIGIT_RE.lastIndex - 1 : text.length;
      }
      if (nextBreak < start) {
        nextBreak = text.indexOf('\n', start);
        if (nextBreak < 0) nextBreak = text.length;
      }
      if (!(nextDigit < start + 60 && nextDigit < nextBreak)) continue;
    }
    const before = lowerWord ? textBefore(text, start, 60) : '';
    // Lower-case street names ("255 hersnapvej 18") need the cue right before them.
    if (lowerWord && !(strongContext && ADDRESS_CUE_END.test(before))) continue;
    const military = MILITARY_RE.exec(text.slice(start, start + 60));
    if (military) {
      out.push({ start, end: start + military[0].length, type: 'address', priority: 68 });
      lastEnd = start + military[0].length;
      continue;
    }
    const tokens = lineTokens(text, start, Math.min(text.length, start + 120));
    if (tokens.length < 2) continue;
    let endIdx = matchStreet(tokens, 0, strongContext, noCaseText);
    if (endIdx < 0 && isDigit && tokens[1]?.kind === 'num') endIdx = matchStreet(tokens, 1, strongContext, noCaseText);
    if (endIdx < 0) {
      // A secondary unit ("Apt. 297", "Flat 3,", "PSC 0413, Box 8144 APO AA 42323"), alone on its line, next to a
      // street, or after an address cue.
      const sec = SECONDARY_RE.exec(text.slice(start, start + 60));
      if (sec && SECONDARY_ALONE_RE.test(sec[0]) && /\d/.test(sec[0])) {
        const secEnd = start + sec[0].length;
        const gapAfter = /^,? ?/.exec(text.slice(secEnd, secEnd + 2))![0];
        const t2 = lineTokens(text, secEnd + gapAfter.length, Math.min(text.length, secEnd + 120));
        const e2 = t2.length > 1 ? matchStreet(t2, 0, true, noCaseText) : -1;
        // On its own line, right under a line with a number (the street line of a multi-line address).
        const lineStart = /\d[^\n]*\n[ \t>?*-]*$/.test(text.slice(Math.max(0, start - 60), start));
        let end = -1;
        if (e2 > 0 && gapAfter.includes(',')) end = extendAddress(text, t2[e2 - 1]!.end);
        else if (lineStart || strongContext || e2 > 0 || /^ \d/.test(text.slice(secEnd, secEnd + 2)))
          end = extendAddress(text, secEnd);
        if (end > 0) {
          out.push({ start, end, type: 'address', priority: 68 });
          lastEnd = end;
        }
      }
      continue;
    }
    const coreEnd = tokens[endIdx - 1]!.end;
    let end = extendAddress(text, coreEnd);
    // "the corner of X 12 and Y Courts": one span for both streets.
    let spanStart = start;
    const cornerAt = text.lastIndexOf('the corner of', start);
    if (cornerAt >= 0 && /^the corner of\s*$/i.test(text.slice(cornerAt, start))) {
      spanStart = cornerAt;
      const and = /^(?: st\.?)? and (?=\S)/i.exec(text.slice(end, end + 9));
      if (and) {
        const t2 = lineTokens(text, end + and[0].length, Math.min(text.length, end + 100));
        const e2 = matchStreet(t2, 0, true, noCaseText);
        if (e2 > 0) end = t2[e2 - 1]!.end;
        else if (t2.length > 0 && t2.length <= 4 && t2.every((t) => t.kind === 'word' && isCap(t.text))) {
          end = t2[t2.length - 1]!.end;
        }
      }
    }
    // A building number written before a street that has its own number ("20789 Allika 46", "17151 2450 Crown St")
    // is a separate component of the address.
    const core = tokens.slice(0, endIdx);
    const main: PiiCandidate = { start: spanStart, end, type: 'address', priority: 68 };
    if (spanStart === start && core[0]?.kind === 'num' && core.slice(1).some((t) => t.kind === 'num') && core[1]) {
      out.push({ start, end: core[0].end, type: 'address', priority: 68, requires: main });
      main.start = core[1].start;
    }
    out.push(main);
    lastEnd = end;
  }
}
