import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newerId, pollMastodon, readCursor } from '../src/inbound/mastodon-poller.ts';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

const dir = path.resolve(import.meta.dirname, '../../../../shared/fixtures/social/mastodon');
const timeline = JSON.parse(readFileSync(path.join(dir, 'tag-timeline.json'), 'utf8')) as { id: string }[];
const mention = JSON.parse(readFileSync(path.join(dir, 'notification-mention.json'), 'utf8')) as { id: string };

/** A Mastodon instance in miniature: serves the fixtures, honours since_id, and can be told to rate limit. */
function instance() {
  const requests: { url: URL; auth: string | undefined }[] = [];
  let mode: 'normal' | 'exhausted' | 'too-many' = 'normal';
  let resetAt = new Date(0);
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ url, auth: req.headers.authorization });
    if (mode === 'too-many') {
      mode = 'normal';
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"error":"Too many requests"}');
      return;
    }
    const since = url.searchParams.get('since_id');
    let body: { id: string }[] = [];
    if (url.pathname === '/api/v1/timelines/tag/riverside') body = timeline;
    else if (url.pathname === '/api/v1/notifications' && url.searchParams.getAll('types[]').includes('mention'))
      body = [mention];
    if (since) body = body.filter((e) => newerId(e.id, since));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': mode === 'exhausted' ? '0' : '299',
      'x-ratelimit-reset': resetAt.toISOString(),
    };
    res.writeHead(200, headers);
    res.end(JSON.stringify(body));
  });
  return {
    server,
    requests,
    setMode(m: typeof mode, reset?: Date) {
      mode = m;
      if (reset) resetAt = reset;
    },
  };
}

let t: ApiTestApp;
let org: ApiTestOrg;
let mock: ReturnType<typeof instance>;
let base: string;
const clock = { now: new Date('2024-11-06T12:00:00.000Z') };
const sleeps: number[] = [];
const deps = () => ({
  database: t.database,
  sealer: t.sealer,
  afterChunk: async () => {},
  now: () => clock.now,
  sleep: async (ms: number) => {
    sleeps.push(ms);
    clock.now = new Date(clock.now.getTime() + ms);
  },
});

async function mastodonRows(): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from feedback where org_id = ${org.id} and source = 'mastodon'`,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  t = await withApiApp();
  org = await t.createOrg('mastodon-org');
  mock = instance();
  await new Promise<void>((resolve) => mock.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(mock.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => mock.server.close(() => resolve()));
  await t.close();
});

describe('pollMastodon', () => {
  const config = () => ({
    orgId: org.id,
    instance: base,
    hashtags: ['Riverside'],
    mentions: true,
    accessToken: 'token-1',
  });

  it('stores the tag timeline and mentions once, and advances the since_id cursor per stream', async () => {
    const first = await pollMastodon(deps(), config());
    expect(first.map((r) => [r.fetched, r.accepted])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(await mastodonRows()).toBe(3);
    expect(await readCursor(t.database, org.id, `mastodon:${new URL(base).host}:tag:riverside`)).toBe(
      '113437950021447803',
    );
    expect(await readCursor(t.database, org.id, `mastodon:${new URL(base).host}:mentions`)).toBe('48213377');
    expect(mock.requests.every((r) => r.auth === 'Bearer token-1')).toBe(true);

    const second = await pollMastodon(deps(), config());
    expect(second.map((r) => r.fetched)).toEqual([0, 0]);
    expect(await mastodonRows()).toBe(3);
    const last = mock.requests.slice(-2);
    expect(last[0]!.url.searchParams.get('since_id')).toBe('113437950021447803');
    expect(last[1]!.url.searchParams.get('since_id')).toBe('48213377');
  });

  it('waits until X-RateLimit-Reset when no requests remain', async () => {
    sleeps.length = 0;
    mock.setMode('exhausted', new Date(clock.now.getTime() + 90_000));
    await pollMastodon(deps(), { ...config(), mentions: false });
    mock.setMode('normal');
    expect(sleeps).toEqual([90_000]);
  });

  it('retries after Retry-After on HTTP 429', async () => {
    sleeps.length = 0;
    const before = mock.requests.length;
    mock.setMode('too-many');
    const result = await pollMastodon(deps(), { ...config(), mentions: false });
    expect(sleeps).toEqual([7_000]);
    expect(mock.requests.length - before).toBe(2);
    expect(result[0]!.fetched).toBe(0);
  });
});
