import { type Db, findOrganisationById, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { ComplaintSla, LoopFeedbackRow } from './compute.ts';

/**
 * Working days (Mon–Fri, UTC) after `from`, keeping the time of day. Complaints taken in through intake carry
 * their own due dates; this only fills them in for older rows (and imported ones) that have none.
 */
export function addWorkingDaysUtc(from: number, days: number): number {
  const at = new Date(from);
  let left = Math.max(0, Math.floor(days));
  while (left > 0) {
    at.setUTCDate(at.getUTCDate() + 1);
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at.getTime();
}

interface Raw {
  id: string;
  channel: string;
  received_ms: number | string;
  theme_keys: string | null;
  linked_ms: number | string | null;
  closed_ms: number | string | null;
  told_ms: number | string | null;
  published_outcome: boolean;
  details: Record<string, unknown> | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const time = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

/** One row per (non-erased) feedback item received in [start, end), with the times of each loop stage. */
export async function loadLoopRows(db: Db, orgId: string, start: Date, end: Date): Promise<LoopFeedbackRow[]> {
  const org = await findOrganisationById(db, orgId);
  const sla = { acknowledgeDays: 3, resolveDays: 20, ...org?.settings.sla };
  const closed = sql`case when a.status = 'done' then a.completed_at
      else coalesce((select max(h.created_at) from action_status_history h
                     where h.action_id = a.id and h.to_status = 'declined'), a.updated_at) end`;
  const rows = await queryRows<Raw>(
    db,
    sql`select f.id, f.channel, extract(epoch from f.received_at)::float8 * 1000 as received_ms, f.details,
          (select string_agg(distinct t.key, ',') from feedback_themes ft join themes t on t.id = ft.theme_id
            where ft.feedback_id = f.id) as theme_keys,
          (select extract(epoch from min(af.created_at))::float8 * 1000 from action_feedback af
            where af.feedback_id = f.id) as linked_ms,
          (select extract(epoch from min(${closed}))::float8 * 1000 from action_feedback af
            join improvement_actions a on a.id = af.action_id
            where af.feedback_id = f.id and a.status in ('done', 'declined')) as closed_ms,
          (select extract(epoch from min(n.sent_at))::float8 * 1000 from notifications n
            join action_feedback af on af.action_id = n.action_id and af.feedback_id = f.id
            where f.contact_id is not null and n.contact_id = f.contact_id and n.state = 'sent') as told_ms,
          exists (select 1 from action_feedback af
            join improvement_actions a on a.id = af.action_id and a.status in ('done', 'declined')
            join publication_actions pa on pa.action_id = a.id
            join publications p on p.id = pa.publication_id and p.state = 'published'
            where af.feedback_id = f.id) as published_outcome
        from feedback f
        where f.org_id = ${orgId} and f.erased_at is null
          and f.received_at >= ${start.toISOString()}::timestamptz and f.received_at < ${end.toISOString()}::timestamptz`,
  );
  return rows.map((r) => {
    const receivedAt = Number(r.received_ms);
    let complaint: ComplaintSla | null = null;
    if (r.channel === 'complaint') {
      const d = r.details ?? {};
      complaint = {
        status: typeof d.status === 'string' ? d.status : 'received',
        acknowledgeDueAt: time(d.acknowledgeDueAt) ?? addWorkingDaysUtc(receivedAt, sla.acknowledgeDays),
        resolveDueAt: time(d.resolveDueAt) ?? addWorkingDaysUtc(receivedAt, sla.resolveDays),
        acknowledgedAt: time(d.acknowledgedAt),
        resolvedAt: time(d.resolvedAt),
        breached: Array.isArray(d.slaBreached) ? d.slaBreached.filter((x): x is string => typeof x === 'string') : [],
      };
    }
    return {
      id: r.id,
      channel: r.channel,
      themeKeys: r.theme_keys ? r.theme_keys.split(',') : [],
      receivedAt,
      linkedAt: num(r.linked_ms),
      closedAt: num(r.closed_ms),
      toldAt: num(r.told_ms),
      publishedOutcome: Boolean(r.published_outcome),
      complaint,
    };
  });
}
