import { createApiKey } from '@closeloop/api';
import { createPublicationService } from '@closeloop/core';
import {
  findThemesByKeys,
  hashPassword,
  insertFeedback,
  insertStaffUser,
  queryRows,
  saveAnalysis,
  uuidv7,
} from '@closeloop/db';
import type { StaffRole } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const periodStart = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);

describe('publication workflow: who may approve and publish, k-anonymity, quotes, versions', () => {
  let t: TestApp;
  let org: TestOrg;
  let writerKey: string;
  let secondAdminKey: string;
  let actionId: string;
  let smallThemeKey: string;
  const bigThemeKey = 'facilities.library';
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  /** Analysed feedback on one theme, straight into the database (analysis itself is tested elsewhere). */
  async function seedFeedback(themeKey: string, items: { channel: string; text: string }[]) {
    const [theme] = await findThemesByKeys(t.database.db, org.id, [themeKey]);
    for (const [i, item] of items.entries()) {
      const receivedAt = new Date(Date.now() - (i + 1) * 3_600_000);
      const id = uuidv7(receivedAt.getTime());
      await insertFeedback(t.database.db, { id, orgId: org.id, channel: item.channel, text: item.text, receivedAt });
      await saveAnalysis(t.database.db, {
        orgId: org.id,
        feedbackId: id,
        language: 'en',
        redactedText: item.text,
        sentimentScore: -0.5,
        sentimentClass: 'negative',
        needsTriage: false,
        themes: [{ themeId: theme!.id, confidence: 0.9, source: 'rule', terms: [] }],
      });
    }
  }

  async function draft(themeKey: string, key = org.apiKey, extra: Record<string, unknown> = {}) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/publications',
      headers: as(key),
      payload: {
        themeKey,
        periodStart,
        periodEnd: today,
        summary: `You told us about ${themeKey}.`,
        actionIds: [actionId],
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; youSaidId: string; version: number };
  }

  const step = (id: string, name: string, key = org.apiKey) =>
    t.app.inject({ method: 'POST', url: `/v1/publications/${id}/${name}`, headers: as(key) });

  async function staff(role: StaffRole) {
    return insertStaffUser(t.database.db, {
      orgId: org.id,
      email: `${role}-${Math.random().toString(36).slice(2)}@example.org`,
      name: role,
      role,
      passwordHash: hashPassword('pw-unused-here'),
    });
  }

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('workflow');
    writerKey = (
      await createApiKey(t.database.db, {
        orgId: org.id,
        name: 'writer',
        scopes: ['actions:read', 'actions:write'],
      })
    ).key;
    secondAdminKey = (await createApiKey(t.database.db, { orgId: org.id, name: 'admin 2', scopes: ['admin'] })).key;
    const library = [
      ...Array.from({ length: 9 }, (_, i) => ({
        channel: 'widget',
        text: `The library closes too early on Saturdays, visit ${i}: please open the library longer in the afternoon.`,
      })),
      { channel: 'email', text: 'Library Saturday hours are too short for families who work all week long.' },
      { channel: 'email', text: 'Please keep the library open later on Saturday, it shuts before we arrive.' },
      { channel: 'phone', text: 'Caller said the library Saturday opening hours are far too short for them.' },
    ];
    await seedFeedback(bigThemeKey, library);
    const [small] = await queryRows<{ key: string }>(
      t.database.db,
      sql`select key from themes where org_id = ${org.id} and key <> ${bigThemeKey} and parent_id is not null order by key limit 1`,
    );
    smallThemeKey = small!.key;
    await seedFeedback(
      smallThemeKey,
      Array.from({ length: 3 }, (_, i) => ({ channel: 'widget', text: `A rare concern number ${i} about this.` })),
    );
    const action = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: as(org.apiKey),
      payload: { title: 'Open the library until 5pm on Saturdays', status: 'done', themeKeys: [bigThemeKey] },
    });
    actionId = (action.json() as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  test('a key without the publish permission gets 403 for approve and publish, and nothing reaches the board', async () => {
    const pub = await draft(bigThemeKey);
    const before = await t.app.inject({ method: 'GET', url: '/workflow/you-said-we-did' });
    const approve = await step(pub.id, 'approve', writerKey);
    expect(approve.statusCode).toBe(403);
    expect((approve.json() as { code: string }).code).toBe('publish_permission_required');
    expect((await step(pub.id, 'approve')).statusCode).toBe(200);
    const publish = await step(pub.id, 'publish', writerKey);
    expect(publish.statusCode).toBe(403);
    expect((publish.json() as { code: string }).code).toBe('publish_permission_required');
    const after = await t.app.inject({ method: 'GET', url: '/workflow/you-said-we-did' });
    expect(after.body).toBe(before.body);
    const state = await t.app.inject({ method: 'GET', url: `/v1/publications/${pub.id}`, headers: as(org.apiKey) });
    expect((state.json() as { state: string }).state).toBe('approved');
  });

  test('staff approve only with a role that carries `publish` (manager yes, staff no)', async () => {
    const service = createPublicationService({});
    const pub = await draft(bigThemeKey);
    const clerk = await staff('staff');
    const manager = await staff('manager');
    // The caller's claim does not count for staff: the role stored in the database does.
    await expect(
      service.approve(t.database.db, org.id, pub.id, { type: 'staff', id: clerk.id, canPublish: true }),
    ).rejects.toMatchObject({ status: 403, code: 'publish_permission_required' });
    const approved = await service.approve(t.database.db, org.id, pub.id, {
      type: 'staff',
      id: manager.id,
      canPublish: false,
    });
    expect(approved.state).toBe('approved');
    expect(approved.approvedBy).toBe(manager.id);
  });

  test('with requireDistinctApprover the author (key or staff user) cannot approve; someone else can', async () => {
    await queryRows(
      t.database.db,
      sql`update organisations set settings = settings || '{"requireDistinctApprover": true}'::jsonb where id = ${org.id}`,
    );
    try {
      const pub = await draft(bigThemeKey);
      const own = await step(pub.id, 'approve');
      expect(own.statusCode).toBe(403);
      expect((own.json() as { code: string }).code).toBe('approver_is_author');
      expect((await step(pub.id, 'approve', secondAdminKey)).statusCode).toBe(200);

      const service = createPublicationService({});
      const author = await staff('manager');
      const other = await staff('admin');
      const staffPub = await service.create(
        t.database.db,
        org.id,
        { themeKey: bigThemeKey, periodStart, periodEnd: today, summary: 'Staff draft', actionIds: [actionId] },
        { type: 'staff', id: author.id, canPublish: true },
      );
      await expect(
        service.approve(t.database.db, org.id, staffPub.id, { type: 'staff', id: author.id, canPublish: true }),
      ).rejects.toMatchObject({ status: 403, code: 'approver_is_author' });
      const ok = await service.approve(t.database.db, org.id, staffPub.id, {
        type: 'staff',
        id: other.id,
        canPublish: true,
      });
      expect(ok.state).toBe('approved');
    } finally {
      await queryRows(
        t.database.db,
        sql`update organisations set settings = settings - 'requireDistinctApprover' where id = ${org.id}`,
      );
    }
  });

  test('a count below k shows as "fewer than k" on the board and in the API', async () => {
    const pub = await draft(smallThemeKey, org.apiKey, { summary: 'A rare concern.' });
    const entry = await t.app.inject({ method: 'GET', url: `/v1/you-said/${pub.youSaidId}`, headers: as(org.apiKey) });
    expect(entry.json()).toMatchObject({ count: null, fewerThan: 5, channelMix: [], groupMix: [] });
    expect((await step(pub.id, 'approve')).statusCode).toBe(200);
    const published = await step(pub.id, 'publish');
    const snapshot = (published.json() as { snapshot: { youSaid: Record<string, unknown> } }).snapshot;
    expect(snapshot.youSaid).toMatchObject({ count: null, suppressedBelow: 5, channelMix: [], sentiment: null });
    const board = await t.app.inject({ method: 'GET', url: `/workflow/you-said-we-did/${pub.id}` });
    expect(board.body).toMatch(/Fewer than <strong>5<\/strong> people told us/);
    expect(board.body).not.toMatch(/\b3 people\b/);
  });

  test('channel mix cells below k are withheld: "fewer than k" in the API, never on the board', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/you-said/preview',
      headers: as(org.apiKey),
      payload: { themeKey: bigThemeKey, periodStart, periodEnd: today },
    });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json() as { count: number; channelMix: { key: string; count: number | null }[] };
    expect(preview.count).toBe(12);
    expect(preview.channelMix).toEqual([
      { key: 'widget', count: 9, fewerThan: null },
      { key: 'email', count: null, fewerThan: 5 },
      { key: 'phone', count: null, fewerThan: 5 },
    ]);
    const pub = await draft(bigThemeKey);
    await step(pub.id, 'approve');
    const published = await step(pub.id, 'publish');
    const snapshot = (published.json() as { snapshot: { youSaid: { count: number; channelMix: unknown[] } } }).snapshot;
    expect(snapshot.youSaid.count).toBe(12);
    // email (2) and phone (1) pool to 3, still below k: left out.
    expect(snapshot.youSaid.channelMix).toEqual([{ channel: 'widget', count: 9 }]);
  });

  test('quotes are chosen automatically and appear only once approved; edited text with PII is refused', async () => {
    const pub = await draft(bigThemeKey);
    const view = await t.app.inject({ method: 'GET', url: `/v1/you-said/${pub.youSaidId}`, headers: as(org.apiKey) });
    const quotes = (view.json() as { quotes: { id: string; text: string; approved: boolean }[] }).quotes;
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.length).toBeLessThanOrEqual(3);
    expect(quotes.every((q) => !q.approved && /library/i.test(q.text))).toBe(true);

    await step(pub.id, 'approve');
    const first = await step(pub.id, 'publish');
    expect((first.json() as { snapshot: { youSaid: { quotes: string[] } } }).snapshot.youSaid.quotes).toEqual([]);

    const url = `/v1/you-said/${pub.youSaidId}/quotes/${quotes[0]!.id}/approve`;
    const leaky = await t.app.inject({
      method: 'POST',
      url,
      headers: as(org.apiKey),
      payload: { text: 'The library shuts too early, write to me at jo.bloggs@example.org' },
    });
    expect(leaky.statusCode).toBe(422);
    expect((leaky.json() as { code: string }).code).toBe('quote_contains_pii');
    const edited = 'The library shuts too early on Saturdays.';
    const ok = await t.app.inject({ method: 'POST', url, headers: as(org.apiKey), payload: { text: edited } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as { quotes: { id: string; approved: boolean; text: string }[] }).quotes[0]).toMatchObject({
      approved: true,
      text: edited,
    });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/you-said/${pub.youSaidId}/quotes/${quotes.at(-1)!.id}`,
      headers: as(org.apiKey),
    });
    expect(removed.statusCode).toBe(204);

    // The board shows a frozen snapshot: the approved quote appears after unpublish → approve → publish.
    expect((await step(pub.id, 'unpublish')).statusCode).toBe(200);
    await step(pub.id, 'approve');
    const again = await step(pub.id, 'publish');
    expect((again.json() as { snapshot: { youSaid: { quotes: string[] } } }).snapshot.youSaid.quotes).toEqual([edited]);
    const board = await t.app.inject({ method: 'GET', url: `/workflow/you-said-we-did/${pub.id}` });
    expect(board.body).toContain(edited);
  });

  test('editing a published summary makes a new version that needs approval again; history keeps every snapshot', async () => {
    const pub = await draft(bigThemeKey);
    await step(pub.id, 'approve');
    await step(pub.id, 'publish');
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/v1/publications/${pub.id}`,
      headers: as(org.apiKey),
      payload: { summary: 'A better summary.' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({ state: 'draft', version: 2 });
    const board = await t.app.inject({ method: 'GET', url: `/workflow/you-said-we-did/${pub.id}` });
    expect(board.statusCode).toBe(404);
    expect((await step(pub.id, 'publish')).statusCode).toBe(409);
    await step(pub.id, 'approve');
    const republished = await step(pub.id, 'publish');
    expect((republished.json() as { snapshot: { youSaid: { summary: string } } }).snapshot.youSaid.summary).toBe(
      'A better summary.',
    );
    const versions = await t.app.inject({
      method: 'GET',
      url: `/v1/publications/${pub.id}/versions`,
      headers: as(org.apiKey),
    });
    const items = (versions.json() as { items: { version: number; state: string }[] }).items;
    expect(items.map((v) => `${v.version}:${v.state}`)).toEqual([
      '1:draft',
      '1:approved',
      '1:published',
      '2:draft',
      '2:approved',
      '2:published',
    ]);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_type = 'publication' and entity_id = ${pub.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'publication.created',
      'publication.approved',
      'publication.published',
      'publication.edited',
      'publication.approved',
      'publication.published',
    ]);
  });

  test('staff approve and publish from /console/publications; a staff role without publish gets 403', async () => {
    async function signIn(role: StaffRole) {
      const user = await insertStaffUser(t.database.db, {
        orgId: org.id,
        email: `console-${role}@example.org`,
        name: `Console ${role}`,
        role,
        passwordHash: hashPassword('correct horse battery'),
      });
      const login = await t.app.inject({
        method: 'POST',
        url: '/console/login',
        payload: { org: 'workflow', email: user.email, password: 'correct horse battery' },
      });
      expect(login.statusCode, login.body).toBe(303);
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const listing = await t.app.inject({ method: 'GET', url: '/console/publications', headers: { cookie } });
      expect(listing.statusCode).toBe(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(listing.body)?.[1] ?? '';
      return { cookie, csrf, listing };
    }
    const pub = await draft(bigThemeKey);
    const clerk = await signIn('staff');
    expect(clerk.listing.body).toContain('cannot approve or publish');
    const denied = await t.app.inject({
      method: 'POST',
      url: `/console/publications/${pub.id}/approve`,
      headers: { cookie: clerk.cookie },
      payload: { _csrf: clerk.csrf },
    });
    expect(denied.statusCode).toBe(403);

    const manager = await signIn('manager');
    expect(manager.listing.body).toContain(`/console/publications/${pub.id}/approve`);
    for (const name of ['approve', 'publish']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/console/publications/${pub.id}/${name}`,
        headers: { cookie: manager.cookie },
        payload: { _csrf: manager.csrf },
      });
      expect(res.statusCode, res.body).toBe(303);
    }
    const state = await t.app.inject({ method: 'GET', url: `/v1/publications/${pub.id}`, headers: as(org.apiKey) });
    expect(state.json()).toMatchObject({ state: 'published' });
    const forged = await t.app.inject({
      method: 'POST',
      url: `/console/publications/${pub.id}/unpublish`,
      headers: { cookie: manager.cookie },
      payload: { _csrf: 'not-the-token' },
    });
    expect(forged.statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/publications/${pub.id}`, headers: as(org.apiKey) })).json(),
    ).toMatchObject({ state: 'published' });
  });

  test('another organisation’s publication is a 404, never a 5xx', async () => {
    const other = await t.createOrg('other-workflow');
    const pub = await draft(bigThemeKey);
    for (const name of ['approve', 'publish', 'unpublish']) {
      const res = await step(pub.id, name, other.apiKey);
      expect(res.statusCode).toBe(404);
    }
    const view = await t.app.inject({ method: 'GET', url: `/v1/you-said/${pub.youSaidId}`, headers: as(other.apiKey) });
    expect(view.statusCode).toBe(404);
  });
});
