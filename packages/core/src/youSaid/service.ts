import { detectPii } from '@closeloop/analysis';
import {
  type Db,
  findOrganisationById,
  getYouSaid,
  insertAudit,
  insertQuotes,
  listQuotes,
  queryRows,
  type YouSaidRow,
} from '@closeloop/db';
import { AppError, NotFoundError, ValidationError } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import type { Actor } from '../actions/service.ts';
import { representativeTexts } from '../loop/similarity.ts';
import type { YouSaidStats } from '../publications/service.ts';

/** One cell of a channel or customer-group mix; below the organisation's k the count is withheld. */
export interface MixCell {
  key: string;
  count: number | null;
  fewerThan: number | null;
}

export function suppressMix(mix: { key: string; count: number }[], k: number): MixCell[] {
  return mix.map((c) =>
    c.count < k ? { key: c.key, count: null, fewerThan: k } : { key: c.key, count: c.count, fewerThan: null },
  );
}

/**
 * For the public snapshot (whose renderer needs numbers): cells below k are pooled into `other`, and the
 * pool is left out too when it is itself below k. The public never sees a cell smaller than k.
 */
export function poolSmallCells<T extends string>(
  mix: ({ count: number } & Record<T, string>)[],
  field: T,
  k: number,
): ({ count: number } & Record<T, string>)[] {
  const kept = mix.filter((c) => c.count >= k);
  const pooled = mix.filter((c) => c.count < k).reduce((a, c) => a + c.count, 0);
  if (pooled >= k) kept.push({ [field]: 'other', count: pooled } as { count: number } & Record<T, string>);
  return kept;
}

export interface YouSaidView {
  count: number | null;
  fewerThan: number | null;
  previousCount: number | null;
  change: number | null;
  channelMix: MixCell[];
  groupMix: MixCell[];
  sentiment: { positive: number; neutral: number; negative: number; mean: number | null } | null;
}

/** What may be shown of the stats: below k only "fewer than k", and change only when both periods reach k. */
export function viewOfStats(stats: YouSaidStats, k: number): YouSaidView {
  const suppressed = stats.count < k;
  const previousShown = !suppressed && stats.previousCount >= k;
  return {
    count: suppressed ? null : stats.count,
    fewerThan: suppressed ? k : null,
    previousCount: previousShown ? stats.previousCount : null,
    change: previousShown ? stats.count - stats.previousCount : null,
    channelMix: suppressed
      ? []
      : suppressMix(
          stats.channelMix.map((c) => ({ key: c.channel, count: c.count })),
          k,
        ),
    groupMix: suppressed
      ? []
      : suppressMix(
          stats.groupMix.map((g) => ({ key: g.group, count: g.count })),
          k,
        ),
    sentiment: suppressed ? null : stats.sentiment,
  };
}

export interface QuoteCandidate {
  feedbackId: string;
  text: string;
  score: number;
}

/**
 * Up to three representative quotes for a theme and period: the redacted texts nearest the centroid of the
 * period's TF-IDF vectors on that theme (its sub-themes included), skipping very short and very long ones.
 */
