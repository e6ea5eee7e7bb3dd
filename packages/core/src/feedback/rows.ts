import { randomUUID } from 'node:crypto';
import { type Db, type NewContactRow, type NewFeedbackRow, queryRows, type Sealer, uuidv7 } from '@closeloop/db';
import type { ContactInput, FeedbackInput } from '@closeloop/domain';
import { sql } from 'drizzle-orm';

/** Rows per transaction and per multi-row INSERT: 500 × 17 columns stays far below PostgreSQL's 65,535 parameters. */
export const CHUNK_SIZE = 500;

export interface StoredFeedback {
  id: string;
  /** false when a row with the same (source, externalId) existed. */
  created: boolean;
  /** The row exists but was erased: nothing was written (an erased row is never brought back). */
  erased?: boolean;
}

/**
 * How a repeat of a (source, externalId) is treated: `upsert` updates the text and details of the stored
 * row (CRM sync, inbound webhooks); `skip` leaves it as it is (imports: the same row imported twice).
 */
export type ConflictMode = 'upsert' | 'skip';

export function contactRow(
  sealer: Sealer,
  orgId: string,
  contact: ContactInput,
  fallbackLanguage: string,
): NewContactRow & { id: string } {
  const { consentContact, consentOutcome, language, ...details } = contact;
  return {
    id: randomUUID(),
    orgId,
    sealed: sealer.seal(JSON.stringify(details)),
    emailHash: details.email ? sealer.lookupHash(details.email) : null,
    hasEmail: Boolean(details.email),
    hasPhone: Boolean(details.phone),
    hasPostal: Boolean(details.postalAddress),
    language: language ?? (fallbackLanguage === 'cy' ? 'cy' : 'en'),
    consentContact,
    consentOutcome,
  };
}

/**
 * The complaint workflow owns these detail keys: a repeat from the source system (a CRM re-sending its
 * case) must not reset the status, dates or outcome that staff moved on here.
 */
const WORKFLOW_KEYS = [
  'caseRef',
  'status',
  'acknowledgeDueAt',
  'resolveDueAt',
  'acknowledgedAt',
  'resolvedAt',
  'outcome',
  'upheld',
  'escalated',
  'escalationStage',
  'slaBreached',
] as const;

const keepWorkflow = sql.raw(
  `jsonb_strip_nulls(jsonb_build_object(${WORKFLOW_KEYS.map((k) => `'${k}', feedback.details->'${k}'`).join(', ')}))`,
);

/**
 * Writes feedback rows (and their sealed contacts) with one multi-row INSERT each, in `db` (a transaction).
 * Items with an externalId are matched on (org, source, externalId); returns one result per item, in order.
 * The caller has validated the items and checked that the items of one call have distinct externalIds.
 */
