import { getFeedback, schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from './harness/app.ts';

describe('the walking skeleton: feedback → analysis → action → publication → board', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('riverside');
    await t.startWorker();
  });
  afterAll(async () => {
    await t.close();
  });

  test('the whole loop shows "You said … We did …" on the public board', async () => {
    const auth = { authorization: `Bearer ${org.apiKey}` };
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth,
      payload: { channel: 'widget', text: 'The library opening hours are too short on Saturdays, it closes at 1pm.' },
    });
    expect(posted.statusCode).toBe(202);
    const { id } = posted.json() as { id: string };
    // Committed before the 202: the row is readable straight away.
    const row = await getFeedback(t.database.db, org.id, id);
    expect(row?.text).toContain('opening hours');

    const themes = await eventually(async () => {
      const rows = await t.database.db
        .select()
        .from(schema.feedbackThemes)
        .where(eq(schema.feedbackThemes.feedbackId, id));
      return rows.length > 0 ? rows : null;
    });
    expect(themes.every((th) => th.source === 'rule' || th.source === 'model')).toBe(true);
    const analysed = await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth });
    const body = analysed.json() as { status: string; themes: { key: string }[] };
    expect(body.status).toBe('analysed');
    const themeKey = body.themes[0]!.key;
    expect(themeKey).toMatch(/^access/);

    const action = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: auth,
      payload: {
        title: 'Open the library until 5pm on Saturdays',
        status: 'done',
        themeKeys: [themeKey],
        feedbackIds: [id],
        publicStatement: 'From June the library stays open until 5pm on Saturdays.',
      },
    });
    expect(action.statusCode).toBe(201);
    const actionId = (action.json() as { id: string }).id;

    const today = new Date().toISOString().slice(0, 10);
    const draft = await t.app.inject({
      method: 'POST',
      url: '/v1/publications',
      headers: auth,
      payload: {
        themeKey,
        periodStart: '2026-01-01',
        periodEnd: today,
        summary: 'You told us the library closes too early on Saturdays.',
        actionIds: [actionId],
      },
    });
    expect(draft.statusCode).toBe(201);
    const pubId = (draft.json() as { id: string }).id;
    for (const step of ['approve', 'publish']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/publications/${pubId}/${step}`, headers: auth });
      expect(res.statusCode, res.body).toBe(200);
    }

    const board = await t.app.inject({ method: 'GET', url: '/riverside/you-said-we-did' });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('You told us the library closes too early on Saturdays.');
    expect(board.body).toContain('From June the library stays open until 5pm on Saturdays.');
    expect(board.body).toMatch(/You said/i);
    expect(board.body).toMatch(/We did/i);
  });
});
