import { rankBySimilarity, suggestActionsForFeedback, suggestFeedbackForAction } from '@closeloop/core';
import { findThemesByKeys, insertFeedback, queryRows, saveAnalysis, uuidv7 } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';

describe('link suggestions between feedback and open actions', () => {
  let t: TestApp;
  let org: TestOrg;
  const as = () => ({ authorization: `Bearer ${org.apiKey}` });

  async function analysed(themeKey: string, text: string): Promise<string> {
    const [theme] = await findThemesByKeys(t.database.db, org.id, [themeKey]);
    const id = uuidv7();
    await insertFeedback(t.database.db, { id, orgId: org.id, channel: 'widget', text });
    await saveAnalysis(t.database.db, {
      orgId: org.id,
      feedbackId: id,
      language: 'en',
      redactedText: text,
      sentimentScore: 0,
      sentimentClass: 'neutral',
      needsTriage: false,
      themes: [{ themeId: theme!.id, confidence: 0.9, source: 'rule', terms: [] }],
    });
    return id;
  }

  async function action(title: string, themeKey: string, status = 'planned') {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: as(),
      payload: {
        title,
        themeKeys: [themeKey],
        status,
        ...(status === 'declined' ? { declinedReason: 'No budget' } : {}),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  const list = async (query: string) =>
    (
      (await t.app.inject({ method: 'GET', url: `/v1/suggestions?${query}`, headers: as() })).json() as {
        items: { id: string; actionId: string; feedbackId: string; score: number }[];
      }
    ).items;

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('suggest');
  });
  afterAll(async () => {
    await t?.close();
  });

  test('ranking puts the text that shares the rare words first', () => {
    const ranked = rankBySimilarity(
      'Fix the broken lift at the car park',
      [
        { id: 'a', text: 'The lift in the car park has been broken for weeks' },
        { id: 'b', text: 'Bins were not collected on Mill Lane' },
        { id: 'c', text: 'Car park charges are too high' },
      ],
      (c) => c.text,
      { minScore: 0 },
    );
    expect(ranked.map((r) => r.item.id)).toEqual(['a', 'c', 'b']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  test('new feedback gets the open actions on its theme, best match first; done and declined are left out', async () => {
    const open = await action('Longer library opening hours on Saturdays', 'facilities.library');
    const other = await action('New books for the children’s library section', 'facilities.library');
    await action('Library Saturday opening already extended', 'facilities.library', 'done');
    await action('Open the library on Sundays', 'facilities.library', 'declined');
    const feedbackId = await analysed('facilities.library', 'Please keep the library open longer on Saturdays.');
    expect(await suggestActionsForFeedback(t.database.db, org.id, feedbackId)).toBeGreaterThan(0);
    const items = await list(`feedbackId=${feedbackId}`);
    expect(items[0]?.actionId).toBe(open);
    expect(items.every((s) => s.actionId === open || s.actionId === other)).toBe(true);
  });

  test('accepting links via "suggestion"; rejecting is final and the pair is never suggested again', async () => {
    const actionId = await action('Repair the potholes in the Station Road car park', 'transport.parking');
    const a = await analysed(
      'transport.parking',
      'The Station Road car park is full of potholes that damage my tyres.',
    );
    const b = await analysed(
      'transport.parking',
      'The potholes in the Station Road car park are dangerous for cyclists.',
    );
    await suggestFeedbackForAction(t.database.db, org.id, actionId);
    const items = await list(`actionId=${actionId}`);
    expect(new Set(items.map((s) => s.feedbackId))).toEqual(new Set([a, b]));
    const byFeedback = new Map(items.map((s) => [s.feedbackId, s.id]));

    const accepted = await t.app.inject({
      method: 'POST',
      url: `/v1/suggestions/${byFeedback.get(a)}/accept`,
      headers: as(),
    });
    expect(accepted.json()).toMatchObject({ state: 'accepted' });
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/v1/suggestions/${byFeedback.get(b)}/reject`,
      headers: as(),
    });
    expect(rejected.json()).toMatchObject({ state: 'rejected' });
    const twice = await t.app.inject({
      method: 'POST',
      url: `/v1/suggestions/${byFeedback.get(b)}/accept`,
      headers: as(),
    });
    expect(twice.statusCode).toBe(409);
    expect((twice.json() as { code: string }).code).toBe('suggestion_decided');

    const links = await t.app.inject({ method: 'GET', url: `/v1/actions/${actionId}/feedback`, headers: as() });
    expect((links.json() as { items: { feedbackId: string; via: string }[] }).items).toEqual([
      expect.objectContaining({ feedbackId: a, via: 'suggestion' }),
    ]);
    // Suggesting again (both ways) brings back neither pair.
    expect(await suggestFeedbackForAction(t.database.db, org.id, actionId)).toBe(0);
    expect(await suggestActionsForFeedback(t.database.db, org.id, b)).toBe(0);
    expect(await list(`actionId=${actionId}`)).toEqual([]);
    expect((await list(`actionId=${actionId}&state=rejected`)).map((s) => s.feedbackId)).toEqual([b]);

    const unlink = await t.app.inject({
      method: 'DELETE',
      url: `/v1/actions/${actionId}/feedback/${a}`,
      headers: as(),
    });
    expect(unlink.statusCode).toBe(204);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_id = ${actionId} and action like 'suggestion.%' order by id`,
    );
    expect(audit.map((x) => x.action)).toEqual(['suggestion.accepted', 'suggestion.rejected']);
  });

  test('bad and foreign ids: 422 for malformed, 404 for another organisation’s suggestion', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/suggestions?actionId=nope', headers: as() })).statusCode,
    ).toBe(422);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/suggestions/not-a-uuid/accept', headers: as() })).statusCode,
    ).toBe(422);
    const [mine] = await queryRows<{ id: string }>(t.database.db, sql`select id from link_suggestions limit 1`);
    const other = await t.createOrg('suggest-other');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/suggestions/${mine!.id}/reject`,
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(res.statusCode).toBe(404);
  });
});
