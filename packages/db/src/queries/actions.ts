import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import {
  actionCustomerGroups,
  actionFeedback,
  actionServicePoints,
  actionStatusHistory,
  actionThemes,
  improvementActions,
  themes,
} from '../schema/index.ts';

export type ActionRow = typeof improvementActions.$inferSelect;

export async function insertAction(db: Db, row: typeof improvementActions.$inferInsert): Promise<ActionRow> {
  const rows = await db.insert(improvementActions).values(row).returning();
  return rows[0]!;
}

export async function getAction(db: Db, orgId: string, id: string): Promise<ActionRow | null> {
  const rows = await db
    .select()
    .from(improvementActions)
    .where(and(eq(improvementActions.orgId, orgId), eq(improvementActions.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listActions(db: Db, orgId: string, filter: { status?: string | undefined } = {}) {
  const where = [eq(improvementActions.orgId, orgId)];
  if (filter.status) where.push(eq(improvementActions.status, filter.status));
  return db
    .select()
    .from(improvementActions)
    .where(and(...where))
    .orderBy(desc(improvementActions.updatedAt), desc(improvementActions.id))
    .limit(500);
}

export async function updateAction(
  db: Db,
  orgId: string,
  id: string,
  set: Partial<typeof improvementActions.$inferInsert>,
) {
  const rows = await db
    .update(improvementActions)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(improvementActions.orgId, orgId), eq(improvementActions.id, id)))
    .returning();
  return rows[0] ?? null;
}

export async function recordActionStatus(db: Db, row: typeof actionStatusHistory.$inferInsert): Promise<void> {
  await db.insert(actionStatusHistory).values(row);
}

export async function actionHistory(db: Db, orgId: string, actionId: string) {
  return db
    .select()
    .from(actionStatusHistory)
    .where(and(eq(actionStatusHistory.orgId, orgId), eq(actionStatusHistory.actionId, actionId)))
    .orderBy(actionStatusHistory.changedAt);
}

export async function linkActionThemes(db: Db, orgId: string, actionId: string, themeIds: string[]): Promise<void> {
  if (themeIds.length === 0) return;
  await db
    .insert(actionThemes)
    .values(themeIds.map((themeId) => ({ orgId, actionId, themeId })))
    .onConflictDoNothing();
}

export async function linkActionFeedback(
  db: Db,
  orgId: string,
  actionId: string,
  feedbackIds: string[],
  by: { via: 'staff' | 'suggestion' | 'import'; linkedBy?: string | null },
): Promise<number> {
  if (feedbackIds.length === 0) return 0;
  const rows = await db
    .insert(actionFeedback)
    .values(
      feedbackIds.map((feedbackId) => ({ orgId, actionId, feedbackId, via: by.via, linkedBy: by.linkedBy ?? null })),
    )
    .onConflictDoNothing()
    .returning({ id: actionFeedback.feedbackId });
  return rows.length;
}

export async function linkActionServicePoints(db: Db, orgId: string, actionId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insert(actionServicePoints)
    .values(ids.map((servicePointId) => ({ orgId, actionId, servicePointId })))
    .onConflictDoNothing();
}

export async function linkActionCustomerGroups(db: Db, orgId: string, actionId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insert(actionCustomerGroups)
    .values(ids.map((customerGroupId) => ({ orgId, actionId, customerGroupId })))
    .onConflictDoNothing();
}

export async function themesOfActions(db: Db, orgId: string, actionIds: string[]) {
  if (actionIds.length === 0) return [];
  return db
    .select({ actionId: actionThemes.actionId, themeId: themes.id, key: themes.key, name: themes.name })
    .from(actionThemes)
    .innerJoin(themes, eq(themes.id, actionThemes.themeId))
    .where(and(eq(actionThemes.orgId, orgId), inArray(actionThemes.actionId, actionIds)));
}

export async function linkedFeedbackIds(db: Db, orgId: string, actionId: string): Promise<string[]> {
  const rows = await db
    .select({ id: actionFeedback.feedbackId })
    .from(actionFeedback)
    .where(and(eq(actionFeedback.orgId, orgId), eq(actionFeedback.actionId, actionId)));
  return rows.map((r) => r.id);
}

export async function countLinkedFeedback(db: Db, orgId: string, actionIds: string[]) {
  if (actionIds.length === 0) return [];
  return db
    .select({ actionId: actionFeedback.actionId, n: sql<number>`count(*)::int` })
    .from(actionFeedback)
    .where(and(eq(actionFeedback.orgId, orgId), inArray(actionFeedback.actionId, actionIds)))
    .groupBy(actionFeedback.actionId);
}
