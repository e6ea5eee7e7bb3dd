import { describe, expect, test } from 'vitest';
import { createBatcher, createGroupRunner } from '../src/batcher.ts';

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

describe('createGroupRunner', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => {
      open = r;
    });
    return { open, opened };
  };

  test('a lone call runs at once, alone', async () => {
    const runs: number[][] = [];
    const run = createGroupRunner<number, number>(
      async (items) => {
        runs.push(items);
        return items.map((value) => ({ ok: true as const, value }));
      },
      { maxSize: 10, maxInFlight: 1 },
    );
    expect(await run(7)).toBe(7);
    expect(runs).toEqual([[7]]);
  });

  test('calls arriving while every slot is busy form the next group, each settled on its own', async () => {
    const runs: number[][] = [];
    const first = gate();
    const run = createGroupRunner<number, number>(
      async (items) => {
        runs.push(items);
        if (items[0] === 1) await first.opened;
        return items.map((n) =>
          n === 4 ? { ok: false as const, error: new Error('four') } : { ok: true as const, value: n * 10 },
        );
      },
      { maxSize: 10, maxInFlight: 1 },
    );
    const one = run(1);
    await new Promise((r) => setImmediate(r));
    // The only slot is busy: these wait and then go together.
    const rest = [2, 3, 4, 5].map((n) => run(n));
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toEqual([[1]]);
    first.open();
    const results = await Promise.allSettled([one, ...rest]);
    expect(runs).toEqual([[1], [2, 3, 4, 5]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      30,
      'four',
      50,
    ]);
  });

  test('groups are at most maxSize and at most maxInFlight run at once', async () => {
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    const run = createGroupRunner<number, number>(
      async (items) => {
        running++;
        most = Math.max(most, running);
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return items.map((value) => ({ ok: true as const, value }));
      },
      { maxSize: 3, maxInFlight: 2 },
    );
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => run(i)));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(most).toBe(2);
  });

  test('a run that throws rejects its group only; the next group still runs', async () => {
    let calls = 0;
    const run = createGroupRunner<number, number>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return items.map((value) => ({ ok: true as const, value }));
      },
      { maxSize: 10, maxInFlight: 1 },
    );
    await expect(run(1)).rejects.toThrow('database down');
    expect(await run(2)).toBe(2);
  });
});
