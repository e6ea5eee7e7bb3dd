import { type Db, insertAudit, queryRows, schema } from '@closeloop/db';
import type { ChannelDetails } from '@closeloop/domain';
import { NotFoundError } from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';
import { eraseQuotesFromPublications } from '../publications/erase-quotes.ts';

/** Detail keys that say nothing about the person and keep the anonymous counts meaningful after erasure. */
const ANONYMOUS_DETAIL_KEYS: Record<ChannelDetails['kind'], readonly string[]> = {
  widget: ['siteKey', 'ratingScale'],
  survey: ['engagementId', 'source', 'surveyId', 'questionId', 'rating', 'ratingScale'],
  comment_card: ['servicePointId', 'writtenOn', 'batchId'],
  complaint: [
    'caseRef',
    'category',
    'severity',
    'status',
    'acknowledgeDueAt',
    'resolveDueAt',
    'acknowledgedAt',
    'resolvedAt',
    'upheld',
    'escalated',
    'escalationStage',
    'slaBreached',
    'system',
  ],
  social_mention: ['platform', 'postedAt', 'public'],
  email: [],
  crm: ['system', 'externalId', 'status', 'priority'],
  focus_group: ['engagementId', 'session', 'participantCount', 'pointNumber'],
  phone: ['durationSeconds'],
};

export function anonymousDetails(details: ChannelDetails | null): ChannelDetails | null {
  if (!details) return null;
  const kept: Record<string, unknown> = { kind: details.kind };
  for (const key of ANONYMOUS_DETAIL_KEYS[details.kind] ?? []) {
    const value = (details as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as ChannelDetails;
}

/**
 * Right to erasure for one feedback item, shared by `DELETE /v1/feedback/{id}` and the console: the
 * text, the redacted text and personal channel details go; the contact loses its sealed details and
 * lookup hash and its consents; quotes and the training example made from the item are deleted, and its
 * quotes are removed from the frozen snapshots of published You said entries and their version history
 * (see {@link eraseQuotesFromPublications}); stored `feedback.analysed` webhook payloads lose the redacted
 * text; the erasure is audited. The row stays (status `erased`) with channel, date, rating, sentiment, themes and
 * non-personal detail keys, so anonymous counts hold. `db` should be a transaction. Returns false when
 * the item was already erased.
 */
export async function eraseFeedback(
  db: Db,
  orgId: string,
  id: string,
  actor: { type: 'api_key' | 'staff' | 'system'; id: string | null },
): Promise<boolean> {
  const [row] = await db
    .select()
    .from(schema.feedback)
    .where(and(eq(schema.feedback.orgId, orgId), eq(schema.feedback.id, id)))
    .for('update')
    .limit(1);
  if (!row) throw new NotFoundError('feedback', id);
  if (row.erasedAt) return false;
  await db
    .update(schema.feedback)
    .set({
      text: null,
      redactedText: null,
      details: anonymousDetails(row.details),
      status: 'erased',
      needsTriage: false,
      erasedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(schema.feedback.orgId, orgId), eq(schema.feedback.id, id)));
  if (row.contactId) {
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
      .where(and(eq(schema.contacts.orgId, orgId), eq(schema.contacts.id, row.contactId)));
  }
  await db
    .delete(schema.trainingExamples)
    .where(and(eq(schema.trainingExamples.orgId, orgId), eq(schema.trainingExamples.feedbackId, id)));
  // Before the quote rows go: they say which entries quoted the item and with which (possibly edited) text.
  const published = await eraseQuotesFromPublications(db, orgId, id, { redactedText: row.redactedText, actor });
  await db
    .delete(schema.youSaidQuotes)
    .where(and(eq(schema.youSaidQuotes.orgId, orgId), eq(schema.youSaidQuotes.feedbackId, id)));
  // `feedback.analysed` webhook deliveries carry the redacted text (the text quotes are made from): the
  // stored payloads lose it, so neither the delivery log nor a retry still holds the person's words.
  const deliveries = await queryRows<{ id: string }>(
    db,
    sql`update webhook_deliveries
        set payload = jsonb_set(payload, '{data,redactedText}', 'null'::jsonb)
        where org_id = ${orgId}
          and subscription_id in (select id from webhook_subscriptions where org_id = ${orgId})
          and created_at >= ${row.createdAt.toISOString()}::timestamptz
          and event = 'feedback.analysed'
          and payload->'data'->>'id' = ${id}
          and payload->'data'->>'redactedText' is not null
        returning id`,
  );
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: 'feedback.erased',
    entityType: 'feedback',
    entityId: id,
    data: {
      channel: row.channel,
      hadContact: Boolean(row.contactId),
      publicationsChanged: published.publications,
      quotesRemovedFromPublications: published.fromLive,
      quotesRemovedFromVersions: published.fromVersions,
      webhookPayloadsScrubbed: deliveries.length,
    },
  });
  return true;
}
