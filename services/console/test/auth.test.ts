import { getFeedback, schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { analysedFeedback, get, post, type Session, signIn } from './helpers.ts';

describe('console sign-in, CSRF and roles', () => {
  let t: TestApp;
  let org: TestOrg;
  let viewer: Session;
  let staff: Session;
  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('auth-org');
    viewer = await signIn(t, org, 'viewer');
    staff = await signIn(t, org, 'staff');
  });
  afterAll(async () => {
    await t.close();
  });

  test('every console page redirects to the sign-in page without a session', async () => {
    for (const url of [
      '/console',
      '/console/feedback',
      '/console/cards',
      '/console/triage',
      '/console/review',
      '/console/themes',
      '/console/actions',
    ]) {
      const res = await get(t, null, url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/console/login?next=${encodeURIComponent(url)}`);
    }
  });

  test('a wrong password is refused with 401 and no session cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ org: org.slug, email: 'nobody@x.test', password: 'nope' }).toString(),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Email or password is not right');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('sign-in returns to the page asked for, never to another site', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        org: org.slug,
        email: 'x@y.test',
        password: 'bad',
        next: '//evil.test/',
      }).toString(),
    });
    expect(res.body).toContain('value="/console"');
    const page = await get(t, null, '/console/login?next=https://evil.test/');
    expect(page.body).toContain('name="next" value="/console"');
  });

  test('a POST without the CSRF token is rejected and changes nothing', async () => {
    const id = await analysedFeedback(t, org.id, { text: 'The lift was broken', needsTriage: true });
    const missing = await post(t, staff, `/console/triage/${id}/confirm`, {}, { csrf: false });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Form expired');
    const wrong = await post(t, staff, `/console/triage/${id}/confirm`, {}, { csrf: 'x'.repeat(staff.csrf.length) });
    expect(wrong.statusCode).toBe(403);
    expect((await getFeedback(t.database.db, org.id, id))?.needsTriage).toBe(true);
  });

  test('a viewer cannot correct themes (403 page) and the item stays as it was', async () => {
    const id = await analysedFeedback(t, org.id, {
      text: 'Long queue at the counter',
      themes: [{ key: 'waiting', confidence: 0.4 }],
      needsTriage: true,
    });
    const themes = await t.database.db.select().from(schema.themes).where(eq(schema.themes.orgId, org.id));
    const res = await post(t, viewer, `/console/feedback/${id}/themes`, { theme: themes[0]!.id });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Not allowed');
    const rows = await t.database.db
      .select()
      .from(schema.feedbackThemes)
      .where(eq(schema.feedbackThemes.feedbackId, id));
    expect(rows.map((r) => r.source)).toEqual(['rule']);
    expect((await getFeedback(t.database.db, org.id, id))?.needsTriage).toBe(true);
  });

  test('a viewer sees read-only pages: no correction, card or erase forms', async () => {
    const id = await analysedFeedback(t, org.id, { text: 'Friendly staff at the library' });
    const item = await get(t, viewer, `/console/feedback/${id}`);
    expect(item.statusCode).toBe(200);
    expect(item.body).not.toContain('Correct the themes');
    expect(item.body).not.toContain('Erase this feedback');
    expect((await get(t, viewer, '/console/cards')).statusCode).toBe(403);
  });

  test('sign-out ends the session', async () => {
    const session = await signIn(t, org, 'staff');
    const out = await post(t, session, '/console/logout');
    expect(out.statusCode).toBe(303);
    expect((await get(t, session, '/console')).statusCode).toBe(303);
  });

  test('an unknown console path is a 404 page', async () => {
    const res = await get(t, staff, '/console/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Not found');
  });
});
