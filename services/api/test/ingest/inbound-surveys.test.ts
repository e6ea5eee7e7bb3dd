import { describe, expect, it } from 'vitest';
import { mapInbound } from '../../src/ingest/inbound/index.ts';
import { expectValidFeedback, only, readFixture, readJsonFixture } from './fixtures.ts';

describe('typeform', () => {
  it('maps the form_response webhook: long-text answer, rating, hidden fields, email contact with consent', async () => {
    const item = only((await mapInbound('typeform', readFixture('surveys/typeform/webhook-form_response.json'))).items);
    expectValidFeedback([item]);
    expect(item.channel).toBe('survey');
    expect(item.text).toMatch(/^Paid £35 for the garden waste permit in March/);
    expect(item.rating).toBe(2);
    expect(item.receivedAt).toBe('2024-11-04T13:27:01.000Z');
    expect(item.source).toBe('typeform');
    expect(item.externalId).toBe('01JBZQ3M7V8K2D5R9T4W6Y1HXC:Tw8bN2cFq5Rm');
    expect(item.details).toEqual({
      kind: 'survey',
      source: 'typeform',
      surveyId: 'Kq7TzR2w',
      questionId: 'Tw8bN2cFq5Rm',
      questionText: 'What happened, and what should we change?',
      rating: 2,
      ratingScale: 5,
      respondentId: '01JBZQ3M7V8K2D5R9T4W6Y1HXC',
      answers: {
        'How would you rate your experience today?': 2,
        'Which service was this about?': 'Bins and recycling',
        'Which ward do you live in?': 'Millbrook',
        'Can we contact you about this?': true,
        'hidden:page': '/bins/garden-waste',
        'hidden:source': 'website_widget',
      },
    });
    expect(item.contact).toEqual({ email: 'megan.owen@example.org', consentContact: true, consentOutcome: false });
  });

  it('normalises a 0–10 opinion scale to 1–5 and keeps the raw value and scale', async () => {
    const body = readJsonFixture('surveys/typeform/webhook-form_response.json') as {
      form_response: {
        definition: { fields: { type: string }[] };
        answers: { number?: number; field: { type: string } }[];
      };
    };
    const ratingField = body.form_response.definition.fields[0];
    const ratingAnswer = body.form_response.answers[0];
    if (!ratingField || !ratingAnswer) throw new Error('fixture changed');
    ratingField.type = 'opinion_scale';
    ratingAnswer.field.type = 'opinion_scale';
    ratingAnswer.number = 8;
    const item = only((await mapInbound('typeform', body)).items);
    expect(item.rating).toBe(4);
    expect(item.details).toMatchObject({ rating: 8, ratingScale: 10 });
  });
});

describe('surveymonkey', () => {
  const details = readJsonFixture('surveys/surveymonkey/survey-details.json');

  it('maps responses/bulk with survey details: question text, weighted rating, choices as answers', async () => {
    const result = await mapInbound('surveymonkey', readFixture('surveys/surveymonkey/responses-bulk.json'), {
      surveyDetails: details,
    });
    expectValidFeedback(result.items);
    expect(result.items).toHaveLength(2);
    const [bins, lights] = result.items;
    expect(bins?.text).toMatch(/^Green bin on Mill Lane missed three weeks in a row/);
    expect(bins?.rating).toBe(2);
    expect(bins?.receivedAt).toBe('2024-10-14T09:15:51.000Z');
    expect(bins?.externalId).toBe('114210339872:521004873');
    expect(bins?.details).toMatchObject({
      kind: 'survey',
      surveyId: '412883650',
      questionId: '521004873',
      questionText: 'Tell us what we could do better.',
      respondentId: '114210339872',
      rating: 2,
      ratingScale: 5,
      answers: {
        'Which council service are you giving feedback about?': 'Bins and recycling',
        'May we contact you about your feedback?': 'Yes',
        'What is your postcode?': 'RV4 7QP',
        ward: 'Millbrook',
      },
    });
    expect(lights?.rating).toBe(4);
    expect(lights?.text).toBe(
      'The new LED lights on Castle Street are much better.\nBut the one outside no. 22 has flickered since August – reported twice online.',
    );
    expect(lights?.details).toMatchObject({
      answers: { 'Which council service are you giving feedback about? - Other (please specify)': 'Street lighting' },
    });
    expect(result.skipped).toEqual([{ reason: 'the response has no open-ended answer', ref: '114210602318' }]);
  });

  it('accepts { responses, survey } in one body and gives the same items', async () => {
    const wrapped = { responses: readJsonFixture('surveys/surveymonkey/responses-bulk.json'), survey: details };
    const viaOption = await mapInbound('surveymonkey', readFixture('surveys/surveymonkey/responses-bulk.json'), {
      surveyDetails: details,
    });
    expect(await mapInbound('surveymonkey', wrapped)).toEqual(viaOption);
  });

  it('maps without details: ids only, no rating, a bare postcode is not feedback', async () => {
    const result = await mapInbound('surveymonkey', readFixture('surveys/surveymonkey/responses-bulk.json'));
    expectValidFeedback(result.items);
    expect(result.items.map((item) => item.externalId)).toEqual(['114210339872:521004873', '114210551204:521004873']);
    expect(result.items[0]?.rating).toBeUndefined();
    expect(result.items[0]?.details).toMatchObject({ questionId: '521004873', answers: { '521004890': 'RV4 7QP' } });
  });
});
