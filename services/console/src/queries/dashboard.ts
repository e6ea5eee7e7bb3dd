import { type Db, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';

const DAY = 86_400_000;
const iso = (date: Date) => date.toISOString();

export interface DashboardFigures {
  thisWeek: number;
  lastWeek: number;
  byChannel: { channel: string; thisWeek: number; lastWeek: number }[];
  sentiment: { sentimentClass: string; n: number }[];
  triage: number;
  risingThemes: { id: string; name: string; recent: number; previous: number }[];
  actionsDue: { id: string; title: string; status: string; dueOn: string; ownerName: string | null }[];
}

/** The dashboard's counts for one organisation, relative to `now`: last 7 days vs the 7 before, etc. */
export async function dashboardFigures(db: Db, orgId: string, now: Date): Promise<DashboardFigures> {
  const weekAgo = iso(new Date(now.getTime() - 7 * DAY));
  const twoWeeksAgo = iso(new Date(now.getTime() - 14 * DAY));
  const monthAgo = iso(new Date(now.getTime() - 28 * DAY));
  const twoMonthsAgo = iso(new Date(now.getTime() - 56 * DAY));
  const until = iso(now);
  const soon = new Date(now.getTime() + 14 * DAY).toISOString().slice(0, 10);
  const [channels, sentiment, triage, rising, due] = await Promise.all([
    queryRows<{ channel: string; this_week: number; last_week: number }>(
      db,
      sql`select channel,
                 count(*) filter (where received_at >= ${weekAgo}::timestamptz)::int as this_week,
                 count(*) filter (where received_at < ${weekAgo}::timestamptz)::int as last_week
          from feedback
          where org_id = ${orgId} and erased_at is null
            and received_at >= ${twoWeeksAgo}::timestamptz and received_at <= ${until}::timestamptz
          group by channel order by this_week desc, channel`,
    ),
    queryRows<{ sentiment_class: string; n: number }>(
      db,
      sql`select sentiment_class, count(*)::int as n from feedback
          where org_id = ${orgId} and erased_at is null and sentiment_class is not null
            and received_at >= ${monthAgo}::timestamptz and received_at <= ${until}::timestamptz
          group by sentiment_class`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from feedback where org_id = ${orgId} and needs_triage and erased_at is null`,
    ),
    queryRows<{ id: string; name: string; recent: number; previous: number }>(
      db,
      sql`select t.id, t.name,
                 count(*) filter (where f.received_at >= ${monthAgo}::timestamptz)::int as recent,
                 count(*) filter (where f.received_at < ${monthAgo}::timestamptz)::int as previous
          from feedback_themes ft
          join feedback f on f.id = ft.feedback_id and f.org_id = ${orgId}
          join themes t on t.id = ft.theme_id and t.org_id = ${orgId}
          where ft.org_id = ${orgId} and f.erased_at is null
            and f.received_at >= ${twoMonthsAgo}::timestamptz and f.received_at <= ${until}::timestamptz
          group by t.id, t.name
          having count(*) filter (where f.received_at >= ${monthAgo}::timestamptz) > 0
          order by (count(*) filter (where f.received_at >= ${monthAgo}::timestamptz)
                    - count(*) filter (where f.received_at < ${monthAgo}::timestamptz)) desc, t.name
          limit 6`,
    ),
    queryRows<{ id: string; title: string; status: string; due_on: string; owner_name: string | null }>(
      db,
      sql`select a.id, a.title, a.status, a.due_on::text as due_on, s.name as owner_name
          from improvement_actions a left join staff_users s on s.id = a.owner_id and s.org_id = ${orgId}
          where a.org_id = ${orgId} and a.status in ('proposed', 'planned', 'in_progress')
            and a.due_on is not null and a.due_on <= ${soon}::date
          order by a.due_on, a.title limit 8`,
    ),
  ]);
  return {
    thisWeek: channels.reduce((n, c) => n + c.this_week, 0),
    lastWeek: channels.reduce((n, c) => n + c.last_week, 0),
    byChannel: channels.map((c) => ({ channel: c.channel, thisWeek: c.this_week, lastWeek: c.last_week })),
    sentiment: sentiment.map((s) => ({ sentimentClass: s.sentiment_class, n: s.n })),
    triage: triage[0]?.n ?? 0,
    risingThemes: rising,
    actionsDue: due.map((a) => ({
      id: a.id,
      title: a.title,
      status: a.status,
      dueOn: a.due_on,
      ownerName: a.owner_name,
    })),
  };
}

/** Redacted texts of the last 14 days and of the 60 days before: the input of emerging-topic detection. */
export async function emergingTopicTexts(db: Db, orgId: string, now: Date) {
  const recentFrom = iso(new Date(now.getTime() - 14 * DAY));
  const baselineFrom = iso(new Date(now.getTime() - 74 * DAY));
  const until = iso(now);
  const [recent, baseline, decided] = await Promise.all([
    queryRows<{ id: string; text: string; language: string | null }>(
      db,
      sql`select id, redacted_text as text, language from feedback
          where org_id = ${orgId} and erased_at is null and redacted_text is not null
            and received_at >= ${recentFrom}::timestamptz and received_at <= ${until}::timestamptz
          order by received_at desc limit 5000`,
    ),
    queryRows<{ id: string; text: string; language: string | null }>(
      db,
      sql`select id, redacted_text as text, language from feedback
          where org_id = ${orgId} and erased_at is null and redacted_text is not null
            and received_at >= ${baselineFrom}::timestamptz and received_at < ${recentFrom}::timestamptz
          order by received_at desc limit 20000`,
    ),
    queryRows<{ term: string }>(db, sql`select term from theme_proposals where org_id = ${orgId} and state <> 'open'`),
  ]);
  return { recent, baseline, decidedTerms: new Set(decided.map((d) => d.term.toLowerCase())) };
}
