import { type Db, type FeedbackRow, findThemesByKeys, insertAudit, schema } from '@closeloop/db';
import { type ChannelDetails, ConflictError, NotFoundError, ValidationError } from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';
import type { FeedbackPatch } from './edit-schemas.ts';
import { knownReferences, referenceErrors } from './references.ts';

const { feedback, feedbackThemes, trainingExamples } = schema;

export interface Actor {
  type: 'api_key' | 'staff';
  id: string;
}

/** Reads a row for update, in the organisation only: another tenant's id is simply not found. */
async function lockFeedback(db: Db, orgId: string, id: string): Promise<FeedbackRow> {
  const rows = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id)))
    .for('update')
    .limit(1);
  const row = rows[0];
  if (!row) throw new NotFoundError('feedback', id);
  return row;
}

export async function findFeedbackByExternalId(
  db: Db,
  orgId: string,
  source: string,
  externalId: string,
): Promise<FeedbackRow | null> {
  const rows = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.orgId, orgId), eq(feedback.source, source), eq(feedback.externalId, externalId)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Staff corrections. Themes given here replace the item's theme set: stored as source `staff`, confirmed
 * (the analyser never overwrites them), and recorded as a training example for the organisation's model.
 */
export async function patchFeedback(
  db: Db,
  orgId: string,
  id: string,
  patch: FeedbackPatch,
  actor: Actor,
): Promise<FeedbackRow> {
  const row = await lockFeedback(db, orgId, id);
  if (row.erasedAt) throw new ConflictError('feedback_erased', 'This feedback was erased and cannot be changed');
  const refs = {
    ...(patch.servicePointId ? { servicePointId: patch.servicePointId } : {}),
    ...(patch.customerGroupId ? { customerGroupId: patch.customerGroupId } : {}),
  };
  const problems = referenceErrors(refs, await knownReferences(db, orgId, [refs]));
  if (patch.details && row.channel !== 'complaint') {
    problems.push({
      path: 'details',
      message: 'only complaint details (category, severity, externalRef) are editable',
    });
  }
  const themeRows = patch.themes ? await findThemesByKeys(db, orgId, [...new Set(patch.themes)]) : [];
  if (patch.themes) {
    const found = new Set(themeRows.map((t) => t.key));
    patch.themes.forEach((key, i) => {
      if (!found.has(key)) problems.push({ path: `themes.${i}`, message: `unknown theme '${key}'` });
    });
  }
  if (problems.length > 0) throw new ValidationError('The correction has invalid fields', problems);

  const set: Partial<typeof feedback.$inferInsert> = {};
  if (patch.customerGroupId !== undefined) set.customerGroupId = patch.customerGroupId;
  if (patch.servicePointId !== undefined) set.servicePointId = patch.servicePointId;
  if (patch.rating !== undefined) set.rating = patch.rating;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.details && row.details?.kind === 'complaint') {
    set.details = { ...row.details, ...patch.details } as ChannelDetails;
  }
  const updated = await db
    .update(feedback)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id)))
    .returning();

  if (patch.themes) {
    await db.delete(feedbackThemes).where(eq(feedbackThemes.feedbackId, id));
    if (themeRows.length > 0) {
      await db.insert(feedbackThemes).values(
        themeRows.map((t) => ({
          feedbackId: id,
          themeId: t.id,
          orgId,
          confidence: 1,
          source: 'staff',
          confirmed: true,
        })),
      );
    }
    if (row.text) {
      const question = row.details?.kind === 'survey' ? (row.details.questionText ?? null) : null;
      await db
        .insert(trainingExamples)
        .values({
          orgId,
          feedbackId: id,
          text: row.text,
          question,
          labels: themeRows.map((t) => t.key),
          source: 'staff',
          createdBy: actor.type === 'staff' ? actor.id : null,
        })
        .onConflictDoUpdate({
          target: trainingExamples.feedbackId,
          set: { labels: sql`excluded.labels`, text: sql`excluded.text`, source: 'staff' },
        });
    }
  }
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: 'feedback.corrected',
    entityType: 'feedback',
    entityId: id,
    data: { fields: Object.keys(patch) },
  });
  return updated[0] ?? row;
}