export async function representativeQuotes(
  db: Db,
  orgId: string,
  scope: { themeId: string; periodStart: string; periodEnd: string; servicePointId: string | null },
  count = 3,
): Promise<QuoteCandidate[]> {
  const end = new Date(Date.parse(`${scope.periodEnd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const rows = await queryRows<{ id: string; text: string }>(
    db,
    sql`select distinct f.id, f.redacted_text as text from feedback f
        join feedback_themes ft on ft.feedback_id = f.id join themes t on t.id = ft.theme_id
        where f.org_id = ${orgId} and (t.id = ${scope.themeId} or t.parent_id = ${scope.themeId})
          and f.received_at >= ${scope.periodStart}::date and f.received_at < ${end}::date
          and f.erased_at is null and f.redacted_text is not null
          ${scope.servicePointId ? sql`and f.service_point_id = ${scope.servicePointId}` : sql``}
        order by f.id limit 5000`,
  );
  return representativeTexts(rows, { count }).map((r) => ({
    feedbackId: r.item.id,
    text: r.item.text.trim(),
    score: Math.round(r.score * 10_000) / 10_000,
  }));
}

/** Stores the chosen quotes, unapproved: they reach the board only once staff approve them. */
export async function storeQuotes(db: Db, orgId: string, entryId: string, quotes: QuoteCandidate[]): Promise<void> {
  await insertQuotes(
    db,
    quotes.map((q, position) => ({ orgId, entryId, feedbackId: q.feedbackId, text: q.text, position })),
  );
}

export async function kOf(db: Db, orgId: string): Promise<number> {
  return (await findOrganisationById(db, orgId))?.kAnonymity ?? 5;
}

export async function requireYouSaid(db: Db, orgId: string, id: string): Promise<YouSaidRow> {
  const entry = await getYouSaid(db, orgId, id);
  if (!entry) throw new NotFoundError('you_said', id);
  return entry;
}

export class QuoteContainsPiiError extends AppError {
  constructor(types: string[]) {
    super('quote_contains_pii', 422, `The quote still contains personal data (${types.join(', ')}); redact it first`, {
      errors: types.map((t) => ({ path: 'text', message: `contains ${t}` })),
    });
  }
}

/**
 * Approves a quote, optionally with edited text. Edited text must still be redacted: the PII detector runs
 * again and the approval is refused while anything personal remains.
 */
export async function approveQuote(
  db: Db,
  orgId: string,
  entryId: string,
  quoteId: string,
  actor: Actor,
  editedText?: string,
) {
  await requireYouSaid(db, orgId, entryId);
  const quote = (await listQuotes(db, orgId, [entryId])).find((q) => q.id === quoteId);
  if (!quote) throw new NotFoundError('quote', quoteId);
  const text = (editedText ?? quote.text).trim();
  if (!text) throw new ValidationError('A quote needs text', [{ path: 'text', message: 'must not be empty' }]);
  const pii = detectPii(text);
  if (pii.length > 0) throw new QuoteContainsPiiError([...new Set(pii.map((p) => p.type))]);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update you_said_quotes set text = ${text}, approved_by = ${actor.id}, approved_at = now()
        where org_id = ${orgId} and id = ${quoteId} returning id`,
  );
  if (rows.length === 0) throw new NotFoundError('quote', quoteId);
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: 'quote.approved',
    entityType: 'you_said',
    entityId: entryId,
    data: { quoteId, edited: editedText !== undefined && text !== quote.text },
  });
}

export async function deleteQuote(db: Db, orgId: string, entryId: string, quoteId: string, actor: Actor) {
  await requireYouSaid(db, orgId, entryId);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`delete from you_said_quotes where org_id = ${orgId} and entry_id = ${entryId} and id = ${quoteId} returning id`,
  );
  if (rows.length === 0) throw new NotFoundError('quote', quoteId);
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: 'quote.deleted',
    entityType: 'you_said',
    entityId: entryId,
    data: { quoteId },
  });
}

export async function viewYouSaid(db: Db, orgId: string, id: string) {
  const entry = await requireYouSaid(db, orgId, id);
  const k = await kOf(db, orgId);
  const [theme] = await queryRows<{ key: string; name: string }>(
    db,
    sql`select key, name from themes where id = ${entry.themeId}`,
  );
  const stats: YouSaidStats = {
    count: entry.count,
    previousCount: entry.previousCount ?? 0,
    channelMix: entry.channelMix,
    groupMix: entry.groupMix,
    sentiment: entry.sentiment ?? { positive: 0, neutral: 0, negative: 0, mean: null },
  };
  const quotes = await listQuotes(db, orgId, [id]);
  return {
    id: entry.id,
    themeKey: theme?.key ?? '',
    themeName: theme?.name ?? '',
    servicePointId: entry.servicePointId,
    periodStart: entry.periodStart,
    periodEnd: entry.periodEnd,
    summary: entry.summary,
    summaryCy: entry.summaryCy,
    kAnonymity: k,
    ...viewOfStats(stats, k),
    quotes: quotes.map((q) => ({
      id: q.id,
      feedbackId: q.feedbackId,
      text: q.text,
      position: q.position,
      approved: q.approvedAt !== null,
      approvedAt: q.approvedAt ? q.approvedAt.toISOString() : null,
    })),
  };
}
