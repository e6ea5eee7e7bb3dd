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
