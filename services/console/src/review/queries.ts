import { type Db, listCustomerGroups, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { ReviewInput } from './compute.ts';

/**
 * The counts behind the engagement review for [from, to] (ISO days, inclusive). Erased feedback still
 * counts: the person took part even if their words were removed.
 */
export async function loadReviewInput(db: Db, orgId: string, from: string, to: string): Promise<ReviewInput> {
  const start = `${from}T00:00:00.000Z`;
  const end = `${to}T23:59:59.999Z`;
  const [groups, counts, engagements, channels] = await Promise.all([
    listCustomerGroups(db, orgId),
    queryRows<{ channel: string; group_id: string | null; n: number }>(
      db,
      sql`select channel, customer_group_id as group_id, count(*)::int as n from feedback
          where org_id = ${orgId} and received_at >= ${start}::timestamptz and received_at <= ${end}::timestamptz
          group by channel, customer_group_id`,
    ),
    queryRows<{
      id: string;
      title: string;
      kind: string;
      method: string | null;
      invited: number | null;
      responses: number;
    }>(
      db,
      sql`select e.id, e.title, e.kind, e.method, e.invited_count as invited,
                 (select count(*)::int from feedback f where f.org_id = ${orgId} and f.engagement_id = e.id) as responses
          from engagements e
          where e.org_id = ${orgId}
            and (e.started_at is null or e.started_at <= ${end}::timestamptz)
            and (e.ended_at is null or e.ended_at >= ${start}::timestamptz)
          order by e.started_at nulls last, e.title`,
    ),
    queryRows<{ channel: string; total: number; consent_contact: number; consent_outcome: number; published: number }>(
      db,
      sql`select f.channel, count(*)::int as total,
                 count(*) filter (where c.consent_contact)::int as consent_contact,
                 count(*) filter (where c.consent_outcome)::int as consent_outcome,
                 count(*) filter (where exists (
                   select 1 from action_feedback af
                   join publication_actions pa on pa.action_id = af.action_id and pa.org_id = ${orgId}
                   join publications p on p.id = pa.publication_id and p.org_id = ${orgId}
                   where af.org_id = ${orgId} and af.feedback_id = f.id and p.state = 'published'))::int as published
          from feedback f left join contacts c on c.id = f.contact_id and c.org_id = ${orgId}
          where f.org_id = ${orgId} and f.received_at >= ${start}::timestamptz and f.received_at <= ${end}::timestamptz
          group by f.channel order by total desc, f.channel`,
    ),
  ]);
  return {
    groups: groups.map((g) => ({ id: g.id, name: g.name, populationShare: g.populationShare ?? null })),
    counts: counts.map((c) => ({ channel: c.channel, groupId: c.group_id, n: c.n })),
    engagements,
    channels: channels.map((c) => ({
      channel: c.channel,
      total: c.total,
      consentContact: c.consent_contact,
      consentOutcome: c.consent_outcome,
      publishedOutcome: c.published,
    })),
  };
}
