import { feedbackInputSchema } from '@closeloop/domain';
import { describe, expect, it } from 'vitest';
import { splitImported } from '../../src/ingest/import/index.ts';
import { mapInbound } from '../../src/ingest/inbound/index.ts';
import { readFixture } from './fixtures.ts';
import { bad, good, importFixture } from './import-helpers.ts';

function expectValidImported(items: ReturnType<typeof good>) {
  for (const { line: _line, warnings: _warnings, ...item } of items) {
    const parsed = feedbackInputSchema.safeParse(splitImported(item).input);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  }
}

describe('Google Forms CSV', () => {
  it('imports the Forms download: zone-labelled timestamps, linear-scale rating, email, consent', async () => {
    const results = await importFixture('surveys/google-forms/responses.csv');
    expect(bad(results)).toEqual([]);
    const items = good(results);
    expectValidImported(items);
    expect(items.map((item) => item.line)).toEqual([2, 3, 4]);
    expect(items.map((item) => item.rating)).toEqual([1, 4, 2]);
    // "GMT+1" in October, "GMT" in November.
    expect(items.map((item) => item.receivedAt)).toEqual([
      '2024-10-02T07:31:17.000Z',
      '2024-10-14T09:12:44.000Z',
      '2024-11-02T15:05:10.000Z',
    ]);
    expect(items[0]?.text).toBe(
      `Pothole outside 14 Station Rd – reported online today, ref FIX-20417. "Under review" isn't good enough, it's >10cm deep.`,
    );
    expect(items[0]?.contact).toBeUndefined();
    expect(items[1]?.contact).toEqual({
      email: 'carys.morgan@example.org',
      consentContact: true,
      consentOutcome: false,
    });
    expect(items[1]?.details).toMatchObject({
      kind: 'survey',
      questionText: 'What went well, and what could we improve?',
      ratingScale: 5,
      answers: {
        'Which service is your feedback about?': 'Libraries',
        'Which of these have you used in the last 12 months?': 'Libraries;Parks and open spaces',
      },
    });
  });

  it('imports the en-GB linked-Sheet export (day-first, no zone) to the same instants', async () => {
    const sheet = good(await importFixture('surveys/google-forms/responses-linked-sheet-en-GB.csv'));
    const forms = good(await importFixture('surveys/google-forms/responses.csv'));
    expect(sheet.map((item) => item.receivedAt)).toEqual(forms.map((item) => item.receivedAt));
    expect(sheet.map((item) => item.text)).toEqual(forms.map((item) => item.text));
  });
});

describe('SurveyMonkey CSV (two header rows)', () => {
  it('imports the open-ended column, reports the response without text, reads Likert labels as ratings', async () => {
    const results = await importFixture('surveys/surveymonkey/all-responses-export.csv');
    expect(bad(results)).toEqual([{ line: 3, reason: "no text in 'Tell us what we could do better.'" }]);
    const items = good(results);
    expectValidImported(items);
    expect(items.map((item) => [item.line, item.rating])).toEqual([
      [4, 4],
      [6, 2],
    ]);
    // The embedded LF inside the quoted cell survives; the record still starts on line 4.
    expect(items[0]?.text).toBe(
      'The new LED lights on Castle Street are much better.\nBut the one outside no. 22 has flickered since August – reported twice online.',
    );
    expect(items[0]?.details).toMatchObject({
      respondentId: '114210551204',
      answers: {
        ward: 'Castle',
        'Which council service are you giving feedback about? - Other (please specify)': 'Street lighting',
      },
    });
  });

  it('gives the same times as the API output for the same responses', async () => {
    const csv = good(await importFixture('surveys/surveymonkey/all-responses-export.csv'));
    const api = await mapInbound('surveymonkey', readFixture('surveys/surveymonkey/responses-bulk.json'));
    const apiTimes = new Map(
      api.items.map((item) => [item.details?.kind === 'survey' ? item.details.respondentId : '', item.receivedAt]),
    );
    for (const item of csv) {
      const respondent = item.details?.kind === 'survey' ? item.details.respondentId : '';
      expect(item.receivedAt).toBe(apiTimes.get(respondent ?? ''));
    }
  });
});

describe('Qualtrics CSV (three header rows)', () => {
  it('keys columns on ImportId, drops the preview, reports the empty partial, keeps Welsh and contact', async () => {
    const results = await importFixture('surveys/qualtrics/responses-export.csv');
    expect(bad(results)).toEqual([
      { line: 4, reason: 'survey preview, test or spam response' },
      { line: 8, reason: "no text in 'Please tell us more about your experience. What should we change?'" },
    ]);
    const items = good(results);
    expectValidImported(items);
    expect(items.map((item) => item.line)).toEqual([5, 7]);
    const [english, welsh] = items;
    expect(english?.text).toBe(
      'Green bin missed three weeks running on Mill Lane.\nNobody called back after I reported it.',
    );
    expect(english?.rating).toBe(2);
    expect(english?.language).toBe('en');
    // EndDate 10:16:03 Europe/London (BST).
    expect(english?.receivedAt).toBe('2024-10-14T09:16:03.000Z');
    expect(english?.details).toMatchObject({
      questionId: 'QID3_TEXT',
      questionText: 'Please tell us more about your experience. What should we change?',
      respondentId: 'R_3kVb9YwQe2Nc7Ad',
    });
    expect(welsh?.language).toBe('cy');
    expect(welsh?.rating).toBe(4);
    expect(welsh?.contact).toMatchObject({ name: 'Nia Llywelyn', email: 'nia.llywelyn@example.org' });
    expect(welsh?.details).toMatchObject({
      answers: { 'Which service are you giving feedback about? - Other (please tell us) - Text': 'Goleuadau stryd' },
    });
  });
});

describe('Microsoft Forms CSV', () => {
  it('imports month-first two-digit-year times, rating, and the email-or-phone answer as contact', async () => {
    const results = await importFixture('surveys/microsoft-forms/responses-export.csv');
    expect(bad(results)).toEqual([]);
    const items = good(results);
    expectValidImported(items);
    expect(items.map((item) => [item.line, item.rating, item.receivedAt])).toEqual([
      [2, 4, '2024-10-14T09:12:44.000Z'],
      [3, 2, '2024-10-21T18:48:03.000Z'],
      [4, 1, '2024-11-02T15:05:10.000Z'],
    ]);
    expect(items[1]?.contact).toEqual({
      email: 'dafydd.jenkins@example.org',
      consentContact: true,
      consentOutcome: false,
    });
    expect(items[2]?.text).toBe(
      "Toiledau ar gau am 6pm eto.\nClosed at 6pm again while the kids' football was still on.",
    );
    expect(items[0]?.contact).toBeUndefined();
  });
});
