import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Db, queryRows } from '../client.ts';
import { contacts, feedback, feedbackThemes, themes } from '../schema/index.ts';

export type FeedbackRow = typeof feedback.$inferSelect;
export type NewFeedbackRow = typeof feedback.$inferInsert;
export type NewContactRow = typeof contacts.$inferInsert;

export async function insertContact(db: Db, row: NewContactRow): Promise<string> {
  const rows = await db.insert(contacts).values(row).returning({ id: contacts.id });
  return rows[0]!.id;
}

const INSERT_COLUMNS = [
  'id',
  'orgId',
  'channel',
  'text',
  'rating',
  'language',
  'details',
  'customerGroupId',
  'servicePointId',
  'engagementId',
  'contactId',
  'source',
  'externalId',
  'receivedAt',
] as const;
type InsertColumn = (typeof INSERT_COLUMNS)[number];

const RAW_INSERT = `insert into feedback (id, org_id, channel, text, rating, language, details, customer_group_id,
  service_point_id, engagement_id, contact_id, source, external_id, received_at)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14)`;

function rawValues(row: NewFeedbackRow): unknown[] {
  return [
    row.id,
    row.orgId,
    row.channel,
    row.text ?? null,
    row.rating ?? null,
    row.language ?? null,
    row.details === null || row.details === undefined ? null : JSON.stringify(row.details),
    row.customerGroupId ?? null,
    row.servicePointId ?? null,
    row.engagementId ?? null,
    row.contactId ?? null,
    row.source ?? null,
    row.externalId ?? null,
    row.receivedAt ?? new Date(),
  ];
}

function prepareInsert(db: Db) {
  // `details` is cast in SQL so a missing value stays SQL NULL (the column encoder would store JSON null).
  const values = Object.fromEntries(
    INSERT_COLUMNS.map((c) => [c, c === 'details' ? sql`${sql.placeholder(c)}::jsonb` : sql.placeholder(c)]),
  ) as unknown as NewFeedbackRow;
  return db.insert(feedback).values(values).prepare('closeloop_insert_feedback');
}
const preparedInserts = new WeakMap<Db, ReturnType<typeof prepareInsert>>();

/** Whether the row sets only the columns of the raw INSERT/COPY statements (anything else goes through drizzle). */
function isPlainRow(row: NewFeedbackRow): boolean {
  for (const k of Object.keys(row)) {
    if (row[k as keyof NewFeedbackRow] !== undefined && !INSERT_COLUMNS.includes(k as InsertColumn)) return false;
  }
  return true;
}

/**
 * The ingestion hot path: a prepared statement (built once per database handle), so a single POST
 * spends no time building SQL and the server parses it once per connection.
 */
export async function insertFeedback(db: Db, row: NewFeedbackRow): Promise<void> {
  if (!isPlainRow(row)) {
    await db.insert(feedback).values(row);
    return;
  }
  const pool = (db as { $client?: unknown }).$client;
  if (pool instanceof pg.Pool) {
    // Straight to the pool with a named statement: the single-POST hot path skips the ORM entirely.
    await pool.query({ name: 'closeloop_insert_feedback_raw', text: RAW_INSERT, values: rawValues(row) });
    return;
  }
  let prepared = preparedInserts.get(db);
  if (!prepared) {
    prepared = prepareInsert(db);
    preparedInserts.set(db, prepared);
  }
  const params: Record<string, unknown> = {};
  for (const c of INSERT_COLUMNS) {
    const value = row[c];
    params[c] =
      c === 'details' ? (value === null || value === undefined ? null : JSON.stringify(value)) : (value ?? null);
  }
  if (params.receivedAt === null) params.receivedAt = new Date();
  await prepared.execute(params);
}

const RAW_INSERT_MANY = `insert into feedback (id, org_id, channel, text, rating, language, details, customer_group_id,
  service_point_id, engagement_id, contact_id, source, external_id, received_at)
  select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::jsonb[],
    $8::uuid[], $9::uuid[], $10::uuid[], $11::uuid[], $12::text[], $13::text[], $14::timestamptz[])`;

/**
 * Several plain rows (the columns of {@link insertFeedback}) in one statement and one commit: the group
 * commit of concurrent single POSTs. All or none: on an error the caller retries the rows one by one.
 */
