import { describe, expect, it } from 'vitest';
import { detectPii, type PiiSpan } from '../src/pii.ts';

// Outputs recorded from the implementation before the speed work (cue regexes scanned with matchAll, a regex
// tokeniser, the address start regex over every word): the fast paths must give exactly the same spans, including on
// overlapping cues, non-ASCII and astral letters, lone surrogates and text without capitals.
const RECORDED: [string, PiiSpan[]][] = [
  [
    'my name is name is Bob and I live at 14 Mill Lane',
    [
      { start: 19, end: 22, type: 'name' },
      { start: 37, end: 49, type: 'address' },
    ],
  ],
  [
    "Under the name Smith, thanks to Dr. Kyle O'Neill’s team",
    [
      { start: 15, end: 20, type: 'name' },
      { start: 36, end: 48, type: 'name' },
    ],
  ],
  [
    'spoke to 𝐀lice and Jane Kowalski; hi,Mark! Thanks,\nSiân Jones',
    [
      { start: 20, end: 33, type: 'name' },
      { start: 38, end: 42, type: 'name' },
      { start: 52, end: 62, type: 'name' },
    ],
  ],
  [
    'éthis is Mark — İt was Łukasz Wiśniewski, call me višeslav',
    [
      { start: 9, end: 13, type: 'name' },
      { start: 23, end: 40, type: 'name' },
      { start: 50, end: 58, type: 'name' },
    ],
  ],
  [
    'Nicole: Remember me?\nKadiev and Adams, Gaetane, Hannah and Anthony',
    [
      { start: 0, end: 6, type: 'name' },
      { start: 21, end: 27, type: 'name' },
      { start: 32, end: 37, type: 'name' },
      { start: 39, end: 46, type: 'name' },
      { start: 48, end: 54, type: 'name' },
      { start: 59, end: 66, type: 'name' },
    ],
  ],
  [
    'Flat 3, 12 Heol y Frenhines\nCaerdydd\nCF10 1AB',
    [
      { start: 0, end: 27, type: 'address' },
      { start: 37, end: 45, type: 'postcode' },
    ],
  ],
  [
    'Café 12 Rue de Pologne 7 and ÉCOLE 45 Koskikatu 25 Rott Crossroad',
    [
      { start: 5, end: 7, type: 'address' },
      { start: 8, end: 24, type: 'address' },
      { start: 35, end: 37, type: 'address' },
      { start: 38, end: 50, type: 'address' },
    ],
  ],
  [
    '\ud835 lone 12 High Street \udc00 and 😀 99 Queen Street',
    [
      { start: 7, end: 21, type: 'address' },
      { start: 31, end: 46, type: 'address' },
    ],
  ],
  [
    'DOB: 1st of March 1990, zip code 90210, Springfield, IL 62704, sort code 12-34-56 account 12345678',
    [
      { start: 5, end: 22, type: 'date_of_birth' },
      { start: 33, end: 38, type: 'zip_code' },
      { start: 56, end: 61, type: 'zip_code' },
      { start: 73, end: 81, type: 'sort_code' },
      { start: 90, end: 98, type: 'bank_account' },
    ],
  ],
  [
    'i am called siân jones and my postcode is cf10 1ab',
    [
      { start: 12, end: 16, type: 'name' },
      { start: 42, end: 50, type: 'postcode' },
    ],
  ],
];

describe('PII detection fast paths', () => {
  for (const [text, spans] of RECORDED) {
    it(`keeps the recorded spans for ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(detectPii(text)).toEqual(spans);
    });
  }
});
