import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { withQueue } from '../../../test/harness/queue.ts';
import { uncoveredRows } from '../src/processors/sweep.ts';

const queue = withQueue();
afterAll(async () => {
  await queue.obliterate();
  await queue.close({ drainMs: 0 });
});

describe('the sweeper re-enqueues only rows no live job covers', () => {
  test('group jobs cover their rows, single jobs theirs; rows without a live job are lost', async () => {
    const orgId = randomUUID();
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => ({ id: randomUUID() }));
    // a's group job carries b and c; e's own job is queued; d has none.
    await queue.enqueue('analyse', { orgId, feedbackId: a!.id, batch: [b!.id, c!.id] }, { jobId: `b-${a!.id}` });
    await queue.enqueue('analyse', { orgId, feedbackId: e!.id }, { jobId: e!.id });
    // Order must not matter: a group's members may come before its first row.
    expect(await uncoveredRows(queue, [c!, d!, b!, e!, a!])).toEqual([d]);
  });

  test('a job that already ran does not cover its rows', async () => {
    const orgId = randomUUID();
    const row = { id: randomUUID() };
    const other = { id: randomUUID() };
    let ran = 0;
    queue.process('analyse', async () => {
      ran++;
    });
    await queue.enqueue('analyse', { orgId, feedbackId: row.id, batch: [other.id] }, { jobId: `b-${row.id}` });
    const deadline = Date.now() + 10_000;
    while ((await queue.getJob('analyse', `b-${row.id}`))?.state !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ran).toBeGreaterThan(0);
    expect(await uncoveredRows(queue, [row, other])).toEqual([row, other]);
  });
});
