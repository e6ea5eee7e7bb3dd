import type { Database } from '@closeloop/db';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Spawned } from '../harness/process.ts';
import { PrivateRedis } from '../harness/redis.ts';
import {
  faultTestsUnavailable,
  ingestLoad,
  PrivatePostgres,
  prepareDatabase,
  realTexts,
  sleep,
  startRole,
} from './support.ts';

const reason = faultTestsUnavailable(inject('backend').kind);

describe.skipIf(reason !== null)('PostgreSQL stopped for 10 s under load', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let database: Database;
  let apiKey: string;
  const processes: Spawned[] = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    ({ database, apiKey } = await prepareDatabase(pg.url()));
    // The test's own pool must not hold connections across the outage.
    await database.close();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    await pg?.destroy();
  });

  test('the API answers 503 + Retry-After without hanging, and 2xx again within 5 s of the database returning', async () => {
    const api = await startRole('api', { databaseUrl: pg.url(), redisUrl: redis.url });
    processes.push(api.process);
    const pid = api.process.child.pid;

    const started = Date.now();
    const readiness: number[] = [];
    const outage = (async () => {
      await sleep(4_000);
      await pg.stopServer();
      const downAt = Date.now() - started;
      await sleep(3_000);
      readiness.push((await fetch(`${api.url}/readyz`)).status);
      await sleep(Math.max(0, downAt + 10_000 - (Date.now() - started)));
      await pg.startServer();
      return { downAt, upAt: Date.now() - started };
    })();
    const sent = await ingestLoad({
      url: api.url,
      apiKey,
      durationMs: 24_000,
      concurrency: 4,
      ratePerSecond: 40,
      texts: realTexts(100),
    });
    const { downAt, upAt } = await outage;

    // Nothing hangs: every request, during the outage too, got its answer within ~5 s.
    expect(sent.filter((s) => s.status === 0)).toEqual([]);
    expect(Math.max(...sent.map((s) => s.ms))).toBeLessThan(5_000);
    const before = sent.filter((s) => s.at < downAt - 200);
    expect(before.length).toBeGreaterThan(20);
    expect(before.every((s) => s.status === 202)).toBe(true);
    // While it is down (past the moment of the shutdown itself): 503 with Retry-After, never a 500.
    const during = sent.filter((s) => s.at > downAt + 500 && s.at + s.ms < upAt);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((s) => s.status === 503 && s.retryAfter !== null)).toBe(true);
    expect(sent.some((s) => s.status === 500)).toBe(false);
    expect(readiness).toEqual([503]);
    // Recovery by itself: the first 202 sent after the restart arrives within 5 s of it.
    const firstOk = sent.find((s) => s.at >= upAt && s.status === 202);
    expect(firstOk).toBeDefined();
    expect(firstOk!.at + firstOk!.ms - upAt).toBeLessThan(5_000);
    const after = sent.filter((s) => s.at > firstOk!.at);
    expect(after.length).toBeGreaterThan(20);
    expect(after.every((s) => s.status === 202)).toBe(true);
    // No process restart.
    expect(api.process.child.exitCode).toBeNull();
    expect(api.process.child.pid).toBe(pid);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  }, 120_000);
});

if (reason !== null) test.skip(`PostgreSQL outage fault test skipped: ${reason}`, () => {});
