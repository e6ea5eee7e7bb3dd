import { getFeedback } from '@closeloop/db';
import { createQueue } from '@closeloop/queue';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from './harness/app.ts';
import { PrivateRedis } from './harness/redis.ts';

describe('durability: feedback accepted with 202 is never lost', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const queue = createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: 'durability', commandTimeoutMs: 1_000 });
    t = await withApp({ queue, sweeperGraceSeconds: 1 });
    org = await t.createOrg('durable');
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  test('with Redis unreachable, feedback is accepted (202) and analysed through the sweeper once Redis is back', async () => {
    await redis.stop();
    expect(await t.queue.ping()).toBe(false);
    const started = Date.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${org.apiKey}` },
      payload: { channel: 'phone', text: 'Nobody answered the phone at the contact centre for forty minutes.' },
    });
    expect(res.statusCode).toBe(202);
    expect(Date.now() - started).toBeLessThan(3_000);
    const { id } = res.json() as { id: string };
    expect((await getFeedback(t.database.db, org.id, id))?.status).toBe('received');
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect((ready.json() as { checks: { queue: string } }).checks.queue).toBe('down');

    await redis.start();
    await eventually(() => t.queue.ping(), 10_000);
    // Nothing re-enqueues the row but the sweeper (its schedule fires on start, and once more here).
    const worker = await t.startWorker();
    await new Promise((r) => setTimeout(r, 1_100)); // past the grace period
    await worker.sweep();
    const analysed = await eventually(async () => {
      const row = await getFeedback(t.database.db, org.id, id);
      return row && row.status !== 'received' ? row : null;
    }, 15_000);
    expect(analysed.status).toMatch(/analysed|triage/);
  }, 45_000);
});