export async function insertFeedbackRows(db: Db, rows: readonly NewFeedbackRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length === 1) return insertFeedback(db, rows[0]!);
  const pool = (db as { $client?: unknown }).$client;
  const plain = rows.every(isPlainRow);
  if (!(pool instanceof pg.Pool) || !plain) {
    await db.insert(feedback).values([...rows]);
    return;
  }
  const columns: unknown[][] = INSERT_COLUMNS.map(() => new Array(rows.length));
  rows.forEach((row, r) => {
    const values = rawValues(row);
    for (let c = 0; c < values.length; c++) columns[c]![r] = values[c];
  });
  await pool.query({ name: 'closeloop_insert_feedback_many', text: RAW_INSERT_MANY, values: columns });
}

/** A quoted CSV field for COPY (NULL is an unquoted empty field). */
function quoted(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return `"${text.indexOf('"') === -1 ? text : text.replaceAll('"', '""')}"`;
}

/** Ids, numbers and dates need no quoting. */
function bare(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** One CSV line in the column order of RAW_INSERT. */
function copyLine(row: NewFeedbackRow): string {
  const details = row.details === null || row.details === undefined ? null : JSON.stringify(row.details);
  const received = (row.receivedAt ?? new Date()).toISOString();
  return `${bare(row.id)},${row.orgId},${quoted(row.channel)},${quoted(row.text)},${bare(row.rating)},${quoted(row.language)},${quoted(details)},${bare(row.customerGroupId)},${bare(row.servicePointId)},${bare(row.engagementId)},${bare(row.contactId)},${quoted(row.source)},${quoted(row.externalId)},${received}\n`;
}

/**
 * Plain rows (the columns of {@link insertFeedback}) with `COPY … FROM STDIN`, the fastest way PostgreSQL
 * takes rows: one statement, so all or none. Bulk chunks with no contact, external id or complaint use it.
 * On PGlite (no COPY from a client stream) it is {@link insertFeedbackRows}.
 */
export async function copyFeedbackRows(db: Db, rows: readonly NewFeedbackRow[]): Promise<void> {
  if (rows.length === 0) return;
  const pool = (db as { $client?: unknown }).$client;
  const plain = rows.every(isPlainRow);
  if (!(pool instanceof pg.Pool) || !plain || rows.length < 50) return insertFeedbackRows(db, rows);
  let csv = '';
  for (const row of rows) csv += copyLine(row);
  const client = await pool.connect();
  try {
    const stream = client.query(
      copyFrom(`copy feedback (id, org_id, channel, text, rating, language, details, customer_group_id,
        service_point_id, engagement_id, contact_id, source, external_id, received_at) from stdin (format csv)`),
    );
    await pipeline(Readable.from([csv]), stream);
  } catch (error) {
    client.release(true);
    throw error;
  }
  client.release();
}

/**
 * Inserts, or for a repeat of the same (source, external id) updates the text and details in place.
 * Returns whether the row was created and its id (the existing one on update).
 */
export async function upsertFeedbackByExternalId(
  db: Db,
  row: NewFeedbackRow,
): Promise<{ id: string; created: boolean }> {
  const rows = await db
    .insert(feedback)
    .values(row)
    .onConflictDoUpdate({
      target: [feedback.orgId, feedback.source, feedback.externalId],
      targetWhere: sql`${feedback.externalId} is not null`,
      set: {
        text: sql`excluded.text`,
        rating: sql`excluded.rating`,
        details: sql`excluded.details`,
        channel: sql`excluded.channel`,
        status: sql`case when ${feedback.text} is distinct from excluded.text then 'received' else ${feedback.status} end`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ id: feedback.id, inserted: sql<boolean>`(xmax = 0)` });
  const first = rows[0]!;
  return { id: first.id, created: first.inserted };
}

export async function getFeedback(db: Db, orgId: string, id: string): Promise<FeedbackRow | null> {
  const rows = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export interface FeedbackFilters {
  channel?: string | undefined;
  status?: string | undefined;
  themeId?: string | undefined;
  servicePointId?: string | undefined;
  customerGroupId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  q?: string | undefined;
  triage?: boolean | undefined;
}

export interface FeedbackCursor {
  receivedAt: Date;
  id: string;
}

/** Newest first, stable under concurrent inserts: ordered by (received_at, id) with a keyset cursor. */
export async function listFeedback(
  db: Db,
  orgId: string,
  filters: FeedbackFilters,
  page: { limit: number; after?: FeedbackCursor | undefined },
): Promise<FeedbackRow[]> {
  const where: SQL[] = [eq(feedback.orgId, orgId)];
  if (filters.channel) where.push(eq(feedback.channel, filters.channel));
  if (filters.status) where.push(eq(feedback.status, filters.status));
  if (filters.servicePointId) where.push(eq(feedback.servicePointId, filters.servicePointId));
  if (filters.customerGroupId) where.push(eq(feedback.customerGroupId, filters.customerGroupId));
  if (filters.from) where.push(gte(feedback.receivedAt, filters.from));
  if (filters.to) where.push(lte(feedback.receivedAt, filters.to));
  if (filters.triage !== undefined) where.push(eq(feedback.needsTriage, filters.triage));
  if (filters.themeId) {
    where.push(
      sql`exists (select 1 from ${feedbackThemes} ft where ft.feedback_id = ${feedback.id} and ft.theme_id = ${filters.themeId})`,
    );
  }
  if (filters.q) {
    // Two halves so each can use its partial index: analysed rows the GIN index, fresh ones the status index.
    const matches = sql`to_tsvector('simple', coalesce(${feedback.text}, '')) @@ plainto_tsquery('simple', ${filters.q})`;
    where.push(
      sql`((${feedback.status} <> 'received' and ${matches}) or (${feedback.status} = 'received' and ${matches}))`,
    );
  }
  if (page.after) {
    const { receivedAt, id } = page.after;
    where.push(or(lt(feedback.receivedAt, receivedAt), and(eq(feedback.receivedAt, receivedAt), lt(feedback.id, id)))!);
  }
  return db
    .select()
    .from(feedback)
    .where(and(...where))
    .orderBy(desc(feedback.receivedAt), desc(feedback.id))
    .limit(page.limit);
}

export async function themesOfFeedback(db: Db, orgId: string, feedbackIds: string[]) {
  if (feedbackIds.length === 0) return [];
  return db
    .select({
      feedbackId: feedbackThemes.feedbackId,
      themeId: feedbackThemes.themeId,
      key: themes.key,
      name: themes.name,
      confidence: feedbackThemes.confidence,
      source: feedbackThemes.source,
      confirmed: feedbackThemes.confirmed,
      terms: feedbackThemes.terms,
    })
    .from(feedbackThemes)
    .innerJoin(themes, eq(themes.id, feedbackThemes.themeId))
    .where(and(eq(feedbackThemes.orgId, orgId), inArray(feedbackThemes.feedbackId, feedbackIds)));
}

export interface AnalysisToStore {
  orgId: string;
  feedbackId: string;
  language: string;
  redactedText: string;
  sentimentScore: number;
  sentimentClass: string;
  needsTriage: boolean;
  themes: { themeId: string; confidence: number; source: 'rule' | 'model'; terms: string[] }[];
}

/**
 * Stores one analysis. Idempotent: automatic theme rows are replaced as a set, while rows a staff
 * member set or confirmed are kept as they are.
 */
export async function saveAnalysis(db: Db, a: AnalysisToStore): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Themes a staff member confirmed settle the item: re-analysis never sends it back to triage.
    const confirmed = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(feedbackThemes)
      .where(
        and(
          eq(feedbackThemes.feedbackId, a.feedbackId),
          sql`(${feedbackThemes.confirmed} or ${feedbackThemes.source} = 'staff')`,
        ),
      );
    const needsTriage = a.needsTriage && (confirmed[0]?.n ?? 0) === 0;
    const updated = await tx
      .update(feedback)
      .set({
        language: a.language,
        redactedText: a.redactedText,
        sentimentScore: a.sentimentScore,
        sentimentClass: a.sentimentClass,
        needsTriage,
        status: needsTriage ? 'triage' : 'analysed',
        analysedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(feedback.orgId, a.orgId), eq(feedback.id, a.feedbackId), sql`${feedback.erasedAt} is null`))
      .returning({ id: feedback.id });
    if (updated.length === 0) return false;
    await tx
      .delete(feedbackThemes)
      .where(
        and(
          eq(feedbackThemes.feedbackId, a.feedbackId),
          eq(feedbackThemes.confirmed, false),
          sql`${feedbackThemes.source} <> 'staff'`,
        ),
      );
    if (a.themes.length > 0) {
      await tx
        .insert(feedbackThemes)
        .values(a.themes.map((t) => ({ ...t, feedbackId: a.feedbackId, orgId: a.orgId })))
        .onConflictDoNothing();
    }
    return true;
  });
}

