import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  assertPriority,
  backoffDelayMs,
  JOB_NAMES,
  type JobName,
  type JobPayload,
  type QueuePolicy,
  resolvePolicy,
} from './jobs.ts';
import { errorText, runJob, toError, validateForEnqueue } from './runner.ts';
import { validateJobId, validateSchedule } from './shared.ts';
import {
  type BullmqQueueOptions,
  type CloseOptions,
  DEFAULT_RETENTION,
  type EnqueueOptions,
  type FailedJob,
  type JobInfo,
  type JobQueue,
  type JobState,
  type ProcessOptions,
  type Processor,
  type QueueCounts,
  type QueueEvent,
  QueueUnavailableError,
  type RetentionPolicy,
  type ScheduleEvery,
} from './types.ts';

/** Reconnect quickly (at most 1 s apart) so a Redis outage ends as soon as Redis is back. */
const retryStrategy = (times: number): number => Math.min(times * 100, 1_000);

/**
 * The BullMQ driver for service mode. Producers fail fast while Redis is unreachable (no offline
 * queue, a readiness gate and a timeout), so the API can answer and leave the job to the sweeper;
 * workers keep retrying their connection and resume by themselves when Redis is back.
 */
export class BullmqJobQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers = new Map<JobName, Worker>();
  private readonly policies = new Map<JobName, QueuePolicy>();
  /** When a retry this process scheduled becomes due, for the wait-time hook. */
  private readonly retryDueAt = new Map<string, number>();
  private readonly lastEventAt = new Map<string, number>();
  private readonly monitor: Redis;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly retention: RetentionPolicy;
  private readonly backoffScale: number;
  /** Processor runs in progress in this process. */
  private readonly running = new Set<Promise<unknown>>();
  /** Settles with the monitor's first connection attempt. */
  private readonly firstConnection: Promise<void>;
  private closing = false;
  private redisWasDown = false;

  constructor(private readonly opts: BullmqQueueOptions) {
    this.prefix = opts.prefix ?? 'closeloop';
    this.timeoutMs = opts.commandTimeoutMs ?? 1_500;
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.backoffScale = opts.backoffScale ?? 1;
    // A plain connection that tells, without waiting, whether Redis is reachable right now.
    this.monitor = new Redis(opts.redisUrl, {
      ...this.producerConnection(),
      connectionName: `${this.prefix}:monitor`,
    });
    this.monitor.on('error', (err: Error) => {
      this.redisWasDown = true;
      this.event({ level: 'warn', msg: `redis unreachable: ${err.message}`, err });
    });
    this.monitor.on('ready', () => {
      if (this.redisWasDown) this.event({ level: 'info', msg: 'redis reachable again' });
      this.redisWasDown = false;
    });
    this.monitor.on('close', () => {
      this.redisWasDown = true;
    });
    this.firstConnection = new Promise<void>((resolve, reject) => {
      this.monitor.once('ready', resolve);
      this.monitor.once('error', (err: Error) =>
        reject(new QueueUnavailableError(`redis is unreachable: ${err.message}`, { cause: err })),
      );
    });
    // Callers await it through ensureAvailable(); nobody may be waiting when it fails.
    this.firstConnection.catch(() => undefined);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
    const data = validateForEnqueue(name, payload);
    if (opts.jobId !== undefined) validateJobId(opts.jobId);
    const policy = this.policy(name);
    const priority = opts.priority ?? policy.defaultPriority;
    assertPriority(priority);
    await this.ensureAvailable();
    const jobOptions: JobsOptions = {
      ...this.jobOptions(policy),
      priority,
      ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
      ...(opts.delayMs ? { delay: Math.max(0, opts.delayMs) } : {}),
    };
    await this.call(`enqueue ${name}`, this.queue(name).add(name, data, jobOptions));
    this.opts.observer?.onEnqueued?.(name);
  }

  async enqueueBulk<N extends JobName>(
    name: N,
    jobs: { payload: JobPayload<N>; opts?: EnqueueOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    const policy = this.policy(name);
    const prepared = jobs.map(({ payload, opts = {} }) => {
      const data = validateForEnqueue(name, payload);
      if (opts.jobId !== undefined) validateJobId(opts.jobId);
      const priority = opts.priority ?? policy.defaultPriority;
      assertPriority(priority);
      const jobOptions: JobsOptions = {
        ...this.jobOptions(policy),
        priority,
        ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
        ...(opts.delayMs ? { delay: Math.max(0, opts.delayMs) } : {}),
      };
      return { name, data, opts: jobOptions };
    });
    await this.ensureAvailable();
    await this.call(`enqueue ${name} ×${prepared.length}`, this.queue(name).addBulk(prepared));
    for (let i = 0; i < prepared.length; i++) this.opts.observer?.onEnqueued?.(name);
  }

  process<N extends JobName>(name: N, processor: Processor<N>, opts: ProcessOptions = {}): void {
    if (this.workers.has(name)) throw new Error(`queue ${name} already has a processor`);
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    const policy = this.policy(name);
    const worker = new Worker(
      name,
      async (job: Job) => {
        const attempt = job.attemptsMade + 1;
        const retryKey = `${name}\u0000${job.id}`;
        const dueAt = this.retryDueAt.get(retryKey);
        this.retryDueAt.delete(retryKey);
        const run = runJob({
          name,
          id: job.id ?? '',
          attempt,
          attempts: policy.attempts,
          rawPayload: job.data,
          processor,
          timeoutMs: policy.timeoutMs,
          readyAt: attempt === 1 ? job.timestamp + (job.opts.delay ?? 0) : (dueAt ?? Date.now()),
          observer: this.opts.observer,
          log: (msg) => {
            this.event({ level: 'info', msg, queue: name, jobId: job.id });
            job.log(msg).catch((err: unknown) => {
              this.event({ level: 'warn', msg: `job log not stored: ${toError(err).message}`, queue: name });
            });
          },
        });
        this.running.add(run);
        const outcome = await run.finally(() => this.running.delete(run));
        if (outcome.ok) return;
        if (!outcome.retryable) throw new UnrecoverableError(errorText(outcome.error));
        if (!outcome.final) this.rememberRetry(retryKey, backoffDelayMs(policy, attempt, this.backoffScale));
        throw outcome.error;
      },
      {
        connection: this.workerConnection(`${this.prefix}:worker:${name}`),
        prefix: this.prefix,
        concurrency: opts.concurrency ?? policy.concurrency,
        ...(policy.rateLimit ? { limiter: { max: policy.rateLimit.max, duration: policy.rateLimit.durationMs } } : {}),
        lockDuration: this.opts.lockDurationMs ?? 15_000,
        stalledInterval: this.opts.stalledIntervalMs ?? 10_000,
        // A job whose worker died twice in a row still gets a third chance; processors are idempotent.
        maxStalledCount: 2,
        runRetryDelay: 1_000,
      },
    );
    worker.on('error', (err: Error) =>
      this.event({ level: 'error', msg: `worker error: ${err.message}`, queue: name, err }),
    );
    worker.on('stalled', (jobId: string) =>
      this.event({ level: 'warn', msg: 'job stalled (its worker stopped); it runs again', queue: name, jobId }),
    );
    this.workers.set(name, worker);
  }

  async schedule<N extends JobName>(name: N, payload: JobPayload<N>, every: ScheduleEvery, id: string): Promise<void> {
    const data = validateForEnqueue(name, payload);
    validateSchedule(every);
    validateJobId(id);
    await this.ensureAvailable();
    const policy = this.policy(name);
    const repeat = 'everyMs' in every ? { every: every.everyMs } : { pattern: every.cron };
    const template = { name, data, opts: { ...this.jobOptions(policy), priority: policy.defaultPriority } };
    await this.call(`schedule ${name}`, this.queue(name).upsertJobScheduler(id, repeat, template));
  }

  async unschedule(name: JobName, id: string): Promise<boolean> {
    return this.call(`unschedule ${name}`, this.queue(name).removeJobScheduler(id));
  }

  async counts(name: JobName): Promise<QueueCounts> {
    const raw = await this.call(
      `counts ${name}`,
      this.queue(name).getJobCounts(
        'waiting',
        'prioritized',
        'waiting-children',
        'active',
        'delayed',
        'failed',
        'completed',
      ),
    );
    const n = (key: string) => raw[key] ?? 0;
    return {
      waiting: n('waiting') + n('prioritized') + n('waiting-children'),
      active: n('active'),
      delayed: n('delayed'),
      failed: n('failed'),
      completed: n('completed'),
    };
  }

  async listFailed(name: JobName, opts: { limit?: number; offset?: number } = {}): Promise<FailedJob[]> {
    const offset = opts.offset ?? 0;
    const limit = opts.limit ?? 50;
    if (limit <= 0) return [];
    const failed = await this.call(`listFailed ${name}`, this.queue(name).getFailed(offset, offset + limit - 1));
    return failed
      .filter((job): job is typeof job & { id: string } => job !== undefined && job.id !== undefined)
      .map((job) => ({
        id: job.id,
        name,
        payload: job.data,
        error: job.failedReason ?? '',
        attempts: job.attemptsMade,
        failedAt: new Date(job.finishedOn ?? job.timestamp),
      }));
  }

  async getJob(name: JobName, id: string): Promise<JobInfo | null> {
    const job = await this.call(`getJob ${name}`, this.queue(name).getJob(id));
    if (!job) return null;
    const state = toJobState(await this.call(`getJob ${name}`, job.getState()));
    if (!state) return null;
    return {
      id,
      name,
      state,
      payload: job.data,
      attempts: job.attemptsMade + (state === 'completed' ? 1 : 0),
      priority: job.priority,
      enqueuedAt: new Date(job.timestamp),
      ...(job.failedReason ? { error: job.failedReason } : {}),
    };
  }

  async retryFailed(name: JobName, id: string): Promise<boolean> {
    const job = await this.call(`retryFailed ${name}`, this.queue(name).getJob(id));
    if (!job || (await this.call(`retryFailed ${name}`, job.getState())) !== 'failed') return false;
    await this.call(
      `retryFailed ${name}`,
      job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }),
    );
    return true;
  }

  async discardFailed(name: JobName, id: string): Promise<boolean> {
    const job = await this.call(`discardFailed ${name}`, this.queue(name).getJob(id));
    if (!job || (await this.call(`discardFailed ${name}`, job.getState())) !== 'failed') return false;
    await this.call(`discardFailed ${name}`, job.remove());
    return true;
  }

  async ping(): Promise<boolean> {
    try {
      await this.ensureAvailable();
      return (await this.call('ping', this.monitor.ping())) === 'PONG';
    } catch (err) {
      this.event({ level: 'warn', msg: `redis ping failed: ${toError(err).message}` });
      return false;
    }
  }

  async pauseWorkers(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.pause()));
  }

  async resumeWorkers(): Promise<void> {
    for (const worker of this.workers.values()) worker.resume();
  }

  async obliterate(): Promise<void> {
    for (const name of JOB_NAMES) {
      await this.call(`obliterate ${name}`, this.queue(name).obliterate({ force: true }), 10_000);
    }
  }

  /** The BullMQ queue behind `name` (created on first use), e.g. for bull-board. */
  bullQueue(name: JobName): Queue {
    return this.queue(name);
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const drainMs = opts.drainMs ?? 15_000;
    const redisUp = this.monitor.status === 'ready';
    await Promise.all(
      [...this.workers.entries()].map(async ([name, worker]) => {
        // With Redis down BullMQ's graceful close would wait for a reconnect: wait for our own running jobs instead.
        const drained = redisUp
          ? await settlesWithin(worker.close(), drainMs)
          : await settlesWithin(Promise.allSettled(this.running), drainMs);
        if (!drained) {
          this.event({
            level: 'warn',
            msg: `worker ${name} still busy after ${drainMs} ms; closing it anyway`,
            queue: name,
          });
        }
        // Unfinished jobs become stalled and another worker runs them again.
        if (!drained || !redisUp) await forceClose(worker, worker.close(true));
      }),
    );
    await Promise.all(
      [...this.queues.values()].map(async (queue) => {
        if (!redisUp) return forceClose(queue);
        const closing = queue.close();
        if (!(await settlesWithin(closing, 2_000))) await forceClose(queue, closing);
      }),
    );
    this.monitor.disconnect();
  }

  private queue(name: JobName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.producerConnection(`${this.prefix}:producer:${name}`),
        prefix: this.prefix,
      });
      queue.on('error', (err: Error) =>
        this.event({ level: 'warn', msg: `queue error: ${err.message}`, queue: name, err }),
      );
      this.queues.set(name, queue);
    }
    return queue;
  }

  private policy(name: JobName): QueuePolicy {
    let policy = this.policies.get(name);
    if (!policy) {
      policy = resolvePolicy(name, this.opts.policies);
      this.policies.set(name, policy);
    }
    return policy;
  }

  private jobOptions(policy: QueuePolicy): JobsOptions {
    return {
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: Math.round(policy.backoff.baseDelayMs * this.backoffScale) },
      removeOnComplete: {
        count: this.retention.completed.count,
        age: Math.ceil(this.retention.completed.ageMs / 1000),
      },
      removeOnFail: { count: this.retention.failed.count, age: Math.ceil(this.retention.failed.ageMs / 1000) },
    };
  }

  /** Producer side: no offline queue and short timeouts, so a call fails fast instead of hanging. */
  private producerConnection(connectionName?: string) {
    return {
      url: this.opts.redisUrl,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      retryStrategy,
      ...(connectionName ? { connectionName } : {}),
    };
  }

  /** Worker side: BullMQ needs blocking commands that wait through outages (maxRetriesPerRequest null). */
  private workerConnection(connectionName: string) {
    return {
      url: this.opts.redisUrl,
      maxRetriesPerRequest: null,
      connectTimeout: 5_000,
      retryStrategy,
      connectionName,
    };
  }

  /**
   * Fails at once while Redis is known to be down, so callers never pile up behind an outage;
   * only the very first connection, still in progress, is awaited (briefly).
   */
  private async ensureAvailable(): Promise<void> {
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    if (this.monitor.status === 'ready') return;
    if (this.redisWasDown || this.monitor.status === 'end') {
      throw new QueueUnavailableError(`redis is unreachable (${this.monitor.status})`);
    }
    await this.call('connect', this.firstConnection);
  }

  /** Bounds a Redis call; connection failures become QueueUnavailableError. */
  private async call<T>(what: string, promise: Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QueueUnavailableError(`${what}: redis did not answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (err) {
      const error = toError(err);
      if (error instanceof QueueUnavailableError || !isConnectionError(error)) throw error;
      throw new QueueUnavailableError(`${what}: ${error.message}`, { cause: error });
    } finally {
      clearTimeout(timer);
      // A call that lost the race may still settle later; its outcome no longer matters.
      promise.catch(() => undefined);
    }
  }

  private rememberRetry(retryKey: string, delayMs: number): void {
    if (this.retryDueAt.size >= 10_000) this.retryDueAt.clear();
    this.retryDueAt.set(retryKey, Date.now() + delayMs);
  }

  /** Passes events on, at most once per 10 s for the same message, so an outage does not flood the log. */
  private event(event: QueueEvent): void {
    const key = `${event.level}\u0000${event.queue ?? ''}\u0000${event.msg}`;
    const now = Date.now();
    if (event.level !== 'info' && now - (this.lastEventAt.get(key) ?? 0) < 10_000) return;
    if (event.level !== 'info') {
      if (this.lastEventAt.size > 1_000) this.lastEventAt.clear();
      this.lastEventAt.set(key, now);
    }
    this.opts.onEvent?.(event);
  }
}

function toJobState(state: string): JobState | null {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
    case 'paused':
      return 'waiting';
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return state;
    default:
      return null;
  }
}

function isConnectionError(error: Error): boolean {
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Connection is closed|Stream isn't writeable|Command timed out/i.test(
    error.message,
  );
}

/**
 * Drops a BullMQ queue's or worker's connections without waiting for Redis. BullMQ's own close
 * waits for a QUIT or an 'end' event that never comes while Redis is unreachable, and its clients
 * would keep reconnecting (and the process stay alive) after we gave up on it.
 */
async function forceClose(target: Queue | Worker, closing?: Promise<void>): Promise<void> {
  closing?.catch(() => undefined);
  const { connection, blockingConnection } = target.backend as {
    connection?: RedisConnectionHandle;
    blockingConnection?: RedisConnectionHandle;
  };
  await Promise.all(
    [blockingConnection, connection].map(async (redisConnection) => {
      if (!redisConnection) return;
      // Covers a connection that never got ready; then stops the retry timer of one that did.
      await settlesWithin(redisConnection.close(true), 1_000);
      await settlesWithin(
        redisConnection.client.then((client) => client.disconnect()),
        1_000,
      );
    }),
  );
}

interface RedisConnectionHandle {
  close(force?: boolean): Promise<void>;
  client: Promise<{ disconnect(): unknown }>;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
