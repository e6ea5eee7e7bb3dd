import { nextCronTime, parseCron } from './cron.ts';
import {
  assertPriority,
  backoffDelayMs,
  type JobName,
  type JobPayload,
  type QueuePolicy,
  resolvePolicy,
} from './jobs.ts';
import { errorText, type RunOutcome, runJob, validateForEnqueue } from './runner.ts';
import { validateJobId, validateSchedule } from './shared.ts';
import {
  type CloseOptions,
  DEFAULT_RETENTION,
  type EnqueueOptions,
  type FailedJob,
  type JobInfo,
  type JobQueue,
  type JobState,
  type MemoryQueueOptions,
  type ProcessOptions,
  type Processor,
  type QueueCounts,
  QueueUnavailableError,
  type RetentionPolicy,
  type ScheduleEvery,
} from './types.ts';

interface MemoryJob {
  id: string;
  name: JobName;
  payload: unknown;
  priority: number;
  seq: number;
  state: JobState;
  /** Runs that have finished with a failure. */
  attemptsMade: number;
  enqueuedAt: number;
  readyAt: number;
  error?: string;
  finishedAt?: number;
  timer?: NodeJS.Timeout;
}

interface QueueSlot {
  name: JobName;
  policy: QueuePolicy;
  jobs: Map<string, MemoryJob>;
  ready: ReadyHeap;
  processor?: (job: MemoryJob) => Promise<RunOutcome>;
  concurrency: number;
  active: Map<string, Promise<void>>;
  /** Start times inside the rate-limit window. */
  starts: number[];
  rateTimer?: NodeJS.Timeout;
  completed: string[];
  failed: string[];
  nextId: number;
}

/** Ready jobs ordered by priority (lower first), then by enqueue order. */
class ReadyHeap {
  private items: MemoryJob[] = [];

  get size(): number {
    return this.items.length;
  }

  push(job: MemoryJob): void {
    const items = this.items;
    items.push(job);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): MemoryJob | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }
}

function before(a: MemoryJob, b: MemoryJob): boolean {
  return a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;
}

/**
 * The in-process driver for embedded mode: same semantics as the BullMQ driver (retries with
 * exponential backoff, failed set, concurrency, rate limit, priority, delays, dedupe by job id,
 * schedules, graceful close), with state held in memory. Jobs still waiting when the process
 * exits are lost; in embedded mode the sweeper re-enqueues their feedback from the database.
 */
export class MemoryJobQueue implements JobQueue {
  readonly driver = 'memory' as const;
  private readonly slots = new Map<JobName, QueueSlot>();
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private readonly retention: RetentionPolicy;
  private readonly backoffScale: number;
  private readonly closeController = new AbortController();
  private seq = 0;
  private paused = false;
  private closing = false;

  constructor(private readonly opts: MemoryQueueOptions) {
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.backoffScale = opts.backoffScale ?? 1;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
    const data = validateForEnqueue(name, payload);
    if (opts.jobId !== undefined) validateJobId(opts.jobId);
    const priority = opts.priority ?? this.slot(name).policy.defaultPriority;
    assertPriority(priority);
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    this.add(name, data, { ...opts, priority });
    this.opts.observer?.onEnqueued?.(name);
  }

  async enqueueBulk<N extends JobName>(
    name: N,
    jobs: { payload: JobPayload<N>; opts?: EnqueueOptions }[],
  ): Promise<void> {
    const policy = this.slot(name).policy;
    const prepared = jobs.map(({ payload, opts = {} }) => {
      const data = validateForEnqueue(name, payload);
      if (opts.jobId !== undefined) validateJobId(opts.jobId);
      const priority = opts.priority ?? policy.defaultPriority;
      assertPriority(priority);
      return { data, opts: { ...opts, priority } };
    });
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    for (const job of prepared) {
      this.add(name, job.data, job.opts);
      this.opts.observer?.onEnqueued?.(name);
    }
  }

  private add(name: JobName, payload: unknown, opts: EnqueueOptions & { priority: number }): void {
    const slot = this.slot(name);
    const id = opts.jobId ?? String(++slot.nextId);
    if (slot.jobs.has(id)) return;
    const now = Date.now();
    const delayMs = Math.max(0, opts.delayMs ?? 0);
    const job: MemoryJob = {
      id,
      name,
      // Serialised like BullMQ stores it, so both drivers hand processors the same data.
      payload: JSON.parse(JSON.stringify(payload)),
      priority: opts.priority,
      seq: ++this.seq,
      state: 'waiting',
      attemptsMade: 0,
      enqueuedAt: now,
      readyAt: now + delayMs,
    };
    slot.jobs.set(id, job);
    if (delayMs > 0) this.delay(slot, job, delayMs);
    else this.makeReady(slot, job);
  }

