import { ConflictError, NotFoundError, UnavailableError } from '@closeloop/domain';
import {
  type FailedJob,
  isJobName,
  JOB_NAMES,
  type JobInfo,
  type JobName,
  type JobQueue,
  type QueueCounts,
  QueueUnavailableError,
} from '@closeloop/queue';

/**
 * Who is looking: an organisation sees only jobs whose payload carries its `orgId` (others' jobs and
 * the org-less housekeeping jobs answer 404); the operator (`all`, from the CLI) sees everything.
 */
export type JobScope = { orgId: string } | 'all';

export interface QueueSummary {
  queue: JobName;
  /** Jobs of the whole queue (shared infrastructure): how much work is ahead. */
  backlog: Pick<QueueCounts, 'waiting' | 'active' | 'delayed'>;
  /** Failed jobs visible in this scope. */
  failed: number;
}

/** Failed jobs are retained up to 5,000 per queue; a scoped listing filters within that window. */
const SCAN_PAGE = 500;
const SCAN_MAX = 5_000;

function visible(scope: JobScope, payload: unknown): boolean {
  if (scope === 'all') return true;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    'orgId' in payload &&
    (payload as { orgId: unknown }).orgId === scope.orgId
  );
}

async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof QueueUnavailableError) {
      throw new UnavailableError('queue_unavailable', 'The job queue is unavailable; retry shortly');
    }
    throw error;
  }
}

export function queueNameOf(value: string): JobName {
  if (!isJobName(value)) throw new NotFoundError('queue', value);
  return value;
}

/** Failed-job operations shared by the admin API (tenant-scoped) and the CLI (operator). */
export function createJobAdmin(queue: JobQueue) {
  async function failedInScope(name: JobName, scope: JobScope, limit: number, offset: number): Promise<FailedJob[]> {
    if (scope === 'all') return guard(queue.listFailed(name, { limit, offset }));
    const out: FailedJob[] = [];
    let skipped = 0;
    for (let at = 0; at < SCAN_MAX && out.length < limit; at += SCAN_PAGE) {
      const page = await guard(queue.listFailed(name, { limit: SCAN_PAGE, offset: at }));
      for (const job of page) {
        if (!visible(scope, job.payload)) continue;
        if (skipped < offset) skipped++;
        else if (out.length < limit) out.push(job);
      }
      if (page.length < SCAN_PAGE) break;
    }
    return out;
  }

  async function jobInScope(name: JobName, id: string, scope: JobScope): Promise<JobInfo> {
    const job = await guard(queue.getJob(name, id));
    if (!job || !visible(scope, job.payload)) throw new NotFoundError('job', id);
    return job;
  }

  return {
    async summary(scope: JobScope): Promise<QueueSummary[]> {
      return Promise.all(
        JOB_NAMES.map(async (name) => {
          const counts = await guard(queue.counts(name));
          const failed =
            scope === 'all' || counts.failed === 0
              ? counts.failed
              : (await failedInScope(name, scope, SCAN_MAX, 0)).length;
          return {
            queue: name,
            backlog: { waiting: counts.waiting, active: counts.active, delayed: counts.delayed },
            failed,
          };
        }),
      );
    },

    listFailed(name: JobName, scope: JobScope, page: { limit: number; offset: number }): Promise<FailedJob[]> {
      return failedInScope(name, scope, page.limit, page.offset);
    },

    get: jobInScope,

    async retry(name: JobName, id: string, scope: JobScope): Promise<void> {
      const job = await jobInScope(name, id, scope);
      if (job.state !== 'failed' || !(await guard(queue.retryFailed(name, id)))) {
        throw new ConflictError('job_not_failed', `job ${id} is ${job.state}; only failed jobs can be retried`);
      }
    },

    async discard(name: JobName, id: string, scope: JobScope): Promise<void> {
      const job = await jobInScope(name, id, scope);
      if (job.state !== 'failed' || !(await guard(queue.discardFailed(name, id)))) {
        throw new ConflictError('job_not_failed', `job ${id} is ${job.state}; only failed jobs can be discarded`);
      }
    },
  };
}

export type JobAdmin = ReturnType<typeof createJobAdmin>;
