import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../client.ts';
import { newsletterDeliveries, newsletterIssues, publications, subscribers } from '../schema/index.ts';

export type NewsletterIssueRow = typeof newsletterIssues.$inferSelect;
export type NewsletterDeliveryRow = typeof newsletterDeliveries.$inferSelect;

export async function insertNewsletterIssue(
  db: Db,
  row: typeof newsletterIssues.$inferInsert,
): Promise<NewsletterIssueRow | null> {
  // A scheduled issue is unique per organisation and month: a second tick of the schedule inserts nothing.
  const rows = await db.insert(newsletterIssues).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function getNewsletterIssue(db: Db, orgId: string, id: string): Promise<NewsletterIssueRow | null> {
  const rows = await db
    .select()
    .from(newsletterIssues)
    .where(and(eq(newsletterIssues.orgId, orgId), eq(newsletterIssues.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listNewsletterIssues(db: Db, orgId: string, state?: string): Promise<NewsletterIssueRow[]> {
  const where = [eq(newsletterIssues.orgId, orgId)];
  if (state) where.push(eq(newsletterIssues.state, state));
  return db
    .select()
    .from(newsletterIssues)
    .where(and(...where))
    .orderBy(desc(newsletterIssues.createdAt), desc(newsletterIssues.id))
    .limit(500);
}

/**
 * Moves an issue from one of `from` to `to` in one statement (so two senders cannot both win);
 * null when the issue is not (or no longer) in one of those states.
 */
export async function updateNewsletterIssueState(
  db: Db,
  orgId: string,
  id: string,
  from: readonly string[],
  set: Partial<typeof newsletterIssues.$inferInsert> & { state: string },
): Promise<NewsletterIssueRow | null> {
  const rows = await db
    .update(newsletterIssues)
    .set(set)
    .where(
      and(eq(newsletterIssues.orgId, orgId), eq(newsletterIssues.id, id), inArray(newsletterIssues.state, [...from])),
    )
    .returning();
  return rows[0] ?? null;
}

export async function deleteDraftNewsletterIssue(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(newsletterIssues)
    .where(and(eq(newsletterIssues.orgId, orgId), eq(newsletterIssues.id, id), eq(newsletterIssues.state, 'draft')))
    .returning({ id: newsletterIssues.id });
  return rows.length > 0;
}

/** The period end of the newest issue that went out (sent, or sending now), for "since the last issue". */
export async function lastSentPeriodEnd(db: Db, orgId: string): Promise<string | null> {
  const [row] = await queryRows<{ period_end: string | null }>(
    db,
    sql`select to_char(max(period_end), 'YYYY-MM-DD') as period_end from newsletter_issues
        where org_id = ${orgId} and state in ('sending', 'sent')`,
  );
  return row?.period_end ?? null;
}

/**
 * Snapshots of the publications published (and still published) from the start of `periodStart` to the
 * end of `periodEnd` (UTC days), oldest first: what an issue of that period carries.
 */
export async function publishedSnapshotsBetween(
  db: Db,
  orgId: string,
  periodStart: string,
  periodEnd: string,
): Promise<Record<string, unknown>[]> {
  const rows = await db
    .select({ snapshot: publications.snapshot })
    .from(publications)
    .where(
      and(
        eq(publications.orgId, orgId),
        eq(publications.state, 'published'),
        isNotNull(publications.snapshot),
        sql`${publications.publishedAt} >= ${periodStart}::date`,
        sql`${publications.publishedAt} < ${periodEnd}::date + 1`,
      ),
    )
    .orderBy(publications.publishedAt, publications.id);
  return rows.map((r) => r.snapshot!);
}

/** Subscribers who confirmed and have not unsubscribed: the only people a newsletter goes to. */
export async function confirmedSubscribers(db: Db, orgId: string) {
  return db
    .select({
      id: subscribers.id,
      sealedEmail: subscribers.sealedEmail,
      language: subscribers.language,
      topics: subscribers.topics,
    })
    .from(subscribers)
    .where(
      and(eq(subscribers.orgId, orgId), eq(subscribers.state, 'confirmed'), sql`${subscribers.unsubscribedAt} is null`),
    )
    .orderBy(subscribers.id);
}

export async function insertNewsletterDeliveries(
  db: Db,
  rows: (typeof newsletterDeliveries.$inferInsert)[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(newsletterDeliveries)
    .values(rows)
    .onConflictDoNothing({ target: [newsletterDeliveries.issueId, newsletterDeliveries.subscriberId] });
}

export async function deliveriesOf(db: Db, orgId: string, issueId: string): Promise<NewsletterDeliveryRow[]> {
  return db
    .select()
    .from(newsletterDeliveries)
    .where(and(eq(newsletterDeliveries.orgId, orgId), eq(newsletterDeliveries.issueId, issueId)))
    .orderBy(newsletterDeliveries.id);
}

/** Claims a delivery for sending (`pending`/`failed` → `sending`) in one statement; false if another run has it. */
export async function claimNewsletterDelivery(db: Db, id: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update newsletter_deliveries set state = 'sending', attempts = attempts + 1
        where id = ${id} and state in ('pending', 'failed') returning id`,
  );
  return rows.length > 0;
}

export async function setNewsletterDeliveryState(
  db: Db,
  id: string,
  state: 'sent' | 'failed' | 'cancelled',
  error: string | null,
): Promise<void> {
  await queryRows(
    db,
    sql`update newsletter_deliveries set state = ${state}, error = ${error},
          sent_at = case when ${state} = 'sent' then now() else sent_at end
        where id = ${id}`,
  );
}

/** Issues asked to send more than `graceSeconds` ago and still sending: their job may never have been queued. */
export async function newsletterIssuesStillSending(db: Db, graceSeconds: number) {
  return queryRows<{ id: string; org_id: string }>(
    db,
    sql`select id, org_id from newsletter_issues
        where state = 'sending' and send_requested_at < now() - make_interval(secs => ${graceSeconds})
        order by send_requested_at limit 100`,
  );
}