export async function writeFeedbackRows(
  db: Db,
  deps: { sealer: Sealer; now: () => Date },
  orgId: string,
  items: readonly FeedbackInput[],
  mode: ConflictMode,
  extra?: (item: FeedbackInput, index: number) => Partial<NewFeedbackRow>,
): Promise<StoredFeedback[]> {
  if (items.length === 0) return [];
  const nowMs = deps.now().getTime();
  const contactRows: (NewContactRow & { id: string })[] = [];
  const rows: (NewFeedbackRow & { id: string })[] = items.map((input, index) => {
    let contactId: string | null = null;
    if (input.contact) {
      const c = contactRow(deps.sealer, orgId, input.contact, input.language ?? 'en');
      contactRows.push(c);
      contactId = c.id;
    }
    return {
      ...feedbackRow(orgId, uuidv7(nowMs), input, contactId, new Date(nowMs)),
      ...(extra ? extra(input, index) : {}),
    };
  });
  if (contactRows.length > 0) await insertContacts(db, contactRows);

  // One INSERT … SELECT FROM unnest(column arrays): 15 parameters whatever the row count, and no per-row
  // query building (drizzle's builder cost more than PostgreSQL's insert for 500-row chunks).
  const col = <T>(pick: (row: (typeof rows)[number]) => T) => sql.param(rows.map(pick));
  const source = sql`select * from unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.orgId)}::uuid[], ${col((r) => r.channel)}::text[],
      ${col((r) => r.text ?? null)}::text[], ${col((r) => r.rating ?? null)}::smallint[], ${col((r) => r.language ?? null)}::text[],
      ${col((r) => (r.details ? JSON.stringify(r.details) : null))}::jsonb[], ${col((r) => r.customerGroupId ?? null)}::uuid[],
      ${col((r) => r.servicePointId ?? null)}::uuid[], ${col((r) => r.engagementId ?? null)}::uuid[],
      ${col((r) => r.contactId ?? null)}::uuid[], ${col((r) => r.source ?? null)}::text[], ${col((r) => r.externalId ?? null)}::text[],
      ${col((r) => (r.receivedAt instanceof Date ? r.receivedAt.toISOString() : null))}::timestamptz[],
      ${col((r) => r.importRowHash ?? null)}::text[])`;
  const insert = sql`insert into feedback (id, org_id, channel, text, rating, language, details, customer_group_id,
      service_point_id, engagement_id, contact_id, source, external_id, received_at, import_row_hash) ${source}`;
  const returned =
    mode === 'skip'
      ? await queryRows<{ id: string; source: string | null; external_id: string | null }>(
          db,
          sql`${insert} on conflict do nothing returning id, source, external_id`,
        )
      : await queryRows<{ id: string; source: string | null; external_id: string | null }>(
          db,
          sql`${insert} on conflict (org_id, source, external_id) where external_id is not null do update set
            text = excluded.text,
            rating = excluded.rating,
            channel = excluded.channel,
            details = case when feedback.channel = 'complaint' and excluded.channel = 'complaint'
              then coalesce(excluded.details, '{}'::jsonb) || ${keepWorkflow}
              else excluded.details end,
            status = case when feedback.text is distinct from excluded.text then 'received' else feedback.status end,
            updated_at = now()
          where feedback.erased_at is null
          returning id, source, external_id`,
        );

  const created = new Set<string>();
  const byExternal = new Map<string, string>();
  for (const r of returned) {
    created.add(r.id);
    if (r.source && r.external_id) byExternal.set(`${r.source}\u001f${r.external_id}`, r.id);
  }
  const results: StoredFeedback[] = rows.map((row) => {
    if (created.has(row.id)) return { id: row.id, created: true };
    const existing = row.source && row.externalId ? byExternal.get(`${row.source}\u001f${row.externalId}`) : undefined;
    if (existing) return { id: existing, created: false };
    return { id: '', created: false };
  });
  // Rows that were not written in upsert mode are erased rows: look their ids up to report them.
  // Imports (skip mode) only count duplicates: their ids are not needed.
  const missing =
    mode === 'skip'
      ? []
      : results
          .map((r, i) => ({ r, row: rows[i]! }))
          .filter(({ r, row }) => r.id === '' && row.source && row.externalId);
  if (missing.length > 0) {
    const sources = missing.map(({ row }) => row.source as string);
    const externalIds = missing.map(({ row }) => row.externalId as string);
    const found = (await db.execute(
      sql`select id, source, external_id, erased_at is not null as erased from feedback
          where org_id = ${orgId} and (source, external_id) in
            (select * from unnest(${sql.param(sources)}::text[], ${sql.param(externalIds)}::text[]))`,
    )) as unknown as { rows: { id: string; source: string; external_id: string; erased: boolean }[] };
    const index = new Map(found.rows.map((f) => [`${f.source}\u001f${f.external_id}`, f]));
    for (const { r, row } of missing) {
      const f = index.get(`${row.source}\u001f${row.externalId}`);
      if (f) {
        r.id = f.id;
        if (f.erased) r.erased = true;
      }
    }
  }
  // Orphan contacts of rows that were not written carry personal data for nothing: remove them.
  const unusedContacts = rows.filter((row, i) => row.contactId && !results[i]!.created).map((row) => row.contactId!);
  if (unusedContacts.length > 0) {
    await db.execute(sql`delete from contacts where id = any(${sql.param(unusedContacts)}::uuid[])`);
  }
  return results;
}

async function insertContacts(db: Db, rows: (NewContactRow & { id: string })[]): Promise<void> {
  const col = <T>(pick: (row: (typeof rows)[number]) => T) => sql.param(rows.map(pick));
  await queryRows(
    db,
    sql`insert into contacts (id, org_id, sealed, email_hash, has_email, has_phone, has_postal, language,
        consent_contact, consent_outcome)
      select * from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.orgId)}::uuid[], ${col((r) => r.sealed ?? null)}::text[],
        ${col((r) => r.emailHash ?? null)}::text[], ${col((r) => r.hasEmail ?? false)}::boolean[],
        ${col((r) => r.hasPhone ?? false)}::boolean[], ${col((r) => r.hasPostal ?? false)}::boolean[],
        ${col((r) => r.language ?? 'en')}::text[], ${col((r) => r.consentContact ?? false)}::boolean[],
        ${col((r) => r.consentOutcome ?? false)}::boolean[])`,
  );
}

/** The feedback row for one validated input (the contact already stored under `contactId`). */
export function feedbackRow(
  orgId: string,
  id: string,
  input: FeedbackInput,
  contactId: string | null,
  now: Date,
): NewFeedbackRow & { id: string } {
  return {
    id,
    orgId,
    channel: input.channel,
    text: input.text,
    rating: input.rating ?? null,
    language: input.language ?? null,
    details: input.details ?? null,
    customerGroupId: input.customerGroupId ?? null,
    servicePointId: input.servicePointId ?? null,
    engagementId: input.engagementId ?? null,
    contactId,
    source: input.source ?? null,
    externalId: input.externalId ?? null,
    receivedAt: input.receivedAt ? new Date(input.receivedAt) : now,
  };
}
