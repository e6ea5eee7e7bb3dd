import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestDatabase, withDatabase } from '../../../test/harness/db.ts';
import {
  getFeedback,
  insertFeedback,
  insertOrganisation,
  listThemes,
  saveAnalysis,
  schema,
  seedThemes,
  themesOfFeedback,
  uuidv7,
} from '../src/index.ts';

describe('saveAnalysis', () => {
  let t: TestDatabase;
  let orgId: string;
  let themeIds: string[];
  beforeAll(async () => {
    t = await withDatabase();
    orgId = (await insertOrganisation(t.database.db, { slug: 'save-analysis', name: 'S' })).id;
    await seedThemes(t.database.db, orgId, [
      { key: 'a', name: 'A', rules: { include: [] } },
      { key: 'b', name: 'B', rules: { include: [] } },
    ]);
    themeIds = (await listThemes(t.database.db, orgId)).map((th) => th.id);
  });
  afterAll(async () => {
    await t.drop();
  });

  const analysis = (feedbackId: string, themes: { themeId: string; confidence: number }[], needsTriage: boolean) => ({
    orgId,
    feedbackId,
    language: 'en',
    redactedText: 'x',
    sentimentScore: 0,
    sentimentClass: 'neutral',
    needsTriage,
    themes: themes.map((th) => ({ ...th, source: 'rule' as const, terms: [] })),
  });

  test('running twice gives the same theme rows (idempotent)', async () => {
    const id = uuidv7();
    await insertFeedback(t.database.db, { id, orgId, channel: 'widget', text: 'x' });
    const once = analysis(id, [{ themeId: themeIds[0]!, confidence: 0.7 }], false);
    await saveAnalysis(t.database.db, once);
    await saveAnalysis(t.database.db, once);
    const rows = await themesOfFeedback(t.database.db, orgId, [id]);
    expect(rows.map((r) => r.themeId)).toEqual([themeIds[0]]);
    expect((await getFeedback(t.database.db, orgId, id))?.status).toBe('analysed');
  });

  test('staff-confirmed themes survive re-analysis and keep the item out of triage', async () => {
    const id = uuidv7();
    await insertFeedback(t.database.db, { id, orgId, channel: 'widget', text: 'x' });
    await t.database.db
      .insert(schema.feedbackThemes)
      .values({ feedbackId: id, themeId: themeIds[1]!, orgId, confidence: 1, source: 'staff', confirmed: true });
    await saveAnalysis(t.database.db, analysis(id, [], true));
    const row = await getFeedback(t.database.db, orgId, id);
    expect(row?.status).toBe('analysed');
    expect(row?.needsTriage).toBe(false);
    expect((await themesOfFeedback(t.database.db, orgId, [id])).map((r) => r.source)).toEqual(['staff']);
  });

  test('an unconfirmed low-confidence item goes to triage', async () => {
    const id = uuidv7();
    await insertFeedback(t.database.db, { id, orgId, channel: 'widget', text: 'x' });
    await saveAnalysis(t.database.db, analysis(id, [], true));
    expect((await getFeedback(t.database.db, orgId, id))?.status).toBe('triage');
  });
});
