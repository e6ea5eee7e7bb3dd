import { schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';

const SITE = 'https://www.riverside.example';
const OTHER_SITE = 'https://evil.example';

describe('widget endpoint POST /v1/widget/feedback and site keys /v1/widget-keys', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let siteKey: string;
  let siteKeyId: string;
  let servicePointId: string;
  let ipCounter = 0;

  // Each test gets its own client address so the per-IP limit only bites where a test wants it.
  const nextIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
  const post = (payload: unknown, headers: Record<string, string> = { origin: SITE }, ip = nextIp()) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/widget/feedback',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      remoteAddress: ip,
    });
  const widgetRows = async (orgId: string) =>
    (await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.orgId, orgId))).filter(
      (r) => r.channel === 'widget',
    );

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('riverside');
    other = await t.createOrg('elsewhere');
    await t.startWorker();
    const [point] = await t.database.db
      .insert(schema.servicePoints)
      .values({ orgId: org.id, key: 'library', name: 'Central Library' })
      .returning();
    servicePointId = point!.id;
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${org.apiKey}` },
      payload: { name: 'Main site', allowedOrigins: [`${SITE}/`], servicePointId },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json() as { id: string; key: string; allowedOrigins: string[] };
    siteKey = body.key;
    siteKeyId = body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  test('creating a site key returns a pk_ key with the origins normalised', async () => {
    expect(siteKey).toMatch(/^pk_[A-Za-z0-9_-]{20,}$/);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${org.apiKey}` },
    });
    const items = (list.json() as { items: { key: string; allowedOrigins: string[]; servicePointId: string }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ key: siteKey, allowedOrigins: [SITE], servicePointId });
  });

  test('the OpenAPI document describes the widget endpoint and the site key routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths;
    expect(Object.keys(paths['/v1/widget/feedback'] ?? {})).toContain('post');
    expect(Object.keys(paths['/v1/widget-keys'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
  });

  test('site key management needs the admin scope', async () => {
    const limited = await t.createOrg('limited', ['feedback:write']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${limited.apiKey}` },
      payload: { name: 'x', allowedOrigins: [SITE] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  test('a site key with a path, a non-http scheme or no origins is refused with field errors', async () => {
    for (const allowedOrigins of [['https://site.example/page'], ['ftp://site.example'], [], ['not a url']]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/widget-keys',
        headers: { authorization: `Bearer ${org.apiKey}` },
        payload: { name: 'bad', allowedOrigins },
      });
      expect(res.statusCode).toBe(422);
      expect((res.json() as { code: string }).code).toBe('validation_failed');
    }
  });

  test('a site key naming another organisation’s service point is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${other.apiKey}` },
      payload: { name: 'cross', allowedOrigins: [SITE], servicePointId },
    });
    expect(res.statusCode).toBe(422);
  });

  test('feedback from an allowed origin is stored as widget feedback and analysed', async () => {
    const res = await post({
      siteKey,
      text: 'The self-service machines at the library keep crashing when I return books.',
      rating: 2,
      pageUrl: `${SITE}/libraries/opening-times`,
      language: 'en',
      contact: { email: 'reader@example.org' },
      consentOutcome: true,
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['access-control-allow-origin']).toBe(SITE);
    expect(res.headers.vary).toContain('Origin');
    const { id } = res.json() as { id: string };
    const row = await eventually(async () => {
      const [r] = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.id, id));
      return r?.status === 'analysed' ? r : null;
    });
    expect(row.orgId).toBe(org.id);
    expect(row.channel).toBe('widget');
    expect(row.rating).toBe(2);
    expect(row.servicePointId).toBe(servicePointId);
    expect(row.details).toEqual({
      kind: 'widget',
      pageUrl: `${SITE}/libraries/opening-times`,
      siteKey,
      ratingScale: 5,
    });
    const [contact] = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.id, row.contactId!));
    expect(contact?.consentOutcome).toBe(true);
    expect(contact?.consentContact).toBe(false);
    expect(JSON.stringify(contact)).not.toContain('reader@example.org');
  });

  test('a request without an Origin header is refused with 403', async () => {
    const res = await post({ siteKey, text: 'no origin' }, {});
    expect(res.statusCode).toBe(403);
    expect((res.json() as { code: string }).code).toBe('origin_required');
  });

  test('an origin not on the allowlist is refused and gets no CORS header', async () => {
    const before = (await widgetRows(org.id)).length;
    const res = await post({ siteKey, text: 'from a stranger' }, { origin: OTHER_SITE });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { code: string }).code).toBe('origin_not_allowed');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    // Same host, other scheme or port: not the same origin.
    for (const origin of ['http://www.riverside.example', 'https://www.riverside.example:8443', 'null']) {
      expect((await post({ siteKey, text: 'near miss' }, { origin })).statusCode).toBe(403);
    }
    expect((await widgetRows(org.id)).length).toBe(before);
  });

  test('an unknown site key is refused with 403', async () => {
    const res = await post({ siteKey: 'pk_doesnotexist000000000000', text: 'hello' });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { code: string }).code).toBe('site_key_invalid');
  });

  test('a filled honeypot answers 202 like a real submission but stores nothing', async () => {
    const before = (await widgetRows(org.id)).length;
    const res = await post({ siteKey, text: 'Buy cheap watches', website: 'http://spam.example' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'received' });
    expect((await widgetRows(org.id)).length).toBe(before);
  });

  test('bad bodies answer problem+json 422 with the field named, never 5xx', async () => {
    const cases: [unknown, string][] = [
      [{ siteKey, text: '' }, 'body.text'],
      [{ siteKey, text: '   ' }, 'body.text'],
      [{ siteKey, text: 'x'.repeat(5001) }, 'body.text'],
      [{ siteKey, text: 'ok', rating: 6 }, 'body.rating'],
      [{ siteKey, text: 'ok', rating: '5' }, 'body.rating'],
      [{ siteKey, text: 'ok', pageUrl: 'javascript:alert(1)' }, 'body.pageUrl'],
      [{ siteKey, text: 'ok', contact: { email: 'not-an-email' } }, 'body.contact.email'],
      [{ siteKey, text: 'ok', admin: true }, 'body'],
      [{ text: 'no key' }, 'body.siteKey'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json() as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.some((e) => e.path.startsWith(path))).toBe(true);
      // The widget can read the error: CORS headers are on error responses too.
      expect(res.headers['access-control-allow-origin']).toBe(SITE);
    }
    const malformed = await post('{"siteKey":');
    expect(malformed.statusCode).toBe(400);
    const consentWithoutEmail = await post({ siteKey, text: 'tell me', consentOutcome: true });
    expect(consentWithoutEmail.statusCode).toBe(422);
  });

  test('Unicode and markup are stored as text, as sent', async () => {
    const text = "Diolch! Mae’r llyfrgell yn wych 👍 <script>alert(1)</script> '; drop table feedback; --";
    const res = await post({ siteKey, text, language: 'cy' });
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as { id: string };
    const [row] = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.id, id));
    expect(row?.text).toBe(text);
    expect(row?.language).toBe('cy');
  });

  test('the 11th submission in a minute from one IP is refused with 429 and Retry-After', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 10; i++) {
      expect((await post({ siteKey, text: `burst ${i}` }, { origin: SITE }, ip)).statusCode).toBe(202);
    }
    const limited = await post({ siteKey, text: 'one too many' }, { origin: SITE }, ip);
    expect(limited.statusCode).toBe(429);
    expect((limited.json() as { code: string }).code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['access-control-allow-origin']).toBe(SITE);
    // Another address is not affected.
    expect((await post({ siteKey, text: 'someone else' }, { origin: SITE }, '192.0.2.78')).statusCode).toBe(202);
  });

  test('the CORS preflight of an allowed origin names that origin, POST and content-type; never *', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/widget/feedback',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SITE);
    expect(res.headers['access-control-allow-methods']).toBe('POST');
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
    expect(res.headers.vary).toContain('Origin');
  });

  test('the CORS preflight of an unknown origin, or asking for other headers, is refused', async () => {
    const unknown = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/widget/feedback',
      headers: { origin: OTHER_SITE, 'access-control-request-method': 'POST' },
    });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.headers['access-control-allow-origin']).toBeUndefined();
    const extraHeader = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/widget/feedback',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    expect(extraHeader.statusCode).toBe(403);
  });

  test('another organisation cannot revoke or see this organisation’s key', async () => {
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/v1/widget-keys/${siteKeyId}`,
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(revoke.statusCode).toBe(404);
    expect((revoke.json() as { code: string }).code).toBe('widget_site_key_not_found');
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect((list.json() as { items: { key: string }[] }).items.map((i) => i.key)).not.toContain(siteKey);
    expect((await post({ siteKey, text: 'still works' })).statusCode).toBe(202);
  });

  test('a revoked key stops working at once', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${org.apiKey}` },
      payload: { name: 'Temporary', allowedOrigins: ['https://temp.example'] },
    });
    const { id, key } = created.json() as { id: string; key: string };
    expect((await post({ siteKey: key, text: 'before' }, { origin: 'https://temp.example' })).statusCode).toBe(202);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/v1/widget-keys/${id}`,
      headers: { authorization: `Bearer ${org.apiKey}` },
    });
    expect(revoke.statusCode).toBe(204);
    const after = await post({ siteKey: key, text: 'after' }, { origin: 'https://temp.example' });
    expect(after.statusCode).toBe(403);
    expect((after.json() as { code: string }).code).toBe('site_key_invalid');
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/widget/feedback',
      headers: { origin: 'https://temp.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(403);
  });

  // Last: a * key makes every origin pass the (key-less) preflight.
  test('a * allowlist, configured explicitly, accepts any origin and echoes it (not *)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${other.apiKey}` },
      payload: { name: 'Anywhere', allowedOrigins: ['*'] },
    });
    const { key } = created.json() as { key: string };
    const res = await post({ siteKey: key, text: 'from anywhere' }, { origin: 'https://any.example' });
    expect(res.statusCode).toBe(202);
    expect(res.headers['access-control-allow-origin']).toBe('https://any.example');
    const rows = await widgetRows(other.id);
    expect(rows.map((r) => r.text)).toContain('from anywhere');
  });
});