/** Rows accepted but not analysed past the grace period: the sweeper re-enqueues them. */
export async function listStaleReceived(db: Db, olderThan: Date, limit: number) {
  return db
    .select({ id: feedback.id, orgId: feedback.orgId, channel: feedback.channel })
    .from(feedback)
    .where(and(eq(feedback.status, 'received'), lt(feedback.createdAt, olderThan)))
    .orderBy(feedback.createdAt, feedback.id)
    .limit(limit);
}

export async function countFeedbackByStatus(db: Db, orgId: string) {
  return db
    .select({ status: feedback.status, n: sql<number>`count(*)::int` })
    .from(feedback)
    .where(eq(feedback.orgId, orgId))
    .groupBy(feedback.status);
}

export async function markFeedbackFailed(db: Db, orgId: string, id: string): Promise<void> {
  await db
    .update(feedback)
    .set({ status: 'failed', updatedAt: sql`now()` })
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id), eq(feedback.status, 'received')));
}

export async function getFeedbackByIds(db: Db, ids: string[]): Promise<FeedbackRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(feedback).where(inArray(feedback.id, ids));
}

/**
 * Stores many analyses in one transaction (the worker's batched path). Same rules as saveAnalysis:
 * automatic theme rows replaced as a set, staff-confirmed rows kept and keeping the item out of triage.
 * Returns the ids that were stored (erased or missing rows are skipped).
 */
