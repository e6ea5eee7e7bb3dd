import { type Db, getFeedback, insertAudit, schema } from '@closeloop/db';
import { NotFoundError } from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';

/**
 * Right to erasure for one feedback item: its text, redacted text and channel details are nulled,
 * its contact loses its sealed details and lookup hash (consent withdrawn), quotes and the training
 * example made from it are deleted, and the erasure is audited. The row stays, so counts still add up.
 * `db` should be a transaction. Returns false when the item was already erased.
 */
export async function eraseFeedback(db: Db, orgId: string, feedbackId: string, actorId: string): Promise<boolean> {
  const item = await getFeedback(db, orgId, feedbackId);
  if (!item) throw new NotFoundError('feedback', feedbackId);
  if (item.erasedAt) return false;
  await db
    .update(schema.feedback)
    .set({
      text: null,
      redactedText: null,
      details: null,
      status: 'erased',
      needsTriage: false,
      erasedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(schema.feedback.orgId, orgId), eq(schema.feedback.id, feedbackId)));
  if (item.contactId) {
    await db
      .update(schema.contacts)
      .set({
        sealed: null,
        emailHash: null,
        hasEmail: false,
        hasPhone: false,
        hasPostal: false,
        consentContact: false,
        consentOutcome: false,
        erasedAt: sql`now()`,
      })
      .where(and(eq(schema.contacts.orgId, orgId), eq(schema.contacts.id, item.contactId)));
  }
  await db
    .delete(schema.trainingExamples)
    .where(and(eq(schema.trainingExamples.orgId, orgId), eq(schema.trainingExamples.feedbackId, feedbackId)));
  await db
    .delete(schema.youSaidQuotes)
    .where(and(eq(schema.youSaidQuotes.orgId, orgId), eq(schema.youSaidQuotes.feedbackId, feedbackId)));
  await insertAudit(db, {
    orgId,
    actorType: 'staff',
    actorId,
    action: 'feedback.erased',
    entityType: 'feedback',
    entityId: feedbackId,
    data: { channel: item.channel, hadContact: Boolean(item.contactId) },
  });
  return true;
}
