import { type Database, queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
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
  waitUntil,
} from './support.ts';

const reason = faultTestsUnavailable(inject('backend').kind);

describe.skipIf(reason !== null)('Redis stopped for 10 s during a 30 s ingest load', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let database: Database;
  let apiKey: string;
  const processes: Spawned[] = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    ({ database, apiKey } = await prepareDatabase(pg.url()));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await database?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  test('every 202-accepted feedback is analysed afterwards and readiness reports degraded meanwhile', async () => {
    const env = {
      databaseUrl: pg.url(),
      redisUrl: redis.url,
      extra: { SWEEPER_GRACE_SECONDS: '3', SWEEPER_INTERVAL_SECONDS: '2' },
    };
    const [api, worker] = await Promise.all([startRole('api', env), startRole('worker', env)]);
    processes.push(api.process, worker.process);

    const readiness: { at: number; status: number; body: { status?: string } }[] = [];
    const started = Date.now();
    const outage = (async () => {
      await sleep(8_000);
      await redis.stop();
      const downAt = Date.now() - started;
      for (let i = 0; i < 4; i++) {
        await sleep(2_000);
        const res = await fetch(`${api.url}/readyz`);
        readiness.push({
          at: Date.now() - started,
          status: res.status,
          body: (await res.json()) as { status?: string },
        });
      }
      await sleep(Math.max(0, 18_000 - (Date.now() - started)));
      await redis.start();
      return { downAt, upAt: Date.now() - started };
    })();
    const sent = await ingestLoad({
      url: api.url,
      apiKey,
      durationMs: 30_000,
      concurrency: 6,
      ratePerSecond: 80,
      texts: realTexts(500),
    });
    const { downAt, upAt } = await outage;

    const accepted = sent.filter((s) => s.status === 202).map((s) => s.id!);
    const duringOutage = sent.filter((s) => s.status === 202 && s.at > downAt + 500 && s.at < upAt - 500);
    expect(sent.filter((s) => s.status !== 202)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(1_000);
    expect(duringOutage.length).toBeGreaterThan(100);
    expect(readiness.every((r) => r.status === 503 && r.body.status === 'degraded')).toBe(true);

    const ids = `{${accepted.join(',')}}`;
    const analysed = await waitUntil(
      async () => {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from feedback where id = any(${ids}::uuid[]) and status in ('analysed', 'triage')`,
        );
        return row!.n === accepted.length ? row!.n : null;
      },
      45_000,
      'every accepted feedback to be analysed',
    );
    expect(analysed).toBe(accepted.length);
    const [total] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from feedback`);
    expect(total!.n).toBe(accepted.length);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  }, 150_000);
});

if (reason !== null) test.skip(`Redis outage fault test skipped: ${reason}`, () => {});
