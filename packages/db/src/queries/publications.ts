import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import {
  improvementActions,
  publicationActions,
  publications,
  publicationVersions,
  servicePoints,
  themes,
  youSaidEntries,
  youSaidQuotes,
} from '../schema/index.ts';

export type YouSaidRow = typeof youSaidEntries.$inferSelect;
export type PublicationRow = typeof publications.$inferSelect;

export async function insertYouSaid(db: Db, row: typeof youSaidEntries.$inferInsert): Promise<YouSaidRow> {
  const rows = await db.insert(youSaidEntries).values(row).returning();
  return rows[0]!;
}

export async function getYouSaid(db: Db, orgId: string, id: string): Promise<YouSaidRow | null> {
  const rows = await db
    .select()
    .from(youSaidEntries)
    .where(and(eq(youSaidEntries.orgId, orgId), eq(youSaidEntries.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function insertQuotes(db: Db, rows: (typeof youSaidQuotes.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(youSaidQuotes).values(rows);
}

export async function listQuotes(db: Db, orgId: string, entryIds: string[]) {
  if (entryIds.length === 0) return [];
  return db
    .select()
    .from(youSaidQuotes)
    .where(and(eq(youSaidQuotes.orgId, orgId), inArray(youSaidQuotes.entryId, entryIds)))
    .orderBy(youSaidQuotes.position);
}

export async function approveQuote(db: Db, orgId: string, quoteId: string, staffId: string, text?: string) {
  const rows = await db
    .update(youSaidQuotes)
    .set({ approvedBy: staffId, approvedAt: sql`now()`, ...(text === undefined ? {} : { text }) })
    .where(and(eq(youSaidQuotes.orgId, orgId), eq(youSaidQuotes.id, quoteId)))
    .returning();
  return rows[0] ?? null;
}

export async function insertPublication(db: Db, row: typeof publications.$inferInsert): Promise<PublicationRow> {
  const rows = await db.insert(publications).values(row).returning();
  return rows[0]!;
}

export async function getPublication(db: Db, orgId: string, id: string): Promise<PublicationRow | null> {
  const rows = await db
    .select()
    .from(publications)
    .where(and(eq(publications.orgId, orgId), eq(publications.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listPublications(db: Db, orgId: string, state?: string) {
  const where = [eq(publications.orgId, orgId)];
  if (state) where.push(eq(publications.state, state));
  return db
    .select()
    .from(publications)
    .where(and(...where))
    .orderBy(desc(publications.updatedAt))
    .limit(500);
}

export async function updatePublication(
  db: Db,
  orgId: string,
  id: string,
  set: Partial<typeof publications.$inferInsert>,
) {
  const rows = await db
    .update(publications)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(publications.orgId, orgId), eq(publications.id, id)))
    .returning();
  return rows[0] ?? null;
}

export async function recordPublicationVersion(db: Db, row: typeof publicationVersions.$inferInsert): Promise<void> {
  await db.insert(publicationVersions).values(row);
}

export async function publicationVersionsOf(db: Db, orgId: string, publicationId: string) {
  return db
    .select()
    .from(publicationVersions)
    .where(and(eq(publicationVersions.orgId, orgId), eq(publicationVersions.publicationId, publicationId)))
    .orderBy(publicationVersions.version, publicationVersions.changedAt);
}

export async function linkPublicationActions(db: Db, orgId: string, publicationId: string, actionIds: string[]) {
  if (actionIds.length === 0) return;
  await db
    .insert(publicationActions)
    .values(actionIds.map((actionId) => ({ orgId, publicationId, actionId })))
    .onConflictDoNothing();
}

export async function actionsOfPublications(db: Db, orgId: string, publicationIds: string[]) {
  if (publicationIds.length === 0) return [];
  return db
    .select({ publicationId: publicationActions.publicationId, action: improvementActions })
    .from(publicationActions)
    .innerJoin(improvementActions, eq(improvementActions.id, publicationActions.actionId))
    .where(and(eq(publicationActions.orgId, orgId), inArray(publicationActions.publicationId, publicationIds)));
}

export async function publicationsOfAction(db: Db, orgId: string, actionId: string) {
  return db
    .select({ publication: publications })
    .from(publicationActions)
    .innerJoin(publications, eq(publications.id, publicationActions.publicationId))
    .where(and(eq(publicationActions.orgId, orgId), eq(publicationActions.actionId, actionId)));
}

/** Everything the public board needs for the organisation's published entries, newest first. */
export async function loadPublishedBoard(db: Db, orgId: string, opts: { publicationId?: string; limit?: number } = {}) {
  const where = [
    eq(publications.orgId, orgId),
    eq(publications.state, 'published'),
    isNotNull(publications.publishedAt),
  ];
  if (opts.publicationId) where.push(eq(publications.id, opts.publicationId));
  const rows = await db
    .select({
      publication: publications,
      entry: youSaidEntries,
      theme: { key: themes.key, name: themes.name, nameCy: themes.nameCy },
      servicePoint: { name: servicePoints.name },
    })
    .from(publications)
    .innerJoin(youSaidEntries, eq(youSaidEntries.id, publications.youSaidId))
    .innerJoin(themes, eq(themes.id, youSaidEntries.themeId))
    .leftJoin(servicePoints, eq(servicePoints.id, youSaidEntries.servicePointId))
    .where(and(...where))
    .orderBy(desc(publications.publishedAt))
    .limit(opts.limit ?? 100);
  const pubIds = rows.map((r) => r.publication.id);
  const entryIds = rows.map((r) => r.entry.id);
  const [actions, quotes] = await Promise.all([
    actionsOfPublications(db, orgId, pubIds),
    listQuotes(db, orgId, entryIds),
  ]);
  return rows.map((r) => ({
    ...r,
    actions: actions.filter((a) => a.publicationId === r.publication.id).map((a) => a.action),
    quotes: quotes.filter((q) => q.entryId === r.entry.id && q.approvedAt !== null),
  }));
}
