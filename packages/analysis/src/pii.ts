import { findAddresses } from './pii/address.ts';
import { findNames } from './pii/names.ts';
import {
  findBankDetails,
  findCards,
  findDatesOfBirth,
  findEmails,
  findIbans,
  findIpAddresses,
  findNhsNumbers,
  findNiNumbers,
  findPhones,
  findPostcodes,
  findSsns,
  findZipCodes,
} from './pii/structured.ts';
import type { PiiCandidate, PiiSpan, PiiType } from './pii/types.ts';

export { ibanValid, luhnValid, nhsNumberValid } from './pii/checksums.ts';
export type { PiiSpan, PiiType } from './pii/types.ts';

const PLACEHOLDERS: Record<PiiType, string> = {
  name: '[name]',
  email: '[email]',
  phone: '[phone]',
  address: '[address]',
  postcode: '[postcode]',
  nhs_number: '[nhs number]',
  ni_number: '[ni number]',
  card: '[card]',
  iban: '[iban]',
  bank_account: '[bank account]',
  sort_code: '[sort code]',
  ip_address: '[ip address]',
  date_of_birth: '[date of birth]',
  ssn: '[ssn]',
  zip_code: '[zip code]',
};

export function piiPlaceholder(type: PiiType): string {
  return PLACEHOLDERS[type];
}

/** Keeps the best candidate of each overlapping group: higher priority first, then the longer span. */
function resolve(candidates: PiiCandidate[]): PiiSpan[] {
  candidates.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiCandidate[] = [];
  for (const c of candidates) {
    if (c.end <= c.start) continue;
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  const keptSet = new Set(kept);
  return kept
    .filter((c) => c.requires === undefined || keptSet.has(c.requires))
    .map((c) => ({ start: c.start, end: c.end, type: c.type }))
    .sort((a, b) => a.start - b.start);
}

/** Personal data in `text`: sorted, non-overlapping spans (JS string offsets, end exclusive). */
export function detectPii(text: string): PiiSpan[] {
  if (text.length === 0) return [];
  const candidates: PiiCandidate[] = [];
  const hasDigit = /\d/.test(text);
  findEmails(text, candidates);
  if (hasDigit) {
    findCards(text, candidates);
    findIbans(text, candidates);
    findNhsNumbers(text, candidates);
    findNiNumbers(text, candidates);
    findPostcodes(text, candidates);
    findIpAddresses(text, candidates);
    findSsns(text, candidates);
    findBankDetails(text, candidates);
    findDatesOfBirth(text, candidates);
    findZipCodes(text, candidates);
    findPhones(text, candidates);
    findAddresses(text, candidates);
  }
  findNames(text, candidates);
  return resolve(candidates);
}

/** Replaces each span by its typed placeholder (`[name]`, `[email]` …); detects spans when none are given. */
export function redactPii(text: string, spans?: PiiSpan[]): string {
  const list = (spans ?? detectPii(text)).slice().sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const s of list) {
    if (s.start < pos || s.end > text.length) continue;
    out += text.slice(pos, s.start) + PLACEHOLDERS[s.type];
    pos = s.end;
  }
  return out + text.slice(pos);
}
