import type { Channel } from '@closeloop/domain';
import type { Logger } from '@closeloop/logger';
import { analysePriority, type JobQueue } from '@closeloop/queue';

/**
 * After a chunk commits: one round trip enqueues analysis for all its rows (job id = feedback id).
 * A queue outage is logged, not thrown; the sweeper re-enqueues rows still `received` (durability rule).
 */
export async function enqueueAnalyses(
  deps: { queue: JobQueue; logger: Logger },
  orgId: string,
  stored: { id: string; channel: Channel | string }[],
  requestId?: string,
): Promise<void> {
  if (stored.length === 0) return;
  const rid = requestId ? { requestId: requestId.slice(0, 128) } : {};
  try {
    await deps.queue.enqueueBulk(
      'analyse',
      stored.map((s) => ({
        payload: { orgId, feedbackId: s.id, ...rid },
        opts: { jobId: s.id, priority: analysePriority(s.channel as Channel) },
      })),
    );
  } catch (error) {
    deps.logger.warn({ err: error, count: stored.length }, 'bulk enqueue failed; the sweeper will pick these up');
  }
}
