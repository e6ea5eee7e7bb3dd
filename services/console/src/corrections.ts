import { type Db, getFeedback, insertAudit, listThemes, queryRows, schema } from '@closeloop/db';
import { NotFoundError, ValidationError } from '@closeloop/domain';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';

export interface CorrectionResult {
  added: string[];
  removed: string[];
  kept: string[];
  labels: string[];
}

/**
 * Staff set the final themes of one feedback item. Themes they add are stored with source `staff`;
 * kept automatic themes are marked confirmed (their terms still explain them); the rest are removed.
 * The final label set becomes the item's training example (one per feedback item, replaced on each
 * correction), and the item leaves the triage queue. `db` should be a transaction.
 */
export async function correctThemes(
  db: Db,
  orgId: string,
  feedbackId: string,
  themeIds: string[],
  actorId: string,
): Promise<CorrectionResult> {
  const item = await getFeedback(db, orgId, feedbackId);
  if (!item || item.erasedAt) throw new NotFoundError('feedback', feedbackId);
  const themes = await listThemes(db, orgId);
  const byId = new Map(themes.map((t) => [t.id, t]));
  const wanted = [...new Set(themeIds)];
  const unknown = wanted.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new ValidationError(
      'Unknown themes',
      unknown.map((id) => ({ path: 'themeIds', message: `unknown theme ${id}` })),
    );
  }
  const current = await db
    .select({ themeId: schema.feedbackThemes.themeId })
    .from(schema.feedbackThemes)
    .where(and(eq(schema.feedbackThemes.orgId, orgId), eq(schema.feedbackThemes.feedbackId, feedbackId)));
  const had = new Set(current.map((c) => c.themeId));
  const added = wanted.filter((id) => !had.has(id));
  const kept = wanted.filter((id) => had.has(id));
  const removed = [...had].filter((id) => !wanted.includes(id));

  const mine = and(eq(schema.feedbackThemes.orgId, orgId), eq(schema.feedbackThemes.feedbackId, feedbackId));
  if (wanted.length === 0) await db.delete(schema.feedbackThemes).where(mine);
  else await db.delete(schema.feedbackThemes).where(and(mine, notInArray(schema.feedbackThemes.themeId, wanted)));
  if (kept.length > 0) {
    await db
      .update(schema.feedbackThemes)
      .set({ confirmed: true })
      .where(and(mine, inArray(schema.feedbackThemes.themeId, kept)));
  }
  if (added.length > 0) {
    await db.insert(schema.feedbackThemes).values(
      added.map((themeId) => ({
        feedbackId,
        themeId,
        orgId,
        confidence: 1,
        source: 'staff',
        confirmed: true,
        terms: [],
      })),
    );
  }
  await db
    .update(schema.feedback)
    .set({
      needsTriage: false,
      status: sql`case when ${schema.feedback.status} in ('triage', 'analysed') then 'analysed' else ${schema.feedback.status} end`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(schema.feedback.orgId, orgId), eq(schema.feedback.id, feedbackId)));

  const labels = wanted.map((id) => byId.get(id)!.key).sort();
  const details = item.details;
  const question = details && details.kind === 'survey' ? (details.questionText ?? null) : null;
  const text = item.text ?? item.redactedText;
  if (text) {
    await db
      .insert(schema.trainingExamples)
      .values({ orgId, feedbackId, text, question, labels, source: 'staff', createdBy: actorId })
      .onConflictDoUpdate({
        target: schema.trainingExamples.feedbackId,
        set: { labels, text, question, source: 'staff', createdBy: actorId, createdAt: sql`now()` },
      });
  }
  await insertAudit(db, {
    orgId,
    actorType: 'staff',
    actorId,
    action: 'feedback.themes_corrected',
    entityType: 'feedback',
    entityId: feedbackId,
    data: {
      labels,
      added: added.map((id) => byId.get(id)!.key),
      removed: removed.map((id) => byId.get(id)?.key ?? id),
    },
  });
  return { added, removed, kept, labels };
}

/** The theme ids currently on an item (what "confirm as suggested" keeps). */
export async function currentThemeIds(db: Db, orgId: string, feedbackId: string): Promise<string[]> {
  const rows = await queryRows<{ theme_id: string }>(
    db,
    sql`select theme_id from feedback_themes where org_id = ${orgId} and feedback_id = ${feedbackId}`,
  );
  return rows.map((r) => r.theme_id);
}
