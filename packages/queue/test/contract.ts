import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CommonQueueOptions,
  type JobContext,
  type JobName,
  type JobQueue,
  NonRetryableError,
  type QueueObserver,
} from '../src/index.ts';

export type MakeQueue = (opts?: CommonQueueOptions) => Promise<JobQueue>;

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const analysePayload = () => ({ orgId: randomUUID(), feedbackId: randomUUID() });

/**
 * One behaviour suite both drivers must pass. `make` builds a fresh, isolated JobQueue with the
 * given options (the BullMQ factory adds a unique Redis prefix).
 *
 * Dedupe rule stated here for both drivers: a job id is taken while a job with that id is
 * waiting, delayed or active, and also while its finished record is retained (completed within
 * the retention window, failed until retried or discarded); a discarded id can be used again.
 */
export function runQueueContract(name: string, make: MakeQueue): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: JobQueue[] = [];
    const queue = async (opts?: CommonQueueOptions) => {
      const q = await make(opts);
      open.push(q);
      return q;
    };

    afterEach(async () => {
      for (const q of open.splice(0)) {
        await q.obliterate();
        await q.close({ drainMs: 2_000 });
      }
    });

    it('runs a job with its typed payload and context', async () => {
      const q = await queue();
      const payload = analysePayload();
      const seen: { payload: unknown; ctx: Omit<JobContext, 'log' | 'signal'> }[] = [];
      q.process('analyse', async (p, ctx) => {
        seen.push({ payload: p, ctx: { id: ctx.id, attempt: ctx.attempt, name: ctx.name } });
      });
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(() => seen.length === 1, 5_000, 'the job to run');
      expect(seen[0]).toEqual({ payload, ctx: { id: payload.feedbackId, attempt: 1, name: 'analyse' } });
      await waitFor(async () => (await q.getJob('analyse', payload.feedbackId))?.state === 'completed');
    });

    it('rejects a bad payload at enqueue and enqueues nothing', async () => {
      const q = await queue();
      const bad = { orgId: 'not-a-uuid', feedbackId: randomUUID() };
      await expect(q.enqueue('analyse', bad, { jobId: bad.feedbackId })).rejects.toThrow(/invalid analyse payload/);
      await expect(q.enqueue('notify', { orgId: randomUUID() } as never)).rejects.toThrow(/actionId/);
      await expect(q.enqueue('sweep', { extra: 1 } as never)).rejects.toThrow(TypeError);
      expect(await q.getJob('analyse', bad.feedbackId)).toBeNull();
      expect((await q.counts('analyse')).waiting).toBe(0);
    });

    it('retries with exponential backoff, then succeeds', async () => {
      // analyse's policy base delay (1 s) scaled to 100 ms: retries wait ≥ 100 ms, then ≥ 200 ms.
      const q = await queue({ backoffScale: 0.1 });
      const runs: { attempt: number; at: number }[] = [];
      q.process('analyse', async (_p, ctx) => {
        runs.push({ attempt: ctx.attempt, at: Date.now() });
        if (ctx.attempt < 3) throw new Error(`transient failure ${ctx.attempt}`);
      });
      const payload = analysePayload();
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(async () => (await q.getJob('analyse', payload.feedbackId))?.state === 'completed', 8_000);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      const firstWait = runs[1]!.at - runs[0]!.at;
      const secondWait = runs[2]!.at - runs[1]!.at;
      expect(firstWait).toBeGreaterThanOrEqual(95);
      expect(secondWait).toBeGreaterThanOrEqual(195);
      expect((await q.counts('analyse')).failed).toBe(0);
    });

    it('exhausts its attempts into the failed set, visible in listFailed with the error', async () => {
      const q = await queue({
        policies: { webhook: { attempts: 3, backoff: { type: 'exponential', baseDelayMs: 10 } } },
      });
      let calls = 0;
      q.process('webhook', async () => {
        calls++;
        throw new Error('endpoint answered 500');
      });
      const payload = { orgId: randomUUID(), deliveryId: randomUUID() };
      await q.enqueue('webhook', payload, { jobId: payload.deliveryId });
      await waitFor(async () => (await q.counts('webhook')).failed === 1, 8_000, 'the job to fail');
      expect(calls).toBe(3);
      const failed = await q.listFailed('webhook');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        id: payload.deliveryId,
        name: 'webhook',
        payload,
        error: 'endpoint answered 500',
        attempts: 3,
      });
      expect(failed[0]!.failedAt).toBeInstanceOf(Date);
      expect(await q.getJob('webhook', payload.deliveryId)).toMatchObject({
        state: 'failed',
        attempts: 3,
        error: 'endpoint answered 500',
      });
    });

    it('sends a NonRetryableError to the failed set after one attempt', async () => {
      const q = await queue({ backoffScale: 0.01 });
      let calls = 0;
      q.process('analyse', async () => {
        calls++;
        throw new NonRetryableError('feedback row does not exist');
      });
      const payload = analysePayload();
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(async () => (await q.counts('analyse')).failed === 1, 5_000, 'the job to fail');
      await sleep(100);
      expect(calls).toBe(1);
      expect((await q.listFailed('analyse'))[0]).toMatchObject({ attempts: 1, error: 'feedback row does not exist' });
    });

    it('does not retry a ZodError thrown by the processor', async () => {
      const q = await queue({ backoffScale: 0.01 });
      let calls = 0;
      q.process('analyse', async () => {
        calls++;
        z.object({ text: z.string() }).parse({ text: 42 });
      });
      const payload = analysePayload();
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(async () => (await q.counts('analyse')).failed === 1, 5_000, 'the job to fail');
      await sleep(100);
      expect(calls).toBe(1);
      expect((await q.listFailed('analyse'))[0]?.error).toMatch(/text/);
    });

    it('retryFailed re-runs a failed job with fresh attempts', async () => {
      const q = await queue({ backoffScale: 0.01 });
      let healthy = false;
      const attempts: number[] = [];
      q.process('publish', async (_p, ctx) => {
        attempts.push(ctx.attempt);
        if (!healthy) throw new NonRetryableError('template missing');
      });
      const payload = { orgId: randomUUID(), publicationId: randomUUID() };
      await q.enqueue('publish', payload, { jobId: payload.publicationId });
      await waitFor(async () => (await q.counts('publish')).failed === 1, 5_000, 'the job to fail');
      expect(await q.retryFailed('publish', 'no-such-job')).toBe(false);
      healthy = true;
      expect(await q.retryFailed('publish', payload.publicationId)).toBe(true);
      await waitFor(async () => (await q.getJob('publish', payload.publicationId))?.state === 'completed');
      expect(attempts).toEqual([1, 1]);
      expect(await q.listFailed('publish')).toEqual([]);
      expect(await q.retryFailed('publish', payload.publicationId)).toBe(false);
    });

    it('discardFailed removes a failed job and frees its id', async () => {
      const q = await queue();
      let poisoned = true;
      let completed = 0;
      q.process('import', async () => {
        if (poisoned) throw new NonRetryableError('unreadable file');
        completed++;
      });
      const payload = { orgId: randomUUID(), importId: randomUUID() };
      await q.enqueue('import', payload, { jobId: payload.importId });
      await waitFor(async () => (await q.counts('import')).failed === 1, 5_000, 'the job to fail');
      expect(await q.discardFailed('import', payload.importId)).toBe(true);
      expect(await q.discardFailed('import', payload.importId)).toBe(false);
      expect(await q.getJob('import', payload.importId)).toBeNull();
      expect(await q.listFailed('import')).toEqual([]);
      expect((await q.counts('import')).failed).toBe(0);
      poisoned = false;
      await q.enqueue('import', payload, { jobId: payload.importId });
      await waitFor(() => completed === 1, 5_000, 'the re-enqueued job to run');
    });

    it('honours the configured concurrency', async () => {
      const q = await queue({ policies: { webhook: { concurrency: 3 } } });
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      for (let i = 0; i < 10; i++) await q.enqueue('webhook', { orgId: randomUUID(), deliveryId: randomUUID() });
      q.process('webhook', async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(60);
        running--;
        done++;
      });
      await waitFor(() => done === 10, 8_000, 'all jobs');
      expect(maxRunning).toBe(3);
    });

    it('a process() concurrency option overrides the policy', async () => {
      const q = await queue();
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      for (let i = 0; i < 6; i++) await q.enqueue('analyse', analysePayload());
      q.process(
        'analyse',
        async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(50);
          running--;
          done++;
        },
        { concurrency: 2 },
      );
      await waitFor(() => done === 6, 8_000, 'all jobs');
      expect(maxRunning).toBe(2);
    });

    it('dedupes by jobId while the job is pending and while its completed record is retained', async () => {
      const q = await queue();
      const payload = analysePayload();
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      expect((await q.counts('analyse')).waiting).toBe(1);
      let runs = 0;
      q.process('analyse', async () => {
        runs++;
      });
      await waitFor(async () => (await q.getJob('analyse', payload.feedbackId))?.state === 'completed');
      await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await sleep(200);
      expect(runs).toBe(1);
      expect(await q.counts('analyse')).toMatchObject({ waiting: 0, completed: 1 });
    });

    it('enqueueBulk queues many jobs at once, dedupes by jobId, and queues nothing when one payload is bad', async () => {
      const q = await queue();
      const payloads = [analysePayload(), analysePayload(), analysePayload()];
      await q.enqueueBulk(
        'analyse',
        [...payloads, payloads[0]!].map((payload) => ({ payload, opts: { jobId: payload.feedbackId } })),
      );
      expect((await q.counts('analyse')).waiting).toBe(3);
      const bad = { orgId: 'not-a-uuid', feedbackId: randomUUID() };
      const more = analysePayload();
      await expect(
        q.enqueueBulk('analyse', [
          { payload: more, opts: { jobId: more.feedbackId } },
          { payload: bad, opts: { jobId: bad.feedbackId } },
        ]),
      ).rejects.toThrow(/invalid analyse payload/);
      expect(await q.getJob('analyse', more.feedbackId)).toBeNull();
      const seen: string[] = [];
      q.process('analyse', async (p) => {
        seen.push(p.feedbackId);
      });
      await waitFor(() => seen.length === 3, 5_000, 'the bulk jobs to run');
      expect(seen.sort()).toEqual(payloads.map((p) => p.feedbackId).sort());
    });

    it('runs waiting jobs in priority order (lower number first, FIFO within a priority)', async () => {
      const q = await queue();
      const order: string[] = [];
      const jobs: [string, number | undefined][] = [
        ['widget-a', 8],
        ['complaint-a', 1],
        ['default-a', undefined],
        ['complaint-b', 1],
        ['email-a', 2],
        ['widget-b', 8],
      ];
      const names = new Map<string, string>();
      for (const [label, priority] of jobs) {
        const payload = analysePayload();
        names.set(payload.feedbackId, label);
        await q.enqueue('analyse', payload, priority === undefined ? {} : { priority });
      }
      q.process(
        'analyse',
        async (p) => {
          order.push(names.get(p.feedbackId)!);
        },
        { concurrency: 1 },
      );
      await waitFor(() => order.length === jobs.length, 5_000, 'all jobs');
      // analyse's default priority is 5 (normal).
      expect(order).toEqual(['complaint-a', 'complaint-b', 'email-a', 'default-a', 'widget-a', 'widget-b']);
    });

    it('runs a delayed job no sooner than its delay', async () => {
      const q = await queue();
      let ranAt = 0;
      q.process('notify', async () => {
        ranAt = Date.now();
      });
      const payload = { orgId: randomUUID(), actionId: randomUUID() };
      const enqueuedAt = Date.now();
      await q.enqueue('notify', payload, { jobId: payload.actionId, delayMs: 300 });
      expect((await q.getJob('notify', payload.actionId))?.state).toBe('delayed');
      await waitFor(() => ranAt > 0, 5_000, 'the delayed job');
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(290);
    });

    it('fails a run that exceeds the timeout and aborts its signal', async () => {
      const q = await queue({ policies: { suggest: { timeoutMs: 100, attempts: 2 } }, backoffScale: 0.01 });
      const aborted: boolean[] = [];
      q.process('suggest', async (_p, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.push(ctx.signal.aborted);
      });
      const payload = { orgId: randomUUID(), feedbackId: randomUUID() };
      await q.enqueue('suggest', payload, { jobId: payload.feedbackId });
      await waitFor(async () => (await q.counts('suggest')).failed === 1, 5_000, 'the job to time out twice');
      expect(aborted).toEqual([true, true]);
      expect((await q.listFailed('suggest'))[0]).toMatchObject({
        attempts: 2,
        error: expect.stringMatching(/timed out/),
      });
    });

    it('graceful close waits for a running job to finish', async () => {
      const q = await make();
      let finished = false;
      let started = false;
      q.process('retrain', async () => {
        started = true;
        await sleep(400);
        finished = true;
      });
      await q.enqueue('retrain', { orgId: randomUUID() });
      await waitFor(() => started, 5_000, 'the job to start');
      await q.close({ drainMs: 5_000 });
      expect(finished).toBe(true);
      await expect(q.enqueue('retrain', { orgId: randomUUID() })).rejects.toThrow(/closed/);
    });

    it('fires a schedule repeatedly until it is removed', async () => {
      const q = await queue();
      let runs = 0;
      q.process('sweep', async () => {
        runs++;
      });
      await q.schedule('sweep', {}, { everyMs: 150 }, 'sweeper');
      await q.schedule('sweep', {}, { everyMs: 150 }, 'sweeper');
      await waitFor(() => runs >= 3, 5_000, 'three runs');
      expect(await q.unschedule('sweep', 'sweeper')).toBe(true);
      await sleep(100);
      const settled = runs;
      await sleep(400);
      expect(runs).toBeLessThanOrEqual(settled + 1);
      expect(await q.unschedule('sweep', 'sweeper')).toBe(false);
    });

    it('accepts a cron schedule and rejects a malformed one', async () => {
      const q = await queue();
      await q.schedule('retention-purge', {}, { cron: '0 3 * * *' }, 'nightly-purge');
      await expect(q.schedule('retention-purge', {}, { cron: '61 * * * *' }, 'bad')).rejects.toThrow();
      expect(await q.unschedule('retention-purge', 'nightly-purge')).toBe(true);
    });

    it('a poison job does not block other jobs', async () => {
      const q = await queue({
        policies: { analyse: { attempts: 3, backoff: { type: 'exponential', baseDelayMs: 100 } } },
      });
      const poison = analysePayload();
      const done = new Set<string>();
      q.process(
        'analyse',
        async (p) => {
          if (p.feedbackId === poison.feedbackId) throw new Error('cannot analyse this text');
          done.add(p.feedbackId);
        },
        { concurrency: 1 },
      );
      await q.enqueue('analyse', poison, { jobId: poison.feedbackId, priority: 1 });
      const good = Array.from({ length: 5 }, analysePayload);
      for (const payload of good) await q.enqueue('analyse', payload, { jobId: payload.feedbackId });
      await waitFor(() => done.size === 5, 5_000, 'the good jobs');
      await waitFor(async () => (await q.counts('analyse')).failed === 1, 5_000, 'the poison job to fail');
      expect((await q.listFailed('analyse')).map((j) => j.id)).toEqual([poison.feedbackId]);
      expect(await q.counts('analyse')).toMatchObject({ completed: 5, failed: 1, waiting: 0, delayed: 0 });
    });

    it('reports enqueue, start, completion and failure to the observer', async () => {
      const events: string[] = [];
      const observer: QueueObserver = {
        onEnqueued: (n: JobName) => events.push(`enqueued:${n}`),
        onStarted: (n: JobName, waitMs: number) => events.push(`started:${n}:${waitMs >= 0}`),
        onCompleted: (n: JobName, durationMs: number) => events.push(`completed:${n}:${durationMs >= 0}`),
        onFailed: (n: JobName, error: Error, final: boolean) => events.push(`failed:${n}:${error.message}:${final}`),
      };
      const q = await queue({ observer, policies: { notify: { attempts: 2 } }, backoffScale: 0.001 });
      q.process('notify', async (_p, ctx) => {
        if (ctx.attempt === 1) throw new Error('smtp down');
      });
      const payload = { orgId: randomUUID(), actionId: randomUUID() };
      await q.enqueue('notify', payload, { jobId: payload.actionId });
      await waitFor(() => events.some((e) => e.startsWith('completed')), 5_000, 'completion');
      // A worker may pick the job up before enqueue() has returned, so 'enqueued' is checked apart.
      expect(events.filter((e) => e === 'enqueued:notify')).toHaveLength(1);
      expect(events.filter((e) => !e.startsWith('enqueued'))).toEqual([
        'started:notify:true',
        'failed:notify:smtp down:false',
        'started:notify:true',
        'completed:notify:true',
      ]);
    });

    it('pauseWorkers stops taking jobs and resumeWorkers picks them up', async () => {
      const q = await queue();
      let runs = 0;
      q.process('sla-check', async () => {
        runs++;
      });
      await q.pauseWorkers();
      await q.enqueue('sla-check', {});
      await sleep(300);
      expect(runs).toBe(0);
      await q.resumeWorkers();
      await waitFor(() => runs === 1, 5_000, 'the job after resume');
    });

    it('answers ping while the backend is reachable', async () => {
      const q = await queue();
      expect(await q.ping()).toBe(true);
    });
  });
}
