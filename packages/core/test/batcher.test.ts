import { describe, expect, test } from 'vitest';
import { createBatcher } from '../src/batcher.ts';

describe('createBatcher', () => {
  test('calls made together are served by one run, each settled on its own', async () => {
    const runs: number[][] = [];
    const batch = createBatcher<number, number>(
      async (items) => {
        runs.push(items);
        return items.map((n) =>
          n === 3 ? { ok: false as const, error: new Error('three') } : { ok: true as const, value: n * 2 },
        );
      },
      { maxSize: 10, maxWaitMs: 5 },
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batch(n)));
    expect(runs).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      2,
      4,
      'three',
      8,
    ]);
  });

  test('a full batch runs at once and the rest waits for the next', async () => {
    const runs: number[][] = [];
    const batch = createBatcher<number, number>(
      async (items) => {
        runs.push(items);
        return items.map((value) => ({ ok: true as const, value }));
      },
      { maxSize: 2, maxWaitMs: 5 },
    );
    await Promise.all([1, 2, 3].map((n) => batch(n)));
    expect(runs).toEqual([[1, 2], [3]]);
  });

  test('a run that throws rejects every call of its batch', async () => {
    const batch = createBatcher<number, number>(
      async () => {
        throw new Error('down');
      },
      { maxSize: 5, maxWaitMs: 1 },
    );
    await expect(Promise.all([batch(1), batch(2)])).rejects.toThrow('down');
  });
});
