import type { JobName, JobPayload, PolicyOverrides } from './jobs.ts';

export interface EnqueueOptions {
  /**
   * Idempotency key. While a job with this id is retained in any state (waiting, delayed, active,
   * completed within the retention window, or failed until retried/discarded), enqueueing it again
   * is a silent no-op. This is BullMQ's own rule; the memory driver follows it exactly.
   */
  jobId?: string;
  delayMs?: number;
  /** Lower runs sooner (1 = most urgent); defaults to the queue's policy. */
  priority?: number;
}

export interface JobContext {
  id: string;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  name: JobName;
  log: (msg: string) => void;
  /** Aborted when the run exceeds the queue's timeout or the queue is force-closed. */
  signal: AbortSignal;
}

export type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<void>;

export interface FailedJob {
  id: string;
  name: JobName;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: Date;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

export interface JobInfo {
  id: string;
  name: JobName;
  state: JobState;
  payload: unknown;
  /** Runs that finished (failed or succeeded) so far. */
  attempts: number;
  priority: number;
  enqueuedAt: Date;
  error?: string;
}

export type ScheduleEvery = { everyMs: number } | { cron: string };

/** Hooks for metrics, so the services can feed Prometheus without this package depending on it. */
export interface QueueObserver {
  onEnqueued?(name: JobName): void;
  /**
   * waitMs: from when the job became runnable (enqueue time + delay, or the retry's due time) to
   * its start. BullMQ only knows a retry's due time in the process that scheduled it; elsewhere 0.
   */
  onStarted?(name: JobName, waitMs: number): void;
  onCompleted?(name: JobName, durationMs: number): void;
  /** final: the job went to the failed set (no retry left or not retryable). */
  onFailed?(name: JobName, error: Error, final: boolean): void;
}

/** Operational events worth a log line (connection trouble, worker errors). */
export interface QueueEvent {
  level: 'info' | 'warn' | 'error';
  msg: string;
  queue?: JobName;
  jobId?: string;
  err?: Error;
}

export interface CommonQueueOptions {
  /** Per-queue policy overrides (attempts, backoff, concurrency, timeout, rate limit, priority). */
  policies?: PolicyOverrides;
  /** Multiplies every backoff delay: tests use 0.01 to turn 1 s into 10 ms. Default 1. */
  backoffScale?: number;
  observer?: QueueObserver;
  onEvent?: (event: QueueEvent) => void;
  /** Finished jobs kept for inspection and dedupe (both drivers prune the same way). */
  retention?: Partial<RetentionPolicy>;
}

export interface RetentionPolicy {
  completed: { count: number; ageMs: number };
  failed: { count: number; ageMs: number };
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  completed: { count: 1_000, ageMs: 24 * 3_600_000 },
  failed: { count: 5_000, ageMs: 14 * 24 * 3_600_000 },
};

export interface BullmqQueueOptions extends CommonQueueOptions {
  driver: 'bullmq';
  redisUrl: string;
  /** Redis key prefix; tests isolate with `closeloop-test-<random>`. Default `closeloop`. */
  prefix?: string;
  /** enqueue() and ping() give up after this long when Redis does not answer. Default 1500. */
  commandTimeoutMs?: number;
  /** A worker's job lock; a crashed worker's jobs are retried once it expires. Default 15000. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs. Default 10000. */
  stalledIntervalMs?: number;
}

export interface MemoryQueueOptions extends CommonQueueOptions {
  driver: 'memory';
}

export type CreateQueueOptions = BullmqQueueOptions | MemoryQueueOptions;

export interface ProcessOptions {
  concurrency?: number;
}

export interface CloseOptions {
  /** How long to let running jobs finish before giving up on them. Default 15000. */
  drainMs?: number;
}

export interface JobQueue {
  readonly driver: 'bullmq' | 'memory';
  /** Validates the payload with zod (throws on a bad one); see EnqueueOptions.jobId for dedupe. */
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<void>;
  /**
   * Many jobs of one queue in one round trip (BullMQ `addBulk`): same validation and dedupe rules as
   * `enqueue`; all payloads are checked before anything is queued.
   */
  enqueueBulk<N extends JobName>(name: N, jobs: { payload: JobPayload<N>; opts?: EnqueueOptions }[]): Promise<void>;
  /**
   * Starts consuming the queue. The payload is parsed again; a ZodError or NonRetryableError sends
   * the job to the failed set at once. One processor per queue per JobQueue.
   */
  process<N extends JobName>(name: N, processor: Processor<N>, opts?: ProcessOptions): void;
  /** Creates or replaces the schedule `id` of queue `name`. */
  schedule<N extends JobName>(name: N, payload: JobPayload<N>, every: ScheduleEvery, id: string): Promise<void>;
  unschedule(name: JobName, id: string): Promise<boolean>;
  counts(name: JobName): Promise<QueueCounts>;
  /** Most recently failed first. */
  listFailed(name: JobName, opts?: { limit?: number; offset?: number }): Promise<FailedJob[]>;
  getJob(name: JobName, id: string): Promise<JobInfo | null>;
  /** Moves a failed job back to waiting with a fresh set of attempts; false if it is not failed. */
  retryFailed(name: JobName, id: string): Promise<boolean>;
  /** Deletes a failed job (its id becomes free again); false if it is not failed. */
  discardFailed(name: JobName, id: string): Promise<boolean>;
  /** True when the backend answers (Redis PING with a short timeout). */
  ping(): Promise<boolean>;
  /** Stops taking new jobs (running ones finish); producers keep working. */
  pauseWorkers(): Promise<void>;
  resumeWorkers(): Promise<void>;
  /** Removes every job and schedule of every queue of this JobQueue (tests and ops only). */
  obliterate(): Promise<void>;
  /** Graceful: stop taking new jobs, let running jobs finish (up to drainMs), then close connections. */
  close(opts?: CloseOptions): Promise<void>;
}

/** Throw from a processor to send the job to the failed set without retrying. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** enqueue() could not reach the backend in time; the caller relies on the sweeper. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
  readonly code = 'queue_unavailable';
}

/** A run went past its queue's timeoutMs (retryable). */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}
