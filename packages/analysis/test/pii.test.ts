import { describe, expect, it } from 'vitest';
import { detectPii, ibanValid, luhnValid, nhsNumberValid, type PiiSpan, type PiiType, redactPii } from '../src/pii.ts';

function found(text: string): { type: PiiType; value: string }[] {
  return detectPii(text).map((s) => ({ type: s.type, value: text.slice(s.start, s.end) }));
}

function expectFound(text: string, type: PiiType, value: string): void {
  expect(found(text)).toContainEqual({ type, value });
}

describe('checksums', () => {
  it('accepts NHS numbers with a valid mod-11 check digit and rejects others', () => {
    expect(nhsNumberValid('9434765919')).toBe(true);
    expect(nhsNumberValid('4010232137')).toBe(true);
    expect(nhsNumberValid('9434765910')).toBe(false);
    expect(nhsNumberValid('4010232138')).toBe(false);
    expect(nhsNumberValid('123456789')).toBe(false);
  });

  it('applies the Luhn check to card numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('applies the ISO 7064 mod-97 check and country length to IBANs', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB29NWBK60161331926819')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false);
  });
});

describe('detectPii: one test per type', () => {
  it('finds email addresses', () => {
    expectFound('Email me at jane.smith@example.co.uk please', 'email', 'jane.smith@example.co.uk');
  });

  it('finds UK and international phone numbers', () => {
    expectFound('Call me on 07700 900123 today', 'phone', '07700 900123');
    expectFound('My number is +44 7700 900123.', 'phone', '+44 7700 900123');
    expectFound('The surgery is on (029) 2087 1234', 'phone', '(029) 2087 1234');
    expectFound('Ring 0161 496 0000 or 020 7946 0000', 'phone', '0161 496 0000');
    expectFound('Ring 0161 496 0000 or 020 7946 0000', 'phone', '020 7946 0000');
    expectFound('US office (555) 123-4567 ext. 89', 'phone', '(555) 123-4567 ext. 89');
    expectFound('mobile +1-984-182-0190', 'phone', '+1-984-182-0190');
  });

  it('finds street addresses, including multi-line ones', () => {
    expectFound('I live at 14 Mill Lane, Cardiff', 'address', '14 Mill Lane');
    // A building number before a numbered street is its own span; together they cover the whole block.
    const text = 'The address of Persint is 6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677';
    const spans = detectPii(text);
    expect(spans.every((s) => s.type === 'address')).toBe(true);
    expect(spans[0]!.start).toBe(text.indexOf('6750'));
    expect(spans[spans.length - 1]!.end).toBe(text.length);
    expect(text.slice(spans[0]!.end, spans[spans.length - 1]!.start).trim()).toBe('');
    expectFound('Please send it to Flat 2, 45 Albany Road, Cardiff', 'address', 'Flat 2, 45 Albany Road');
  });

  it('finds UK postcodes', () => {
    expectFound('My postcode is CF10 1AB.', 'postcode', 'CF10 1AB');
    expectFound('near SW1A 1AA', 'postcode', 'SW1A 1AA');
  });

  it('finds US ZIP codes in address context', () => {
    expectFound('Springfield, IL 62704', 'zip_code', '62704');
    expectFound('my zip code is 35350', 'zip_code', '35350');
  });

  it('finds NHS numbers that pass mod 11 and ignores ones that do not', () => {
    expectFound('My NHS number is 943 476 5919', 'nhs_number', '943 476 5919');
    expect(found('My NHS number is 943 476 5910').some((s) => s.type === 'nhs_number')).toBe(false);
  });

  it('finds National Insurance numbers', () => {
    expectFound('NI number AB 12 34 56 C', 'ni_number', 'AB 12 34 56 C');
    expectFound('national insurance jg103759a', 'ni_number', 'jg103759a');
  });

  it('finds card numbers that pass Luhn, with spaces or dashes', () => {
    expectFound('card 4111 1111 1111 1111 was charged', 'card', '4111 1111 1111 1111');
    expectFound('card 5555-5555-5555-4444', 'card', '5555-5555-5555-4444');
    expect(found('order 4111 1111 1111 1112').some((s) => s.type === 'card')).toBe(false);
  });

  it('finds IBANs that pass mod 97', () => {
    expectFound('Refund to GB82 WEST 1234 5698 7654 32 please', 'iban', 'GB82 WEST 1234 5698 7654 32');
    expectFound('from GB29NWBK60161331926819.', 'iban', 'GB29NWBK60161331926819');
  });

  it('finds sort codes and bank account numbers', () => {
    const text = 'Please refund to sort code 20-00-00 account 12345678.';
    expect(found(text)).toEqual(
      expect.arrayContaining([
        { type: 'sort_code', value: '20-00-00' },
        { type: 'bank_account', value: '12345678' },
      ]),
    );
  });

  it('finds IPv4 and IPv6 addresses', () => {
    expectFound('blocked from 41.173.96.26 again', 'ip_address', '41.173.96.26');
    expectFound('v6 6e40:4041:c617:e898:c11:40d2:c669:2eb4', 'ip_address', '6e40:4041:c617:e898:c11:40d2:c669:2eb4');
    expect(found('meet at 12:30:45').some((s) => s.type === 'ip_address')).toBe(false);
  });

  it('finds dates of birth only next to a birth cue', () => {
    expectFound('My date of birth is 14/02/1986.', 'date_of_birth', '14/02/1986');
    expectFound('I was born on 5 June 1978', 'date_of_birth', '5 June 1978');
    expect(found('My appointment is on 14/02/2024.').some((s) => s.type === 'date_of_birth')).toBe(false);
  });

  it('finds US social security numbers', () => {
    expectFound('His social security number is 853-37-1694', 'ssn', '853-37-1694');
  });

  it('finds person names after "my name is", in sign-offs, after titles and in greetings', () => {
    expectFound('My name is Sarah Jones and I am unhappy', 'name', 'Sarah Jones');
    expectFound('my name is rubija', 'name', 'rubija');
    expectFound('Regards,\nJane Smith', 'name', 'Jane Smith');
    expectFound('Diolch, Siân', 'name', 'Siân');
    expectFound('Dr. Kyle Kuefer saw me', 'name', 'Kyle Kuefer');
    expectFound('Mrs Hughes at the desk was rude', 'name', 'Hughes');
    expectFound('I spoke to Dave on reception', 'name', 'Dave');
    expectFound('Fy enw i yw Ieuan', 'name', 'Ieuan');
  });

  it('finds first and last name pairs from the given-name lexicon anywhere in a sentence', () => {
    expectFound('The nurse, Bethan Morgan, was amazing', 'name', 'Bethan Morgan');
    expectFound('Please thank Wisława Szczepańska for me', 'name', 'Wisława Szczepańska');
  });
});

