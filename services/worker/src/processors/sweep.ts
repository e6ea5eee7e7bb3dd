import { listStaleReceived } from '@closeloop/db';
import type { Channel } from '@closeloop/domain';
import { analysePriority, type JobQueue } from '@closeloop/queue';
import type { WorkerDeps } from '../deps.ts';

const LIVE = new Set(['waiting', 'active', 'delayed']);

/**
 * The rows among `stale` that no live analyse job covers. Ingestion queues a group of rows as one job
 * with id `b-<first row id>` (or the row id for a group of one), so each row is looked up under both
 * ids; a live group job found through its first row covers the rest of its group. Lookups run 100 at a
 * time, in (created_at, id) order, so the members of a group found earlier cost nothing. A group's
 * rows share one `created_at`, so its first row is among the stale rows with the rest; when it is not
 * (already analysed while its mates wait, or cut off by the sweep's limit) its mates are queued again,
 * which costs a second, identical analysis and nothing else.
 */
export async function uncoveredRows<R extends { id: string }>(queue: JobQueue, stale: readonly R[]): Promise<R[]> {
  const covered = new Set<string>();
  const live = new Map<string, boolean>();
  for (let i = 0; i < stale.length; i += 100) {
    const todo = stale.slice(i, i + 100).filter((row) => !covered.has(row.id));
    await Promise.all(
      todo.map(async (row) => {
        for (const jobId of [row.id, `b-${row.id}`]) {
          const job = await queue.getJob('analyse', jobId);
          if (!job || !LIVE.has(job.state)) continue;
          const payload = job.payload as { feedbackId?: string; batch?: string[] };
          for (const id of [payload.feedbackId, ...(payload.batch ?? [])]) if (id) covered.add(id);
          live.set(row.id, true);
        }
      }),
    );
  }
  return stale.filter((row) => !covered.has(row.id) && !live.get(row.id));
}

/**
 * The durability rule's safety net: feedback still `received` after the grace period (a Redis outage
 * at accept time, a lost job) is enqueued again under its own id. Rows whose job is still queued (a
 * backlog longer than the grace period) are left alone, so a live job is never doubled.
 */
export function createSweeper(deps: Pick<WorkerDeps, 'database' | 'queue' | 'logger' | 'config' | 'clock'>) {
  const now = deps.clock ?? (() => new Date());
  return async function sweep(): Promise<number> {
    const olderThan = new Date(now().getTime() - deps.config.SWEEPER_GRACE_SECONDS * 1000);
    const stale = await listStaleReceived(deps.database.db, olderThan, 5000);
    const lost = await uncoveredRows(deps.queue, stale);
    for (const row of lost) {
      await deps.queue.enqueue(
        'analyse',
        { orgId: row.orgId, feedbackId: row.id },
        { jobId: row.id, priority: analysePriority(row.channel as Channel) },
      );
    }
    if (lost.length > 0) deps.logger.info({ count: lost.length }, 'sweeper re-enqueued feedback');
    return lost.length;
  };
}
