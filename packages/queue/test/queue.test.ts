import { afterAll, describe, expect, it } from 'vitest';
import { createQueue, QueueUnavailableError } from '../src/index.ts';
import { runQueueContract } from './contract.ts';
import { deleteKeys, findRedis, testPrefix } from './redis.ts';

runQueueContract('memory driver', async (opts) => createQueue({ driver: 'memory', ...opts }));

const redis = await findRedis();

if ('url' in redis) {
  const runPrefix = testPrefix();
  let n = 0;
  afterAll(async () => {
    await deleteKeys(redis.url, runPrefix);
  });

  runQueueContract(`bullmq driver (${redis.url})`, async (opts) =>
    createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: `${runPrefix}-${++n}`, ...opts }),
  );

  describe('bullmq driver against an unreachable Redis', () => {
    it('rejects enqueue within 3 s and answers ping false', async () => {
      const q = createQueue({ driver: 'bullmq', redisUrl: 'redis://127.0.0.1:6390', prefix: testPrefix() });
      try {
        const started = Date.now();
        await expect(q.enqueue('sweep', {})).rejects.toBeInstanceOf(QueueUnavailableError);
        expect(Date.now() - started).toBeLessThan(3_000);
        const pingStarted = Date.now();
        expect(await q.ping()).toBe(false);
        expect(Date.now() - pingStarted).toBeLessThan(3_000);
      } finally {
        await q.close({ drainMs: 500 });
      }
    });
  });
} else {
  describe.skip(`bullmq driver (skipped: ${redis.skipReason})`, () => {
    it('needs Redis', () => {});
  });
}
