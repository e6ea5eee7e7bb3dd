import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/harness/db.ts';
import { freePort } from '../../../test/harness/process.ts';
import {
  createRateLimiter,
  memoryRateCounter,
  RATE_LIMIT_REDIS_OPTIONS,
  type RateCounter,
  redisRateCounter,
} from '../src/rate-limit.ts';

describe('rate limiter over a counter', () => {
  it('allows the limit per window, then says how long to wait; keys and limiters apart', async () => {
    let now = 1_000_000;
    const counter = memoryRateCounter(() => now);
    const perIp = createRateLimiter({ name: 'ip', limit: 2, windowMs: 60_000, counter });
    const perKey = createRateLimiter({ name: 'key', limit: 1, windowMs: 60_000, counter });
    expect(await perIp.hit('a')).toBeNull();
    expect(await perIp.hit('a')).toBeNull();
    expect(await perIp.hit('a')).toBe(60);
    expect(await perIp.hit('b')).toBeNull();
    expect(await perKey.hit('a')).toBeNull(); // the same key under another name counts on its own
    now += 59_500;
    expect(await perIp.hit('a')).toBe(1);
    now += 500;
    expect(await perIp.hit('a')).toBeNull();
  });
});

const backend = testBackend();

describe.skipIf(backend.kind !== 'service')('rate counts in Redis', () => {
  const clients: Redis[] = [];
  const client = (url: string) => {
    const redis = new Redis(url, { ...RATE_LIMIT_REDIS_OPTIONS });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  // with no offline queue, a hit before the connection is up is counted in the process: wait for it, as start does
  const ready = async (url: string) => {
    const redis = client(url);
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    return redis;
  };
  const prefix = `cltest${randomBytes(4).toString('hex')}`;
  afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  it('two counters on two connections (two processes) share one count per key and window', async () => {
    if (backend.kind !== 'service') return;
    const a = redisRateCounter(await ready(backend.redisUrl), { prefix });
    const b = redisRateCounter(await ready(backend.redisUrl), { prefix });
    const counts: number[] = [];
    for (const counter of [a, b, a, b]) counts.push((await counter.hit('org1|203.0.113.9', 60_000)).count);
    expect(counts).toEqual([1, 2, 3, 4]);
    const { count, resetMs } = await b.hit('org1|203.0.113.9', 60_000);
    expect(count).toBe(5);
    expect(resetMs).toBeGreaterThan(55_000);
    expect(resetMs).toBeLessThanOrEqual(60_000);
    expect((await a.hit('org1|203.0.113.10', 60_000)).count).toBe(1);
  });

  it('a window closes after its time: the count starts again', async () => {
    if (backend.kind !== 'service') return;
    const counter = redisRateCounter(await ready(backend.redisUrl), { prefix });
    expect((await counter.hit('short', 150)).count).toBe(1);
    expect((await counter.hit('short', 150)).count).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    expect((await counter.hit('short', 150)).count).toBe(1);
  });

  it('with Redis unreachable, hits are counted in the process at once and the error reported', async () => {
    if (backend.kind !== 'service') return;
    const port = await freePort(); // nothing listens there
    const errors: unknown[] = [];
    const fallback: RateCounter = memoryRateCounter();
    const counter = redisRateCounter(client(`redis://127.0.0.1:${port}`), {
      prefix,
      fallback,
      onError: (err) => errors.push(err),
    });
    const limiter = createRateLimiter({ name: 'form-ip', limit: 2, windowMs: 60_000, counter });
    const started = Date.now();
    const waits = [await limiter.hit('x'), await limiter.hit('x'), await limiter.hit('x')];
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(waits.slice(0, 2)).toEqual([null, null]);
    expect(waits[2]).toBeGreaterThan(0);
    expect(errors.length).toBe(3);
  });
});
