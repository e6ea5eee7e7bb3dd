import { schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { follow, get, post, type Session, signIn } from './helpers.ts';

describe('console: newsletters', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let manager: Session;
  let staff: Session;

  const issues = (orgId: string) =>
    t.database.db.select().from(schema.newsletterIssues).where(eq(schema.newsletterIssues.orgId, orgId));

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('console-news');
    other = await t.createOrg('console-news-other');
    manager = await signIn(t, org, 'manager');
    staff = await signIn(t, org, 'staff');
  });
  afterAll(async () => {
    await t.close();
  });

  test('a manager creates a draft (title escaped), previews it in English and Welsh, and sends it', async () => {
    const created = await post(t, manager, '/console/newsletters', {
      title: 'Autumn <script>alert(1)</script>',
      periodStart: '01/01/2025',
      periodEnd: '31/03/2025',
      intro: 'Hello & welcome',
    });
    expect(created.statusCode).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    const page = await follow(t, manager, created);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Draft created');
    expect(page.body).toContain('Autumn &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('No entry was published in this period');
    // The email is shown in a sandboxed frame, its markup escaped into the attribute.
    expect(page.body).toMatch(/<iframe title="Email preview" sandbox="" srcdoc="&lt;!doctype html/i);
    const welsh = await get(t, manager, `/console/newsletters/${id}?lang=cy`);
    expect(welsh.body).toContain('Dyma beth rydym wedi');

    const [row] = await issues(org.id);
    expect(row).toMatchObject({
      title: 'Autumn <script>alert(1)</script>',
      periodStart: '2025-01-01',
      intro: 'Hello & welcome',
    });
    const sent = await post(t, manager, `/console/newsletters/${id}/send`);
    expect(sent.statusCode).toBe(303);
    expect((await follow(t, manager, sent)).body).toContain('Sending');
    expect((await issues(org.id))[0]?.state).toBe('sending');
  });

  test('a period ending before it starts is shown back on the form', async () => {
    const res = await post(t, manager, '/console/newsletters', {
      title: 'Backwards',
      periodStart: '01/03/2025',
      periodEnd: '01/01/2025',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('The period ends before it starts');
    expect(res.body).toContain('value="Backwards"');
  });

  test('a form without the CSRF token changes nothing', async () => {
    const before = (await issues(org.id)).length;
    const res = await post(t, manager, '/console/newsletters', { title: 'Forged' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect((await issues(org.id)).length).toBe(before);
  });

  test('staff without the publish permission cannot open or use the page', async () => {
    expect((await get(t, staff, '/console/newsletters')).statusCode).toBe(403);
    expect((await post(t, staff, '/console/newsletters', { title: 'Nope' })).statusCode).toBe(403);
  });

  test("another organisation's issue is not found, and the schedule is saved", async () => {
    const theirs = await signIn(t, other, 'manager');
    const [mine] = await issues(org.id);
    expect((await get(t, theirs, `/console/newsletters/${mine!.id}`)).statusCode).toBe(404);
    expect((await post(t, theirs, `/console/newsletters/${mine!.id}/delete`)).statusCode).toBe(404);
    const saved = await post(t, manager, '/console/newsletters/schedule', { frequency: 'monthly', dayOfMonth: '3' });
    expect((await follow(t, manager, saved)).body).toContain('monthly from day 3');
    const [orgRow] = await t.database.db.select().from(schema.organisations).where(eq(schema.organisations.id, org.id));
    expect(orgRow?.settings.newsletter).toEqual({ frequency: 'monthly', dayOfMonth: 3 });
  });
});
