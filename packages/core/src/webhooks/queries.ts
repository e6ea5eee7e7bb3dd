import { type Db, schema } from '@closeloop/db';
import { and, desc, eq, lt, sql } from 'drizzle-orm';

const { webhookSubscriptions: subs, webhookDeliveries: deliveries } = schema;

export type WebhookSubscriptionRow = typeof subs.$inferSelect;
export type WebhookDeliveryRow = typeof deliveries.$inferSelect;

export async function insertSubscription(db: Db, row: typeof subs.$inferInsert): Promise<WebhookSubscriptionRow> {
  const rows = await db.insert(subs).values(row).returning();
  return rows[0]!;
}

export function listSubscriptions(db: Db, orgId: string): Promise<WebhookSubscriptionRow[]> {
  return db.select().from(subs).where(eq(subs.orgId, orgId)).orderBy(subs.createdAt, subs.id);
}

export async function countSubscriptions(db: Db, orgId: string): Promise<number> {
  const rows = await db.select({ n: sql<number>`count(*)::int` }).from(subs).where(eq(subs.orgId, orgId));
  return rows[0]?.n ?? 0;
}

/** The active subscriptions of an org, just what emitting needs (one indexed query on org_id). */
export function activeSubscriptionEvents(db: Db, orgId: string): Promise<{ id: string; events: string[] }[]> {
  return db
    .select({ id: subs.id, events: subs.events })
    .from(subs)
    .where(and(eq(subs.orgId, orgId), eq(subs.active, true)));
}

export async function getSubscription(db: Db, orgId: string, id: string): Promise<WebhookSubscriptionRow | null> {
  const rows = await db
    .select()
    .from(subs)
    .where(and(eq(subs.orgId, orgId), eq(subs.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function deleteSubscription(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(subs)
    .where(and(eq(subs.orgId, orgId), eq(subs.id, id)))
    .returning({ id: subs.id });
  return rows.length === 1;
}

export async function updateSubscription(
  db: Db,
  orgId: string,
  id: string,
  set: Partial<Pick<WebhookSubscriptionRow, 'url' | 'events' | 'active' | 'consecutiveFailures' | 'disabledAt'>>,
): Promise<WebhookSubscriptionRow | null> {
  const rows = await db
    .update(subs)
    .set(set)
    .where(and(eq(subs.orgId, orgId), eq(subs.id, id)))
    .returning();
  return rows[0] ?? null;
}

export async function insertDeliveries(db: Db, rows: (typeof deliveries.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(deliveries).values(rows);
}

export async function getDeliveryWithSubscription(db: Db, orgId: string, deliveryId: string) {
  const rows = await db
    .select({ delivery: deliveries, subscription: subs })
    .from(deliveries)
    .innerJoin(subs, eq(subs.id, deliveries.subscriptionId))
    .where(and(eq(deliveries.orgId, orgId), eq(deliveries.id, deliveryId)))
    .limit(1);
  return rows[0] ?? null;
}

/** Newest first; `before` is the id of the last delivery of the previous page (ids are time-ordered). */
export function listDeliveries(
  db: Db,
  orgId: string,
  subscriptionId: string,
  page: { limit: number; before?: string | undefined },
): Promise<WebhookDeliveryRow[]> {
  const conditions = [eq(deliveries.orgId, orgId), eq(deliveries.subscriptionId, subscriptionId)];
  if (page.before) conditions.push(lt(deliveries.id, page.before));
  return db
    .select()
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(desc(deliveries.id))
    .limit(page.limit);
}

export async function recordAttempt(
  db: Db,
  deliveryId: string,
  outcome: { state: string; status: number | null; error: string | null; delivered: boolean },
): Promise<void> {
  await db
    .update(deliveries)
    .set({
      state: outcome.state,
      attempts: sql`${deliveries.attempts} + 1`,
      lastStatus: outcome.status,
      lastError: outcome.error,
      ...(outcome.delivered ? { deliveredAt: sql`now()` } : {}),
    })
    .where(eq(deliveries.id, deliveryId));
}

export async function setDeliveryState(db: Db, deliveryId: string, state: string, error: string | null): Promise<void> {
  await db.update(deliveries).set({ state, lastError: error }).where(eq(deliveries.id, deliveryId));
}

export async function resetFailures(db: Db, subscriptionId: string): Promise<void> {
  await db
    .update(subs)
    .set({ consecutiveFailures: 0 })
    .where(and(eq(subs.id, subscriptionId), sql`${subs.consecutiveFailures} <> 0`));
}

/** Counts one more delivery that failed for good; returns the new count (null if the subscription is gone). */
export async function addFailure(db: Db, subscriptionId: string): Promise<number | null> {
  const rows = await db
    .update(subs)
    .set({ consecutiveFailures: sql`${subs.consecutiveFailures} + 1` })
    .where(eq(subs.id, subscriptionId))
    .returning({ n: subs.consecutiveFailures });
  return rows[0]?.n ?? null;
}

/** Switches an active subscription off; true only for the call that did it (so it is audited once). */
export async function disableSubscription(db: Db, subscriptionId: string): Promise<boolean> {
  const rows = await db
    .update(subs)
    .set({ active: false, disabledAt: sql`now()` })
    .where(and(eq(subs.id, subscriptionId), eq(subs.active, true)))
    .returning({ id: subs.id });
  return rows.length === 1;
}

/** Deliveries still pending after `olderThanSeconds` (their enqueue was lost, e.g. Redis was down). */
export function stalePendingDeliveries(db: Db, olderThanSeconds: number, limit: number) {
  return db
    .select({ id: deliveries.id, orgId: deliveries.orgId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.state, 'pending'),
        lt(deliveries.createdAt, sql`now() - make_interval(secs => ${olderThanSeconds})`),
      ),
    )
    .orderBy(deliveries.createdAt)
    .limit(limit);
}
