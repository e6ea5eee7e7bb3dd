import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '@closeloop/api';
import { createMailer, unsubscribeToken } from '@closeloop/core';
import { queryRows, schema } from '@closeloop/db';
import { t as say } from '@closeloop/publishing';
import {
  type NewsletterDeps,
  runNewsletterSchedule,
  sendNewsletterIssue,
  startWorker,
  type WorkerDeps,
} from '@closeloop/worker';
import { eq, sql } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSubscriptionService } from '../services/publisher/src/subscribe/service.ts';
import { eventually, type TestApp, type TestOrg, withApp } from './harness/app.ts';
import { rawHeader, recipientsOf, startSmtp, type TestSmtp } from './harness/smtp.ts';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = isoDay(Date.now());
const PUBLIC_URL = 'http://closeloop.test';

/**
 * The app (API, console, public pages) and a worker whose mail goes to a real SMTP server in this process,
 * plus the worker's newsletter dependencies with a second sender on that server, for runs outside the queue.
 */
async function startNewsletterWorld() {
  const smtp = await startSmtp();
  const t = await withApp({ publicUrl: PUBLIC_URL });
  const workerDeps: WorkerDeps = {
    ...t.deps,
    config: { ...(t.deps.config as WorkerDeps['config']), SMTP_URL: smtp.url, PUBLIC_URL },
  };
  await startWorker(workerDeps);
  const mailer = createMailer({
    smtpUrl: smtp.url,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'closeloop-news-')),
    from: 'closeloop <no-reply@closeloop.test>',
  });
  const deps: NewsletterDeps = { ...workerDeps, mailer, publicUrl: PUBLIC_URL };
  return {
    t,
    smtp,
    deps,
    async close() {
      mailer.close();
      await t.close();
      await smtp.close();
    },
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function callAs(t: TestApp, o: TestOrg, method: Method, url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${o.apiKey}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** An action and its You said – We did entry (summary `You told us about MARKER`), approved and published through the API. */
async function publish(t: TestApp, o: TestOrg, themeKey: string, marker: string, extra: Record<string, unknown> = {}) {
  const action = await callAs(t, o, 'POST', '/v1/actions', {
    title: `Action ${marker}`,
    status: 'done',
    themeKeys: [themeKey],
    publicStatement: `We changed ${marker}`,
  });
  expect(action.statusCode, action.body).toBe(201);
  const created = await callAs(t, o, 'POST', '/v1/publications', {
    themeKey,
    periodStart: isoDay(Date.now() - 30 * DAY),
    periodEnd: today,
    summary: `You told us about ${marker}`,
    actionIds: [(action.json() as { id: string }).id],
    ...extra,
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = (created.json() as { id: string }).id;
  for (const step of ['approve', 'publish']) {
    const res = await callAs(t, o, 'POST', `/v1/publications/${id}/${step}`);
    expect(res.statusCode, res.body).toBe(200);
  }
  return id;
}

interface Issue {
  id: string;
  state: string;
  title: string;
  periodStart: string;
  periodEnd: string;
  recipientCount: number;
  scheduledFor: string | null;
  error: string | null;
}

describe('newsletters: staff draft, preview and send; the worker mails confirmed subscribers their topics', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let org: TestOrg;
  let other: TestOrg;
  let deps: NewsletterDeps;
  let world: Awaited<ReturnType<typeof startNewsletterWorld>>;
  const subscriptions = () => createSubscriptionService({ db: t.database.db, sealer: t.sealer });
  const as = (o: TestOrg) => ({ authorization: `Bearer ${o.apiKey}` });
  const themes: { library: string; parks: string; hidden: string } = { library: '', parks: '', hidden: '' };

  const call = (o: TestOrg, method: Method, url: string, payload?: unknown) => callAs(t, o, method, url, payload);
  const publishEntry = (o: TestOrg, themeKey: string, marker: string, extra: Record<string, unknown> = {}) =>
    publish(t, o, themeKey, marker, extra);

  async function subscribe(
    o: TestOrg,
    email: string,
    language: 'en' | 'cy',
    topics: string[],
    state: 'confirmed' | 'pending' | 'unsubscribed',
  ) {
    const { subscriberId, confirmToken } = await subscriptions().subscribe(o.id, { email, language, topics });
    if (state !== 'pending') expect(await subscriptions().confirm(o.id, confirmToken!)).not.toBeNull();
    if (state === 'unsubscribed') {
      expect(await subscriptions().unsubscribe(o.id, unsubscribeToken(t.sealer, subscriberId))).toBe(true);
    }
    return subscriberId;
  }

  const mailsTo = (address: string, subject?: string) =>
    smtp.messages.filter((m) => recipientsOf(m).includes(address) && (subject === undefined || m.subject === subject));

  async function sendAndWait(o: TestOrg, id: string): Promise<Issue> {
    const res = await call(o, 'POST', `/v1/newsletters/${id}/send`);
    expect(res.statusCode, res.body).toBe(202);
    expect((res.json() as Issue).state).toBe('sending');
    return eventually(async () => {
      const issue = (await call(o, 'GET', `/v1/newsletters/${id}`)).json() as Issue;
      return issue.state === 'sent' || issue.state === 'failed' ? issue : null;
    }, 30_000);
  }

  async function draft(o: TestOrg, body: Record<string, unknown>): Promise<Issue> {
    const res = await call(o, 'POST', '/v1/newsletters', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Issue;
  }

  beforeAll(async () => {
    world = await startNewsletterWorld();
    ({ t, smtp, deps } = world);
    org = await t.createOrg('letters');
    other = await t.createOrg('other-letters');
    const [parks, hidden] = await queryRows<{ key: string }>(
      t.database.db,
      sql`select key from themes where org_id = ${org.id} and parent_id is not null
            and key not like 'facilities%' order by key limit 2`,
    );
    Object.assign(themes, { library: 'facilities.library', parks: parks!.key, hidden: hidden!.key });
    await publishEntry(org, themes.library, 'LIBRARY-HOURS', { summaryCy: 'Dywedoch wrthym am LLYFRGELL-ORIAU' });
    await publishEntry(org, themes.parks, 'PARK-BENCHES');
    // Published, then taken off the board: it must not go out.
    const withdrawn = await publishEntry(org, themes.hidden, 'WITHDRAWN-ENTRY');
    expect((await call(org, 'POST', `/v1/publications/${withdrawn}/unpublish`)).statusCode).toBe(200);
    await publishEntry(other, themes.library, 'OTHER-ORG-ENTRY');

    await subscribe(org, 'everything@example.org', 'en', [], 'confirmed');
    await subscribe(org, 'cymraeg@example.org', 'cy', [], 'confirmed');
    await subscribe(org, 'library-only@example.org', 'en', ['facilities'], 'confirmed');
    await subscribe(org, 'unmatched@example.org', 'en', [themes.hidden], 'confirmed');
    await subscribe(org, 'pending@example.org', 'en', [], 'pending');
    await subscribe(org, 'gone@example.org', 'en', [], 'unsubscribed');
    await subscribe(other, 'neighbour@example.org', 'en', [], 'confirmed');
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  let first: Issue;

  test('a draft defaults to the last month and previews only the published entries of its period, in English and Welsh', async () => {
    first = await draft(org, { title: 'Spring update', titleCy: 'Diweddariad y gwanwyn', intro: 'INTRO-EN' });
    expect(first.state).toBe('draft');
    expect(first.periodEnd).toBe(today);
    const monthAgo = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${first.periodStart}T00:00:00Z`);
    expect(monthAgo).toBeGreaterThanOrEqual(28 * DAY);
    expect(monthAgo).toBeLessThanOrEqual(31 * DAY);

    const res = await call(org, 'GET', `/v1/newsletters/${first.id}`);
    expect(res.statusCode).toBe(200);
    const { preview } = res.json() as {
      preview: {
        entries: { themeKey: string }[];
        en: { html: string; text: string };
        cy: { subject: string; text: string };
      };
    };
    expect(preview.entries.map((e) => e.themeKey).sort()).toEqual([themes.library, themes.parks].sort());
    expect(preview.en.text).toContain('INTRO-EN');
    expect(preview.en.text).toContain('PARK-BENCHES');
    expect(preview.en.html).toContain('LIBRARY-HOURS');
    expect(preview.cy.subject).toBe('Diweddariad y gwanwyn');
    expect(preview.cy.text).toContain(say('cy', 'youSaid'));
    expect(preview.cy.text).toContain('LLYFRGELL-ORIAU');
    for (const part of [preview.en.html, preview.en.text, preview.cy.text]) {
      expect(part).not.toContain('WITHDRAWN-ENTRY');
      expect(part).not.toContain('OTHER-ORG-ENTRY');
    }
  });

  test('sending mails each confirmed subscriber with entries once, in their language, with only their topics', async () => {
    const sent = await sendAndWait(org, first.id);
    expect(sent.state, sent.error ?? '').toBe('sent');
    expect(sent.recipientCount).toBe(3);
    const all = smtp.messages.filter((m) => m.subject === 'Spring update' || m.subject === 'Diweddariad y gwanwyn');
    expect(all.flatMap(recipientsOf).sort()).toEqual(
      ['cymraeg@example.org', 'everything@example.org', 'library-only@example.org'].sort(),
    );
    const [english] = mailsTo('everything@example.org');
    expect(english!.subject).toBe('Spring update');
    expect(english!.text).toContain('LIBRARY-HOURS');
    expect(english!.text).toContain('PARK-BENCHES');
    const [welsh] = mailsTo('cymraeg@example.org');
    expect(welsh!.subject).toBe('Diweddariad y gwanwyn');
    expect(welsh!.text).toContain(say('cy', 'weDid'));
    expect(welsh!.text).toContain('LLYFRGELL-ORIAU');
    expect(welsh!.text).not.toContain(say('en', 'youSaid'));
    const [topical] = mailsTo('library-only@example.org');
    expect(topical!.text).toContain('LIBRARY-HOURS');
    expect(topical!.text).not.toContain('PARK-BENCHES');
    for (const mail of all) {
      expect(mail.text).not.toContain('WITHDRAWN-ENTRY');
      expect(mail.html || '').not.toContain('WITHDRAWN-ENTRY');
    }
    // The neighbouring organisation's subscriber, the unconfirmed, the unsubscribed and the unmatched get nothing.
    for (const address of ['neighbour@', 'pending@', 'gone@', 'unmatched@']) {
      expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(address))).toHaveLength(0);
    }
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_type = 'newsletter_issue' and entity_id = ${first.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['newsletter.created', 'newsletter.send_requested', 'newsletter.sent']);
  }, 60_000);

  test('a sent issue cannot be sent again or deleted', async () => {
    const again = await call(org, 'POST', `/v1/newsletters/${first.id}/send`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'newsletter_already_sent' });
    const removed = await call(org, 'DELETE', `/v1/newsletters/${first.id}`);
    expect(removed.statusCode).toBe(409);
    expect(removed.json()).toMatchObject({ code: 'newsletter_not_draft' });
  });

  test('a duplicated or retried job sends nobody a second copy', async () => {
    const issue = await draft(org, { title: 'Duplicate test', periodStart: first.periodStart, periodEnd: today });
    // The queued job and two more runs of the same send at once.
    const res = await call(org, 'POST', `/v1/newsletters/${issue.id}/send`);
    expect(res.statusCode).toBe(202);
    await Promise.all([sendNewsletterIssue(deps, org.id, issue.id), sendNewsletterIssue(deps, org.id, issue.id)]);
    await eventually(
      async () => ((await call(org, 'GET', `/v1/newsletters/${issue.id}`)).json() as Issue).state === 'sent',
    );
    // A retry after a crash before the issue was marked sent: it runs again from the start.
    await t.database.db
      .update(schema.newsletterIssues)
      .set({ state: 'sending' })
      .where(eq(schema.newsletterIssues.id, issue.id));
    await t.queue.enqueue('newsletter', { orgId: org.id, issueId: issue.id }, { jobId: `retry-${issue.id}` });
    await eventually(
      async () => ((await call(org, 'GET', `/v1/newsletters/${issue.id}`)).json() as Issue).state === 'sent',
    );
    await new Promise((r) => setTimeout(r, 300));
    const copies = smtp.messages.filter((m) => m.subject === 'Duplicate test');
    expect(copies.flatMap(recipientsOf).sort()).toEqual(
      ['cymraeg@example.org', 'everything@example.org', 'library-only@example.org'].sort(),
    );
  }, 60_000);

  test('a failed email leaves the issue failed with the error; sending again mails only those who missed it', async () => {
    const issue = await draft(org, { title: 'Flaky', periodStart: first.periodStart, periodEnd: today });
    // Marked sending without a queued job, then run once as the job's last try with a mailbox that refuses.
    await t.database.db
      .update(schema.newsletterIssues)
      .set({ state: 'sending', sendRequestedAt: new Date() })
      .where(eq(schema.newsletterIssues.id, issue.id));
    const refusing: NewsletterDeps = {
      ...deps,
      mailer: {
        send: async (message) => {
          if (message.to === 'cymraeg@example.org') throw new Error('mailbox full');
          return deps.mailer.send(message);
        },
      },
    };
    const run = await sendNewsletterIssue(refusing, org.id, issue.id, { finalAttempt: true });
    expect(run).toEqual({ state: 'failed', emailed: 2, failed: 1 });
    const failed = (await call(org, 'GET', `/v1/newsletters/${issue.id}`)).json() as Issue;
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('mailbox full');
    expect(failed.recipientCount).toBe(2);

    const resent = await sendAndWait(org, issue.id);
    expect(resent.state).toBe('sent');
    expect(resent.recipientCount).toBe(3);
    expect(resent.error).toBeNull();
    const copies = smtp.messages.filter((m) => m.subject === 'Flaky');
    expect(copies.flatMap(recipientsOf).sort()).toEqual(
      ['cymraeg@example.org', 'everything@example.org', 'library-only@example.org'].sort(),
    );
  }, 60_000);

  test('the default period of the next issue starts the day after the last sent issue', async () => {
    const tomorrow = isoDay(Date.parse(`${today}T00:00:00Z`) + DAY);
    const next = await draft(org, { title: 'Next', periodEnd: tomorrow });
    expect(next.periodStart).toBe(tomorrow);
    const preview = (await call(org, 'GET', `/v1/newsletters/${next.id}`)).json() as {
      preview: { entries: unknown[] };
    };
    expect(preview.preview.entries).toEqual([]);
    expect((await call(org, 'DELETE', `/v1/newsletters/${next.id}`)).statusCode).toBe(204);
    expect((await call(org, 'GET', `/v1/newsletters/${next.id}`)).statusCode).toBe(404);
  });

  test("another organisation's issues answer 404 and stay as they were", async () => {
    const mine = await draft(org, { title: 'Private draft' });
    for (const [method, url] of [
      ['GET', `/v1/newsletters/${mine.id}`],
      ['POST', `/v1/newsletters/${mine.id}/send`],
      ['DELETE', `/v1/newsletters/${mine.id}`],
    ] as const) {
      const res = await call(other, method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'newsletter_not_found' });
    }
    const theirs = (await call(other, 'GET', '/v1/newsletters')).json() as { items: Issue[] };
    expect(theirs.items.map((i) => i.id)).not.toContain(mine.id);
    expect(((await call(org, 'GET', `/v1/newsletters/${mine.id}`)).json() as Issue).state).toBe('draft');
  });

  test('bad input is refused with problem+json and a stable code', async () => {
    const unknown = await call(org, 'POST', '/v1/newsletters', { title: 'x', sendTo: 'everyone' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'validation_failed' });
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/newsletters',
      headers: { ...as(org), 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'malformed_json' });
    const backwards = await call(org, 'POST', '/v1/newsletters', {
      title: 'x',
      periodStart: '2025-02-01',
      periodEnd: '2025-01-01',
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json()).toMatchObject({ code: 'validation_failed' });
    for (const body of [{}, { title: '' }, { title: 'x'.repeat(201) }, { title: 'x', periodEnd: 'yesterday' }]) {
      const res = await call(org, 'POST', '/v1/newsletters', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
    }
    expect((await call(org, 'GET', '/v1/newsletters/not-a-uuid')).statusCode).toBe(422);
    const schedule = await call(org, 'PUT', '/v1/newsletter-schedule', { frequency: 'weekly', dayOfMonth: 31 });
    expect(schedule.statusCode).toBe(422);
  });

  test('sending needs the publish permission (the admin scope for API keys)', async () => {
    const { key } = await createApiKey(t.database.db, { orgId: org.id, name: 'writer', scopes: ['actions:write'] });
    const writer = { ...org, apiKey: key };
    const issue = await draft(writer, { title: 'Writer draft' });
    const res = await call(writer, 'POST', `/v1/newsletters/${issue.id}/send`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'publish_permission_required' });
    expect(((await call(org, 'GET', `/v1/newsletters/${issue.id}`)).json() as Issue).state).toBe('draft');
  });

  test('the unsubscribe link in a newsletter is personal and unsubscribes with one click', async () => {
    const [mail] = mailsTo('everything@example.org', 'Spring update') as [ParsedMail];
    const link = /http:\/\/closeloop\.test\/letters\/unsubscribe\?token=[^\s"<>]+/.exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(rawHeader(mail, 'list-unsubscribe')).toBe(`<${link}>`);
    const [welsh] = mailsTo('cymraeg@example.org') as [ParsedMail];
    expect(welsh.text).not.toContain(link);
    const url = new URL(link!);
    const res = await t.app.inject({
      method: 'POST',
      url: url.pathname + url.search,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    const [row] = await t.database.db
      .select()
      .from(schema.subscribers)
      .where(eq(schema.subscribers.emailHash, t.sealer.lookupHash('everything@example.org')));
    expect(row?.state).toBe('unsubscribed');
  });
});

describe('the monthly newsletter schedule', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let org: TestOrg;
  let deps: NewsletterDeps;
  let world: Awaited<ReturnType<typeof startNewsletterWorld>>;
  const as = (o: TestOrg) => ({ authorization: `Bearer ${o.apiKey}` });
  const now = new Date();
  // 09:00 UTC on the first of next month, and of the month after.
  const firstOfNext = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 9));
  const firstOfAfter = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1, 9));
  const at = (date: Date) => ({ ...deps, clock: () => date });

  const setSchedule = (dayOfMonth: number, frequency = 'monthly') =>
    t.app.inject({
      method: 'PUT',
      url: '/v1/newsletter-schedule',
      headers: as(org),
      payload: { frequency, dayOfMonth },
    });

  beforeAll(async () => {
    world = await startNewsletterWorld();
    ({ t, smtp, deps } = world);
    org = await t.createOrg('scheduled');
    const subs = createSubscriptionService({ db: t.database.db, sealer: t.sealer });
    const { confirmToken } = await subs.subscribe(org.id, { email: 'monthly@example.org', language: 'en', topics: [] });
    await subs.confirm(org.id, confirmToken!);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('is off by default, and staff with the publish permission set it', async () => {
    const initial = await t.app.inject({ method: 'GET', url: '/v1/newsletter-schedule', headers: as(org) });
    expect(initial.json()).toEqual({ frequency: 'off', dayOfMonth: 1 });
    const set = await setSchedule(2);
    expect(set.statusCode, set.body).toBe(200);
    const read = await t.app.inject({ method: 'GET', url: '/v1/newsletter-schedule', headers: as(org) });
    expect(read.json()).toEqual({ frequency: 'monthly', dayOfMonth: 2 });
  });

  test('makes and sends an issue only on or after its day, and only when something new was published', async () => {
    expect(await runNewsletterSchedule(at(firstOfNext))).toEqual([]); // the 1st, before day 2
    expect((await setSchedule(1)).statusCode).toBe(200);
    expect(await runNewsletterSchedule(at(firstOfNext))).toEqual([]); // due, but nothing published
    const [theme] = await queryRows<{ key: string }>(
      t.database.db,
      sql`select key from themes where org_id = ${org.id} and parent_id is not null order by key limit 1`,
    );
    await publish(t, org, theme!.key, 'SCHEDULED-ENTRY');

    const made = await runNewsletterSchedule(at(firstOfNext));
    expect(made).toHaveLength(1);
    const issue = await eventually(async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/newsletters/${made[0]}`, headers: as(org) });
      const body = res.json() as Issue;
      return body.state === 'sent' ? body : null;
    }, 30_000);
    expect(issue.scheduledFor).toBe(isoDay(firstOfNext.getTime()));
    expect(issue.periodEnd).toBe(isoDay(firstOfNext.getTime() - DAY));
    expect(issue.title).toMatch(/^You said, we did: /);
    expect(issue.recipientCount).toBe(1);
    const mail = await eventually(async () =>
      smtp.messages.find((m) => recipientsOf(m).includes('monthly@example.org')),
    );
    expect(mail.text).toContain('SCHEDULED-ENTRY');

    // The same month again: already made. Next month: nothing new since the issue.
    expect(await runNewsletterSchedule(at(firstOfNext))).toEqual([]);
    expect(await runNewsletterSchedule(at(firstOfAfter))).toEqual([]);
    expect((await setSchedule(1, 'off')).statusCode).toBe(200);
  }, 60_000);
});