describe('detectPii: what is not personal data', () => {
  it.each([
    'The parking on Mill Lane is terrible every Saturday.',
    'Cardiff Council did a great job clearing the snow.',
    'Parc y Dŵr leisure centre needs more lifeguards.',
    'Newport City Council never replied to my letter from January.',
    'The Royal Gwent Hospital A&E wait was eight hours.',
    'Canolfan Hamdden Llanelli is brilliant for swimming lessons.',
    'I visited on 12 March 2024 and paid £35.50 for the permit.',
    'Complaint reference CR-2024-00871 has been open for six months.',
    'Waited from 09:15 until 11:45 for a 10 minute appointment.',
    'Our team of 12 volunteers cleaned Roath Park lake.',
    'Ward 12 at the University Hospital of Wales was clean.',
  ])('leaves organisations, places, dates, prices and references in %j', (text) => {
    expect(detectPii(text)).toEqual([]);
  });
});

describe('detectPii: span invariants and bad input', () => {
  it('returns sorted, non-overlapping spans within the text', () => {
    const text =
      'My name is Emily Clarke, call 07700 900555 or email emily.clarke@example.com. I live at 8 Victoria Road, Bristol BS8 1TH. Card 4111 1111 1111 1111.';
    const spans = detectPii(text);
    expect(spans.length).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(text.length);
      expect(s.end).toBeGreaterThan(s.start);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
  });

  it('returns a result for empty input, 100 KB of text, binary garbage and mixed scripts', () => {
    expect(detectPii('')).toEqual([]);
    const big = 'Lovely staff, call me on 07700 900123. '.repeat(2600);
    expect(big.length).toBeGreaterThan(100_000);
    expect(detectPii(big).length).toBe(2600);
    const garbage = String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 65536));
    expect(Array.isArray(detectPii(garbage))).toBe(true);
    expect(found('عملہ بہت اچھا تھا Sarah Jones 工作人员 07700 900123')).toEqual(
      expect.arrayContaining([{ type: 'phone', value: '07700 900123' }]),
    );
  });
});

describe('redactPii', () => {
  it('replaces each span with its typed placeholder', () => {
    const text =
      'My name is Sarah Jones, NHS number 943 476 5919, NI AB 12 34 56 C, call 07700 900123, email s.jones@example.com, I live at 14 Mill Lane, Cardiff CF10 1AB. Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, sort code 20-00-00 account 12345678, IP 10.1.2.3, born 14/02/1986.';
    expect(redactPii(text)).toBe(
      'My name is [name], NHS number [nhs number], NI [ni number], call [phone], email [email], I live at [address], Cardiff [postcode]. Card [card], IBAN [iban], sort code [sort code] account [bank account], IP [ip address], born [date of birth].',
    );
  });

  it('uses the spans it is given', () => {
    const spans: PiiSpan[] = [{ start: 0, end: 4, type: 'name' }];
    expect(redactPii('Dave was kind', spans)).toBe('[name] was kind');
  });

  it('keeps place and organisation names while redacting the person', () => {
    expect(redactPii('Mr Gareth Evans from Cardiff Council never called back.')).toBe(
      'Mr [name] from Cardiff Council never called back.',
    );
  });
});
