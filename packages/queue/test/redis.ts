import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Redis } from 'ioredis';

/** REDIS_URL when set; otherwise 127.0.0.1:6379 if something answers there; otherwise why we skip. */
export async function findRedis(): Promise<{ url: string } | { skipReason: string }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const answers = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => resolve(true));
    socket.once('timeout', () => resolve(false));
    socket.once('error', () => resolve(false));
    socket.connect(6379, '127.0.0.1');
  });
  return answers
    ? { url: 'redis://127.0.0.1:6379' }
    : { skipReason: 'REDIS_URL is unset and nothing answers on 127.0.0.1:6379' };
}

/** A key prefix unique to this test run, e.g. closeloop-test-1f2e3d4c. */
export function testPrefix(): string {
  return `closeloop-test-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under the given prefix (the cleanup for queues a test closed before obliterating). */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