  process<N extends JobName>(name: N, processor: Processor<N>, opts: ProcessOptions = {}): void {
    const slot = this.slot(name);
    if (slot.processor) throw new Error(`queue ${name} already has a processor`);
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    slot.concurrency = opts.concurrency ?? slot.policy.concurrency;
    slot.processor = (job) =>
      runJob({
        name,
        id: job.id,
        attempt: job.attemptsMade + 1,
        attempts: slot.policy.attempts,
        rawPayload: job.payload,
        processor,
        timeoutMs: slot.policy.timeoutMs,
        readyAt: job.readyAt,
        observer: this.opts.observer,
        log: (msg) => this.opts.onEvent?.({ level: 'info', msg, queue: name, jobId: job.id }),
        closeSignal: this.closeController.signal,
      });
    this.pump(slot);
  }

  async schedule<N extends JobName>(name: N, payload: JobPayload<N>, every: ScheduleEvery, id: string): Promise<void> {
    const data = validateForEnqueue(name, payload);
    validateSchedule(every);
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    const key = scheduleKey(name, id);
    clearTimeout(this.schedules.get(key));
    const cron = 'cron' in every ? parseCron(every.cron) : undefined;
    const priority = this.slot(name).policy.defaultPriority;
    const arm = (at: number) => {
      const timer = setTimeout(
        () => {
          if (Date.now() < at) return arm(at);
          this.add(name, data, { jobId: `repeat:${id}:${at}`, priority });
          this.opts.observer?.onEnqueued?.(name);
          arm(cron ? nextCronTime(cron, new Date(at)).getTime() : at + (every as { everyMs: number }).everyMs);
        },
        // Timers cannot wait longer than 2^31-1 ms; a longer wait re-arms itself.
        Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
      );
      timer.unref();
      this.schedules.set(key, timer);
    };
    arm(cron ? nextCronTime(cron, new Date()).getTime() : Date.now());
  }

  async unschedule(name: JobName, id: string): Promise<boolean> {
    const key = scheduleKey(name, id);
    const timer = this.schedules.get(key);
    clearTimeout(timer);
    return this.schedules.delete(key);
  }

  async counts(name: JobName): Promise<QueueCounts> {
    const counts: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
    const slot = this.slot(name);
    this.prune(slot);
    for (const job of slot.jobs.values()) counts[job.state]++;
    return counts;
  }

  async listFailed(name: JobName, opts: { limit?: number; offset?: number } = {}): Promise<FailedJob[]> {
    const slot = this.slot(name);
    this.prune(slot);
    const offset = opts.offset ?? 0;
    const ids = slot.failed
      .slice()
      .reverse()
      .slice(offset, offset + (opts.limit ?? 50));
    return ids.flatMap((id) => {
      const job = slot.jobs.get(id);
      if (!job) return [];
      return [
        {
          id,
          name,
          payload: job.payload,
          error: job.error ?? '',
          attempts: job.attemptsMade,
          failedAt: new Date(job.finishedAt ?? job.enqueuedAt),
        },
      ];
    });
  }

  async getJob(name: JobName, id: string): Promise<JobInfo | null> {
    const slot = this.slot(name);
    this.prune(slot);
    const job = slot.jobs.get(id);
    if (!job) return null;
    return {
      id,
      name,
      state: job.state,
      payload: job.payload,
      attempts: job.attemptsMade + (job.state === 'completed' ? 1 : 0),
      priority: job.priority,
      enqueuedAt: new Date(job.enqueuedAt),
      ...(job.error !== undefined ? { error: job.error } : {}),
    };
  }

  async retryFailed(name: JobName, id: string): Promise<boolean> {
    const slot = this.slot(name);
    const job = slot.jobs.get(id);
    if (job?.state !== 'failed') return false;
    removeFrom(slot.failed, id);
    job.attemptsMade = 0;
    delete job.error;
    delete job.finishedAt;
    job.readyAt = Date.now();
    this.makeReady(slot, job);
    return true;
  }

  async discardFailed(name: JobName, id: string): Promise<boolean> {
    const slot = this.slot(name);
    const job = slot.jobs.get(id);
    if (job?.state !== 'failed') return false;
    removeFrom(slot.failed, id);
    slot.jobs.delete(id);
    return true;
  }

  async ping(): Promise<boolean> {
    return !this.closing;
  }

  async pauseWorkers(): Promise<void> {
    this.paused = true;
    await Promise.allSettled([...this.slots.values()].flatMap((slot) => [...slot.active.values()]));
  }

  async resumeWorkers(): Promise<void> {
    this.paused = false;
    for (const slot of this.slots.values()) this.pump(slot);
  }

