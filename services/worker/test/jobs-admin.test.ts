import { registerApi } from '@closeloop/api';
import { createHttpApp, createMetrics } from '@closeloop/http';
import { createLogger } from '@closeloop/logger';
import type { JobQueue } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withQueue } from '../../../test/harness/queue.ts';
import { startWorker } from '../src/index.ts';
import { eventually, type OrgDatabase, withOrgDatabase } from './fixture.ts';

type Org = Awaited<ReturnType<OrgDatabase['createOrg']>>;

/**
 * A database trigger makes one feedback text impossible to store as analysed, so its analyse job
 * throws on every attempt (a retryable error, like a real poison message) through the real worker.
 */
const POISON_FUNCTION = sql`
  create or replace function poison_guard() returns trigger language plpgsql as $$
  begin
    if new.text like '%POISON%' and new.status in ('analysed', 'triage') then
      raise exception 'poisoned feedback %', new.id;
    end if;
    return new;
  end $$`;
const POISON_TRIGGER = sql`create trigger poison_guard before update on feedback for each row execute function poison_guard()`;

describe('failed jobs through the admin API (tenant-scoped) with the real worker', () => {
  let t: OrgDatabase;
  let queue: JobQueue;
  let app: FastifyInstance;
  let a: Org;
  let b: Org;
  let reader: Org;

  beforeAll(async () => {
    t = await withOrgDatabase();
    queue = withQueue();
    const logger = createLogger({ level: 'silent' });
    const metrics = createMetrics('test');
    const config = {
      BODY_LIMIT_BYTES: 1_048_576,
      IMPORT_LIMIT_BYTES: 50 * 1024 * 1024,
      PUBLIC_URL: 'http://closeloop.test',
      PORT: 0,
      HOST: '127.0.0.1',
      SWEEPER_GRACE_SECONDS: 3600,
      SWEEPER_INTERVAL_SECONDS: 3600,
      CLOSELOOP_DATA_DIR: './data',
      SMTP_URL: undefined,
      MAIL_FROM: 'closeloop <no-reply@closeloop.test>',
    };
    const deps = { config, database: t.database, queue, logger, sealer: t.sealer, metrics };
    app = createHttpApp({ logger });
    await registerApi(app, deps as Parameters<typeof registerApi>[1]);
    await app.ready();
    a = await t.createOrg('jobs-a');
    b = await t.createOrg('jobs-b');
    reader = await t.createOrg('jobs-reader', ['feedback:read']);
    await t.database.db.execute(POISON_FUNCTION);
    await t.database.db.execute(POISON_TRIGGER);
    await startWorker(deps as Parameters<typeof startWorker>[0]);
  });
  afterAll(async () => {
    await app.close();
    if (queue.driver === 'bullmq') await queue.obliterate().catch(() => {});
    await queue.close({ drainMs: 2_000 });
    await t.close();
  });

  const as = (org: Org) => ({ authorization: `Bearer ${org.apiKey}` });
  async function post(org: Org, text: string, requestId?: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { ...as(org), ...(requestId ? { 'x-request-id': requestId } : {}) },
      payload: { channel: 'widget', text },
    });
    expect(res.statusCode).toBe(202);
    return (res.json() as { id: string }).id;
  }
  async function statusOf(id: string): Promise<string> {
    const rows = await t.database.db.execute(sql`select status from feedback where id = ${id}`);
    return (rows as unknown as { rows: { status: string }[] }).rows[0]!.status;
  }

  test('a poison job fails after all its attempts, shows to its own organisation only, and blocks nothing', async () => {
    const poison = await post(a, 'POISON: the bins were not collected');
    const others = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => post(a, `The park toilets were closed again, visit ${i}`)),
    );
    await eventually(async () => (await Promise.all(others.map(statusOf))).every((s) => s === 'analysed'), 20_000);

    const failed = await eventually(async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/jobs/analyse/failed', headers: as(a) });
      const items = (res.json() as { items: { id: string; attempts: number; error: string }[] }).items;
      return items.length > 0 ? items : null;
    }, 20_000);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id: poison, attempts: 5 });
    expect(failed[0]!.error).toMatch(/poisoned feedback|update "feedback"/);
    expect(await statusOf(poison)).toBe('failed'); // out of the sweeper's way until an operator acts

    const summaryA = await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: as(a) });
    expect(summaryA.statusCode).toBe(200);
    const queues = (summaryA.json() as { queues: { queue: string; failed: number }[] }).queues;
    expect(queues.find((q) => q.queue === 'analyse')?.failed).toBe(1);
    const summaryB = await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: as(b) });
    expect(
      (summaryB.json() as { queues: { queue: string; failed: number }[] }).queues.find((q) => q.queue === 'analyse')
        ?.failed,
    ).toBe(0);

    const listB = await app.inject({ method: 'GET', url: '/v1/admin/jobs/analyse/failed', headers: as(b) });
    expect((listB.json() as { items: unknown[] }).items).toEqual([]);
    const showA = await app.inject({ method: 'GET', url: `/v1/admin/jobs/analyse/${poison}`, headers: as(a) });
    expect(showA.json()).toMatchObject({ id: poison, queue: 'analyse', state: 'failed', attempts: 5 });
    for (const [method, url] of [
      ['GET', `/v1/admin/jobs/analyse/${poison}`],
      ['POST', `/v1/admin/jobs/analyse/${poison}/retry`],
      ['DELETE', `/v1/admin/jobs/analyse/${poison}`],
    ] as const) {
      const res = await app.inject({ method, url, headers: as(b) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'job_not_found' });
    }
  });

  test('retry runs a failed job again with fresh attempts; discard removes it; neither applies to live jobs', async () => {
    const failed = await app.inject({ method: 'GET', url: '/v1/admin/jobs/analyse/failed', headers: as(a) });
    const poison = (failed.json() as { items: { id: string }[] }).items[0]!.id;
    await t.database.db.execute(sql`drop trigger poison_guard on feedback`);
    const retried = await app.inject({ method: 'POST', url: `/v1/admin/jobs/analyse/${poison}/retry`, headers: as(a) });
    expect(retried.statusCode).toBe(202);
    await eventually(async () => (await statusOf(poison)) === 'analysed', 20_000);
    const again = await app.inject({ method: 'POST', url: `/v1/admin/jobs/analyse/${poison}/retry`, headers: as(a) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'job_not_failed' });

    await t.database.db.execute(POISON_TRIGGER);
    const second = await post(a, 'POISON again, the library was shut');
    await eventually(async () => {
      const res = await app.inject({ method: 'GET', url: `/v1/admin/jobs/analyse/${second}`, headers: as(a) });
      return (res.json() as { state?: string }).state === 'failed';
    }, 20_000);
    const discarded = await app.inject({ method: 'DELETE', url: `/v1/admin/jobs/analyse/${second}`, headers: as(a) });
    expect(discarded.statusCode).toBe(204);
    const gone = await app.inject({ method: 'GET', url: `/v1/admin/jobs/analyse/${second}`, headers: as(a) });
    expect(gone.statusCode).toBe(404);
    await t.database.db.execute(sql`drop trigger poison_guard on feedback`);
  });

  test("the API request id travels in the analyse job's payload", async () => {
    const id = await post(a, 'The swimming pool changing rooms were cold', 'req-trace-0001');
    await eventually(async () => (await statusOf(id)) !== 'received', 20_000);
    const res = await app.inject({ method: 'GET', url: `/v1/admin/jobs/analyse/${id}`, headers: as(a) });
    expect(res.json()).toMatchObject({
      state: 'completed',
      payload: { orgId: a.id, feedbackId: id, requestId: 'req-trace-0001' },
    });
  });

  test('bad input: unknown queue 404, missing admin scope 403, no key 401, bad paging 422', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/v1/admin/jobs/nope/failed', headers: as(a) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'queue_not_found' });
    const noScope = await app.inject({ method: 'GET', url: '/v1/admin/jobs', headers: as(reader) });
    expect(noScope.statusCode).toBe(403);
    const noKey = await app.inject({ method: 'GET', url: '/v1/admin/jobs' });
    expect(noKey.statusCode).toBe(401);
    const badLimit = await app.inject({ method: 'GET', url: '/v1/admin/jobs/analyse/failed?limit=0', headers: as(a) });
    expect(badLimit.statusCode).toBe(422);
    const unknownField = await app.inject({
      method: 'GET',
      url: '/v1/admin/jobs/analyse/failed?evil=1',
      headers: as(a),
    });
    expect(unknownField.statusCode).toBe(422);
    const longId = await app.inject({
      method: 'GET',
      url: `/v1/admin/jobs/analyse/${'x'.repeat(300)}`,
      headers: as(a),
    });
    expect(longId.statusCode).toBe(422);
    const housekeeping = await app.inject({ method: 'GET', url: '/v1/admin/jobs/sweep/failed', headers: as(a) });
    expect((housekeeping.json() as { items: unknown[] }).items).toEqual([]);
  });
});
