import { describe, expect, it } from 'vitest';
import { InboundPayloadError } from '../../src/ingest/errors.ts';
import { INBOUND_SOURCES, type InboundSource, mapInbound } from '../../src/ingest/inbound/index.ts';

const GARBAGE: unknown[] = [
  {},
  [],
  { hello: 'world' },
  42,
  null,
  'not json at all',
  Buffer.from([0xff, 0xfe, 0x00, 0x01]),
  { id: 1, pages: 'x', data: 7, posts: {}, ticket: [], properties: 3, incidentid: null },
];

describe('garbage input', () => {
  for (const source of INBOUND_SOURCES) {
    it(`${source}: every malformed body throws InboundPayloadError, never a TypeError`, async () => {
      for (const body of GARBAGE) {
        // An empty JSON array is a valid (empty) timeline for the list-shaped sources.
        if (Array.isArray(body) && ['mastodon', 'bluesky', 'freshdesk', 'surveymonkey'].includes(source)) continue;
        const outcome = await mapInbound(source as InboundSource, body).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(outcome, `${source} accepted ${JSON.stringify(body)}`).toBeInstanceOf(InboundPayloadError);
        const error = outcome as InboundPayloadError;
        expect(error.status).toBe(422);
        expect(['unrecognised_payload', 'invalid_json', 'invalid_xml']).toContain(error.code);
        expect(error.message).toMatch(new RegExp(`^${source}`));
      }
    });
  }

  it('rejects SurveyMonkey survey details that are not the details format', async () => {
    await expect(
      mapInbound('surveymonkey', { data: [{ id: '1', pages: [] }] }, { surveyDetails: { title: 'x' } }),
    ).rejects.toMatchObject({ code: 'unrecognised_survey_details' });
  });

  it('reports an item over the text limit as skipped, not as an invalid item', async () => {
    const longCase = {
      attributes: { type: 'Case' },
      Id: '500000000000001AAA',
      CaseNumber: '1',
      Subject: 'Long',
      Description: 'x'.repeat(25_000),
    };
    const result = await mapInbound('salesforce', longCase);
    expect(result.items).toEqual([]);
    expect(result.skipped[0]?.reason).toMatch(/^invalid feedback: text:/);
  });
});
