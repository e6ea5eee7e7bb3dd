import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';
import { fuzz } from './helpers/fuzz.ts';

/** 2,000 random bodies per raw-text connector (e-mail, RSS) and per import format. */
const fixtures = path.resolve(import.meta.dirname, '../../../../shared/fixtures');
const json = (rel: string) => JSON.parse(readFileSync(path.join(fixtures, rel), 'utf8')) as Record<string, unknown>;

const JSON_SOURCES: [string, Record<string, unknown>][] = [['mastodon', json('social/mastodon/status.json')]];

let t: ApiTestApp;
let org: ApiTestOrg;
const headers = (type = 'application/json') => ({ authorization: `Bearer ${org.apiKey}`, 'content-type': type });

beforeAll(async () => {
  t = await withApiApp({ importLimitBytes: 1024 * 1024 });
  org = await t.createOrg('fuzz-imports', undefined, { rateLimitPerMinute: 1_000_000 });
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

describe('fuzzing raw-text connectors and imports', { timeout: 120_000 }, () => {
  it('POST /v1/inbound/email and /rss: random text', async () => {
    let i = 0;
    const { statuses } = await fuzz(
      t.app,
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.string().map((s) => `From: a@example.org\r\nSubject: ${s}\r\n\r\n${s}`),
        fc
          .string()
          .map((s) => `<rss><channel><item><title>${s}</title><description>${s}</description></item></channel></rss>`),
      ),
      (payload) => {
        const email = i++ % 2 === 0;
        return {
          method: 'POST',
          url: email ? '/v1/inbound/email' : '/v1/inbound/rss',
          headers: headers(email ? 'message/rfc822' : 'application/xml'),
          payload,
        };
      },
    );
    expect(under500(statuses)).toBe(true);
    await stillServing();
  });

  it('POST /v1/imports: random bytes as CSV and XLSX', async () => {
    let i = 0;
    const { statuses } = await fuzz(
      t.app,
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
        fc
          .array(fc.array(fc.string(), { maxLength: 5 }), { maxLength: 8 })
          .map((rows) => ['Date,Comment,Rating', ...rows.map((r) => r.join(','))].join('\n')),
      ),
      (payload) => ({
        method: 'POST',
        url: i++ % 2 === 0 ? '/v1/imports' : '/v1/imports?dryRun=true',
        headers: headers(
          i % 3 === 0 ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
        ),
        payload,
      }),
    );
    expect(under500(statuses)).toBe(true);
    await stillServing();
  });
});
