import { schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { csrfOf, visitor } from './helpers.ts';

describe('hosted feedback form /{org}/feedback', () => {
  let t: TestApp;
  let org: TestOrg;
  let pointId: string;
  let ipCounter = 0;
  const nextIp = () => `198.51.100.${++ipCounter}`;

  const rows = async () => t.database.db.select().from(schema.feedback).where(eq(schema.feedback.orgId, org.id));

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('hillside');
    await t.startWorker();
    const [point] = await t.database.db
      .insert(schema.servicePoints)
      .values({ orgId: org.id, key: 'leisure-centre', name: 'Leisure centre', nameCy: 'Canolfan hamdden' })
      .returning();
    pointId = point!.id;
    await t.database.db
      .insert(schema.customerGroups)
      .values({ orgId: org.id, key: 'older-people', name: 'Older people', nameCy: 'Pobl hŷn' });
  });
  afterAll(async () => {
    await t.close();
  });

  test('the form lists the organisation’s service points and customer groups, with a CSRF token and cookie', async () => {
    const v = visitor(t, nextIp());
    const res = await v.get('/hillside/feedback');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('value="leisure-centre"');
    expect(res.body).toContain('Older people');
    expect(csrfOf(res.body)).toMatch(/^\d{13}\./);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/cl_csrf=[0-9a-f]{32}/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('?lang=cy shows the form in Welsh with Welsh names', async () => {
    const res = await visitor(t, nextIp()).get('/hillside/feedback?lang=cy');
    expect(res.body).toContain('lang="cy"');
    expect(res.body).toContain('Canolfan hamdden');
  });

  test('a valid submission stores widget feedback with contact and consent, then shows thanks', async () => {
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const res = await v.post('/hillside/feedback', {
      csrf: csrfOf(page.body),
      text: 'The changing rooms at the leisure centre are cold and the showers are often broken.',
      rating: '2',
      service_point: 'leisure-centre',
      customer_group: 'older-people',
      email: 'swimmer@example.org',
      consent_outcome: 'yes',
      website: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you for your feedback');
    const row = await eventually(async () => {
      const found = (await rows()).find((r) => r.text?.includes('changing rooms'));
      return found?.status === 'analysed' ? found : null;
    });
    expect(row.channel).toBe('widget');
    expect(row.rating).toBe(2);
    expect(row.servicePointId).toBe(pointId);
    expect(row.customerGroupId).not.toBeNull();
    expect(row.details).toEqual({ kind: 'widget', pageUrl: 'http://closeloop.test/hillside/feedback' });
    const [contact] = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.id, row.contactId!));
    expect(contact).toMatchObject({ consentOutcome: true, consentContact: false, hasEmail: true });
  });

  test('a POST without the CSRF cookie or with a forged token stores nothing and re-renders the form', async () => {
    const before = (await rows()).length;
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const token = csrfOf(page.body);
    const noCookie = await visitor(t, nextIp()).post('/hillside/feedback', { csrf: token, text: 'cross-site post' });
    expect(noCookie.statusCode).toBe(403);
    expect(noCookie.body).toContain('cross-site post');
    const forged = await v.post('/hillside/feedback', { csrf: `${Date.now()}.${'A'.repeat(43)}`, text: 'forged' });
    expect(forged.statusCode).toBe(403);
    const missing = await v.post('/hillside/feedback', { text: 'no token at all' });
    expect(missing.statusCode).toBe(403);
    // A token issued for another organisation's form does not fit this one.
    await t.createOrg('valley');
    const otherPage = await v.get('/valley/feedback');
    const crossForm = await v.post('/hillside/feedback', { csrf: csrfOf(otherPage.body), text: 'wrong form' });
    expect(crossForm.statusCode).toBe(403);
    expect((await rows()).length).toBe(before);
  });

  test('field errors re-render the form with the values kept, and store nothing', async () => {
    const before = (await rows()).length;
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const res = await v.post('/hillside/feedback', {
      csrf: csrfOf(page.body),
      text: '',
      rating: '9',
      name: 'Ann <b>Jones</b>',
      email: 'not-an-email',
      phone: 'call me',
      consent_contact: 'yes',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter your feedback');
    expect(res.body).toContain('Enter an email address in the correct format');
    expect(res.body).toContain('Choose a rating from 1 to 5');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('Ann &lt;b&gt;Jones&lt;/b&gt;');
    expect(res.body).not.toContain('<b>Jones</b>');
    expect(res.body).toMatch(/name="consent_contact" value="yes" checked/);
    expect((await rows()).length).toBe(before);
  });

  test('consent to hear back without an email or phone asks for one', async () => {
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const res = await v.post('/hillside/feedback', { csrf: csrfOf(page.body), text: 'ok', consent_outcome: 'yes' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter an email address or phone number so that we can contact you');
  });

  test('oversized text gets the form back with a "too long" error, never a 5xx', async () => {
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const long = await v.post('/hillside/feedback', { csrf: csrfOf(page.body), text: 'a'.repeat(5001) });
    expect(long.statusCode).toBe(422);
    expect(long.body).toMatch(/5,?000 characters or fewer/);
    const huge = await v.post('/hillside/feedback', { csrf: csrfOf(page.body), text: 'a'.repeat(200_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('text/html');
    expect(huge.body).toContain('characters or fewer');
  });

  test('a filled honeypot shows thanks and stores nothing', async () => {
    const before = (await rows()).length;
    const v = visitor(t, nextIp());
    const page = await v.get('/hillside/feedback');
    const res = await v.post('/hillside/feedback', {
      csrf: csrfOf(page.body),
      text: 'cheap pills',
      website: 'http://spam.example',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you');
    expect((await rows()).length).toBe(before);
  });

  test('too many posts from one address get a 429 page with Retry-After', async () => {
    const v = visitor(t, '192.0.2.200');
    const page = await v.get('/hillside/feedback');
    const token = csrfOf(page.body);
    let last = await v.post('/hillside/feedback', { csrf: token, text: '' });
    for (let i = 0; i < 20; i++) last = await v.post('/hillside/feedback', { csrf: token, text: '' });
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.body).toContain('Too many attempts');
  });

  test('an unknown organisation is a 404 page', async () => {
    const res = await visitor(t, nextIp()).get('/nobody-here/feedback');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
