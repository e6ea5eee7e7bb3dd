import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { customerGroups, engagements, organisations, servicePoints } from '../schema/index.ts';

export type Organisation = typeof organisations.$inferSelect;

export async function findOrganisationBySlug(db: Db, slug: string): Promise<Organisation | null> {
  const rows = await db.select().from(organisations).where(eq(organisations.slug, slug)).limit(1);
  return rows[0] ?? null;
}

export async function findOrganisationById(db: Db, id: string): Promise<Organisation | null> {
  const rows = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
  return rows[0] ?? null;
}

export async function insertOrganisation(db: Db, input: typeof organisations.$inferInsert): Promise<Organisation> {
  const rows = await db.insert(organisations).values(input).returning();
  return rows[0]!;
}

/** Next complaint case number for the organisation, atomically. */
export async function nextCaseSequence(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .update(organisations)
    .set({ caseSeq: sql`${organisations.caseSeq} + 1` })
    .where(eq(organisations.id, orgId))
    .returning({ seq: organisations.caseSeq });
  return rows[0]?.seq ?? 1;
}

export async function listCustomerGroups(db: Db, orgId: string) {
  return db.select().from(customerGroups).where(eq(customerGroups.orgId, orgId)).orderBy(customerGroups.name);
}

export async function listServicePoints(db: Db, orgId: string) {
  return db.select().from(servicePoints).where(eq(servicePoints.orgId, orgId)).orderBy(servicePoints.name);
}

export async function listEngagements(db: Db, orgId: string) {
  return db.select().from(engagements).where(eq(engagements.orgId, orgId)).orderBy(engagements.startedAt);
}

/** True when every given id belongs to the organisation (cross-tenant references are refused). */
export async function servicePointBelongs(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: servicePoints.id })
    .from(servicePoints)
    .where(and(eq(servicePoints.orgId, orgId), eq(servicePoints.id, id)))
    .limit(1);
  return rows.length === 1;
}

export async function customerGroupBelongs(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: customerGroups.id })
    .from(customerGroups)
    .where(and(eq(customerGroups.orgId, orgId), eq(customerGroups.id, id)))
    .limit(1);
  return rows.length === 1;
}

export async function engagementBelongs(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: engagements.id })
    .from(engagements)
    .where(and(eq(engagements.orgId, orgId), eq(engagements.id, id)))
    .limit(1);
  return rows.length === 1;
}
