import { BullmqJobQueue } from './bullmq.ts';
import { MemoryJobQueue } from './memory.ts';
import type { CreateQueueOptions, JobQueue } from './types.ts';

export { BullmqJobQueue } from './bullmq.ts';
export { nextCronTime, parseCron } from './cron.ts';
export {
  ANALYSE_BATCH_MAX,
  analyseJobs,
  analysePriority,
  assertPriority,
  backoffDelayMs,
  isJobName,
  JOB_NAMES,
  type JobMap,
  type JobName,
  type JobPayload,
  jobs,
  MAX_PRIORITY_NUMBER,
  type PolicyOverrides,
  PRIORITY,
  type QueuePolicy,
  resolvePolicy,
} from './jobs.ts';
export { MemoryJobQueue } from './memory.ts';
export { isNonRetryable } from './runner.ts';
export * from './types.ts';

/** The BullMQ driver when a Redis URL is given (service mode), the in-process driver otherwise. */
export function createQueue(opts: CreateQueueOptions): JobQueue {
  return opts.driver === 'bullmq' ? new BullmqJobQueue(opts) : new MemoryJobQueue(opts);
}
