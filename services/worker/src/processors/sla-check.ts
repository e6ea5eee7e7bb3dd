import { type Db, queryRows, schema } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';

export type SlaKind = 'acknowledge' | 'resolve';

export interface SlaBreach {
  orgId: string;
  feedbackId: string;
  kind: SlaKind;
  dueAt: string;
  caseRef: string | null;
}

/** One message to the organisation's admins; the worker's mailer delivers it when there is one. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
}
export type SendMail = (mail: OutgoingMail) => Promise<unknown>;

const LIMIT = 5_000;

/**
 * Complaints past their acknowledge/resolve due date without the step done (or done late) get the
 * breach added to `details.slaBreached` once: the update's own condition skips rows already flagged,
 * so re-running the check (a retry, two workers on one tick) flags and audits each breach once.
 */
async function flagBreaches(db: Db, kind: SlaKind, now: Date, limit: number): Promise<SlaBreach[]> {
  const due = kind === 'acknowledge' ? 'acknowledgeDueAt' : 'resolveDueAt';
  const done = kind === 'acknowledge' ? 'acknowledgedAt' : 'resolvedAt';
  const doneStatuses =
    kind === 'acknowledge' ? ['acknowledged', 'investigating', 'resolved', 'closed'] : ['resolved', 'closed'];
  const flag = JSON.stringify([kind]);
  return queryRows<SlaBreach>(
    db,
    sql`with candidates as (
          select id from feedback
          where channel = 'complaint' and erased_at is null
            and details ? ${due}
            and not coalesce(details -> 'slaBreached', '[]'::jsonb) @> ${flag}::jsonb
            and (details ->> ${due})::timestamptz < ${now.toISOString()}::timestamptz
            and (
              (details ->> ${done}) is not null and (details ->> ${done})::timestamptz > (details ->> ${due})::timestamptz
              or (details ->> ${done}) is null
                and coalesce(details ->> 'status', 'received') not in (${sql.join(
                  doneStatuses.map((s) => sql`${s}`),
                  sql`, `,
                )})
            )
          order by id
          limit ${limit}
          for update skip locked
        )
        update feedback f
        set details = jsonb_set(f.details, '{slaBreached}', coalesce(f.details -> 'slaBreached', '[]'::jsonb) || ${flag}::jsonb),
            updated_at = now()
        from candidates c
        where f.id = c.id
        returning f.org_id as "orgId", f.id as "feedbackId", ${kind}::text as kind,
                  f.details ->> ${due} as "dueAt", f.details ->> 'caseRef' as "caseRef"`,
  );
}

/** Runs the SLA check across every organisation; returns the breaches flagged by this run. */
export function createSlaCheck(
  deps: Pick<WorkerDeps, 'database' | 'logger' | 'clock'> & { sendMail?: SendMail | undefined },
) {
  const now = deps.clock ?? (() => new Date());
  return async function slaCheck(log = deps.logger): Promise<SlaBreach[]> {
    const at = now();
    const flagged = await deps.database.db.transaction(async (tx) => {
      const breaches = [
        ...(await flagBreaches(tx, 'acknowledge', at, LIMIT)),
        ...(await flagBreaches(tx, 'resolve', at, LIMIT)),
      ];
      if (breaches.length > 0) {
        await tx.insert(schema.auditLog).values(
          breaches.map((b) => ({
            orgId: b.orgId,
            actorType: 'system',
            actorId: 'sla-check',
            action: 'complaint.sla_breached',
            entityType: 'feedback',
            entityId: b.feedbackId,
            data: { breach: b.kind, dueAt: b.dueAt, caseRef: b.caseRef },
          })),
        );
      }
      return breaches;
    });
    if (flagged.length === 0) return flagged;
    log.warn({ count: flagged.length }, 'complaint SLA breaches flagged');
    if (deps.sendMail) await notifyAdmins(deps.database.db, deps.sendMail, flagged, log);
    return flagged;
  };
}

/** One email per organisation to its active admins. A mail failure is logged: the audit entry stands. */
async function notifyAdmins(db: Db, sendMail: SendMail, breaches: SlaBreach[], log: WorkerDeps['logger']) {
  const byOrg = new Map<string, SlaBreach[]>();
  for (const b of breaches) byOrg.set(b.orgId, [...(byOrg.get(b.orgId) ?? []), b]);
  for (const [orgId, list] of byOrg) {
    const admins = await queryRows<{ email: string }>(
      db,
      sql`select email from staff_users where org_id = ${orgId} and role = 'admin' and disabled_at is null order by email`,
    );
    if (admins.length === 0) continue;
    const lines = list.map(
      (b) =>
        `- ${b.caseRef ?? b.feedbackId}: ${b.kind === 'acknowledge' ? 'not acknowledged' : 'not resolved'} by ${b.dueAt}`,
    );
    try {
      await sendMail({
        to: admins.map((a) => a.email),
        subject: `${list.length} complaint${list.length === 1 ? '' : 's'} past the service-level due date`,
        text: `These complaints have gone past their due date:\n\n${lines.join('\n')}\n\nOpen the console to act on them.\n`,
      });
    } catch (err) {
      log.error({ err, orgId }, 'SLA breach email failed; the breaches are in the audit log');
    }
  }
}
