import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';
import { bodies, fuzz } from './helpers/fuzz.ts';

/** 2,000 random and mutated bodies per feedback write endpoint: only 4xx problem+json, never 5xx. */
let t: ApiTestApp;
let org: ApiTestOrg;
let feedbackId: string;
const headers = () => ({ authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' });

const validFeedback = {
  channel: 'complaint',
  text: 'The bins on Mill Lane were missed',
  rating: 2,
  language: 'en',
  receivedAt: '2024-10-14T09:15:51Z',
  source: 'zendesk',
  externalId: '42',
  details: { kind: 'complaint', category: 'waste', severity: 'low' },
  contact: { email: 'megan@example.org', consentContact: true },
};

beforeAll(async () => {
  t = await withApiApp();
  org = await t.createOrg('fuzz-feedback', undefined, { rateLimitPerMinute: 1_000_000 });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/feedback',
    headers: headers(),
    payload: { channel: 'complaint', text: 'fuzz target' },
  });
  feedbackId = (res.json() as { id: string }).id;
});
afterAll(async () => {
  await t.close();
});

async function stillServing(): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/feedback',
    headers: headers(),
    payload: { channel: 'widget', text: 'still here' },
  });
  expect(res.statusCode).toBe(202);
}

describe('fuzzing the feedback write endpoints', { timeout: 120_000 }, () => {
  it('POST /v1/feedback', async () => {
    const { statuses } = await fuzz(t.app, bodies(validFeedback), (payload) => ({
      method: 'POST',
      url: '/v1/feedback',
      headers: headers(),
      payload,
    }));
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
    await stillServing();
  });

  it('POST /v1/feedback:bulk', async () => {
    const { statuses } = await fuzz(
      t.app,
      bodies({ items: [validFeedback, { channel: 'widget', text: 'x' }] }),
      (payload) => ({ method: 'POST', url: '/v1/feedback:bulk', headers: headers(), payload }),
    );
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
    await stillServing();
  });

  it('PATCH /v1/feedback/{id}', async () => {
    const { statuses } = await fuzz(
      t.app,
      bodies({ rating: 3, language: 'cy', themes: ['waste'], details: { category: 'bins', severity: 'high' } }),
      (payload) => ({ method: 'PATCH', url: `/v1/feedback/${feedbackId}`, headers: headers(), payload }),
    );
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
    await stillServing();
  });

  it('POST /v1/feedback/{id}/acknowledge|resolve|escalate', async () => {
    let i = 0;
    const steps = ['acknowledge', 'investigate', 'resolve', 'close', 'escalate'];
    const { statuses } = await fuzz(
      t.app,
      bodies({ outcome: 'Fixed', upheld: 'upheld', note: 'called', reason: 'unhappy' }),
      (payload) => ({
        method: 'POST',
        url: `/v1/feedback/${feedbackId}/${steps[i++ % steps.length]}`,
        headers: headers(),
        payload,
      }),
    );
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
    await stillServing();
  });
});
