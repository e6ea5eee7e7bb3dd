import type { Actor } from '@closeloop/core';
import { type Db, insertAudit, linkActionFeedback, queryRows } from '@closeloop/db';
import { ConflictError, NotFoundError } from '@closeloop/domain';
import { sql } from 'drizzle-orm';

export type SuggestionState = 'pending' | 'accepted' | 'rejected';

export interface Suggestion {
  id: string;
  actionId: string;
  actionTitle: string;
  actionStatus: string;
  feedbackId: string;
  redactedText: string | null;
  score: number;
  state: SuggestionState;
  decidedAt: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  action_id: string;
  title: string;
  status: string;
  feedback_id: string;
  redacted: string | null;
  score: number;
  state: SuggestionState;
  decided_ms: number | null;
  created_ms: number;
}

const toSuggestion = (r: Row): Suggestion => ({
  id: r.id,
  actionId: r.action_id,
  actionTitle: r.title,
  actionStatus: r.status,
  feedbackId: r.feedback_id,
  redactedText: r.redacted,
  score: Number(r.score),
  state: r.state,
  decidedAt: r.decided_ms === null ? null : new Date(Number(r.decided_ms)).toISOString(),
  createdAt: new Date(Number(r.created_ms)).toISOString(),
});

const select = sql`select s.id, s.action_id, a.title, a.status, s.feedback_id, f.redacted_text as redacted, s.score,
    s.state, extract(epoch from s.decided_at) * 1000 as decided_ms, extract(epoch from s.created_at) * 1000 as created_ms
  from link_suggestions s join improvement_actions a on a.id = s.action_id join feedback f on f.id = s.feedback_id`;

export async function listSuggestions(
  db: Db,
  orgId: string,
  filter: { actionId?: string | undefined; feedbackId?: string | undefined; state?: SuggestionState | undefined },
  limit = 100,
): Promise<Suggestion[]> {
  const rows = await queryRows<Row>(
    db,
    sql`${select} where s.org_id = ${orgId} and f.erased_at is null
      ${filter.actionId ? sql`and s.action_id = ${filter.actionId}` : sql``}
      ${filter.feedbackId ? sql`and s.feedback_id = ${filter.feedbackId}` : sql``}
      and s.state = ${filter.state ?? 'pending'}
      order by s.score desc, s.id limit ${limit}`,
  );
  return rows.map(toSuggestion);
}

/**
 * Accepting links the feedback to the action (via `suggestion`); rejecting keeps the row so the pair is
 * never suggested again. Either decision is final and audited.
 */
export async function decideSuggestion(
  db: Db,
  orgId: string,
  id: string,
  decision: 'accepted' | 'rejected',
  actor: Actor,
): Promise<Suggestion> {
  const [current] = await queryRows<Row>(db, sql`${select} where s.org_id = ${orgId} and s.id = ${id} for update of s`);
  if (!current) throw new NotFoundError('suggestion', id);
  if (current.state !== 'pending') {
    throw new ConflictError('suggestion_decided', `This suggestion was already ${current.state}`);
  }
  await queryRows(
    db,
    sql`update link_suggestions set state = ${decision}, decided_by = ${actor.id}, decided_at = now() where id = ${id}`,
  );
  if (decision === 'accepted') {
    await linkActionFeedback(db, orgId, current.action_id, [current.feedback_id], {
      via: 'suggestion',
      linkedBy: actor.id,
    });
  }
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: `suggestion.${decision}`,
    entityType: 'improvement_action',
    entityId: current.action_id,
    data: { suggestionId: id, feedbackId: current.feedback_id, score: Number(current.score) },
  });
  const [after] = await queryRows<Row>(db, sql`${select} where s.org_id = ${orgId} and s.id = ${id}`);
  return toSuggestion(after!);
}
