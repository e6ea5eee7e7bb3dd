import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  analysePriority,
  backoffDelayMs,
  createQueue,
  JOB_NAMES,
  type JobPayload,
  jobs,
  PRIORITY,
  resolvePolicy,
} from '../src/index.ts';

describe('typed job map', () => {
  it('declares every queue of the design with a policy', () => {
    expect([...JOB_NAMES].sort()).toEqual(
      [
        'analyse',
        'import',
        'newsletter',
        'newsletter-schedule',
        'notify',
        'publish',
        'retention-purge',
        'retrain',
        'sla-check',
        'suggest',
        'sweep',
        'webhook',
      ].sort(),
    );
    for (const name of JOB_NAMES) {
      const policy = resolvePolicy(name);
      expect(policy.attempts, name).toBeGreaterThanOrEqual(1);
      expect(policy.timeoutMs, name).toBeGreaterThan(0);
      expect(policy.concurrency, name).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepts suggest with either id and rejects unknown fields', () => {
    const orgId = randomUUID();
    expect(jobs.suggest.schema.safeParse({ orgId, feedbackId: randomUUID() }).success).toBe(true);
    expect(jobs.suggest.schema.safeParse({ orgId, actionId: randomUUID() }).success).toBe(true);
    expect(jobs.sweep.schema.safeParse({}).success).toBe(true);
    expect(jobs.sweep.schema.safeParse({ orgId }).success).toBe(false);
    expect(jobs.analyse.schema.safeParse({ orgId, feedbackId: randomUUID(), text: 'x' }).success).toBe(false);
  });

  it('rejects a wrong payload at compile time', async () => {
    const queue = createQueue({ driver: 'memory' });
    const ok: JobPayload<'analyse'> = { orgId: randomUUID(), feedbackId: randomUUID() };
    await queue.enqueue('analyse', ok);
    // @ts-expect-error analyse needs feedbackId
    await expect(queue.enqueue('analyse', { orgId: randomUUID() })).rejects.toThrow(TypeError);
    // @ts-expect-error not a queue
    await expect(queue.enqueue('nope', {})).rejects.toThrow(/unknown queue/);
    await queue.close();
  });

  it('orders complaints before widget ratings', () => {
    expect(analysePriority('complaint')).toBe(PRIORITY.urgent);
    expect(analysePriority('complaint')).toBeLessThan(analysePriority('email'));
    expect(analysePriority('email')).toBeLessThan(analysePriority('widget'));
  });

  it('doubles the backoff per retry and scales it for tests', () => {
    const policy = resolvePolicy('analyse', { analyse: { backoff: { type: 'exponential', baseDelayMs: 1_000 } } });
    expect([1, 2, 3].map((retry) => backoffDelayMs(policy, retry))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelayMs(policy, 2, 0.01)).toBe(20);
  });

  it('rejects invalid overrides, priorities and job ids', async () => {
    expect(() => resolvePolicy('analyse', { analyse: { attempts: 0 } })).toThrow(/attempts/);
    const queue = createQueue({ driver: 'memory' });
    const payload = { orgId: randomUUID(), feedbackId: randomUUID() };
    await expect(queue.enqueue('analyse', payload, { priority: 0 })).rejects.toThrow(RangeError);
    await expect(queue.enqueue('analyse', payload, { jobId: '42' })).rejects.toThrow(/integer/);
    await expect(queue.enqueue('analyse', payload, { jobId: 'a:b' })).rejects.toThrow(/':'/);
    await queue.close();
  });
});
