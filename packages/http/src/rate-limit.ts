import type { Redis } from 'ioredis';

/**
 * Fixed-window hit counters. A window opens at a key's first hit and lasts `windowMs`; `hit` counts one and
 * says how many the window has seen and when it closes. In service mode every process counts in Redis, so a
 * limit holds across all api and publisher processes; embedded mode (one process) counts in memory.
 */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
}

/** Counts in this process's memory (embedded mode, tests, and the fallback while Redis is unreachable). */
export function memoryRateCounter(now: () => number = Date.now): RateCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    async hit(key, windowMs) {
      const t = now();
      if (t >= nextSweep) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        nextSweep = t + 60_000;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetMs: window.resetAt - t };
    },
  };
}

// INCR, and on a window's first hit its expiry, in one round trip; a key left without expiry (an expiry lost
// between the two, say) gets one, so no window stays closed for ever.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

type RedisWithHit = Redis & {
  closeloopRateHit(key: string, windowMs: number): Promise<[number, number]>;
};

/**
 * Counts in Redis under `<prefix>:rl:<key>`: one script call (EVALSHA) per hit. When Redis fails or is slow
 * (the client should be made with `enableOfflineQueue: false` and a `commandTimeout`, as `rateLimitRedis`
 * does), the hit is counted in `fallback` instead and `onError` is told, so a Redis outage degrades the limits
 * to per-process rather than failing or stalling requests.
 */
export function redisRateCounter(
  redis: Redis,
  opts: { prefix: string; fallback?: RateCounter; onError?: (err: unknown) => void },
): RateCounter {
  const client = redis as RedisWithHit;
  if (typeof client.closeloopRateHit !== 'function') {
    redis.defineCommand('closeloopRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }
  const fallback = opts.fallback ?? memoryRateCounter();
  return {
    async hit(key, windowMs) {
      try {
        const [count, resetMs] = await client.closeloopRateHit(`${opts.prefix}:rl:${key}`, Math.max(1, windowMs));
        return { count: Number(count), resetMs: Number(resetMs) };
      } catch (err) {
        opts.onError?.(err);
        return fallback.hit(key, windowMs);
      }
    },
  };
}

/** Options for the Redis client the counters use: fail at once while disconnected, never wait long. */
export const RATE_LIMIT_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 250,
  connectionName: 'closeloop-rate-limits',
} as const;

/**
 * A limit of `limit` hits per window for keys of one kind (`name` keeps kinds apart in a shared counter).
 * Used by the widget endpoint and the public forms; the API's per-key limit counts through the same counters.
 */
export interface RateLimiter {
  /** Counts one hit for `key`; null when allowed, else the seconds until the window resets. */
  hit(key: string): Promise<number | null>;
}

export function createRateLimiter(opts: {
  name: string;
  limit: number;
  windowMs: number;
  counter?: RateCounter;
}): RateLimiter {
  const counter = opts.counter ?? memoryRateCounter();
  return {
    async hit(key) {
      const { count, resetMs } = await counter.hit(`${opts.name}:${key}`, opts.windowMs);
      if (count <= opts.limit) return null;
      return Math.max(1, Math.ceil(resetMs / 1000));
    },
  };
}
