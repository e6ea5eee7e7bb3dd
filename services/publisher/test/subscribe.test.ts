import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { startSmtp } from '../../../test/harness/smtp.ts';
import { createSubscriptionService, unsubscribeUrl } from '../src/subscribe/service.ts';
import { csrfOf, visitor } from './helpers.ts';

const confirmLinkOf = (mail: ParsedMail) => {
  const match = /https?:\/\/\S+\/subscribe\/confirm\?token=[^\s"<]+/.exec(mail.text ?? '');
  if (!match) throw new Error('no confirmation link in the email');
  return new URL(match[0]);
};
const pathOf = (url: URL) => url.pathname + url.search;

describe('subscribe with a real SMTP server (SMTP_URL set)', () => {
  let t: TestApp;
  let org: TestOrg;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  const subscribers = () => t.database.db.select().from(schema.subscribers).where(eq(schema.subscribers.orgId, org.id));

  async function subscribe(email: string, extra: Record<string, string | string[]> = {}, ip = '203.0.113.50') {
    const v = visitor(t, ip);
    const page = await v.get('/meadow/subscribe');
    return v.post('/meadow/subscribe', { csrf: csrfOf(page.body), email, ...extra });
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await withApp({ smtpUrl: smtp.url });
    org = await t.createOrg('meadow');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  test('double opt-in: the confirmation email arrives, the link confirms, the email is stored sealed', async () => {
    const res = await subscribe('resident@example.org', { language: 'en' }, '203.0.113.1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your email');
    const mail = await eventually(async () =>
      smtp.messages.find((m) => m.to && JSON.stringify(m.to).includes('resident@example.org')),
    );
    expect(mail.subject).toContain('Org meadow');
    const [pending] = await subscribers();
    expect(pending?.state).toBe('pending');
    expect(pending?.emailHash).toBe(t.sealer.lookupHash('resident@example.org'));
    expect(JSON.stringify(pending)).not.toContain('resident@example.org');
    expect(t.sealer.unseal(pending!.sealedEmail)).toBe('resident@example.org');

    const confirmed = await visitor(t).get(pathOf(confirmLinkOf(mail)));
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    const [row] = await subscribers();
    expect(row?.state).toBe('confirmed');
    expect(row?.confirmedAt).toBeInstanceOf(Date);
    // The link works once.
    const again = await visitor(t).get(pathOf(confirmLinkOf(mail)));
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('expired or has already been used');
  });

  test('a Welsh subscriber gets the confirmation email in Welsh', async () => {
    await subscribe('preswylydd@example.org', { language: 'cy' }, '203.0.113.2');
    const mail = await eventually(async () => smtp.messages.find((m) => JSON.stringify(m.to).includes('preswylydd@')));
    expect(mail.text).toMatch(/Helo|Diolch|cadarnhau/i);
    expect(confirmLinkOf(mail).searchParams.get('lang')).toBe('cy');
  });

  test('the answer does not reveal whether an address is already subscribed', async () => {
    const known = await subscribe('resident@example.org', {}, '203.0.113.3');
    const fresh = await subscribe('newcomer@example.org', {}, '203.0.113.4');
    expect(known.statusCode).toBe(fresh.statusCode);
    expect(known.body).toBe(fresh.body);
    await eventually(async () => smtp.messages.find((m) => JSON.stringify(m.to).includes('newcomer@')));
    await new Promise((r) => setTimeout(r, 200));
    // The confirmed address gets no new email, and its row is unchanged.
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes('resident@'))).toHaveLength(1);
  });

  test('an invalid email re-renders the form with the value kept; a missing CSRF token stores nothing', async () => {
    const bad = await subscribe('not an email <script>', {}, '203.0.113.5');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Enter an email address in the correct format');
    expect(bad.body).toContain('value="not an email &lt;script&gt;"');
    const before = (await subscribers()).length;
    const forged = await visitor(t, '203.0.113.6').post('/meadow/subscribe', { email: 'csrf@example.org' });
    expect(forged.statusCode).toBe(403);
    expect((await subscribers()).length).toBe(before);
  });

  test('topics that are not themes of the board are dropped', async () => {
    await subscribe('topics@example.org', { topics: ['made-up', 'also-made-up'] }, '203.0.113.7');
    const row = (await subscribers()).find((s) => s.emailHash === t.sealer.lookupHash('topics@example.org'));
    expect(row?.topics).toEqual([]);
  });

  test('the unsubscribe page shows one button posting to the one-click URL', async () => {
    const [row] = await subscribers();
    const url = new URL(unsubscribeUrl('http://closeloop.test', 'meadow', t.sealer, row!.id));
    const res = await visitor(t).get(pathOf(url));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Unsubscribe from updates');
    expect(res.body).toContain(`action="${url.toString().replace(/&/g, '&amp;')}"`);
    expect(res.body).toContain('name="List-Unsubscribe" value="One-Click"');
  });

  test('RFC 8058 one-click: a POST of List-Unsubscribe=One-Click unsubscribes without a page or cookie', async () => {
    const row = (await subscribers()).find((s) => s.state === 'confirmed')!;
    const url = new URL(unsubscribeUrl('http://closeloop.test', 'meadow', t.sealer, row.id));
    const res = await t.app.inject({
      method: 'POST',
      url: pathOf(url),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const [after] = await t.database.db.select().from(schema.subscribers).where(eq(schema.subscribers.id, row.id));
    expect(after?.state).toBe('unsubscribed');
    expect(after?.unsubscribedAt).toBeInstanceOf(Date);
    // Again: still fine (idempotent).
    const twice = await t.app.inject({
      method: 'POST',
      url: pathOf(url),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(twice.statusCode).toBe(200);
  });

  test('one-click also works as multipart/form-data, and from the page in a browser', async () => {
    const rows = (await subscribers()).filter((s) => s.state !== 'unsubscribed');
    const [a, b] = rows;
    const boundary = 'XyZ';
    const multipart = await t.app.inject({
      method: 'POST',
      url: pathOf(new URL(unsubscribeUrl('http://closeloop.test', 'meadow', t.sealer, a!.id))),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(multipart.statusCode).toBe(200);
    const fromPage = await visitor(t).post(
      pathOf(new URL(unsubscribeUrl('http://closeloop.test', 'meadow', t.sealer, b!.id))),
      { 'List-Unsubscribe': 'One-Click' },
    );
    expect(fromPage.statusCode).toBe(200);
    expect(fromPage.body).toContain('You have unsubscribed');
    const states = await t.database.db.select().from(schema.subscribers).where(eq(schema.subscribers.orgId, org.id));
    expect(states.find((s) => s.id === a!.id)?.state).toBe('unsubscribed');
    expect(states.find((s) => s.id === b!.id)?.state).toBe('unsubscribed');
  });

  test('a forged or foreign unsubscribe token changes nothing', async () => {
    const other = await t.createOrg('other-meadow');
    const [row] = await subscribers();
    const foreign = unsubscribeUrl('http://closeloop.test', 'other-meadow', t.sealer, row!.id);
    const res = await t.app.inject({ method: 'POST', url: pathOf(new URL(foreign)), payload: '' });
    expect(res.statusCode).toBe(404);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/meadow/unsubscribe?token=${row!.id}.${'A'.repeat(43)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(forged.statusCode).toBe(404);
    const page = await visitor(t).get('/meadow/unsubscribe?token=nonsense');
    expect(page.statusCode).toBe(400);
    expect(other.slug).toBe('other-meadow');
  });

  test('after unsubscribing, subscribing again sends a new confirmation', async () => {
    const before = smtp.messages.filter((m) => JSON.stringify(m.to).includes('resident@')).length;
    await subscribe('resident@example.org', {}, '203.0.113.8');
    await eventually(async () =>
      smtp.messages.filter((m) => JSON.stringify(m.to).includes('resident@')).length > before ? true : null,
    );
    const row = (await subscribers()).find((s) => s.emailHash === t.sealer.lookupHash('resident@example.org'));
    expect(row?.state).toBe('pending');
  });
});

describe('subscribe without SMTP_URL writes the confirmation to the .eml outbox', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-outbox-'));

  beforeAll(async () => {
    t = await withApp({ mailDataDir: dataDir });
    await t.createOrg('brook');
  });
  afterAll(async () => {
    await t.close();
  });

  test('the confirmation email is an RFC 5322 .eml file in DATA_DIR/outbox with a working link', async () => {
    const v = visitor(t, '203.0.113.90');
    const page = await v.get('/brook/subscribe');
    const res = await v.post('/brook/subscribe', { csrf: csrfOf(page.body), email: 'outbox@example.org' });
    expect(res.statusCode).toBe(200);
    const outbox = path.join(dataDir, 'outbox');
    const file = await eventually(async () => readdirSync(outbox).find((f) => f.endsWith('.eml')));
    const mail = await simpleParser(readFileSync(path.join(outbox, file)));
    expect(JSON.stringify(mail.to)).toContain('outbox@example.org');
    expect(mail.from?.text).toContain('no-reply@closeloop.test');
    const confirmed = await visitor(t).get(pathOf(confirmLinkOf(mail)));
    expect(confirmed.body).toContain('You are subscribed');
  });
});

describe('subscription service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await withApp();
  });
  afterAll(async () => {
    await t.close();
  });

  test('a confirmation link older than seven days no longer confirms', async () => {
    const org = await t.createOrg('fen');
    let now = new Date('2025-01-01T00:00:00Z');
    const service = createSubscriptionService({ db: t.database.db, sealer: t.sealer, now: () => now });
    const { confirmToken } = await service.subscribe(org.id, { email: 'late@example.org', language: 'en', topics: [] });
    now = new Date('2025-01-08T00:00:01Z');
    expect(await service.confirm(org.id, confirmToken!)).toBeNull();
    now = new Date('2025-01-07T23:59:00Z');
    expect((await service.confirm(org.id, confirmToken!))?.state).toBe('confirmed');
  });
});
