import { ibanValid, luhnValid, nhsNumberValid } from './checksums.ts';
import { textAfter, textBefore } from './context.ts';
import type { PiiCandidate } from './types.ts';

// Priorities: checksummed identifiers beat loose shapes (phones, zip codes) when spans collide.
const P_CHECKSUM = 90;
const P_STRONG = 80;
const P_CONTEXT = 70;
// Above addresses (68): a phone number is never part of a street line.
const P_PHONE = 69;

const EMAIL_RE =
  /[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b/g;

export function findEmails(text: string, out: PiiCandidate[]): void {
  if (!text.includes('@')) return;
  for (const m of text.matchAll(EMAIL_RE)) {
    out.push({ start: m.index, end: m.index + m[0].length, type: 'email', priority: P_STRONG + 5 });
  }
}

const CARD_RE = /(?<![\d+\-.])\d(?:[ -]?\d){11,18}(?![\d])/g;
const CARD_CONTEXT = /\b(?:card|visa|mastercard|amex|debit|credit|maestro|cerdyn)\b/;

export function findCards(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(CARD_RE)) {
    const digits = m[0].replace(/[ -]/g, '');
    // Separators, when present, must split the number into groups of 4-6 like printed cards do.
    const groups = m[0].split(/[ -]/);
    if (groups.length > 1 && groups.some((g) => g.length < 3 || g.length > 6)) continue;
    if (!luhnValid(digits)) continue;
    if (digits.length === 12 || /^(\d)\1+$/.test(digits)) {
      if (!CARD_CONTEXT.test(textBefore(text, m.index, 60))) continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length, type: 'card', priority: P_CHECKSUM });
  }
}

const IBAN_RE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

export function findIbans(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(IBAN_RE)) {
    // Grow from the shortest plausible length so a trailing capitalised word is not swallowed.
    const raw = m[0];
    let best = -1;
    let compact = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === ' ') continue;
      compact += c;
      if (compact.length >= 15 && (i + 1 === raw.length || raw[i + 1] === ' ' || compact.length >= 15)) {
        const next = raw[i + 1];
        const boundary = next === undefined || next === ' ' || !/[A-Z0-9]/.test(next);
        if (ibanValid(compact) && (boundary || compact.length >= 22)) best = i + 1;
      }
    }
    if (best > 0) out.push({ start: m.index, end: m.index + best, type: 'iban', priority: P_CHECKSUM + 2 });
  }
}

const NHS_RE = /(?<![\d+])\d{3}([ -]?)\d{3}\1\d{4}(?!\d)/g;
const NHS_CONTEXT = /\b(?:nhs|chi|health and care|patient (?:number|no)|rhif gig)\b/;
const PHONE_CONTEXT =
  /\b(?:call(?:ed|ing)?|phone|tel|telephone|mobile|mob|fax|ring|text|contact|landline|cell|whatsapp|sms|reach me|dial|answering|number is|ffoniwch|ffôn|rhif ffôn)\b|☎|\btel\./;
const PHONE_CONTEXT_AFTER = /^[\s\-(]*(?:\(?(?:office|fax|mobile|home|work|cell|landline|tel|phone)\b)/;

export function findNhsNumbers(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(NHS_RE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (!nhsNumberValid(digits)) continue;
    const before = textBefore(text, m.index, 60);
    const nhsContext = NHS_CONTEXT.test(before);
    if (!nhsContext) {
      if (digits[0] === '0') continue;
      if (PHONE_CONTEXT.test(before) || PHONE_CONTEXT_AFTER.test(textAfter(text, m.index + m[0].length, 20))) continue;
      if (m[1] === '-') continue;
    }
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      type: 'nhs_number',
      priority: P_CHECKSUM + (nhsContext ? 5 : 0),
    });
  }
}

const NI_RE = /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi;
const NI_CONTEXT = /\b(?:national insurance|ni number|ni no|nino|n\.i\.|yswiriant gwladol)/;

export function findNiNumbers(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(NI_RE)) {
    const upper = m[0] === m[0].toUpperCase();
    if (!upper && !NI_CONTEXT.test(textBefore(text, m.index, 60))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'ni_number', priority: P_CHECKSUM });
  }
}

// UK postcode (outward + inward code); the optional space keeps "CF101AB" too.
const POSTCODE_RE =
  /\b(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?|[A-HK-Y]\d|\d[A-HJKPSTUW]))( ?)\d[ABD-HJLNP-UW-Z]{2})\b/gi;

