import path from 'node:path';
import type { Config } from '@closeloop/config';
import { createDatabase, type Database, migrate, Sealer } from '@closeloop/db';
import {
  createMetrics,
  type Metrics,
  memoryRateCounter,
  RATE_LIMIT_REDIS_OPTIONS,
  type RateCounter,
  redisRateCounter,
} from '@closeloop/http';
import { createLogger, type Logger } from '@closeloop/logger';
import { createQueue, type JobQueue, type QueueEvent } from '@closeloop/queue';
import { Redis } from 'ioredis';
import { embeddedSecretKey, lockDataDir } from './data-dir.ts';

export interface Runtime {
  config: Config;
  mode: 'embedded' | 'service';
  database: Database;
  queue: JobQueue;
  logger: Logger;
  sealer: Sealer;
  metrics: Metrics;
  publicUrl: string;
  /** Where rate limits count: Redis with REDIS_URL (the limits hold across processes), else this process. */
  rateCounter: RateCounter;
  close(): Promise<void>;
}

const SERVING_ROLES = new Set(['all', 'api', 'publisher']);

/**
 * Rate-limit counters in Redis, on a connection of their own that fails fast: while Redis is unreachable the
 * hits are counted in this process (and that is logged, at most once a minute), so requests never wait on it.
 */
function rateLimitCounter(redisUrl: string, prefix: string, logger: Logger): { counter: RateCounter; redis: Redis } {
  const redis = new Redis(redisUrl, { ...RATE_LIMIT_REDIS_OPTIONS });
  let lastWarned = 0;
  redis.on('error', () => {
    // reported through onError below when a hit needs Redis; ioredis reconnects by itself
  });
  const counter = redisRateCounter(redis, {
    prefix,
    fallback: memoryRateCounter(),
    onError: (err) => {
      if (Date.now() - lastWarned < 60_000) return;
      lastWarned = Date.now();
      logger.warn({ err }, 'rate limits: Redis unreachable, counting in this process until it is back');
    },
  });
  return { counter, redis };
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Opens what a process needs: PostgreSQL + BullMQ when DATABASE_URL/REDIS_URL are set, otherwise
 * PGlite in the data directory (locked) + the in-process queue. Migrations run before anything else.
 */
export async function openRuntime(
  config: Config,
  opts: { role: string; logger?: Logger; migrate?: boolean; queue?: boolean } = { role: 'all' },
): Promise<Runtime> {
  const logger = opts.logger ?? createLogger({ level: config.LOG_LEVEL, name: `closeloop-${opts.role}` });
  const serviceMode = config.DATABASE_URL !== undefined;
  let release: (() => void) | undefined;
  let secret = config.CLOSELOOP_SECRET_KEY;
  if (!serviceMode) {
    release = lockDataDir(config.CLOSELOOP_DATA_DIR);
    secret ??= embeddedSecretKey(config.CLOSELOOP_DATA_DIR);
  } else if (!secret) {
    throw new StartupError(
      'CLOSELOOP_SECRET_KEY: required in service mode (64 hex characters; e.g. `openssl rand -hex 32`)',
    );
  }
  if (serviceMode && opts.queue !== false && !config.REDIS_URL) {
    throw new StartupError('REDIS_URL: required in service mode when DATABASE_URL is set');
  }
  let database: Database;
  try {
    database = await createDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: serviceMode ? undefined : path.resolve(config.CLOSELOOP_DATA_DIR, 'pglite'),
      poolMax: config.DATABASE_POOL_MAX,
      applicationName: `closeloop-${opts.role}`,
    });
    if (opts.migrate !== false) await migrate(database);
  } catch (error) {
    release?.();
    throw error;
  }
  const metrics = createMetrics(opts.role);
  const observer = {
    onStarted: (name: string, waitMs: number) => metrics.jobWait.observe({ queue: name }, waitMs / 1000),
    onCompleted: (name: string, ms: number) => metrics.jobDuration.observe({ queue: name }, ms / 1000),
    onFailed: (name: string, _error: Error, final: boolean) =>
      metrics.jobFailures.inc({ queue: name, final: String(final) }),
  };
  const onEvent = (e: QueueEvent) => logger[e.level]({ err: e.err, queue: e.queue, jobId: e.jobId }, e.msg);
  const queue = createQueue(
    config.REDIS_URL
      ? { driver: 'bullmq', redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, observer, onEvent }
      : { driver: 'memory', observer, onEvent },
  );
  const limits =
    config.REDIS_URL && SERVING_ROLES.has(opts.role)
      ? rateLimitCounter(config.REDIS_URL, config.QUEUE_PREFIX, logger)
      : null;
  if (limits && limits.redis.status !== 'ready') {
    // the counters fail fast rather than queue: give the connection a moment before the first request
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      limits.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return {
    config,
    mode: serviceMode ? 'service' : 'embedded',
    database,
    queue,
    logger,
    sealer: new Sealer(secret),
    metrics,
    publicUrl: (config.PUBLIC_URL ?? `http://${displayHost(config.HOST)}:${config.PORT}`).replace(/\/+$/, ''),
    rateCounter: limits?.counter ?? memoryRateCounter(),
    async close() {
      const timed = async (name: string, run: () => Promise<void>) => {
        const t0 = Date.now();
        await run().catch((err: unknown) => logger.warn({ err }, `${name} close failed`));
        if (Date.now() - t0 > 2_000) logger.warn({ step: name, ms: Date.now() - t0 }, 'slow close');
      };
      await timed('queue', () => queue.close({ drainMs: 10_000 }));
      limits?.redis.disconnect();
      await timed('database', () => database.close());
      release?.();
    },
  };
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
