import { feedbackInputSchema } from '@closeloop/domain';
import { describe, expect, it } from 'vitest';
import { detectProfile, splitImported } from '../../src/ingest/import/index.ts';
import { bad, good, importFixture, importText } from './import-helpers.ts';

function expectAllValid(items: ReturnType<typeof good>) {
  for (const { line: _line, warnings: _warnings, ...item } of items) {
    expect(feedbackInputSchema.safeParse(splitImported(item).input).success).toBe(true);
  }
}

describe('comment-card spreadsheets', () => {
  it('imports the clean file: card refs, ISO dates, service point and location names, consent to publish', async () => {
    const results = await importFixture('comment-cards/comment-cards-clean.csv');
    expect(bad(results)).toEqual([]);
    const items = good(results);
    expectAllValid(items);
    expect(items).toHaveLength(8);
    expect(items[0]).toMatchObject({
      channel: 'comment_card',
      text: 'Staff were really helpful finding large-print books for my dad. Please keep the Saturday afternoon opening.',
      rating: 5,
      details: { kind: 'comment_card', writtenOn: '2024-10-14', cardId: 'CC-2024-0412' },
      servicePointName: 'Front desk',
      locationName: 'Millbrook Library',
      consentToPublish: true,
    });
    expect(items[1]?.contact).toMatchObject({ email: 'r.hughes@example.org' });
    expect(items[2]?.contact).toMatchObject({ phone: '07700 900321' });
    expect(items[5]?.locationName).toBe('Parc y Dŵr');
  });

  it('loses no good row of the messy file (BOM, CRLF, blank and all-comma rows, d/m/yy, 3/5, ✓)', async () => {
    const results = await importFixture('comment-cards/comment-cards-messy.csv');
    expect(bad(results)).toEqual([]);
    const items = good(results);
    expectAllValid(items);
    expect(items.map((item) => item.line)).toEqual([2, 3, 6, 7, 9, 10, 11]);
    expect(items.map((item) => item.rating)).toEqual([5, 2, 1, 5, 3, 4, undefined]);
    expect(items.map((item) => (item.details?.kind === 'comment_card' ? item.details.writtenOn : ''))).toEqual([
      '2024-10-14',
      '2024-10-14',
      '2024-10-15',
      '2024-10-15',
      '2024-10-16',
      '2024-11-03',
      '2024-11-04',
    ]);
    expect(items.map((item) => item.consentToPublish)).toEqual([true, false, true, true, false, true, false]);
    expect(items[0]?.text).toBe('Staff were really helpful finding large-print books for my dad.');
    expect(items[1]?.text).toBe('Two of the six computers were out of order AGAIN.\nHad to wait 40 mins.');
    // The letter written over three stapled cards is kept whole.
    expect(items[2]?.text).toHaveLength(2109);
    expect(items[2]?.text.endsWith('so I am not sure how many have gone missing.')).toBe(true);
    expect(items[5]?.text).toBe('Lovely new café 😊 could you add a baby-changing table to the toilets?');
    expect(items[1]?.contact?.email).toBe('r.hughes@example.org');
    expect(items[3]?.locationName).toBe('Riverside Leisure Ctr');
    // A date without a time is stamped at local noon so the calendar day holds in UTC.
    expect(items[0]?.receivedAt).toBe('2024-10-14T11:00:00.000Z');
  });

  it('reads the Windows-1252 semicolon file: delimiter sniffed, £ ’ – decoded, lost ŵ flagged', async () => {
    const results = await importFixture('comment-cards/comment-cards-messy-semicolon.csv');
    expect(bad(results)).toEqual([]);
    const items = good(results);
    expectAllValid(items);
    expect(items).toHaveLength(5);
    expect(items[0]?.text).toBe('Excellent help with Universal Credit forms; thank you to Gareth');
    expect(items[1]?.text).toBe('Treadmill 3 broken – again. £6.50 a visit, so it should work');
    expect(items[2]?.text).toBe('Couldn’t find the hearing loop sign; staff fetched it quickly, cheers');
    expect(items[3]?.locationName).toBe('Parc y D?r');
    expect(items[3]?.warnings?.[0]).toMatch(/legacy code page/);
    // A contact cell holding two spaces is no contact.
    expect(items[4]?.contact).toBeUndefined();
    expect(items.map((item) => item.consentToPublish)).toEqual([true, false, true, true, false]);
  });

  it('reports each bad row with its line and reason and keeps every good row', async () => {
    const csv = [
      'Date,Location,Comments,Rating',
      '01/10/2024,Town Hall,Good service,5',
      '31/02/2024,Town Hall,Impossible date,4',
      '02/10/2024,Library,Rating too high,7',
      '03/10/2024,Library,,3',
      '',
      '04/10/2024,Library,"Multi',
      'line comment",2',
      '05/10/2024,Library,Rating is a word,great',
      '06/10/2024,Library,Fine again,',
    ].join('\r\n');
    const results = await importText(csv, { fileName: 'cards.csv' });
    expect(bad(results)).toEqual([
      { line: 3, reason: "date '31/02/2024' is not a valid dd/mm/yyyy date" },
      { line: 4, reason: "rating '7' is outside the 1–5 scale" },
      { line: 5, reason: "no text in 'Comments'" },
      { line: 10, reason: "rating 'great' is not a number" },
    ]);
    expect(good(results).map((item) => [item.line, item.text])).toEqual([
      [2, 'Good service'],
      [7, 'Multi\nline comment'],
      [11, 'Fine again'],
    ]);
  });

  it('detects a comment-card sheet from its headers and file name', () => {
    const profile = detectProfile([['Date', 'Location', 'Comment', 'Rating']], 'cards-october.csv');
    expect(profile).toMatchObject({
      kind: 'comment_cards',
      channel: 'comment_card',
      columns: { text: ['Comment'], receivedAt: 'Date', location: 'Location', rating: 'Rating' },
    });
  });
});
