import { memoryRateCounter } from '@closeloop/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyLimiter } from '../src/limits/rate-limit.ts';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

let t: ApiTestApp;
let org: ApiTestOrg;
const admin = () => ({ authorization: `Bearer ${org.apiKey}` });

beforeAll(async () => {
  t = await withApiApp();
  org = await t.createOrg('keys-org');
});
afterAll(async () => {
  await t.close();
});

describe('API keys over HTTP', () => {
  it('creates a key shown once, lists keys without secrets, and revokes it', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: admin(),
      payload: { name: 'Zendesk sync', scopes: ['feedback:write', 'feedback:read'], rateLimitPerMinute: 600 },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json() as { id: string; key: string; prefix: string; rateLimitPerMinute: number };
    expect(key.key).toMatch(new RegExp(`^cl_${key.prefix}_`));
    expect(key.rateLimitPerMinute).toBe(600);

    const works = await t.app.inject({
      method: 'GET',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(works.statusCode).toBe(200);

    const list = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: admin() });
    expect(list.body).not.toContain(key.key);
    const items = (list.json() as { items: { id: string; lastUsedAt: string | null; prefix: string }[] }).items;
    const listed = items.find((k) => k.id === key.id);
    expect(listed?.prefix).toBe(key.prefix);
    expect(listed?.lastUsedAt).not.toBeNull();

    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: admin() });
    expect(revoked.statusCode).toBe(204);
    const after = await t.app.inject({
      method: 'GET',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(after.statusCode).toBe(401);
    expect((after.json() as { code: string }).code).toBe('invalid_api_key');
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: admin() });
    expect(again.statusCode).toBe(404);
  });

  it('needs the admin scope', async () => {
    const writer = await t.keyFor(org.id, ['feedback:write']);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { code: string }).code).toBe('insufficient_scope');
  });

  it('refuses unknown scopes with a field list', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: admin(),
      payload: { name: 'x', scopes: ['everything'] },
    });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { errors: { path: string }[] }).errors[0]!.path).toBe('body.scopes.0');
  });
});

describe('per-key rate limits', () => {
  it('sends RateLimit-Policy and RateLimit headers, then 429 rate_limited with Retry-After', async () => {
    const key = await t.keyFor(org.id, ['feedback:read'], 3);
    const headers = { authorization: `Bearer ${key}` };
    const first = await t.app.inject({ method: 'GET', url: '/v1/feedback', headers });
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(first.headers.ratelimit).toMatch(/^"default";r=2;t=\d+$/);
    await t.app.inject({ method: 'GET', url: '/v1/feedback', headers });
    await t.app.inject({ method: 'GET', url: '/v1/feedback', headers });
    const limited = await t.app.inject({ method: 'GET', url: '/v1/feedback', headers });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect((limited.json() as { code: string }).code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
    // Another key of the same organisation has its own budget.
    const other = await t.app.inject({ method: 'GET', url: '/v1/feedback', headers: admin() });
    expect(other.statusCode).toBe(200);
  });

  it('opens a new window after a minute', async () => {
    let now = 60_000 * 1000;
    const limiter = createApiKeyLimiter({ counter: memoryRateCounter(() => now) });
    expect((await limiter.consume('k', 1)).allowed).toBe(true);
    expect((await limiter.consume('k', 1)).allowed).toBe(false);
    now += 59_000;
    expect((await limiter.consume('k', 1)).state).toMatchObject({ remaining: 0, reset: 1 });
    now += 1_000;
    expect((await limiter.consume('k', 1)).allowed).toBe(true);
  });
});
