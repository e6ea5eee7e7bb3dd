import { createBatcher, emitSafely, feedbackAnalysedData, type Settled } from '@closeloop/core';
import {
  type AnalysisToStore,
  type FeedbackRow,
  getFeedbackByIds,
  markFeedbackFailed,
  queryRows,
  saveAnalyses,
} from '@closeloop/db';
import type { JobContext, JobPayload } from '@closeloop/queue';
import { jobs } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import type { AnalyserCache } from '../analysers.ts';
import type { WorkerDeps } from '../deps.ts';

const HTML_CHANNELS = new Set(['email', 'social_mention']);

interface Analysed {
  row: FeedbackRow;
  store: AnalysisToStore;
  themeKeys: { key: string; confidence: number; source: string }[];
}

/**
 * Runs the analysis pipeline on feedback rows and stores language, redacted text, sentiment and
 * themes. Jobs running at the same time are batched: one read and one write transaction per batch.
 * Idempotent: a second run replaces the automatic themes with the same set.
 */
export function createAnalyseProcessor(
  deps: Pick<WorkerDeps, 'database' | 'logger' | 'metrics' | 'queue'>,
  analysers: AnalyserCache,
  opts: { maxBatch?: number; maxWaitMs?: number } = {},
) {
  const attempts = jobs.analyse.policy.attempts;
  const { db } = deps.database;
  const openActions = new Map<string, { value: boolean; until: number }>();

  /** Link suggestions only make sense while the organisation has open actions (cached briefly). */
  async function hasOpenActions(orgId: string): Promise<boolean> {
    const hit = openActions.get(orgId);
    if (hit && hit.until > Date.now()) return hit.value;
    const rows = await queryRows<{ open: boolean }>(
      db,
      sql`select exists (select 1 from improvement_actions where org_id = ${orgId}
            and status in ('proposed', 'planned', 'in_progress')) as open`,
    );
    const value = rows[0]?.open === true;
    openActions.set(orgId, { value, until: Date.now() + 5_000 });
    return value;
  }

  const analyseBatch = createBatcher<JobPayload<'analyse'>, Analysed | null>(
    async (payloads) => {
      const rows = await getFeedbackByIds(
        db,
        payloads.map((p) => p.feedbackId),
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const results: (Analysed | null)[] = [];
      for (const payload of payloads) {
        const row = byId.get(payload.feedbackId);
        // Erased, gone, or another organisation's id in the payload: nothing to analyse.
        if (!row || row.orgId !== payload.orgId || row.text === null) {
          results.push(null);
          continue;
        }
        const org = await analysers.get(row.orgId);
        const details = row.details as { questionText?: string } | null;
        const result = org.analyser.analyse({
          id: row.id,
          text: row.text,
          question: details?.questionText ?? null,
          channel: row.channel,
          html: HTML_CHANNELS.has(row.channel) && /<[a-z][^>]*>/i.test(row.text),
        });
        results.push({
          row,
          themeKeys: result.themes.map((hit) => ({ key: hit.key, confidence: hit.confidence, source: hit.source })),
          store: {
            orgId: row.orgId,
            feedbackId: row.id,
            language: row.language ?? result.language,
            redactedText: result.redacted,
            sentimentScore: result.sentiment.score,
            sentimentClass: result.sentiment.class,
            needsTriage: result.needsTriage,
            themes: result.themes.flatMap((hit) => {
              const themeId = org.themeIdByKey.get(hit.key);
              return themeId ? [{ themeId, confidence: hit.confidence, source: hit.source, terms: hit.terms }] : [];
            }),
          },
        });
      }
      const toStore = results.flatMap((r) => (r ? [r.store] : []));
      let stored: Set<string>;
      const failed = new Map<string, unknown>();
      try {
        stored = await saveAnalyses(db, toStore);
      } catch {
        // One bad row must not fail its batch-mates: store them one by one and fail only the bad ones.
        stored = new Set();
        for (const item of toStore) {
          try {
            for (const id of await saveAnalyses(db, [item])) stored.add(id);
          } catch (error) {
            failed.set(item.feedbackId, rootCause(error));
          }
        }
      }
      return payloads.map((payload, i): Settled<Analysed | null> => {
        const error = failed.get(payload.feedbackId);
        if (error !== undefined) return { ok: false, error };
        const r = results[i] ?? null;
        return { ok: true, value: r && stored.has(r.row.id) ? r : null };
      });
    },
    { maxSize: opts.maxBatch ?? 64, maxWaitMs: opts.maxWaitMs ?? 5 },
  );

  return async (payload: JobPayload<'analyse'>, ctx: JobContext): Promise<void> => {
    const log = deps.logger.child({ jobId: ctx.id, requestId: payload.requestId, queue: ctx.name });
    const ids = [payload.feedbackId, ...(payload.batch ?? [])];
    // Every row of the job goes through the batcher at once (one read, one write transaction).
    const settled = await Promise.allSettled(
      ids.map((feedbackId) => analyseBatch({ orgId: payload.orgId, feedbackId, requestId: payload.requestId })),
    );
    const failedIds: string[] = [];
    let firstError: unknown;
    const analysed: Analysed[] = [];
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        if (result.value) analysed.push(result.value);
      } else {
        failedIds.push(ids[i]!);
        firstError ??= result.reason;
      }
    });
    if (analysed.length > 0) await followUp(analysed, log);
    if (failedIds.length === 0) return;
    if (ctx.attempt >= attempts) {
      log.error({ err: firstError, feedbackIds: failedIds, attempt: ctx.attempt }, 'analysis failed for good');
      // Out of the sweeper's way; staff see it in the failed set and can retry it.
      for (const id of failedIds) await markFeedbackFailed(db, payload.orgId, id).catch(() => {});
    }
    // A retry runs the whole job again; rows already analysed are analysed again to the same result.
    throw firstError;
  };

  /** After the analyses are saved: metrics, link suggestions, `feedback.analysed` webhooks; never throws. */
  async function followUp(analysed: Analysed[], log: WorkerDeps['logger']): Promise<void> {
    deps.metrics.feedbackAnalysed.inc(analysed.length);
    const orgId = analysed[0]!.row.orgId;
    if (await hasOpenActions(orgId).catch(() => true)) {
      await deps.queue
        .enqueueBulk(
          'suggest',
          analysed.map(({ row }) => ({
            payload: { orgId: row.orgId, feedbackId: row.id },
            opts: { jobId: `suggest-f-${row.id}` },
          })),
        )
        .catch((err: unknown) => log.warn({ err, count: analysed.length }, 'suggest enqueue failed'));
    }
    await emitSafely(
      { db, queue: deps.queue, logger: log },
      orgId,
      'feedback.analysed',
      analysed.map(({ row, store, themeKeys }) =>
        feedbackAnalysedData({
          id: row.id,
          channel: row.channel,
          language: store.language,
          redactedText: store.redactedText,
          sentiment: { score: store.sentimentScore, class: store.sentimentClass },
          needsTriage: store.needsTriage,
          themes: themeKeys,
        }),
      ),
    );
    for (const { row, store } of analysed) {
      log.debug({ feedbackId: row.id, themes: store.themes.length }, 'feedback analysed');
    }
  }
}

/** The database's own message (drizzle wraps it as `cause`), which is what an operator needs in the failed set. */
function rootCause(error: unknown): unknown {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause : error;
}
