export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Micro-batching: calls made within `maxWaitMs` of each other (up to `maxSize`) are served by one
 * call of `run`, which settles each item on its own (so one bad item fails only its own call).
 * The worker runs many analyse jobs at once; batching turns their database writes into one
 * transaction instead of one per job.
 */
export function createBatcher<T, R>(
  run: (items: T[]) => Promise<Settled<R>[]>,
  opts: { maxSize: number; maxWaitMs: number },
): (item: T) => Promise<R> {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    run(batch.map((b) => b.item)).then(
      (results) => {
        batch.forEach((b, i) => {
          const result = results[i];
          if (!result) b.reject(new Error('batch returned no result for this item'));
          else if (result.ok) b.resolve(result.value);
          else b.reject(result.error);
        });
      },
      (error: unknown) => {
        for (const b of batch) b.reject(error);
      },
    );
  };

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length >= opts.maxSize) flush();
      else timer ??= setTimeout(flush, opts.maxWaitMs);
    });
}

/**
 * Group commit: calls are served by `run` in groups, with at most `maxInFlight` groups running at once.
 * A call made while a slot is free starts a group at once (after the calls of the same tick have
 * joined it), so a lone call waits for nothing; under load, calls that arrive while every slot is busy
 * form the next group. The group size follows the load by itself, with no timer.
 */
export function createGroupRunner<T, R>(
  run: (items: T[]) => Promise<Settled<R>[]>,
  opts: { maxSize: number; maxInFlight: number },
): (item: T) => Promise<R> {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;

  const settle = (group: typeof pending, results: Settled<R>[]) => {
    group.forEach((entry, i) => {
      const result = results[i];
      if (!result) entry.reject(new Error('group returned no result for this item'));
      else if (result.ok) entry.resolve(result.value);
      else entry.reject(result.error);
    });
  };

  const pump = () => {
    scheduled = false;
    while (pending.length > 0 && inFlight < opts.maxInFlight) {
      const group = pending.length <= opts.maxSize ? pending : pending.slice(0, opts.maxSize);
      pending = group === pending ? [] : pending.slice(opts.maxSize);
      inFlight++;
      run(group.map((g) => g.item))
        .then(
          (results) => settle(group, results),
          (error: unknown) => {
            for (const entry of group) entry.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          if (pending.length > 0) schedule();
        });
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      schedule();
    });
}
