import { type Db, queryRows, schema } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';

export interface OrgPurge {
  orgId: string;
  rawTextErased: number;
  contactsErased: number;
}

const BATCH = 2_000;
const DAY_MS = 86_400_000;

/**
 * Applies each organisation's retention periods (`settings.retentionDays.rawText` / `.contacts`, in
 * days). Raw text of feedback received before the cut-off is erased; the redacted text, sentiment,
 * themes and every count stay, and linked training examples keep the redacted text instead of the
 * original. Sealed contact details older than the cut-off are erased. Rows already erased no longer
 * match, so a repeat run (or a retry after a crash between batches) does nothing twice.
 */
export function createRetentionPurge(deps: Pick<WorkerDeps, 'database' | 'logger' | 'clock'>) {
  const now = deps.clock ?? (() => new Date());
  return async function purge(log = deps.logger): Promise<OrgPurge[]> {
    const { db } = deps.database;
    const orgs = await queryRows<{ id: string; rawText: number | null; contacts: number | null }>(
      db,
      sql`select id,
                 case when jsonb_typeof(settings -> 'retentionDays' -> 'rawText') = 'number'
                      then (settings -> 'retentionDays' ->> 'rawText')::numeric::int end as "rawText",
                 case when jsonb_typeof(settings -> 'retentionDays' -> 'contacts') = 'number'
                      then (settings -> 'retentionDays' ->> 'contacts')::numeric::int end as "contacts"
          from organisations
          where settings -> 'retentionDays' is not null
          order by id`,
    );
    const results: OrgPurge[] = [];
    for (const org of orgs) {
      const result: OrgPurge = { orgId: org.id, rawTextErased: 0, contactsErased: 0 };
      if (org.rawText !== null && org.rawText > 0) {
        const cutoff = new Date(now().getTime() - org.rawText * DAY_MS);
        result.rawTextErased = await untilDone((limit) => eraseRawText(db, org.id, cutoff, limit));
      }
      if (org.contacts !== null && org.contacts > 0) {
        const cutoff = new Date(now().getTime() - org.contacts * DAY_MS);
        result.contactsErased = await untilDone((limit) => eraseContacts(db, org.id, cutoff, limit));
      }
      if (result.rawTextErased + result.contactsErased > 0) {
        await db.insert(schema.auditLog).values({
          orgId: org.id,
          actorType: 'system',
          actorId: 'retention-purge',
          action: 'retention.purged',
          entityType: 'organisation',
          entityId: org.id,
          data: {
            rawTextErased: result.rawTextErased,
            contactsErased: result.contactsErased,
            rawTextDays: org.rawText,
            contactsDays: org.contacts,
          },
        });
        log.info(result, 'retention purge erased data');
      }
      results.push(result);
    }
    return results;
  };
}

async function untilDone(batch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await batch(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Only analysed rows (redacted text present) lose their original: a row still waiting for analysis
 * keeps it until the analyser has produced the redacted version.
 */
async function eraseRawText(db: Db, orgId: string, cutoff: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const erased = await queryRows<{ id: string }>(
      tx,
      sql`with due as (
            select id from feedback
            where org_id = ${orgId} and text is not null and redacted_text is not null
              and received_at < ${cutoff.toISOString()}::timestamptz
            order by received_at
            limit ${limit}
            for update skip locked
          )
          update feedback f set text = null, updated_at = now()
          from due where f.id = due.id
          returning f.id`,
    );
    if (erased.length > 0) {
      await tx.execute(
        sql`update training_examples t set text = f.redacted_text
            from feedback f
            where t.feedback_id = f.id and t.org_id = ${orgId}
              and f.id = any(${`{${erased.map((r) => r.id).join(',')}}`}::uuid[])
              and t.text is distinct from f.redacted_text`,
      );
    }
    return erased.length;
  });
}

async function eraseContacts(db: Db, orgId: string, cutoff: Date, limit: number): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with due as (
          select id from contacts
          where org_id = ${orgId} and sealed is not null and created_at < ${cutoff.toISOString()}::timestamptz
          order by created_at
          limit ${limit}
          for update skip locked
        )
        update contacts c set sealed = null, email_hash = null, erased_at = coalesce(c.erased_at, now())
        from due where c.id = due.id
        returning c.id`,
  );
  return rows.length;
}
