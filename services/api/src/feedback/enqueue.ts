import type { Channel } from '@closeloop/domain';
import type { Logger } from '@closeloop/logger';
import { analyseJobs, type JobQueue } from '@closeloop/queue';

/**
 * After a chunk commits: one round trip enqueues analysis for all its rows, one job per 250 rows.
 * A queue outage is logged, not thrown; the sweeper re-enqueues rows still `received` (durability rule).
 */
export async function enqueueAnalyses(
  deps: { queue: JobQueue; logger: Logger },
  orgId: string,
  stored: { id: string; channel: Channel | string }[],
  requestId?: string,
): Promise<void> {
  if (stored.length === 0) return;
  try {
    await deps.queue.enqueueBulk(
      'analyse',
      analyseJobs(
        stored.map((s) => ({ orgId, id: s.id, channel: s.channel as Channel })),
        requestId,
      ),
    );
  } catch (error) {
    deps.logger.warn({ err: error, count: stored.length }, 'bulk enqueue failed; the sweeper will pick these up');
  }
}
