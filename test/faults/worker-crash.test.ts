import { type Database, queryRows, schema, uuidv7 } from '@closeloop/db';
import { createQueue, type JobQueue, jobs } from '@closeloop/queue';
import { createAnalyserCache } from '@closeloop/worker';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Spawned } from '../harness/process.ts';
import { PrivateRedis } from '../harness/redis.ts';
import { faultTestsUnavailable, PrivatePostgres, prepareDatabase, realTexts, startRole, waitUntil } from './support.ts';

const reason = faultTestsUnavailable(inject('backend').kind);
const N = 1_000;

async function analysedCount(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from feedback where status in ('analysed', 'triage')`,
  );
  return row!.n;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe.skipIf(reason !== null)('a worker SIGKILLed in the middle of 1,000 analysis jobs', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let database: Database;
  let producer: JobQueue;
  let orgId: string;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    ({ database, orgId } = await prepareDatabase(pg.url()));
    producer = createQueue({ driver: 'bullmq', redisUrl: redis.url });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await producer?.close({ drainMs: 0 });
    await database?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  test('after a new worker starts, all 1,000 are analysed exactly once', async () => {
    const texts = realTexts(N);
    const rows = texts.map((text) => ({ id: uuidv7(), orgId, channel: 'widget', text }));
    for (let i = 0; i < rows.length; i += 250) await database.db.insert(schema.feedback).values(rows.slice(i, i + 250));
    for (const row of rows) await producer.enqueue('analyse', { orgId, feedbackId: row.id }, { jobId: row.id });

    const env = { databaseUrl: pg.url(), redisUrl: redis.url, extra: { SWEEPER_GRACE_SECONDS: '3600' } };
    const first = await startRole('worker', env);
    workers.push(first.process);
    await waitUntil(async () => (await analysedCount(database)) >= 100, 60_000, 'the first worker to analyse 100');
    first.process.child.kill('SIGKILL');
    await first.process.exited();
    const doneAtKill = await analysedCount(database);
    expect(doneAtKill).toBeLessThan(N);

    const second = await startRole('worker', env);
    workers.push(second.process);
    await waitUntil(async () => (await analysedCount(database)) === N, 75_000, 'all 1,000 analysed');

    const states = await queryRows<{ status: string; n: number }>(
      database.db,
      sql`select status, count(*)::int as n from feedback group by status`,
    );
    expect(states.filter((s) => s.status === 'received' || s.status === 'failed')).toEqual([]);
    const duplicates = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from (select feedback_id, theme_id from feedback_themes group by 1, 2 having count(*) > 1) d`,
    );
    expect(duplicates[0]!.n).toBe(0);

    // The stored themes of every row are exactly what one analysis gives: reruns replaced, never added.
    const org = await createAnalyserCache(database.db).get(orgId);
    const stored = await queryRows<{ feedbackId: string; themes: string[] }>(
      database.db,
      sql`select f.id as "feedbackId", coalesce(array_agg(ft.theme_id::text order by ft.theme_id) filter (where ft.theme_id is not null), '{}') as themes
          from feedback f left join feedback_themes ft on ft.feedback_id = f.id group by f.id`,
    );
    const byId = new Map(stored.map((s) => [s.feedbackId, s.themes]));
    for (const row of rows) {
      const result = org.analyser.analyse({
        id: row.id,
        text: row.text,
        question: null,
        channel: 'widget',
        html: false,
      });
      const expected = result.themes
        .map((h) => org.themeIdByKey.get(h.key))
        .filter((id): id is string => id !== undefined)
        .sort();
      expect(byId.get(row.id)).toEqual(expected);
    }

    // The new worker ran only what the dead one had not finished, plus at most its in-flight jobs: those
    // whose analysis was saved but not yet acknowledged when it died (at most the queue's concurrency).
    const rerun = await metric(second.url, 'closeloop_feedback_analysed_total');
    expect(rerun).toBeGreaterThanOrEqual(N - doneAtKill);
    expect(rerun).toBeLessThanOrEqual(N - doneAtKill + jobs.analyse.policy.concurrency);
  }, 150_000);
});

if (reason !== null) test.skip(`worker crash fault test skipped: ${reason}`, () => {});
