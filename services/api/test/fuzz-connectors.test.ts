import { readFileSync } from 'node:fs';
import path from 'node:path';
import { queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';
import { bodies, fuzz, mutated } from './helpers/fuzz.ts';

/** 2,000 random and mutated bodies per connector, import, action and publication endpoint. */
const fixtures = path.resolve(import.meta.dirname, '../../../../shared/fixtures');
const json = (rel: string) => JSON.parse(readFileSync(path.join(fixtures, rel), 'utf8')) as Record<string, unknown>;

const JSON_SOURCES: [string, Record<string, unknown>][] = [
  ['mastodon', json('social/mastodon/status.json')],
  ['bluesky', json('social/bluesky/searchPosts-response.json')],
  ['typeform', json('surveys/typeform/webhook-form_response.json')],
  [
    'surveymonkey',
    {
      responses: json('surveys/surveymonkey/responses-bulk.json'),
      survey: json('surveys/surveymonkey/survey-details.json'),
    },
  ],
  ['zendesk', json('crm/zendesk/ticket.json')],
  ['salesforce', json('crm/salesforce/case.json')],
  ['dynamics365', json('crm/dynamics365/incident.json')],
  ['hubspot', json('crm/hubspot/ticket.json')],
  ['freshdesk', json('crm/freshdesk/ticket.json')],
];

let t: ApiTestApp;
let org: ApiTestOrg;
let actionId: string;
let themeKey: string;
const headers = (type = 'application/json') => ({ authorization: `Bearer ${org.apiKey}`, 'content-type': type });

beforeAll(async () => {
  t = await withApiApp({ importLimitBytes: 1024 * 1024 });
  org = await t.createOrg('fuzz-connectors', undefined, { rateLimitPerMinute: 1_000_000 });
  themeKey = (
    await queryRows<{ key: string }>(t.database.db, sql`select key from themes where org_id = ${org.id} limit 1`)
  )[0]!.key;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/actions',
    headers: headers(),
    payload: { title: 'Fuzz action', themeKeys: [themeKey] },
  });
  actionId = (res.json() as { id: string }).id;
});
afterAll(async () => {
  await t.close();
});

async function stillServing(): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/inbound/mastodon',
    headers: headers(),
    payload: JSON_SOURCES[0]![1],
  });
  expect(res.statusCode).toBe(202);
}

const under500 = (statuses: Record<number, number>) => Object.keys(statuses).every((s) => Number(s) < 500);

describe('fuzzing connectors, imports, actions and publications', { timeout: 120_000 }, () => {
  it('POST /v1/inbound/{json source}: mutated fixture payloads', async () => {
    const arbitrary = fc
      .constantFrom(...JSON_SOURCES)
      .chain(([source, valid]) => fc.tuple(fc.constant(source), bodies(valid)));
    let current = 'mastodon';
    const { statuses } = await fuzz(
      t.app,
      arbitrary.map(([source, body]) => {
        current = source;
        return body;
      }),
      (payload) => ({ method: 'POST', url: `/v1/inbound/${current}`, headers: headers(), payload }),
    );
    expect(under500(statuses)).toBe(true);
    await stillServing();
  });

  it('POST /v1/actions and PATCH /v1/actions/{id}', async () => {
    let i = 0;
    const valid = {
      title: 'Extra round',
      description: 'x',
      status: 'planned',
      dueOn: '2025-01-01',
      themeKeys: [] as string[],
    };
    const { statuses } = await fuzz(t.app, bodies(valid), (payload) =>
      i++ % 2 === 0
        ? { method: 'POST', url: '/v1/actions', headers: headers(), payload }
        : { method: 'PATCH', url: `/v1/actions/${actionId}`, headers: headers(), payload },
    );
    expect(under500(statuses)).toBe(true);
    await stillServing();
  });

  it('POST /v1/publications and its approve/publish/archive steps', async () => {
    let i = 0;
    const valid = {
      themeKey: 'waste',
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
      summary: 'You said',
      actionIds: ['0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77'],
    };
    const { statuses } = await fuzz(
      t.app,
      fc.oneof(
        bodies(valid),
        mutated(valid).map((v) => JSON.stringify(v)),
      ),
      (payload) => {
        const step = ['', '/approve', '/publish', '/archive'][i++ % 4];
        return step
          ? {
              method: 'POST',
              url: `/v1/publications/0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77${step}`,
              headers: headers(),
              payload,
            }
          : { method: 'POST', url: '/v1/publications', headers: headers(), payload };
      },
    );
    expect(under500(statuses)).toBe(true);
    await stillServing();
  });
});
