import { type Db, type FeedbackRow, queryRows, schema } from '@closeloop/db';
import { and, eq, sql } from 'drizzle-orm';

export type ContactRow = typeof schema.contacts.$inferSelect;

/** What the item page shows around one feedback row; every lookup is scoped to the organisation. */
export async function feedbackSurroundings(db: Db, orgId: string, item: FeedbackRow) {
  const [names, contact, actions] = await Promise.all([
    queryRows<{ service_point: string | null; customer_group: string | null; engagement: string | null }>(
      db,
      sql`select (select name from service_points where org_id = ${orgId} and id = ${item.servicePointId}) as service_point,
                 (select name from customer_groups where org_id = ${orgId} and id = ${item.customerGroupId}) as customer_group,
                 (select title from engagements where org_id = ${orgId} and id = ${item.engagementId}) as engagement`,
    ),
    item.contactId ? contactOf(db, orgId, item.contactId) : Promise.resolve(null),
    queryRows<{ id: string; title: string; status: string }>(
      db,
      sql`select a.id, a.title, a.status from action_feedback af
          join improvement_actions a on a.id = af.action_id and a.org_id = ${orgId}
          where af.org_id = ${orgId} and af.feedback_id = ${item.id} order by a.title`,
    ),
  ]);
  return {
    servicePoint: names[0]?.service_point ?? null,
    customerGroup: names[0]?.customer_group ?? null,
    engagement: names[0]?.engagement ?? null,
    contact,
    actions,
  };
}

export async function contactOf(db: Db, orgId: string, contactId: string): Promise<ContactRow | null> {
  const rows = await db
    .select()
    .from(schema.contacts)
    .where(and(eq(schema.contacts.orgId, orgId), eq(schema.contacts.id, contactId)))
    .limit(1);
  return rows[0] ?? null;
}

/** The triage queue: items the analysis was unsure about, oldest first. */
export async function triageQueue(db: Db, orgId: string, limit: number) {
  return db
    .select()
    .from(schema.feedback)
    .where(
      and(
        eq(schema.feedback.orgId, orgId),
        eq(schema.feedback.needsTriage, true),
        sql`${schema.feedback.erasedAt} is null`,
      ),
    )
    .orderBy(schema.feedback.receivedAt, schema.feedback.id)
    .limit(limit);
}

export async function countTriage(db: Db, orgId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from feedback where org_id = ${orgId} and needs_triage and erased_at is null`,
  );
  return rows[0]?.n ?? 0;
}
