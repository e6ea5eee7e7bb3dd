/**
 * Fixed-window counters in process memory. Enough to blunt floods from one address or one site key;
 * with several instances each keeps its own counts, so the effective limit is per instance. Used by the
 * widget endpoint and the public forms.
 */
export interface RateLimiter {
  /** Counts one hit for `key`; returns null when allowed, else the seconds until the window resets. */
  hit(key: string): number | null;
}

export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number }): RateLimiter {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    hit(key) {
      const t = now();
      if (t >= nextSweep) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        nextSweep = t + opts.windowMs;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + opts.windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= opts.limit) return null;
      return Math.max(1, Math.ceil((window.resetAt - t) / 1000));
    },
  };
}