// Every postcode ends with its inward code (a digit and two letters); without one the scan is skipped.
const INWARD_CODE_RE = /\d[ABD-HJLNP-UW-Z]{2}/i;

export function findPostcodes(text: string, out: PiiCandidate[]): void {
  if (!INWARD_CODE_RE.test(text)) return;
  for (const m of text.matchAll(POSTCODE_RE)) {
    const upper = m[0] === m[0].toUpperCase();
    // Lower-case forms need the separating space ("cf10 1ab"), otherwise words like "b12abs" would match.
    if (!upper && m[1] !== ' ') continue;
    if (!upper && /[a-z]/.test(m[0]) && /[A-Z]/.test(m[0])) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'postcode', priority: P_STRONG });
  }
}

const IPV4_RE =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g;
const IPV6_RE = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;

function ipv6Valid(s: string): boolean {
  const doubles = s.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = s.split(':');
  if (doubles === 0 && groups.length !== 8) return false;
  if (doubles === 1 && groups.length > 8) return false;
  if (s === '::') return false;
  // A clock time like 12:30:45 has no hex letters and no "::"; require one or the full 8 groups.
  return doubles === 1 || /[a-f]/i.test(s) || groups.length === 8;
}

export function findIpAddresses(text: string, out: PiiCandidate[]): void {
  if (text.includes('.')) {
    for (const m of text.matchAll(IPV4_RE)) {
      out.push({ start: m.index, end: m.index + m[0].length, type: 'ip_address', priority: P_STRONG });
    }
  }
  if (text.includes(':')) {
    for (const m of text.matchAll(IPV6_RE)) {
      if (!ipv6Valid(m[0])) continue;
      out.push({ start: m.index, end: m.index + m[0].length, type: 'ip_address', priority: P_STRONG });
    }
  }
}

const SSN_RE = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;
const SSN_CONTEXT = /\b(?:ssn|social security|social sec)\b/;

export function findSsns(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(SSN_RE)) {
    if (m[1] === ' ' && !SSN_CONTEXT.test(textBefore(text, m.index, 60))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'ssn', priority: P_STRONG });
  }
  const plain = /(?<!\d)\d{9}(?!\d)/g;
  for (const m of text.matchAll(plain)) {
    if (SSN_CONTEXT.test(textBefore(text, m.index, 40))) {
      out.push({ start: m.index, end: m.index + 9, type: 'ssn', priority: P_STRONG });
    }
  }
}

const SORT_CODE_RE = /(?<![\d-])\d{2}([- ])\d{2}\1\d{2}(?![\d-])/g;
const SORT_CONTEXT = /\bsort[\s-]?code|\bcod didoli/;
const ACCOUNT_RE = /(?<![\d-])\d{6,10}(?![\d-])/g;
const ACCOUNT_CONTEXT = /\b(?:account|acct|acc|a\/c|rhif cyfrif|cyfrif)\b[^.\n]{0,25}$/;

// Sort codes and account numbers need a run of six digits or three separated pairs; without one the scans are skipped.
const BANK_SHAPE_RE = /\d{6}|\d{2}[- ]\d{2}[- ]\d{2}/;

export function findBankDetails(text: string, out: PiiCandidate[]): void {
  if (!BANK_SHAPE_RE.test(text)) return;
  const sortCodes: number[] = [];
  for (const m of text.matchAll(SORT_CODE_RE)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const accountFollows = /^\D{0,25}\d{8}(?!\d)/.test(after);
    if (!SORT_CONTEXT.test(textBefore(text, m.index, 40)) && !accountFollows) continue;
    sortCodes.push(m.index + m[0].length);
    out.push({ start: m.index, end: m.index + m[0].length, type: 'sort_code', priority: P_CONTEXT + 5 });
  }
  for (const m of text.matchAll(ACCOUNT_RE)) {
    const before = textBefore(text, m.index, 40);
    const nearSort = sortCodes.some((end) => m.index >= end && m.index - end <= 25) && m[0].length === 8;
    if (!nearSort && !ACCOUNT_CONTEXT.test(before)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'bank_account', priority: P_CONTEXT });
  }
}

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr';
const DATE_RE = new RegExp(
  `\\b(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:${MONTHS})\\.?,? \\d{4}|(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4})\\b`,
  'gi',
);
const DOB_CONTEXT =
  /\b(?:born|dob|d\.o\.b\.?|date of birth|birth ?date|birthday|b\.|dyddiad geni|ganwyd|geni)\b[^.\n]{0,30}$/;

