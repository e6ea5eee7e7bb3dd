import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiKeys, auditLog, idempotencyKeys, staffSessions, staffUsers, widgetSiteKeys } from '../schema/index.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type StaffUserRow = typeof staffUsers.$inferSelect;

export async function insertApiKey(db: Db, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const rows = await db.insert(apiKeys).values(row).returning();
  return rows[0]!;
}

export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | null> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listApiKeys(db: Db, orgId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      rateLimitPerMinute: apiKeys.rateLimitPerMinute,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(apiKeys.createdAt);
}

export async function revokeApiKey(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length === 1;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}

export async function insertStaffUser(db: Db, row: typeof staffUsers.$inferInsert): Promise<StaffUserRow> {
  const rows = await db
    .insert(staffUsers)
    .values(row)
    .onConflictDoUpdate({
      target: [staffUsers.orgId, staffUsers.email],
      set: { passwordHash: sql`excluded.password_hash`, role: sql`excluded.role`, name: sql`excluded.name` },
    })
    .returning();
  return rows[0]!;
}

export async function findStaffByEmail(db: Db, orgId: string, email: string): Promise<StaffUserRow | null> {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.orgId, orgId), eq(staffUsers.email, email.trim().toLowerCase())))
    .limit(1);
  return rows[0] ?? null;
}

export async function findStaffById(db: Db, orgId: string, id: string): Promise<StaffUserRow | null> {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.orgId, orgId), eq(staffUsers.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listStaff(db: Db, orgId: string): Promise<StaffUserRow[]> {
  return db.select().from(staffUsers).where(eq(staffUsers.orgId, orgId)).orderBy(staffUsers.email);
}

export async function insertSession(db: Db, row: typeof staffSessions.$inferInsert): Promise<void> {
  await db.insert(staffSessions).values(row);
}

export async function findSession(db: Db, tokenHash: string) {
  const rows = await db
    .select({ session: staffSessions, user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(
      and(
        eq(staffSessions.tokenHash, tokenHash),
        sql`${staffSessions.expiresAt} > now()`,
        isNull(staffUsers.disabledAt),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, tokenHash));
}

export async function insertWidgetSiteKey(db: Db, row: typeof widgetSiteKeys.$inferInsert) {
  const rows = await db.insert(widgetSiteKeys).values(row).returning();
  return rows[0]!;
}

export async function findWidgetSiteKey(db: Db, key: string) {
  const rows = await db
    .select()
    .from(widgetSiteKeys)
    .where(and(eq(widgetSiteKeys.key, key), isNull(widgetSiteKeys.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listWidgetSiteKeys(db: Db, orgId: string) {
  return db.select().from(widgetSiteKeys).where(eq(widgetSiteKeys.orgId, orgId));
}

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;

/**
 * Claims an Idempotency-Key. Returns null when this request is the first with the key (the caller
 * goes on and then calls completeIdempotencyKey in the same transaction), else the stored record.
 */
export async function claimIdempotencyKey(
  db: Db,
  row: { orgId: string; principal: string; key: string; requestHash: string },
): Promise<IdempotencyRecord | null> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values(row)
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length === 1) return null;
  const rows = await db
    .select()
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.orgId, row.orgId),
        eq(idempotencyKeys.principal, row.principal),
        eq(idempotencyKeys.key, row.key),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export async function completeIdempotencyKey(
  db: Db,
  row: { orgId: string; principal: string; key: string; statusCode: number; responseBody: unknown },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ statusCode: row.statusCode, responseBody: row.responseBody })
    .where(
      and(
        eq(idempotencyKeys.orgId, row.orgId),
        eq(idempotencyKeys.principal, row.principal),
        eq(idempotencyKeys.key, row.key),
      ),
    );
}

export async function insertAudit(db: Db, row: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(row);
}

export async function listAudit(db: Db, orgId: string, entityType: string, entityId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
    .orderBy(auditLog.id);
}
