import { randomBytes } from 'node:crypto';
import { type CreateQueueOptions, createQueue, type JobQueue } from '@closeloop/queue';
import { inject } from 'vitest';

/** The queue driver of the chosen backend: BullMQ on a private key prefix, or the in-process driver. */
export function withQueue(
  opts: Partial<Pick<CreateQueueOptions, 'backoffScale' | 'policies' | 'observer'>> = {},
): JobQueue {
  const backend = inject('backend');
  const common = {
    backoffScale: opts.backoffScale ?? 0.01,
    ...(opts.policies ? { policies: opts.policies } : {}),
    ...(opts.observer ? { observer: opts.observer } : {}),
  };
  if (backend.kind === 'service') {
    return createQueue({
      driver: 'bullmq',
      redisUrl: backend.redisUrl,
      prefix: `cltest${randomBytes(4).toString('hex')}`,
      lockDurationMs: 5_000,
      stalledIntervalMs: 2_000,
      ...common,
    });
  }
  return createQueue({ driver: 'memory', ...common });
}
