import { type Db, insertAudit, schema } from '@closeloop/db';
import { and, eq, inArray } from 'drizzle-orm';

/**
 * `snapshot` without the quotes in `texts`: every occurrence in `youSaid.quotes` of a text in the set is
 * dropped, everything else is kept as it was frozen. Returns null when nothing was removed (or the
 * snapshot has no quotes array).
 */
export function snapshotWithoutQuotes(
  snapshot: Record<string, unknown> | null,
  texts: ReadonlySet<string>,
): { snapshot: Record<string, unknown>; removed: number } | null {
  const youSaid = snapshot?.youSaid as Record<string, unknown> | undefined;
  if (!snapshot || !youSaid || !Array.isArray(youSaid.quotes)) return null;
  const kept = youSaid.quotes.filter((q) => !(typeof q === 'string' && texts.has(q)));
  const removed = youSaid.quotes.length - kept.length;
  if (removed === 0) return null;
  return { snapshot: { ...snapshot, youSaid: { ...youSaid, quotes: kept } }, removed };
}

export interface QuoteErasureResult {
  /** Publications whose live snapshot or any version snapshot lost a quote. */
  publications: number;
  /** Quotes removed from live snapshots (what the board, feeds and embeds show). */
  fromLive: number;
  /** Quotes removed from version snapshots (the history returned at GET …/versions). */
  fromVersions: number;
}

/**
 * Right to erasure for published quotes: the board and the version history render frozen snapshots,
 * so deleting a feedback item's `you_said_quotes` rows is not enough. For every publication of the
 * SAME organisation whose You said entry quoted the item, removes the item's quote texts (and its
 * redacted text, the form a quote starts from before staff edit it) from `youSaid.quotes` of the live
 * snapshot and of every version snapshot. The rest of each snapshot stays as approved; the live
 * snapshot's `updatedAt` moves to now so feed readers refetch the entry. Each changed publication gets
 * a `publication.quote_erased` audit row (counts only, never the text).
 *
 * Call it in the erasure's transaction, before the quote rows are deleted. It locks the affected
 * publications, as publish, unpublish and edit do, so none of them can write back a snapshot read
 * before the erasure.
 */
export async function eraseQuotesFromPublications(
  db: Db,
  orgId: string,
  feedbackId: string,
  opts: {
    redactedText: string | null;
    actor: { type: 'api_key' | 'staff' | 'system'; id: string | null };
    at?: Date;
  },
): Promise<QuoteErasureResult> {
  const result: QuoteErasureResult = { publications: 0, fromLive: 0, fromVersions: 0 };
  const quotes = await db
    .select({ entryId: schema.youSaidQuotes.entryId, text: schema.youSaidQuotes.text })
    .from(schema.youSaidQuotes)
    .where(and(eq(schema.youSaidQuotes.orgId, orgId), eq(schema.youSaidQuotes.feedbackId, feedbackId)));
  if (quotes.length === 0) return result;

  const textsByEntry = new Map<string, Set<string>>();
  for (const q of quotes) {
    const texts = textsByEntry.get(q.entryId) ?? new Set<string>();
    texts.add(q.text);
    if (opts.redactedText) {
      texts.add(opts.redactedText);
      texts.add(opts.redactedText.trim());
    }
    textsByEntry.set(q.entryId, texts);
  }

  const publications = await db
    .select({
      id: schema.publications.id,
      youSaidId: schema.publications.youSaidId,
      snapshot: schema.publications.snapshot,
    })
    .from(schema.publications)
    .where(and(eq(schema.publications.orgId, orgId), inArray(schema.publications.youSaidId, [...textsByEntry.keys()])))
    .orderBy(schema.publications.id)
    .for('update');
  if (publications.length === 0) return result;

  const versions = await db
    .select({
      id: schema.publicationVersions.id,
      publicationId: schema.publicationVersions.publicationId,
      snapshot: schema.publicationVersions.snapshot,
    })
    .from(schema.publicationVersions)
    .where(
      and(
        eq(schema.publicationVersions.orgId, orgId),
        inArray(
          schema.publicationVersions.publicationId,
          publications.map((p) => p.id),
        ),
      ),
    )
    .orderBy(schema.publicationVersions.id)
    .for('update');

  const at = (opts.at ?? new Date()).toISOString();
  for (const publication of publications) {
    const texts = textsByEntry.get(publication.youSaidId)!;
    let fromLive = 0;
    let fromVersions = 0;
    let versionsChanged = 0;
    const live = snapshotWithoutQuotes(publication.snapshot, texts);
    if (live) {
      fromLive = live.removed;
      await db
        .update(schema.publications)
        .set({ snapshot: { ...live.snapshot, updatedAt: at } })
        .where(and(eq(schema.publications.orgId, orgId), eq(schema.publications.id, publication.id)));
    }
    for (const version of versions) {
      if (version.publicationId !== publication.id) continue;
      const changed = snapshotWithoutQuotes(version.snapshot, texts);
      if (!changed) continue;
      fromVersions += changed.removed;
      versionsChanged += 1;
      await db
        .update(schema.publicationVersions)
        .set({ snapshot: changed.snapshot })
        .where(and(eq(schema.publicationVersions.orgId, orgId), eq(schema.publicationVersions.id, version.id)));
    }
    if (fromLive + fromVersions === 0) continue;
    result.publications += 1;
    result.fromLive += fromLive;
    result.fromVersions += fromVersions;
    await insertAudit(db, {
      orgId,
      actorType: opts.actor.type,
      actorId: opts.actor.id,
      action: 'publication.quote_erased',
      entityType: 'publication',
      entityId: publication.id,
      data: { feedbackId, quotesRemoved: fromLive, quotesRemovedFromVersions: fromVersions, versionsChanged },
    });
  }
  return result;
}
