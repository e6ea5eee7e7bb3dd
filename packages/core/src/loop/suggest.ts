import { type Db, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { rankBySimilarity } from './similarity.ts';

/** Actions already done or declined take no more feedback. */
const OPEN = sql`('proposed', 'planned', 'in_progress')`;
const MAX_LINKED_TEXTS = 50;

/** An action's text for similarity also reads the latest feedback linked to it (column `linked`). */
const linkedTexts = sql`(select string_agg(x.t, ' ') from (
    select f.redacted_text as t from action_feedback af join feedback f on f.id = af.feedback_id
    where af.action_id = a.id and f.redacted_text is not null order by af.created_at desc limit ${MAX_LINKED_TEXTS}
  ) x) as linked`;
const MIN_SCORE = 0.05;

export interface SuggestOptions {
  /** Suggestions kept per feedback item (best first). */
  perFeedback?: number;
  /** Suggestions kept per action (best first). */
  perAction?: number;
  minScore?: number;
}

interface ActionCandidate {
  id: string;
  title: string;
  description: string | null;
  linked: string | null;
}

/** Theme ids of a feedback item together with their parents and children, so a sub-theme meets its parent. */
function themeFamily(themeIds: ReturnType<typeof sql>) {
  return sql`select t.id from themes t where t.id in (${themeIds})
    union select t.parent_id from themes t where t.id in (${themeIds}) and t.parent_id is not null
    union select t.id from themes t where t.parent_id in (${themeIds})`;
}

async function insertSuggestions(
  db: Db,
  orgId: string,
  pairs: { actionId: string; feedbackId: string; score: number }[],
): Promise<number> {
  if (pairs.length === 0) return 0;
  // The unique pair index makes a decided (accepted or rejected) pair impossible to suggest again.
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into link_suggestions (org_id, action_id, feedback_id, score)
        values ${sql.join(
          pairs.map((p) => sql`(${orgId}, ${p.actionId}, ${p.feedbackId}, ${p.score})`),
          sql`, `,
        )}
        on conflict (action_id, feedback_id) do nothing returning id`,
  );
  return rows.length;
}

/**
 * For one analysed feedback item: the open actions on the same themes, ranked by TF-IDF cosine between
 * the redacted text and each action's title, description and already linked feedback.
 */
export async function suggestActionsForFeedback(
  db: Db,
  orgId: string,
  feedbackId: string,
  opts: SuggestOptions = {},
): Promise<number> {
  const [item] = await queryRows<{ redacted: string | null }>(
    db,
    sql`select redacted_text as redacted from feedback
        where org_id = ${orgId} and id = ${feedbackId} and erased_at is null`,
  );
  if (!item?.redacted) return 0;
  const themeIds = sql`select theme_id from feedback_themes where feedback_id = ${feedbackId}`;
  const candidates = await queryRows<ActionCandidate>(
    db,
    sql`select a.id, a.title, a.description, ${linkedTexts}
        from improvement_actions a
        where a.org_id = ${orgId} and a.status in ${OPEN}
          and exists (select 1 from action_themes at where at.action_id = a.id and at.theme_id in (${themeFamily(themeIds)}))
          and not exists (select 1 from action_feedback af where af.action_id = a.id and af.feedback_id = ${feedbackId})
          and not exists (select 1 from link_suggestions s where s.action_id = a.id and s.feedback_id = ${feedbackId})
        limit 500`,
  );
  const ranked = rankBySimilarity(
    item.redacted,
    candidates,
    (a) => [a.title, a.description ?? '', a.linked ?? ''].join('\n'),
    { minScore: opts.minScore ?? MIN_SCORE, limit: opts.perFeedback ?? 5 },
  );
  return insertSuggestions(
    db,
    orgId,
    ranked.map((r) => ({ actionId: r.item.id, feedbackId, score: round(r.score) })),
  );
}

/** For one open action: unlinked feedback on its themes that reads like it, best first. */
export async function suggestFeedbackForAction(
  db: Db,
  orgId: string,
  actionId: string,
  opts: SuggestOptions = {},
): Promise<number> {
  const [action] = await queryRows<ActionCandidate>(
    db,
    sql`select a.id, a.title, a.description, ${linkedTexts}
        from improvement_actions a where a.org_id = ${orgId} and a.id = ${actionId} and a.status in ${OPEN}`,
  );
  if (!action) return 0;
  const themeIds = sql`select theme_id from action_themes where action_id = ${actionId}`;
  const candidates = await queryRows<{ id: string; redacted: string }>(
    db,
    sql`select f.id, f.redacted_text as redacted from feedback f
        where f.org_id = ${orgId} and f.redacted_text is not null and f.erased_at is null
          and exists (select 1 from feedback_themes ft where ft.feedback_id = f.id and ft.theme_id in (${themeFamily(themeIds)}))
          and not exists (select 1 from action_feedback af where af.action_id = ${actionId} and af.feedback_id = f.id)
          and not exists (select 1 from link_suggestions s where s.action_id = ${actionId} and s.feedback_id = f.id)
        order by f.received_at desc limit 2000`,
  );
  const query = [action.title, action.description ?? '', action.linked ?? ''].join('\n');
  const ranked = rankBySimilarity(query, candidates, (f) => f.redacted, {
    minScore: opts.minScore ?? MIN_SCORE,
    limit: opts.perAction ?? 50,
  });
  return insertSuggestions(
    db,
    orgId,
    ranked.map((r) => ({ actionId, feedbackId: r.item.id, score: round(r.score) })),
  );
}

function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