// A word of DOB_CONTEXT must appear in the lower-cased text; without one the date scan is skipped.
const DOB_WORD_RE = /born|dob|d\.o\.b|birth|b\.|geni|ganwyd/;

export function findDatesOfBirth(text: string, out: PiiCandidate[]): void {
  if (!DOB_WORD_RE.test(text.toLowerCase())) return;
  for (const m of text.matchAll(DATE_RE)) {
    if (!DOB_CONTEXT.test(textBefore(text, m.index, 50))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'date_of_birth', priority: P_STRONG });
  }
}

const ZIP_KEYWORD_RE =
  /\b(?:zip(?:\s?code)?|postal\s?code|post\s?code|postcode|cod post)\b\s*(?:is|:|-|=|#)?\s*(\d{3,5}(?:[- ]\d{2,4})?|\d{4} ?[A-Z]{2})(?![\w-])/gi;
const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|AA|AE|AP';
const STATE_ZIP_RE = new RegExp(`(?<=[,\\s](?:${US_STATES})\\.?,?\\s)\\d{5}(?:-\\d{4})?(?![\\w-])`, 'g');

// Each zip keyword contains "zip" or "post"; a zip after a state has five digits in a row.
const ZIP_WORD_RE = /zip|post/i;
const FIVE_DIGITS_RE = /\d{5}/;

export function findZipCodes(text: string, out: PiiCandidate[]): void {
  if (ZIP_WORD_RE.test(text)) {
    for (const m of text.matchAll(ZIP_KEYWORD_RE)) {
      const value = m[1]!;
      const start = m.index + m[0].length - value.length;
      out.push({ start, end: start + value.length, type: 'zip_code', priority: P_CONTEXT });
    }
  }
  if (!FIVE_DIGITS_RE.test(text)) return;
  for (const m of text.matchAll(STATE_ZIP_RE)) {
    out.push({ start: m.index, end: m.index + m[0].length, type: 'zip_code', priority: P_CONTEXT - 5 });
  }
}

const PHONE_RE =
  /(?<![\w+.\-/])(?:(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?|001[ .-])?(?:\(\d{1,5}\)[ .-]?)?\d{1,11}(?:[ .-]\d{1,8}){0,5}(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w]|[.,-]\d)/g;
const DATE_SHAPE = /^(?:\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?)$/;

/** Is the matched digit string shaped like a phone number even without a context word? */
function strongPhoneShape(raw: string, digits: number): boolean {
  if (raw.startsWith('+') || raw.startsWith('00') || raw.startsWith('(')) return digits >= 7;
  if (/(?:x|ext\.?|extension)\s?\d+$/.test(raw)) return true;
  if (/^\d{3}([.-])\d{3}\1\d{4}$/.test(raw)) return true;
  if (raw.startsWith('0') && digits >= 10 && digits <= 11) return true;
  return false;
}

export function findPhones(text: string, out: PiiCandidate[]): void {
  for (const m of text.matchAll(PHONE_RE)) {
    let raw = m[0];
    let start = m.index;
    // The regex may start on a bare parenthesis group; keep it, but never a leading separator.
    while (raw.length > 0 && /[ .-]/.test(raw[0]!)) {
      raw = raw.slice(1);
      start++;
    }
    const digits = raw.replace(/\D/g, '').length - (raw.match(/(?:x|ext\.?|extension)\s?(\d+)$/)?.[1]?.length ?? 0);
    if (digits < 7 || digits > 15) continue;
    if (DATE_SHAPE.test(raw)) continue;
    if (/^\d+$/.test(raw) && /^(?:19|20)\d\d$/.test(raw)) continue;
    const prev = text[start - 1];
    if (prev !== undefined && /[£$€¥#]/.test(prev)) continue;
    const before = textBefore(text, start, 50);
    const after = textAfter(text, start + raw.length, 24);
    const context = PHONE_CONTEXT.test(before) || PHONE_CONTEXT_AFTER.test(after);
    if (!context && !strongPhoneShape(raw, digits)) continue;
    if (/^[\s]*%/.test(after)) continue;
    out.push({ start, end: start + raw.length, type: 'phone', priority: context ? P_PHONE + 5 : P_PHONE });
  }
}
