import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultTaxonomy } from '@closeloop/analysis';
import { type ApiDeps, createApiKey, registerApi } from '@closeloop/api';
import { parseTargetPolicy } from '@closeloop/core';
import { insertOrganisation, listAudit, Sealer, schema, seedThemes } from '@closeloop/db';
import type { ApiScope } from '@closeloop/domain';
import { createHttpApp, createMetrics } from '@closeloop/http';
import { createLogger } from '@closeloop/logger';
import { startWorker } from '@closeloop/worker';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestDatabase, withDatabase } from '../../../test/harness/db.ts';
import { withQueue } from '../../../test/harness/queue.ts';

/** Polls until `check` gives a truthy value (harness/app.ts has one too, but importing it loads the console). */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => null);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

const ALL: ApiScope[] = ['feedback:write', 'feedback:read', 'actions:read', 'actions:write', 'admin'];

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP receiver on 127.0.0.1 whose answers each test scripts per path. */
class Receiver {
  readonly requests = new Map<string, Received[]>();
  readonly scripts = new Map<string, number[]>();
  #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const list = this.requests.get(path) ?? [];
      list.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      this.requests.set(path, list);
      const script = this.scripts.get(path);
      const status = script && script.length > 0 ? (script.length > 1 ? script.shift()! : script[0]!) : 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver says no' : 'ok');
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }
  url(path: string, script?: number[]): string {
    if (script) this.scripts.set(path, [...script]);
    return `http://127.0.0.1:${this.port}${path}`;
  }
  got(path: string): Received[] {
    return this.requests.get(path) ?? [];
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The test's own verifier, written from the Standard Webhooks spec rather than with the code under test. */
function verifies(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(r.headers['webhook-signature']).split(' ').includes(expected);
}

interface Fixture {
  app: FastifyInstance;
  db: TestDatabase;
  deps: ApiDeps;
  createOrg(slug: string, scopes?: ApiScope[]): Promise<{ id: string; auth: { authorization: string } }>;
  close(): Promise<void>;
}

/** API + worker of one test file, with loopback targets allowed (the receiver runs on 127.0.0.1). */
async function withWebhookApp(): Promise<Fixture> {
  const db = await withDatabase();
  const queue = withQueue();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = {
    BODY_LIMIT_BYTES: 1_048_576,
    IMPORT_LIMIT_BYTES: 50 * 1024 * 1024,
    PUBLIC_URL: 'http://closeloop.test',
    PORT: 0,
    HOST: '127.0.0.1',
    SWEEPER_GRACE_SECONDS: 1,
    SWEEPER_INTERVAL_SECONDS: 3600,
    CLOSELOOP_DATA_DIR: './data',
    SMTP_URL: undefined,
    MAIL_FROM: 'closeloop <no-reply@closeloop.test>',
    WEBHOOK_ALLOWED_TARGETS: 'loopback',
  };
  const deps: ApiDeps = {
    config,
    database: db.database,
    queue,
    logger,
    sealer: new Sealer('cd'.repeat(32)),
    metrics: createMetrics('test'),
  };
  const app = createHttpApp({ logger, bodyLimit: config.BODY_LIMIT_BYTES });
  await registerApi(app, deps);
  await app.ready();
  await startWorker({ ...deps, config } as Parameters<typeof startWorker>[0]);
  return {
    app,
    db,
    deps,
    async createOrg(slug, scopes = ALL) {
      const org = await insertOrganisation(db.database.db, { slug, name: `Org ${slug}`, languages: ['en'] });
      await seedThemes(db.database.db, org.id, defaultTaxonomy);
      const { key } = await createApiKey(db.database.db, { orgId: org.id, name: 'test', scopes });
      return { id: org.id, auth: { authorization: `Bearer ${key}` } };
    },
    async close() {
      await app.close();
      if (queue.driver === 'bullmq') {
        await queue.pauseWorkers().catch(() => {});
        await queue.obliterate().catch(() => {});
      }
      await queue.close({ drainMs: 2_000 });
      await db.drop();
    },
  };
}

describe('outgoing webhooks', () => {
  let t: Fixture;
  let receiver: Receiver;
  let org: Awaited<ReturnType<Fixture['createOrg']>>;
  let other: Awaited<ReturnType<Fixture['createOrg']>>;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    t = await withWebhookApp();
    org = await t.createOrg('hooks');
    other = await t.createOrg('other-hooks');
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function subscribe(
    who: { auth: { authorization: string } },
    path: string,
    events: string[],
    script?: number[],
  ): Promise<{ id: string; secret: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: who.auth,
      payload: { url: receiver.url(path, script), events },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  }

  async function deliveries(id: string, who = org) {
    const res = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: who.auth });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: { event: string; state: string; attempts: number; lastStatus: number | null }[] })
      .items;
  }

  async function postFeedback(text: string, who = org): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: who.auth,
      payload: { channel: 'widget', text, rating: 4 },
    });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { id: string }).id;
  }

  test('creating a subscription returns a Standard Webhooks secret once; listing never shows it', async () => {
    const created = await subscribe(org, '/once', ['action.updated']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: org.auth });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.secret);
    expect((list.json() as { items: { id: string }[] }).items.map((w) => w.id)).toContain(created.id);
    const stored = await t.db.database.db
      .select()
      .from(schema.webhookSubscriptions)
      .where(eq(schema.webhookSubscriptions.id, created.id));
    expect(stored[0]?.sealedSecret).not.toContain(created.secret.slice(6));
  });

  test('feedback.received is delivered signed: the test recomputes the HMAC and it matches', async () => {
    const { secret } = await subscribe(org, '/received', ['feedback.received']);
    const feedbackId = await postFeedback('The bins were not collected on Tuesday.');
    const [hit] = await eventually(async () =>
      receiver.got('/received').length > 0 ? receiver.got('/received') : null,
    );
    expect(hit).toBeDefined();
    expect(verifies(secret, hit!)).toBe(true);
    expect(verifies(`whsec_${Buffer.alloc(32).toString('base64')}`, hit!)).toBe(false);
    expect(hit!.headers['content-type']).toBe('application/json');
    const ts = Number(hit!.headers['webhook-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(hit!.body) as { type: string; timestamp: string; data: { id: string; channel: string } };
    expect(body.type).toBe('feedback.received');
    expect(body.data).toMatchObject({ id: feedbackId, channel: 'widget', rating: 4 });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  test('a receiver answering 500 twice gets retries with growing gaps, then the delivery is logged as delivered', async () => {
    const { id } = await subscribe(org, '/flaky', ['feedback.received'], [500, 500, 200]);
    await postFeedback('Parking permits take too long to arrive.');
    await eventually(async () => receiver.got('/flaky').length >= 3);
    const hits = receiver.got('/flaky');
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    // Exponential backoff (the test queue scales 2 s, 4 s, … down to 20 ms, 40 ms, …; timers may fire a little early).
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(15);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(35);
    const [log] = await eventually(async () => {
      const items = await deliveries(id);
      return items[0]?.state === 'delivered' ? items : null;
    });
    expect(log).toMatchObject({ event: 'feedback.received', state: 'delivered', attempts: 3, lastStatus: 200 });
  });

  test('a delivery that keeps failing is logged with every attempt and its last error', async () => {
    const { id } = await subscribe(org, '/down', ['feedback.received'], [503]);
    await postFeedback('The leisure centre showers are cold.');
    const [log] = await eventually(async () => {
      const items = await deliveries(id);
      return items[0]?.state === 'failed' ? items : null;
    }, 15_000);
    const res = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: org.auth });
    const raw = (res.json() as { items: { lastError: string }[] }).items[0]!;
    expect(log).toMatchObject({ state: 'failed', attempts: 8, lastStatus: 503 });
    expect(raw.lastError).toContain('HTTP 503');
  });

  test('ten deliveries in a row that exhaust their retries disable the subscription, with an audit entry', async () => {
    const { id } = await subscribe(org, '/dead', ['feedback.received'], [500]);
    for (let i = 0; i < 10; i++) await postFeedback(`Broken street light number ${i} on Mill Lane.`);
    const sub = await eventually(async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${id}`, headers: org.auth });
      const body = res.json() as { active: boolean; disabledAt: string | null; consecutiveFailures: number };
      return body.active ? null : body;
    }, 25_000);
    expect(sub.disabledAt).not.toBeNull();
    expect(sub.consecutiveFailures).toBeGreaterThanOrEqual(10);
    const audit = await listAudit(t.db.database.db, org.id, 'webhook_subscription', id);
    expect(audit.map((a) => a.action)).toContain('webhook.disabled');
    // Disabled: new events are no longer delivered to it.
    const before = receiver.got('/dead').length;
    await postFeedback('Another light out.');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.got('/dead').length).toBe(before);
    // Re-enabling clears the failure count.
    const again = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${id}`,
      headers: org.auth,
      payload: { active: true },
    });
    expect(again.json()).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null });
  }, 40_000);

  test('410 Gone disables the subscription at once', async () => {
    const { id } = await subscribe(org, '/gone', ['feedback.received'], [410]);
    await postFeedback('Please stop sending.');
    await eventually(async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${id}`, headers: org.auth });
      return (res.json() as { active: boolean }).active === false;
    });
    expect(receiver.got('/gone')).toHaveLength(1);
  });

  test('the test-delivery endpoint sends webhook.test now and returns the outcome', async () => {
    const ok = await subscribe(org, '/ping', ['action.updated']);
    const res = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${ok.id}/test`, headers: org.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ delivered: true, status: 200, error: null });
    const [hit] = receiver.got('/ping');
    expect(JSON.parse(hit!.body)).toMatchObject({ type: 'webhook.test' });
    expect(verifies(ok.secret, hit!)).toBe(true);
    expect((await deliveries(ok.id))[0]).toMatchObject({ event: 'webhook.test', state: 'delivered', attempts: 1 });

    const bad = await subscribe(org, '/ping-bad', ['action.updated'], [500]);
    const failed = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${bad.id}/test`, headers: org.auth });
    expect(failed.json()).toMatchObject({ delivered: false, status: 500 });
  });

  test('action.updated, publication.published and feedback.analysed fire end to end', async () => {
    const { secret } = await subscribe(org, '/loop', ['feedback.analysed', 'action.updated', 'publication.published']);
    const feedbackId = await postFeedback('The library opening hours are too short on Saturdays.');
    const analysed = await eventually(async () =>
      receiver.got('/loop').find((r) => r.body.includes('"feedback.analysed"')),
    );
    expect(verifies(secret, analysed)).toBe(true);
    const analysedBody = JSON.parse(analysed.body) as { data: { id: string; themes: { key: string }[] } };
    expect(analysedBody.data.id).toBe(feedbackId);
    const themeKey = analysedBody.data.themes[0]?.key;
    expect(themeKey).toBeDefined();

    const action = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: org.auth,
      payload: {
        title: 'Open until 5pm on Saturdays',
        status: 'done',
        themeKeys: [themeKey],
        feedbackIds: [feedbackId],
        publicStatement: 'The library now stays open until 5pm on Saturdays.',
      },
    });
    expect(action.statusCode, action.body).toBe(201);
    const actionId = (action.json() as { id: string }).id;
    const updated = await eventually(async () =>
      receiver.got('/loop').find((r) => r.body.includes('"action.updated"')),
    );
    expect(JSON.parse(updated.body).data).toMatchObject({ id: actionId, status: 'done' });

    const draft = await t.app.inject({
      method: 'POST',
      url: '/v1/publications',
      headers: org.auth,
      payload: {
        themeKey,
        periodStart: '2026-01-01',
        periodEnd: new Date().toISOString().slice(0, 10),
        summary: 'You told us the library closes too early.',
        actionIds: [actionId],
      },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const pubId = (draft.json() as { id: string }).id;
    for (const step of ['approve', 'publish']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/publications/${pubId}/${step}`, headers: org.auth });
      expect(res.statusCode, res.body).toBe(200);
    }
    const published = await eventually(async () =>
      receiver.got('/loop').find((r) => r.body.includes('"publication.published"')),
    );
    expect(JSON.parse(published.body).data).toMatchObject({ id: pubId });
    expect(receiver.got('/loop').every((r) => verifies(secret, r))).toBe(true);
  });

  test("another organisation's webhook ids answer 404 and change nothing", async () => {
    const mine = await subscribe(org, '/private', ['action.updated']);
    const routes = [
      { method: 'GET' as const, url: `/v1/webhooks/${mine.id}` },
      { method: 'PATCH' as const, url: `/v1/webhooks/${mine.id}`, payload: { active: false } },
      { method: 'DELETE' as const, url: `/v1/webhooks/${mine.id}` },
      { method: 'POST' as const, url: `/v1/webhooks/${mine.id}/test` },
      { method: 'GET' as const, url: `/v1/webhooks/${mine.id}/deliveries` },
    ];
    for (const route of routes) {
      const res = await t.app.inject({ ...route, headers: other.auth });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { code: string }).code).toBe('webhook_not_found');
    }
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: other.auth });
    expect((list.json() as { items: unknown[] }).items).toHaveLength(0);
    const still = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${mine.id}`, headers: org.auth });
    expect(still.json()).toMatchObject({ active: true });
    expect(receiver.got('/private')).toHaveLength(0);
  });

  test('bad input answers problem+json 4xx with a stable code', async () => {
    const cases: { payload?: unknown; body?: string; status: number; code: string; headers?: object }[] = [
      {
        payload: { url: 'http://example.com/hook', events: ['action.updated'] },
        status: 422,
        code: 'webhook_url_invalid',
      },
      {
        payload: { url: 'ftp://example.com/hook', events: ['action.updated'] },
        status: 422,
        code: 'webhook_url_invalid',
      },
      { payload: { url: 'not a url', events: ['action.updated'] }, status: 422, code: 'webhook_url_invalid' },
      {
        payload: { url: 'https://user:pw@example.com/', events: ['action.updated'] },
        status: 422,
        code: 'webhook_url_invalid',
      },
      {
        payload: { url: 'https://10.1.2.3/hook', events: ['action.updated'] },
        status: 422,
        code: 'webhook_target_forbidden',
      },
      {
        payload: { url: 'https://169.254.169.254/latest/meta-data', events: ['action.updated'] },
        status: 422,
        code: 'webhook_target_forbidden',
      },
      {
        payload: { url: 'https://[::ffff:10.0.0.1]/', events: ['action.updated'] },
        status: 422,
        code: 'webhook_target_forbidden',
      },
      {
        payload: { url: 'https://example.com/hook', events: ['feedback.deleted'] },
        status: 422,
        code: 'validation_failed',
      },
      { payload: { url: 'https://example.com/hook', events: [] }, status: 422, code: 'validation_failed' },
      {
        payload: { url: 'https://example.com/hook', events: ['action.updated', 'action.updated'] },
        status: 422,
        code: 'validation_failed',
      },
      {
        payload: { url: 'https://example.com/hook', events: ['action.updated'], x: 1 },
        status: 422,
        code: 'validation_failed',
      },
      { payload: { url: 42, events: 'action.updated' }, status: 422, code: 'validation_failed' },
      {
        payload: { url: `https://example.com/${'a'.repeat(3000)}`, events: ['action.updated'] },
        status: 422,
        code: 'validation_failed',
      },
    ];
    for (const c of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: org.auth,
        payload: c.payload as object,
      });
      expect(res.statusCode, JSON.stringify(c.payload).slice(0, 80)).toBe(c.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { code: string }).code).toBe(c.code);
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { ...org.auth, 'content-type': 'application/json' },
      body: '{"url": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const notUuid = await t.app.inject({ method: 'GET', url: '/v1/webhooks/12345', headers: org.auth });
    expect(notUuid.statusCode).toBeGreaterThanOrEqual(400);
    expect(notUuid.statusCode).toBeLessThan(500);
    const noKey = await t.app.inject({ method: 'GET', url: '/v1/webhooks' });
    expect(noKey.statusCode).toBe(401);
    const writer = await t.createOrg('writer-only', ['feedback:write']);
    const forbidden = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: writer.auth });
    expect(forbidden.statusCode).toBe(403);
    expect((forbidden.json() as { code: string }).code).toBe('insufficient_scope');
  });
});

describe('webhook target policy (SSRF guard)', () => {
  test('loopback and private targets are refused by default and allowed only when listed', () => {
    const closed = parseTargetPolicy(undefined);
    const open = parseTargetPolicy('loopback, 10.20.0.0/16, hooks.internal');
    expect(closed.allowLoopback).toBe(false);
    expect(open.allowLoopback).toBe(true);
    expect(open.hosts.has('hooks.internal')).toBe(true);
    expect(open.ranges.check('10.20.3.4', 'ipv4')).toBe(true);
    expect(open.ranges.check('10.21.3.4', 'ipv4')).toBe(false);
    expect(() => parseTargetPolicy('10.0.0.0/99')).toThrow(/WEBHOOK_ALLOWED_TARGETS/);
  });
});
