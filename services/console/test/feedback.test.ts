import { getFeedback, listAudit, listServicePoints, listThemes, schema } from '@closeloop/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { analysedFeedback, follow, get, post, type Session, signIn } from './helpers.ts';

describe('console feedback pages', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let staff: Session;
  let admin: Session;
  let themeId: (key: string) => string;
  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('fb-org');
    other = await t.createOrg('fb-other');
    staff = await signIn(t, org, 'staff');
    admin = await signIn(t, org, 'admin');
    await t.database.db.insert(schema.servicePoints).values({ orgId: org.id, key: 'library', name: 'Central Library' });
    const themes = await listThemes(t.database.db, org.id);
    themeId = (key) => themes.find((th) => th.key === key)!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  test('card entry stores a comment_card keyed by the staff member and keeps the form ready', async () => {
    const [point] = await listServicePoints(t.database.db, org.id);
    const res = await post(t, staff, '/console/cards', {
      servicePointId: point!.id,
      writtenOn: '03/02/2026',
      batchId: 'B-7',
      text: 'The new self-service machines are confusing for older people.',
      rating: '2',
      email: 'card.writer@example.org',
      consentOutcome: 'on',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/console/cards?sp=${point!.id}&batch=B-7&date=2026-02-03`);
    const rows = await t.database.db
      .select()
      .from(schema.feedback)
      .where(and(eq(schema.feedback.orgId, org.id), eq(schema.feedback.channel, 'comment_card')));
    expect(rows).toHaveLength(1);
    const card = rows[0]!;
    expect(card.rating).toBe(2);
    expect(card.servicePointId).toBe(point!.id);
    expect(card.details).toMatchObject({
      kind: 'comment_card',
      keyedBy: staff.userId,
      writtenOn: '2026-02-03',
      batchId: 'B-7',
    });
    expect(card.receivedAt.toISOString()).toBe('2026-02-03T12:00:00.000Z');
    const [contact] = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.id, card.contactId!));
    expect(contact).toMatchObject({ hasEmail: true, consentOutcome: true, consentContact: false });
    expect(contact!.sealed).not.toContain('card.writer');
    expect(await t.queue.getJob('analyse', card.id)).not.toBeNull();

    const next = await follow(t, staff, res);
    expect(next.body).toContain(`<option value="${point!.id}" selected>`);
    expect(next.body).toContain('value="03/02/2026"');
    expect(next.body).toMatch(/<textarea id="text" name="text"[^>]*autofocus/);
    expect(next.body).toContain('Card saved. Ready for the next one.');
    expect(next.body).toContain('The new self-service machines');
  });

  test('a card with a bad date or no text is shown again with the errors and not stored', async () => {
    const res = await post(t, staff, '/console/cards', { writtenOn: '31/02/2026', text: '', rating: '9' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter the date written as dd/mm/yyyy');
    expect(res.body).toContain('Enter what the card says');
    expect(res.body).toContain('Choose a rating from 1 to 5');
    expect(res.body).toContain('value="31/02/2026"');
    const future = await post(t, staff, '/console/cards', { writtenOn: '01/01/2999', text: 'fine' });
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain('cannot be in the future');
    const cards = await t.database.db
      .select()
      .from(schema.feedback)
      .where(and(eq(schema.feedback.orgId, org.id), eq(schema.feedback.channel, 'comment_card')));
    expect(cards).toHaveLength(1);
  });

  test("a card naming another organisation's service point is refused", async () => {
    const [foreign] = await t.database.db
      .insert(schema.servicePoints)
      .values({ orgId: other.id, key: 'pool', name: 'Pool' })
      .returning();
    const res = await post(t, staff, '/console/cards', { servicePointId: foreign!.id, text: 'Nice pool' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('unknown service point');
  });

  test('theme correction stores a staff theme and one training example, replaced on a second correction', async () => {
    const id = await analysedFeedback(t, org.id, {
      text: 'Waited forty minutes and the toilets were dirty',
      themes: [{ key: 'waiting', confidence: 0.45, terms: ['waited'] }],
      needsTriage: true,
    });
    const res = await post(t, staff, `/console/feedback/${id}/themes`, {
      theme: [themeId('waiting'), themeId('cleanliness')],
    });
    expect(res.statusCode).toBe(303);
    const rows = await t.database.db
      .select()
      .from(schema.feedbackThemes)
      .where(eq(schema.feedbackThemes.feedbackId, id));
    const byTheme = new Map(rows.map((r) => [r.themeId, r]));
    expect(byTheme.get(themeId('cleanliness'))).toMatchObject({ source: 'staff', confirmed: true });
    expect(byTheme.get(themeId('waiting'))).toMatchObject({ source: 'rule', confirmed: true, terms: ['waited'] });
    const item = await getFeedback(t.database.db, org.id, id);
    expect(item).toMatchObject({ needsTriage: false, status: 'analysed' });
    let examples = await t.database.db
      .select()
      .from(schema.trainingExamples)
      .where(eq(schema.trainingExamples.feedbackId, id));
    expect(examples).toHaveLength(1);
    expect(examples[0]).toMatchObject({ labels: ['cleanliness', 'waiting'], source: 'staff', createdBy: staff.userId });

    await post(t, staff, `/console/feedback/${id}/themes`, { theme: themeId('cleanliness') });
    examples = await t.database.db
      .select()
      .from(schema.trainingExamples)
      .where(eq(schema.trainingExamples.feedbackId, id));
    expect(examples).toHaveLength(1);
    expect(examples[0]!.labels).toEqual(['cleanliness']);
    const after = await t.database.db
      .select()
      .from(schema.feedbackThemes)
      .where(eq(schema.feedbackThemes.feedbackId, id));
    expect(after.map((r) => r.themeId)).toEqual([themeId('cleanliness')]);
    expect((await listAudit(t.database.db, org.id, 'feedback', id)).map((a) => a.action)).toContain(
      'feedback.themes_corrected',
    );
  });

  test('triage confirm keeps the suggested themes, clears needs_triage and sets the status to analysed', async () => {
    const id = await analysedFeedback(t, org.id, {
      text: 'Parking by the hub is hard',
      themes: [{ key: 'transport.parking', confidence: 0.3, terms: ['parking'] }],
      needsTriage: true,
    });
    const queue = await get(t, staff, '/console/triage');
    expect(queue.body).toContain('Parking by the hub is hard');
    expect(queue.body).toContain(`action="/console/triage/${id}/confirm"`);
    const res = await post(t, staff, `/console/triage/${id}/confirm`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/triage');
    const item = await getFeedback(t.database.db, org.id, id);
    expect(item).toMatchObject({ needsTriage: false, status: 'analysed' });
    const [row] = await t.database.db
      .select()
      .from(schema.feedbackThemes)
      .where(eq(schema.feedbackThemes.feedbackId, id));
    expect(row).toMatchObject({ themeId: themeId('transport.parking'), confirmed: true });
    expect((await get(t, staff, '/console/triage')).body).not.toContain('Parking by the hub is hard');
  });

  test("another organisation's feedback is a 404 page everywhere, and nothing changes", async () => {
    const foreign = await analysedFeedback(t, other.id, { text: 'Other council item', needsTriage: true });
    expect((await get(t, staff, `/console/feedback/${foreign}`)).statusCode).toBe(404);
    expect((await get(t, staff, '/console/feedback/not-a-uuid')).statusCode).toBe(404);
    expect((await post(t, staff, `/console/triage/${foreign}/confirm`)).statusCode).toBe(404);
    expect(
      (await post(t, staff, `/console/feedback/${foreign}/themes`, { theme: themeId('transport.parking') })).statusCode,
    ).toBe(404);
    expect((await post(t, admin, `/console/feedback/${foreign}/erase`, { confirm: 'on' })).statusCode).toBe(404);
    const item = await getFeedback(t.database.db, other.id, foreign);
    expect(item).toMatchObject({ needsTriage: true, text: 'Other council item' });
    const list = await get(t, staff, '/console/feedback');
    expect(list.body).not.toContain('Other council item');
  });

  test('feedback text is escaped: a <script> stays inert in the list and on the item page', async () => {
    const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const id = await analysedFeedback(t, org.id, { text: evil });
    for (const url of ['/console/feedback', `/console/feedback/${id}`]) {
      const res = await get(t, staff, url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<script>alert');
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });

  test('the list filters by text and channel and pages with a cursor', async () => {
    for (let i = 0; i < 55; i++) {
      await analysedFeedback(t, org.id, {
        text: `Paging item number ${i} about benches`,
        receivedAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
      });
    }
    const first = await get(t, staff, '/console/feedback?q=benches');
    expect(first.statusCode).toBe(200);
    expect(first.body.match(/Paging item number/g)).toHaveLength(50);
    const next = /href="(\/console\/feedback\?[^"]*after=[^"]+)" rel="next"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await get(t, staff, next!.replace(/&amp;/g, '&'));
    expect(second.body.match(/Paging item number/g)).toHaveLength(5);
    expect(second.body).toContain('Paging item number 0 about');
    const none = await get(t, staff, '/console/feedback?q=benches&channel=complaint');
    expect(none.body).toContain('No feedback matches these filters.');
    const bad = await get(t, staff, '/console/feedback?channel=pigeon&from=99/99/2020');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose a channel from the list');
  });

  test('the item page shows the original text with PII marked to staff, redacted text to everyone', async () => {
    const id = await analysedFeedback(t, org.id, { text: 'Call me on 07700 900123 about the bins' });
    const page = await get(t, staff, `/console/feedback/${id}`);
    expect(page.body).toContain('<mark class="pii" title="phone number">07700 900123</mark>');
    const viewer = await signIn(t, org, 'viewer');
    const seen = await get(t, viewer, `/console/feedback/${id}`);
    expect(seen.body).not.toContain('<mark class="pii"');
  });

  test('an admin reveals contact details with an audit entry, and erases an item for good', async () => {
    const [point] = await listServicePoints(t.database.db, org.id);
    await post(t, staff, '/console/cards', {
      servicePointId: point!.id,
      text: 'Please ring me about the leak',
      phone: '01632 960001',
      consentContact: 'on',
    });
    const [card] = await t.database.db
      .select()
      .from(schema.feedback)
      .where(and(eq(schema.feedback.orgId, org.id), eq(schema.feedback.text, 'Please ring me about the leak')));
    expect((await post(t, staff, `/console/feedback/${card!.id}/contact`)).statusCode).toBe(403);
    const shown = await post(t, admin, `/console/feedback/${card!.id}/contact`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('01632 960001');
    expect((await listAudit(t.database.db, org.id, 'feedback', card!.id)).map((a) => a.action)).toContain(
      'contact.viewed',
    );

    const unconfirmed = await post(t, admin, `/console/feedback/${card!.id}/erase`);
    expect(unconfirmed.statusCode).toBe(422);
    const erased = await post(t, admin, `/console/feedback/${card!.id}/erase`, { confirm: 'on' });
    expect(erased.statusCode).toBe(303);
    const row = await getFeedback(t.database.db, org.id, card!.id);
    expect(row).toMatchObject({ text: null, redactedText: null, status: 'erased' });
    const [contact] = await t.database.db
      .select()
      .from(schema.contacts)
      .where(eq(schema.contacts.id, card!.contactId!));
    expect(contact).toMatchObject({ sealed: null, hasPhone: false, consentContact: false });
    expect(contact!.erasedAt).not.toBeNull();
  });
});
