import { queryRows } from '@closeloop/db';
import { t as say } from '@closeloop/publishing';
import { notifyContributors, startWorker, type WorkerDeps } from '@closeloop/worker';
import { sql } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from './harness/app.ts';
import { rawHeader, startSmtp } from './harness/smtp.ts';

const TEXTS = [
  'The library closes far too early on Saturdays, I can never get there before it shuts at 1pm.',
  'Please open the library later on Saturdays, 1pm closing is no good for working people.',
  'Saturday opening hours at the library are too short, my children cannot use it at weekends.',
  'Why does the central library shut at lunchtime on a Saturday? Longer opening hours please.',
  'I work all week and the library is only open on Saturday mornings. The opening hours need to change.',
  'Library opening hours on Saturday are far too short. Please stay open into the afternoon.',
  'The library should open until 5pm on Saturdays, the current hours are useless for families.',
  'Could the library stay open longer on Saturdays? It closes before I finish work.',
  'Saturday library hours are too short; we arrive at 1pm and the doors are already locked.',
  'Opening hours at the library on Saturdays are not long enough for students.',
  'The library closing at 1pm on Saturday means I cannot return my books. Longer hours please.',
  'Please extend the library opening hours on Saturday afternoons.',
  'My kids love the library but Saturday opening hours are too short for us to visit.',
  'The library hours at weekends are poor, it shuts early on Saturday.',
  'Library should be open on Saturday afternoon, the opening hours are too limited.',
  'Saturday closing time at the library is far too early, please open longer.',
  'Longer library opening hours on Saturdays would help everyone who works in the week.',
  'The library is closed by the time I get there on Saturday; opening hours are too short.',
  'I would use the library more if it stayed open later on Saturdays.',
  'Saturday opening at the library ends too early. Please review the opening hours.',
];

