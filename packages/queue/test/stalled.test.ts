import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueue, type JobQueue } from '../src/index.ts';
import { waitFor } from './contract.ts';
import { deleteKeys, findRedis, testPrefix } from './redis.ts';

const redis = await findRedis();
const here = path.dirname(fileURLToPath(import.meta.url));

if ('url' in redis) {
  describe('bullmq driver when a worker process is SIGKILLed mid-job', () => {
    const prefix = testPrefix();
    const queues: JobQueue[] = [];
    afterAll(async () => {
      for (const q of queues) await q.close({ drainMs: 1_000 });
      await deleteKeys(redis.url, prefix);
    });

    it('runs the stalled job again on another worker once its lock expires', async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(here, 'fixtures/stalling-worker.ts'), redis.url, prefix],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const q = createQueue({
        driver: 'bullmq',
        redisUrl: redis.url,
        prefix,
        lockDurationMs: 1_000,
        stalledIntervalMs: 500,
      });
      queues.push(q);
      const payload = { orgId: randomUUID(), feedbackId: randomUUID() };
      await waitFor(() => output.includes('ready'), 15_000, 'the child worker');
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(() => output.includes(`started ${payload.feedbackId}`), 10_000, 'the child to take the job');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect((await q.getJob('analyse', payload.feedbackId))?.state).toBe('active');

      const runs: number[] = [];
      q.process('analyse', async (_p, ctx) => {
        runs.push(ctx.attempt);
      });
      await waitFor(
        async () => (await q.getJob('analyse', payload.feedbackId))?.state === 'completed',
        10_000,
        'the rerun',
      );
      expect(runs).toEqual([1]);
    });
  });
} else {
  describe.skip(`bullmq stalled-job recovery (skipped: ${redis.skipReason})`, () => {
    it('needs Redis', () => {});
  });
}