  async obliterate(): Promise<void> {
    for (const timer of this.schedules.values()) clearTimeout(timer);
    this.schedules.clear();
    for (const slot of this.slots.values()) {
      for (const job of slot.jobs.values()) clearTimeout(job.timer);
      // Running jobs finish on their own; their records are gone.
      slot.jobs.clear();
      slot.ready.clear();
      slot.completed = [];
      slot.failed = [];
    }
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of this.schedules.values()) clearTimeout(timer);
    this.schedules.clear();
    const running = [...this.slots.values()].flatMap((slot) => [...slot.active.values()]);
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled(running).then(() => true),
      new Promise<boolean>((resolve) => {
        drainTimer = setTimeout(() => resolve(false), opts.drainMs ?? 15_000);
      }),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      this.closeController.abort(new Error('queue closed before the job finished'));
      this.opts.onEvent?.({ level: 'warn', msg: 'queue closed with jobs still running; they were abandoned' });
    }
    for (const slot of this.slots.values()) {
      clearTimeout(slot.rateTimer);
      for (const job of slot.jobs.values()) clearTimeout(job.timer);
    }
  }

  private slot(name: JobName): QueueSlot {
    let slot = this.slots.get(name);
    if (!slot) {
      const policy = resolvePolicy(name, this.opts.policies);
      slot = {
        name,
        policy,
        jobs: new Map(),
        ready: new ReadyHeap(),
        concurrency: policy.concurrency,
        active: new Map(),
        starts: [],
        completed: [],
        failed: [],
        nextId: 0,
      };
      this.slots.set(name, slot);
    }
    return slot;
  }

  private delay(slot: QueueSlot, job: MemoryJob, delayMs: number): void {
    job.state = 'delayed';
    job.readyAt = Date.now() + delayMs;
    job.timer = setTimeout(() => {
      delete job.timer;
      if (slot.jobs.get(job.id) === job && job.state === 'delayed') this.makeReady(slot, job);
    }, delayMs);
    job.timer.unref();
  }

  private makeReady(slot: QueueSlot, job: MemoryJob): void {
    job.state = 'waiting';
    slot.ready.push(job);
    this.pump(slot);
  }

  private pump(slot: QueueSlot): void {
    while (slot.processor && !this.paused && !this.closing && slot.active.size < slot.concurrency) {
      const waitMs = this.rateLimitWait(slot);
      if (waitMs > 0) {
        if (!slot.rateTimer) {
          slot.rateTimer = setTimeout(() => {
            delete slot.rateTimer;
            this.pump(slot);
          }, waitMs);
          slot.rateTimer.unref();
        }
        return;
      }
      const job = slot.ready.pop();
      if (!job) return;
      // Discarded or obliterated while waiting in the heap.
      if (slot.jobs.get(job.id) !== job || job.state !== 'waiting') continue;
      this.start(slot, job);
    }
  }

  private rateLimitWait(slot: QueueSlot): number {
    const limit = slot.policy.rateLimit;
    if (!limit || slot.ready.size === 0) return 0;
    const now = Date.now();
    while (slot.starts.length > 0 && slot.starts[0]! <= now - limit.durationMs) slot.starts.shift();
    return slot.starts.length < limit.max ? 0 : slot.starts[0]! + limit.durationMs - now;
  }

  private start(slot: QueueSlot, job: MemoryJob): void {
    job.state = 'active';
    if (slot.policy.rateLimit) slot.starts.push(Date.now());
    const run = slot.processor!(job).then((outcome) => {
      slot.active.delete(job.id);
      this.finish(slot, job, outcome);
      this.pump(slot);
    });
    slot.active.set(job.id, run);
  }

  private finish(slot: QueueSlot, job: MemoryJob, outcome: RunOutcome): void {
    // Obliterated while running: nothing to record.
    if (slot.jobs.get(job.id) !== job) return;
    const now = Date.now();
    if (outcome.ok) {
      job.state = 'completed';
      job.finishedAt = now;
      slot.completed.push(job.id);
    } else {
      job.attemptsMade++;
      job.error = errorText(outcome.error);
      if (!outcome.final) {
        this.delay(slot, job, backoffDelayMs(slot.policy, job.attemptsMade, this.backoffScale));
        return;
      }
      job.state = 'failed';
      job.finishedAt = now;
      slot.failed.push(job.id);
    }
    this.prune(slot);
  }

  /** Keeps finished jobs within the retention policy, as BullMQ's removeOnComplete/removeOnFail do. */
  private prune(slot: QueueSlot): void {
    const now = Date.now();
    for (const [list, keep] of [
      [slot.completed, this.retention.completed],
      [slot.failed, this.retention.failed],
    ] as const) {
      let drop = Math.max(0, list.length - keep.count);
      while (drop < list.length && (slot.jobs.get(list[drop]!)?.finishedAt ?? 0) < now - keep.ageMs) drop++;
      for (const id of list.splice(0, drop)) slot.jobs.delete(id);
    }
  }
}

function scheduleKey(name: JobName, id: string): string {
  return `${name}\u0000${id}`;
}

function removeFrom(list: string[], id: string): void {
  const index = list.lastIndexOf(id);
  if (index >= 0) list.splice(index, 1);
}