export async function saveAnalyses(db: Db, list: AnalysisToStore[]): Promise<Set<string>> {
  if (list.length === 0) return new Set();
  const ids = list.map((a) => a.feedbackId);
  return db.transaction(async (tx) => {
    const confirmedRows = await tx
      .selectDistinct({ id: feedbackThemes.feedbackId })
      .from(feedbackThemes)
      .where(
        and(
          inArray(feedbackThemes.feedbackId, ids),
          sql`(${feedbackThemes.confirmed} or ${feedbackThemes.source} = 'staff')`,
        ),
      );
    const confirmed = new Set(confirmedRows.map((r) => r.id));
    const triage = list.map((a) => a.needsTriage && !confirmed.has(a.feedbackId));
    const updated = await queryRows<{ id: string }>(
      tx as unknown as Db,
      sql`update feedback as f set
            language = v.language, redacted_text = v.redacted, sentiment_score = v.score,
            sentiment_class = v.cls, needs_triage = v.triage,
            status = case when v.triage then 'triage' else 'analysed' end,
            analysed_at = now(), updated_at = now()
          from unnest(${sql.param(ids)}::uuid[], ${sql.param(list.map((a) => a.orgId))}::uuid[],
                      ${sql.param(list.map((a) => a.language))}::text[], ${sql.param(list.map((a) => a.redactedText))}::text[],
                      ${sql.param(list.map((a) => a.sentimentScore))}::real[], ${sql.param(list.map((a) => a.sentimentClass))}::text[],
                      ${sql.param(triage)}::boolean[])
            as v(id, org_id, language, redacted, score, cls, triage)
          where f.id = v.id and f.org_id = v.org_id and f.erased_at is null
          returning f.id`,
    );
    const stored = new Set(updated.map((r) => r.id));
    await tx
      .delete(feedbackThemes)
      .where(
        and(
          inArray(feedbackThemes.feedbackId, ids),
          eq(feedbackThemes.confirmed, false),
          sql`${feedbackThemes.source} <> 'staff'`,
        ),
      );
    const themeRows = list
      .filter((a) => stored.has(a.feedbackId))
      .flatMap((a) => a.themes.map((t) => ({ ...t, feedbackId: a.feedbackId, orgId: a.orgId })));
    if (themeRows.length > 0) await tx.insert(feedbackThemes).values(themeRows).onConflictDoNothing();
    return stored;
  });
}
