import { describe, expect, it } from 'vitest';
import { toIsoInstant } from '../../src/ingest/dates.ts';
import { parseDateCell } from '../../src/ingest/import/cells.ts';
import { decodeCp1252, sniffDelimiter } from '../../src/ingest/import/decode.ts';
import { normaliseRating, parseRatingText } from '../../src/ingest/rating.ts';

describe('instants', () => {
  it('reads Salesforce +0000, Zendesk nanoseconds and RFC 822 dates', () => {
    expect(toIsoInstant('2024-11-05T18:24:51.000+0000')).toBe('2024-11-05T18:24:51.000Z');
    expect(toIsoInstant('2024-10-21T07:58:44.381925117Z')).toBe('2024-10-21T07:58:44.381Z');
    expect(toIsoInstant('Mon, 4 Nov 2024 09:03:41 GMT')).toBe('2024-11-04T09:03:41.000Z');
    expect(toIsoInstant('2024-11-03T16:40:00+01:00')).toBe('2024-11-03T15:40:00.000Z');
    expect(toIsoInstant('2024-11-03 16:40:00')).toBeUndefined();
    expect(toIsoInstant('yesterday')).toBeUndefined();
  });
});

describe('date cells', () => {
  it('reads day-first and month-first dates, two-digit years, AM/PM and zone labels', () => {
    const london = 'Europe/London';
    expect(parseDateCell('03/11/2024', 'dmy', london)).toEqual({
      ok: true,
      iso: '2024-11-03T12:00:00.000Z',
      date: '2024-11-03',
    });
    expect(parseDateCell('11/2/24 15:05:10', 'mdy', london)).toMatchObject({ iso: '2024-11-02T15:05:10.000Z' });
    expect(parseDateCell('2024/10/02 8:31:17 AM GMT+1', 'iso', london)).toMatchObject({
      iso: '2024-10-02T07:31:17.000Z',
    });
    expect(parseDateCell('10/16/2024 07:01:52 PM', 'mdy', 'UTC')).toMatchObject({ iso: '2024-10-16T19:01:52.000Z' });
    // Wall time across the autumn clock change.
    expect(parseDateCell('2024-10-27 00:30:00', 'iso', london)).toMatchObject({ iso: '2024-10-26T23:30:00.000Z' });
    expect(parseDateCell('2024-10-27 12:00:00', 'iso', london)).toMatchObject({ iso: '2024-10-27T12:00:00.000Z' });
    expect(parseDateCell('  ', 'dmy', london)).toBeUndefined();
    expect(parseDateCell('13/13/2024', 'dmy', london)).toEqual({
      ok: false,
      reason: "date '13/13/2024' is not a valid dd/mm/yyyy date",
    });
  });
});

describe('ratings', () => {
  it('normalises other scales to 1–5 and reads what people type', () => {
    expect(normaliseRating(8, 0, 10)).toBe(4);
    expect(normaliseRating(10, 1, 10)).toBe(5);
    expect(normaliseRating(11, 0, 10)).toBeUndefined();
    expect(parseRatingText(' 2 ')).toEqual({ ok: true, value: 2, raw: 2, scale: 5 });
    expect(parseRatingText('3/5')).toEqual({ ok: true, value: 3, raw: 3, scale: 5 });
    expect(parseRatingText('7 out of 10')).toEqual({ ok: true, value: 4, raw: 7, scale: 10 });
    expect(parseRatingText('Very dissatisfied')).toMatchObject({ ok: true, value: 1 });
    expect(parseRatingText('')).toEqual({ ok: true });
    expect(parseRatingText('6')).toEqual({ ok: false, reason: "rating '6' is outside the 1–5 scale" });
  });
});

describe('CSV decoding', () => {
  it('decodes Windows-1252 punctuation that Node maps to C1 controls', () => {
    expect(decodeCp1252(Uint8Array.from([0x92, 0x96, 0xa3, 0x41]))).toBe('’–£A');
  });

  it('sniffs ; when commas appear only inside the text', () => {
    expect(sniffDelimiter('Date;Comment;Rating\r\n21/10/2024;"One; two";5\r\n22/10/2024;Fine, thanks;4\r\n')).toBe(';');
    expect(sniffDelimiter('a,b,c\n"x;y",2,3\n')).toBe(',');
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
  });
});
