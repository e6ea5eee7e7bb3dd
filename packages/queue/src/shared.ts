import { parseCron } from './cron.ts';
import type { ScheduleEvery } from './types.ts';

/**
 * Job ids must be non-empty, not look like an integer (BullMQ numbers its own ids) and contain no
 * ':' (BullMQ's key separator). Both drivers apply the same rule so code moves between them safely.
 */
export function validateJobId(jobId: string): void {
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 256) {
    throw new TypeError('jobId must be a string of 1 to 256 characters');
  }
  if (`${Number.parseInt(jobId, 10)}` === jobId) throw new TypeError(`jobId must not be an integer: ${jobId}`);
  if (jobId.includes(':')) throw new TypeError(`jobId must not contain ':': ${jobId}`);
}

export function validateSchedule(every: ScheduleEvery): void {
  if ('everyMs' in every) {
    if (!Number.isFinite(every.everyMs) || every.everyMs < 10) throw new RangeError('everyMs must be at least 10');
  } else {
    parseCron(every.cron);
  }
}
