import { emitSafely, feedbackAnalysedData } from '@closeloop/api';
import { getFeedback, markFeedbackFailed, saveAnalysis } from '@closeloop/db';
import type { JobContext, JobPayload } from '@closeloop/queue';
import { jobs } from '@closeloop/queue';
import type { AnalyserCache } from '../analysers.ts';
import type { WorkerDeps } from '../deps.ts';

const HTML_CHANNELS = new Set(['email', 'social_mention']);

/**
 * Runs the analysis pipeline on one feedback row and stores language, redacted text, sentiment and
 * themes. Idempotent: a second run replaces the automatic themes with the same set.
 */
export function createAnalyseProcessor(
  deps: Pick<WorkerDeps, 'database' | 'logger' | 'metrics' | 'queue'>,
  analysers: AnalyserCache,
) {
  const attempts = jobs.analyse.policy.attempts;
  return async (payload: JobPayload<'analyse'>, ctx: JobContext): Promise<void> => {
    const { db } = deps.database;
    const log = deps.logger.child({ jobId: ctx.id, requestId: payload.requestId, queue: ctx.name });
    const row = await getFeedback(db, payload.orgId, payload.feedbackId);
    if (!row || row.text === null) return; // erased or gone: nothing to analyse
    try {
      const org = await analysers.get(payload.orgId);
      const details = row.details as { questionText?: string; subject?: string } | null;
      const result = org.analyser.analyse({
        id: row.id,
        text: row.text,
        question: details?.questionText ?? null,
        channel: row.channel,
        html: HTML_CHANNELS.has(row.channel) && /<[a-z][^>]*>/i.test(row.text),
      });
      const themes = result.themes.flatMap((hit) => {
        const themeId = org.themeIdByKey.get(hit.key);
        return themeId ? [{ themeId, confidence: hit.confidence, source: hit.source, terms: hit.terms }] : [];
      });
      await saveAnalysis(db, {
        orgId: row.orgId,
        feedbackId: row.id,
        language: row.language ?? result.language,
        redactedText: result.redacted,
        sentimentScore: result.sentiment.score,
        sentimentClass: result.sentiment.class,
        needsTriage: result.needsTriage,
        themes,
      });
      deps.metrics.feedbackAnalysed.inc();
      // Link suggestions come after the analysis is saved; a failed enqueue must not fail the analysis.
      await deps.queue
        .enqueue('suggest', { orgId: row.orgId, feedbackId: row.id }, { jobId: `suggest-f-${row.id}` })
        .catch((err: unknown) => log.warn({ err, feedbackId: row.id }, 'suggest enqueue failed'));
      await emitSafely({ db, queue: deps.queue, logger: log }, row.orgId, 'feedback.analysed', [
        feedbackAnalysedData({
          id: row.id,
          channel: row.channel,
          language: row.language ?? result.language,
          redactedText: result.redacted,
          sentiment: result.sentiment,
          needsTriage: result.needsTriage,
          themes: result.themes.map((hit) => ({ key: hit.key, confidence: hit.confidence, source: hit.source })),
        }),
      ]);
      log.debug({ feedbackId: row.id, themes: themes.length, attempt: ctx.attempt }, 'feedback analysed');
    } catch (error) {
      if (ctx.attempt >= attempts) {
        log.error({ err: error, feedbackId: row.id, attempt: ctx.attempt }, 'analysis failed for good');
        // Out of the sweeper's way; staff see it in the failed set and can retry it.
        await markFeedbackFailed(db, row.orgId, row.id).catch(() => {});
      }
      throw error;
    }
  };
}