describe('closing the loop end to end: 20 voices → suggestion → done → published → 5 emails, 1 call', () => {
  let t: TestApp;
  let org: TestOrg;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let workerDeps: WorkerDeps;
  const auth = () => ({ authorization: `Bearer ${org.apiKey}` });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await withApp({ publicUrl: 'http://closeloop.test' });
    org = await t.createOrg('riverside');
    workerDeps = {
      ...t.deps,
      config: { ...(t.deps.config as WorkerDeps['config']), SMTP_URL: smtp.url },
    };
    await startWorker(workerDeps);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  test('every consenting contributor hears back once, in their language, with a working opt-out', async () => {
    // 1. Twenty people tell us about the library's Saturday hours: 5 want to hear back (2 in Welsh), 1 by phone only.
    const ids: string[] = [];
    for (const [i, text] of TEXTS.entries()) {
      const contact =
        i < 5
          ? {
              name: `Person ${i}`,
              email: `person${i}@example.org`,
              language: i < 2 ? ('cy' as const) : ('en' as const),
              consentContact: true,
              consentOutcome: true,
            }
          : i === 5
            ? { name: 'Phone Only', phone: '07700 900123', consentContact: true, consentOutcome: true }
            : i === 6
              ? { email: 'no-consent@example.org', consentContact: true, consentOutcome: false }
              : undefined;
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/feedback',
        headers: auth(),
        payload: { channel: 'widget', text, ...(contact ? { contact } : {}) },
      });
      expect(res.statusCode, res.body).toBe(202);
      ids.push((res.json() as { id: string }).id);
    }

    // 2. The worker analyses them all onto one theme.
    const themeKey = await eventually(async () => {
      const rows = await queryRows<{ key: string; n: number }>(
        t.database.db,
        sql`select t.key, count(distinct ft.feedback_id)::int as n from feedback_themes ft join themes t on t.id = ft.theme_id
            where ft.org_id = ${org.id} group by t.key order by n desc limit 1`,
      );
      const analysed = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from feedback where org_id = ${org.id} and status = 'analysed'`,
      );
      return analysed[0]?.n === 20 && rows[0]?.n === 20 ? rows[0].key : null;
    }, 60_000);

    // 3. An action on that theme; the worker suggests the matching feedback; staff accept every suggestion.
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: auth(),
      payload: {
        title: 'Open the library until 5pm on Saturdays',
        description: 'Longer Saturday opening hours at the library, into the afternoon.',
        status: 'planned',
        themeKeys: [themeKey],
        publicStatement: 'From June the library stays open until 5pm on Saturdays.',
        publicStatementCy: 'O fis Mehefin bydd y llyfrgell ar agor tan 5pm ar ddydd Sadwrn.',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const actionId = (created.json() as { id: string }).id;
    const suggestions = await eventually(async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/suggestions?actionId=${actionId}`, headers: auth() });
      const items = (res.json() as { items: { id: string; feedbackId: string; score: number }[] }).items;
      return items.length === 20 ? items : null;
    }, 30_000);
    expect(new Set(suggestions.map((s) => s.feedbackId))).toEqual(new Set(ids));
    for (const s of suggestions) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/suggestions/${s.id}/accept`, headers: auth() });
      expect(res.statusCode, res.body).toBe(200);
    }
    const links = await t.app.inject({ method: 'GET', url: `/v1/actions/${actionId}/feedback`, headers: auth() });
    const linkItems = (links.json() as { items: { via: string; linkedBy: { type: string } }[] }).items;
    expect(linkItems).toHaveLength(20);
    expect(linkItems.every((l) => l.via === 'suggestion' && l.linkedBy.type === 'api_key')).toBe(true);

    // 4. Done, then a publication approved and published.
    for (const status of ['in_progress', 'done']) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/v1/actions/${actionId}`,
        headers: auth(),
        payload: { status },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const today = new Date().toISOString().slice(0, 10);
    const draft = await t.app.inject({
      method: 'POST',
      url: '/v1/publications',
      headers: auth(),
      payload: {
        themeKey,
        periodStart: '2026-01-01',
        periodEnd: today,
        summary: 'You told us the library closes too early on Saturdays.',
        summaryCy: 'Dywedoch wrthym fod y llyfrgell yn cau yn rhy gynnar ar ddydd Sadwrn.',
        actionIds: [actionId],
      },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const pubId = (draft.json() as { id: string }).id;
    for (const step of ['approve', 'publish']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/publications/${pubId}/${step}`, headers: auth() });
      expect(res.statusCode, res.body).toBe(200);
    }
    const board = await t.app.inject({ method: 'GET', url: '/riverside/you-said-we-did' });
    expect(board.body).toContain('You told us the library closes too early on Saturdays.');
    expect(board.body).toContain('From June the library stays open until 5pm on Saturdays.');

    // 5. Exactly five emails arrive; the Welsh speakers' are in Welsh.
    await eventually(async () => smtp.messages.length >= 5, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(5);
    const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
    expect(new Set(smtp.messages.map(to))).toEqual(new Set([0, 1, 2, 3, 4].map((i) => `person${i}@example.org`)));
    for (const mail of smtp.messages) {
      const welsh = to(mail) === 'person0@example.org' || to(mail) === 'person1@example.org';
      const lang = welsh ? 'cy' : 'en';
      expect(mail.subject).toContain(say(lang, 'notifySubject'));
      expect(mail.text).toContain(welsh ? 'O fis Mehefin bydd y llyfrgell' : 'From June the library stays open');
      expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    }

    // 6. Every unsubscribe link works: one-click POST opts the contributor out.
    for (const mail of smtp.messages) {
      const header = rawHeader(mail, 'list-unsubscribe');
      const url = new URL(/<([^>]+)>/.exec(header)?.[1] ?? '');
      expect(mail.text).toContain(url.href);
      const res = await t.app.inject({
        method: 'POST',
        url: `${url.pathname}${url.search}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const optedOut = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contacts where org_id = ${org.id} and opted_out_at is not null`,
    );
    expect(optedOut[0]?.n).toBe(5);

    // 7. The phone-only contributor is on the call list.
    const csv = await t.app.inject({ method: 'GET', url: `/v1/actions/${actionId}/call-list.csv`, headers: auth() });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('07700 900123');
    expect(lines[1]).toContain('Phone Only');

    // 8. Running the notify job again sends nothing.
    const again = await notifyContributors(
      {
        ...workerDeps,
        mailer: { send: async () => expect.fail('no email may be sent twice') },
        publicUrl: 'http://closeloop.test',
      },
      org.id,
      actionId,
    );
    expect(again).toEqual({ emailed: 0, failed: 0, forStaff: 0 });
    await t.queue.enqueue('notify', { orgId: org.id, actionId }, { jobId: `notify-${actionId}-again` });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.messages).toHaveLength(5);
    const states = await queryRows<{ medium: string; state: string; n: number }>(
      t.database.db,
      sql`select medium, state, count(*)::int as n from notifications where action_id = ${actionId} group by 1, 2 order by 1, 2`,
    );
    expect(states).toEqual([
      { medium: 'email', state: 'sent', n: 5 },
      { medium: 'phone', state: 'ready', n: 1 },
    ]);
  }, 180_000);
});
