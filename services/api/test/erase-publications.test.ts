import { findThemesByKeys, insertFeedback, queryRows, saveAnalysis, schema, uuidv7 } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const periodStart = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
const THEME = 'facilities.library';

// Texts without personal data, so they can be approved as quotes as they are.
const TEXT_A = 'The library closes far too early on Saturdays for working families.';
const TEXT_A_EDITED = 'The library closes too early on Saturdays.';
const TEXT_B = 'Please open the library later on Saturday afternoons, we arrive after it shuts.';
const TEXT_C = 'The library study room is always cold in the mornings.';

type Snapshot = { youSaid: { quotes: string[] } & Record<string, unknown> } & Record<string, unknown>;

describe('erasure removes the erased person’s published quotes from the board and the version history', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const as = (o: TestOrg) => ({ authorization: `Bearer ${o.apiKey}` });
  const ids = { a: '', b: '', c: '', otherA: '' };
  let pub: { id: string; youSaidId: string };
  let otherPub: { id: string; youSaidId: string };

  async function seed(o: TestOrg, text: string, hoursAgo: number): Promise<string> {
    const [theme] = await findThemesByKeys(t.database.db, o.id, [THEME]);
    const receivedAt = new Date(Date.now() - hoursAgo * 3_600_000);
    const id = uuidv7(receivedAt.getTime());
    await insertFeedback(t.database.db, { id, orgId: o.id, channel: 'widget', text, receivedAt });
    await saveAnalysis(t.database.db, {
      orgId: o.id,
      feedbackId: id,
      language: 'en',
      redactedText: text,
      sentimentScore: -0.5,
      sentimentClass: 'negative',
      needsTriage: false,
      themes: [{ themeId: theme!.id, confidence: 0.9, source: 'rule', terms: [] }],
    });
    return id;
  }

  async function step(o: TestOrg, id: string, name: string) {
    const res = await t.app.inject({ method: 'POST', url: `/v1/publications/${id}/${name}`, headers: as(o) });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function quotesOf(o: TestOrg, youSaidId: string) {
    const res = await t.app.inject({ method: 'GET', url: `/v1/you-said/${youSaidId}`, headers: as(o) });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { quotes: { id: string; feedbackId: string; text: string }[] }).quotes;
  }

  async function approveQuote(o: TestOrg, youSaidId: string, feedbackId: string, text?: string) {
    const quote = (await quotesOf(o, youSaidId)).find((q) => q.feedbackId === feedbackId);
    expect(quote).toBeDefined();
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/you-said/${youSaidId}/quotes/${quote!.id}/approve`,
      headers: as(o),
      payload: text === undefined ? {} : { text },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** A published entry quoting `feedbackIds`, every quote approved as it is. */
  async function publish(o: TestOrg, feedbackIds: string[]) {
    const action = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: as(o),
      payload: { title: 'Open the library until 5pm on Saturdays', status: 'done', themeKeys: [THEME] },
    });
    expect(action.statusCode, action.body).toBe(201);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/publications',
      headers: as(o),
      payload: {
        themeKey: THEME,
        periodStart,
        periodEnd: today,
        summary: 'You told us the library closes too early on Saturdays.',
        actionIds: [(action.json() as { id: string }).id],
        quoteFeedbackIds: feedbackIds,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json() as { id: string; youSaidId: string };
    for (const id of feedbackIds) await approveQuote(o, p.youSaidId, id);
    await step(o, p.id, 'approve');
    await step(o, p.id, 'publish');
    return p;
  }

  async function snapshots(publicationId: string) {
    const [live] = await queryRows<{ snapshot: Snapshot | null }>(
      t.database.db,
      sql`select snapshot from publications where id = ${publicationId}`,
    );
    const versions = await queryRows<{ version: number; state: string; snapshot: Snapshot | null }>(
      t.database.db,
      sql`select version, state, snapshot from publication_versions where publication_id = ${publicationId} order by id`,
    );
    return { live: live!.snapshot, versions };
  }

  const erase = (o: TestOrg, id: string) =>
    t.app.inject({ method: 'DELETE', url: `/v1/feedback/${id}`, headers: as(o) });

  /** Everything public about the organisation: board, entry page, embed and the three feeds. */
  async function publicPages(o: TestOrg, publicationId: string) {
    const urls = [
      `/${o.slug}/you-said-we-did`,
      `/${o.slug}/you-said-we-did/${publicationId}`,
      `/${o.slug}/embed`,
      `/${o.slug}/feed.rss`,
      `/${o.slug}/feed.atom`,
      `/${o.slug}/feed.json`,
    ];
    const pages: string[] = [];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      pages.push(res.body);
    }
    return pages;
  }

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('erase-quotes');
    other = await t.createOrg('erase-quotes-other');
    ids.a = await seed(org, TEXT_A, 1);
    ids.b = await seed(org, TEXT_B, 2);
    ids.c = await seed(org, TEXT_C, 3);
    // Another organisation received the very same words and published them.
    ids.otherA = await seed(other, TEXT_A, 1);
    otherPub = await publish(other, [ids.otherA]);

    pub = await publish(org, [ids.a, ids.b]);
    // A's quote is then edited and the entry republished: the history holds both forms of A's words.
    await step(org, pub.id, 'unpublish');
    await approveQuote(org, pub.youSaidId, ids.a, TEXT_A_EDITED);
    await step(org, pub.id, 'approve');
    await step(org, pub.id, 'publish');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  test('before erasure: the board, the snapshot and the history show A’s and B’s words', async () => {
    const { live, versions } = await snapshots(pub.id);
    expect(new Set(live!.youSaid.quotes)).toEqual(new Set([TEXT_A_EDITED, TEXT_B]));
    const history = versions.flatMap((v) => v.snapshot?.youSaid.quotes ?? []);
    expect(history).toContain(TEXT_A);
    expect(history).toContain(TEXT_A_EDITED);
    expect(history).toContain(TEXT_B);
    const [board, entry] = await publicPages(org, pub.id);
    expect(board).toContain(TEXT_A_EDITED);
    expect(entry).toContain(TEXT_B);
  });

  test('erasing an item with no quotes changes no publication', async () => {
    const before = await snapshots(pub.id);
    const otherBefore = await snapshots(otherPub.id);
    expect((await erase(org, ids.c)).statusCode).toBe(204);
    expect(await snapshots(pub.id)).toEqual(before);
    expect(await snapshots(otherPub.id)).toEqual(otherBefore);
    const [audit] = await queryRows<{ data: Record<string, unknown> }>(
      t.database.db,
      sql`select data from audit_log where action = 'feedback.erased' and entity_id = ${ids.c}`,
    );
    expect(audit!.data).toMatchObject({ publicationsChanged: 0, quotesRemovedFromPublications: 0 });
  });

  test('DELETE /v1/feedback/{id} removes A’s words from the snapshot, every version and every public page; B stays', async () => {
    const otherBefore = await snapshots(otherPub.id);
    const versionsBefore = (await snapshots(pub.id)).versions;
    expect((await erase(org, ids.a)).statusCode).toBe(204);

    const { live, versions } = await snapshots(pub.id);
    expect(live!.youSaid.quotes).toEqual([TEXT_B]);
    expect(versions).toHaveLength(versionsBefore.length);
    for (const [i, v] of versions.entries()) {
      const quotes = v.snapshot?.youSaid.quotes ?? [];
      expect(quotes).not.toContain(TEXT_A);
      expect(quotes).not.toContain(TEXT_A_EDITED);
      // Only quotes went: the rest of each frozen snapshot is as it was approved.
      const was = versionsBefore[i]!.snapshot;
      if (was) {
        expect(quotes).toEqual(was.youSaid.quotes.filter((q) => q === TEXT_B));
        expect({ ...v.snapshot, youSaid: { ...v.snapshot!.youSaid, quotes: [] } }).toEqual({
          ...was,
          youSaid: { ...was.youSaid, quotes: [] },
        });
      } else {
        expect(v.snapshot).toBeNull();
      }
    }
    expect(versions.some((v) => v.snapshot?.youSaid.quotes.includes(TEXT_B))).toBe(true);

    // The API's history says the same.
    const history = await t.app.inject({ method: 'GET', url: `/v1/publications/${pub.id}/versions`, headers: as(org) });
    expect(history.statusCode).toBe(200);
    expect(history.body).not.toContain(TEXT_A);
    expect(history.body).not.toContain(TEXT_A_EDITED);
    expect(history.body).toContain(TEXT_B);
    const current = await t.app.inject({ method: 'GET', url: `/v1/publications/${pub.id}`, headers: as(org) });
    expect(current.body).not.toContain(TEXT_A_EDITED);

    for (const page of await publicPages(org, pub.id)) {
      expect(page).not.toContain(TEXT_A);
      expect(page).not.toContain(TEXT_A_EDITED);
    }
    const [board, entry] = await publicPages(org, pub.id);
    expect(board).toContain(TEXT_B);
    expect(entry).toContain(TEXT_B);

    // Another organisation's identical words are its own and untouched.
    expect(await snapshots(otherPub.id)).toEqual(otherBefore);
    expect(otherBefore.live!.youSaid.quotes).toEqual([TEXT_A]);
    const [otherBoard] = await publicPages(other, otherPub.id);
    expect(otherBoard).toContain(TEXT_A);

    // Audited on the publication (its own trail explains the changed snapshot) and on the erasure; counts only.
    const rows = await queryRows<{ action: string; entity_id: string; data: Record<string, unknown> }>(
      t.database.db,
      sql`select action, entity_id, data from audit_log
          where org_id = ${org.id} and action in ('publication.quote_erased', 'feedback.erased') and entity_id in (${pub.id}, ${ids.a})
          order by id`,
    );
    expect(rows.map((r) => r.action)).toEqual(['publication.quote_erased', 'feedback.erased']);
    expect(rows[0]!.data).toMatchObject({ feedbackId: ids.a, quotesRemoved: 1 });
    expect(rows[0]!.data.quotesRemovedFromVersions).toBeGreaterThanOrEqual(3);
    expect(rows[1]!.data).toMatchObject({ publicationsChanged: 1, quotesRemovedFromPublications: 1 });
    expect(JSON.stringify(rows)).not.toContain('Saturdays');
    const otherAudit = await queryRows(
      t.database.db,
      sql`select 1 from audit_log where org_id = ${other.id} and action = 'publication.quote_erased'`,
    );
    expect(otherAudit).toHaveLength(0);
  });

  test('erasing again is harmless and leaves the snapshots as they are', async () => {
    const before = await snapshots(pub.id);
    expect((await erase(org, ids.a)).statusCode).toBe(204);
    expect(await snapshots(pub.id)).toEqual(before);
  });

  test('stored feedback.analysed webhook payloads lose the erased item’s redacted text, and only its own', async () => {
    const d = await seed(org, 'The library lift has been broken for three weeks now.', 4);
    const e = await seed(org, 'The library lift is slow but it works.', 5);
    const subscription = async (o: TestOrg) => {
      const [row] = await t.database.db
        .insert(schema.webhookSubscriptions)
        .values({ orgId: o.id, url: 'https://hooks.example.org/x', events: ['feedback.analysed'], sealedSecret: 'x' })
        .returning({ id: schema.webhookSubscriptions.id });
      return row!.id;
    };
    const delivery = (o: TestOrg, subscriptionId: string, feedbackId: string, redactedText: string) => ({
      id: uuidv7(),
      orgId: o.id,
      subscriptionId,
      event: 'feedback.analysed',
      payload: {
        type: 'feedback.analysed',
        timestamp: new Date().toISOString(),
        data: { id: feedbackId, redactedText },
      },
    });
    const mine = await subscription(org);
    const theirs = await subscription(other);
    await t.database.db.insert(schema.webhookDeliveries).values([
      delivery(org, mine, d, 'The library lift has been broken for three weeks now.'),
      delivery(org, mine, e, 'The library lift is slow but it works.'),
      // Another organisation's log never changes, whatever its rows say.
      delivery(other, theirs, d, 'The library lift has been broken for three weeks now.'),
    ]);
    expect((await erase(org, d)).statusCode).toBe(204);
    const rows = await queryRows<{ org_id: string; payload: { data: { id: string; redactedText: string | null } } }>(
      t.database.db,
      sql`select org_id, payload from webhook_deliveries where subscription_id in (${mine}, ${theirs})`,
    );
    const seen = rows.map((r) => [r.org_id === org.id, r.payload.data.id, r.payload.data.redactedText]);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        [true, d, null],
        [true, e, 'The library lift is slow but it works.'],
        [false, d, 'The library lift has been broken for three weeks now.'],
      ]),
    );
    const [audit] = await queryRows<{ data: Record<string, unknown> }>(
      t.database.db,
      sql`select data from audit_log where action = 'feedback.erased' and entity_id = ${d}`,
    );
    expect(audit!.data).toMatchObject({ webhookPayloadsScrubbed: 1 });
  });

  test('when the last quote goes, the board, entry, embed and feeds render the entry without quotes', async () => {
    expect((await erase(org, ids.b)).statusCode).toBe(204);
    const { live, versions } = await snapshots(pub.id);
    expect(live!.youSaid.quotes).toEqual([]);
    expect(versions.every((v) => (v.snapshot?.youSaid.quotes ?? []).length === 0)).toBe(true);
    const pages = await publicPages(org, pub.id);
    for (const page of pages) {
      expect(page).not.toContain(TEXT_B);
      expect(page).not.toContain('In their words');
      expect(page).toContain('Open the library until 5pm on Saturdays');
    }
    expect(pages[0]).toContain('You told us the library closes too early on Saturdays.');
  });
});
