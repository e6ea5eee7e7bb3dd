import { type Database, queryRows } from '@closeloop/db';
import { type BullmqJobQueue, createQueue } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Spawned } from '../harness/process.ts';
import { PrivateRedis } from '../harness/redis.ts';
import { faultTestsUnavailable, PrivatePostgres, prepareDatabase, realTexts, startRole, waitUntil } from './support.ts';

const reason = faultTestsUnavailable(inject('backend').kind);

describe.skipIf(reason !== null)('poison jobs with the real api and worker processes', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let database: Database;
  let apiKey: string;
  let orgId: string;
  const processes: Spawned[] = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    ({ database, apiKey, orgId } = await prepareDatabase(pg.url()));
    // Feedback containing POISON can never be stored as analysed: its job throws on every attempt.
    await database.db.execute(sql`
      create function poison_guard() returns trigger language plpgsql as $$
      begin
        if new.text like '%POISON%' and new.status in ('analysed', 'triage') then
          raise exception 'poisoned feedback %', new.id;
        end if;
        return new;
      end $$`);
    await database.db.execute(
      sql`create trigger poison_guard before update on feedback for each row execute function poison_guard()`,
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await database?.close();
    await redis?.stop();
    await pg?.destroy();
  });

  test('ends in the failed set after its attempts, is visible via /v1/admin/jobs, and blocks no other job', async () => {
    const env = { databaseUrl: pg.url(), redisUrl: redis.url, extra: { SWEEPER_GRACE_SECONDS: '3600' } };
    const [api, worker] = await Promise.all([startRole('api', env), startRole('worker', env)]);
    processes.push(api.process, worker.process);
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const post = async (text: string) => {
      const res = await fetch(`${api.url}/v1/feedback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ channel: 'complaint', text }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };

    const poison = await post('POISON: nobody answered the phone at the council');
    // A payload no processor version accepts (an unknown field), written straight into BullMQ.
    const raw = createQueue({ driver: 'bullmq', redisUrl: redis.url }) as BullmqJobQueue;
    await raw
      .bullQueue('analyse')
      .add('analyse', { orgId, feedbackId: poison, poison: true }, { jobId: 'bad-payload-1', attempts: 5 });
    await raw.close({ drainMs: 0 });

    const others = await Promise.all(realTexts(40).map((text) => post(text)));
    const ids = `{${others.join(',')}}`;
    await waitUntil(
      async () => {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from feedback where id = any(${ids}::uuid[]) and status in ('analysed', 'triage')`,
        );
        return row!.n === others.length;
      },
      30_000,
      'the other feedback to be analysed',
    );

    type Failed = { id: string; attempts: number; error: string };
    const failed = await waitUntil(
      async () => {
        const res = await fetch(`${api.url}/v1/admin/jobs/analyse/failed`, { headers });
        const items = ((await res.json()) as { items: Failed[] }).items;
        return items.length === 2 ? items : null;
      },
      45_000,
      'both poison jobs in the failed set',
    );
    const byId = new Map(failed.map((f) => [f.id, f]));
    expect(byId.get(poison)).toMatchObject({ attempts: 5 });
    expect(byId.get('bad-payload-1')).toMatchObject({ attempts: 1 });
    expect(byId.get('bad-payload-1')!.error).toContain('invalid analyse payload');

    const summary = await fetch(`${api.url}/v1/admin/jobs`, { headers });
    const queues = ((await summary.json()) as { queues: { queue: string; failed: number }[] }).queues;
    expect(queues.find((q) => q.queue === 'analyse')?.failed).toBe(2);
    const [state] = await queryRows<{ status: string }>(
      database.db,
      sql`select status from feedback where id = ${poison}`,
    );
    expect(state!.status).toBe('failed');
  }, 120_000);
});

if (reason !== null) test.skip(`poison job fault test skipped: ${reason}`, () => {});
