import { listStaleReceived } from '@closeloop/db';
import type { Channel } from '@closeloop/domain';
import { analysePriority } from '@closeloop/queue';
import type { WorkerDeps } from '../deps.ts';

/**
 * The durability rule's safety net: feedback still `received` after the grace period (a Redis outage
 * at accept time, a lost job) is enqueued again under its own id, so a live job is never doubled.
 */
export function createSweeper(deps: Pick<WorkerDeps, 'database' | 'queue' | 'logger' | 'config' | 'clock'>) {
  const now = deps.clock ?? (() => new Date());
  return async function sweep(): Promise<number> {
    const olderThan = new Date(now().getTime() - deps.config.SWEEPER_GRACE_SECONDS * 1000);
    const stale = await listStaleReceived(deps.database.db, olderThan, 5000);
    for (const row of stale) {
      await deps.queue.enqueue(
        'analyse',
        { orgId: row.orgId, feedbackId: row.id },
        { jobId: row.id, priority: analysePriority(row.channel as Channel) },
      );
    }
    const total = stale.length;
    if (total > 0) deps.logger.info({ count: total }, 'sweeper re-enqueued feedback');
    return total;
  };
}
