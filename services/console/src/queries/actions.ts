import { type Db, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';

export async function actionList(db: Db, orgId: string, status: string | null) {
  const filter = status ? sql`and a.status = ${status}` : sql``;
  return queryRows<{
    id: string;
    title: string;
    status: string;
    due_on: string | null;
    owner_name: string | null;
    linked: number;
    updated_at: string;
  }>(
    db,
    sql`select a.id, a.title, a.status, a.due_on::text as due_on, s.name as owner_name, a.updated_at,
               (select count(*)::int from action_feedback af where af.org_id = ${orgId} and af.action_id = a.id) as linked
        from improvement_actions a left join staff_users s on s.id = a.owner_id and s.org_id = ${orgId}
        where a.org_id = ${orgId} ${filter}
        order by case a.status when 'in_progress' then 0 when 'planned' then 1 when 'proposed' then 2 when 'done' then 3 else 4 end,
                 a.due_on nulls last, a.title
        limit 500`,
  );
}

export async function actionHistoryWithNames(db: Db, orgId: string, actionId: string) {
  return queryRows<{
    from_status: string | null;
    to_status: string;
    note: string | null;
    changed_at: string;
    by: string | null;
  }>(
    db,
    sql`select h.from_status, h.to_status, h.note, h.created_at as changed_at, s.name as by
        from action_status_history h left join staff_users s on s.id = h.changed_by and s.org_id = ${orgId}
        where h.org_id = ${orgId} and h.action_id = ${actionId} order by h.created_at, h.id`,
  );
}

export async function linkedFeedback(db: Db, orgId: string, actionId: string) {
  return queryRows<{
    id: string;
    channel: string;
    redacted_text: string | null;
    received_at: string;
    via: string;
    linked_at: string;
    linked_by: string | null;
  }>(
    db,
    sql`select f.id, f.channel, f.redacted_text, f.received_at, af.via, af.created_at as linked_at, s.name as linked_by
        from action_feedback af
        join feedback f on f.id = af.feedback_id and f.org_id = ${orgId}
        left join staff_users s on s.id = af.linked_by and s.org_id = ${orgId}
        where af.org_id = ${orgId} and af.action_id = ${actionId}
        order by af.created_at desc limit 200`,
  );
}
