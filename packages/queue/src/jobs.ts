import type { Channel } from '@closeloop/domain';
import { z } from 'zod';

/** How a queue's jobs are run: the same policy drives both drivers. */
export interface QueuePolicy {
  /** Total tries, the first run included. */
  attempts: number;
  /** Exponential backoff: retry n (1-based) waits baseDelayMs * 2^(n-1). */
  backoff: { type: 'exponential'; baseDelayMs: number };
  /** Jobs of this queue running at once in one process. */
  concurrency: number;
  /** A run longer than this fails (retryable) and its AbortSignal fires. */
  timeoutMs: number;
  /** At most `max` job starts per `durationMs`, per process (memory) or across workers (BullMQ). */
  rateLimit?: { max: number; durationMs: number };
  /** Lower runs sooner; 1 is the most urgent. */
  defaultPriority: number;
}

/** Priority levels (lower number = sooner); BullMQ accepts 1..2_097_152. */
export const PRIORITY = { urgent: 1, high: 2, normal: 5, low: 8, bulk: 10 } as const;
export const MAX_PRIORITY_NUMBER = 2_097_152;

const uuid = z.uuid();
const orgScoped = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ orgId: uuid, ...shape });

const minute = 60_000;

/** Most rows one analyse job carries. */
export const ANALYSE_BATCH_MAX = 250;

/** The one typed job map: queue name → payload schema and policy. */
export const jobs = {
  analyse: {
    /** requestId: the API request that accepted the feedback, carried into the worker's log lines. */
    /**
     * `batch`: more rows of the same organisation analysed by this one job (ingestion enqueues one job per
     * committed group of rows, not one per row, so the queue's cost does not grow with the row count).
     */
    schema: orgScoped({
      feedbackId: uuid,
      batch: z
        .array(uuid)
        .min(1)
        .max(ANALYSE_BATCH_MAX - 1)
        .optional(),
      requestId: z.string().min(1).max(128).optional(),
    }),
    policy: {
      attempts: 5,
      backoff: { type: 'exponential', baseDelayMs: 1_000 },
      concurrency: 32, // the analyse processor batches concurrent jobs into one transaction
      timeoutMs: 30_000,
      defaultPriority: PRIORITY.normal,
    },
  },
  suggest: {
    schema: orgScoped({ feedbackId: uuid.optional(), actionId: uuid.optional() }),
    policy: {
      attempts: 3,
      backoff: { type: 'exponential', baseDelayMs: 2_000 },
      concurrency: 2,
      timeoutMs: 60_000,
      defaultPriority: PRIORITY.low,
    },
  },
  notify: {
    schema: orgScoped({ actionId: uuid }),
    policy: {
      attempts: 5,
      backoff: { type: 'exponential', baseDelayMs: 5_000 },
      concurrency: 4,
      timeoutMs: 60_000,
      rateLimit: { max: 50, durationMs: 1_000 },
      defaultPriority: PRIORITY.normal,
    },
  },
  publish: {
    schema: orgScoped({ publicationId: uuid }),
    policy: {
      attempts: 3,
      backoff: { type: 'exponential', baseDelayMs: 5_000 },
      concurrency: 2,
      timeoutMs: 2 * minute,
      defaultPriority: PRIORITY.high,
    },
  },
  newsletter: {
    schema: orgScoped({ issueId: uuid }),
    policy: {
      attempts: 3,
      backoff: { type: 'exponential', baseDelayMs: 30_000 },
      concurrency: 1,
      timeoutMs: 15 * minute,
      rateLimit: { max: 5, durationMs: 1_000 },
      defaultPriority: PRIORITY.low,
    },
  },
  /** The daily check that makes and sends each organisation's scheduled newsletter when one is due. */
  'newsletter-schedule': {
    schema: z.strictObject({}),
    policy: {
      attempts: 2,
      backoff: { type: 'exponential', baseDelayMs: minute },
      concurrency: 1,
      timeoutMs: 5 * minute,
      defaultPriority: PRIORITY.low,
    },
  },
  webhook: {
    schema: orgScoped({ deliveryId: uuid }),
    policy: {
      attempts: 8,
      backoff: { type: 'exponential', baseDelayMs: 2_000 },
      concurrency: 8,
      timeoutMs: 15_000,
      rateLimit: { max: 100, durationMs: 1_000 },
      defaultPriority: PRIORITY.normal,
    },
  },
  retrain: {
    /** `force`: train even with fewer new staff labels than RetrainOptions.minNewExamples (a retrain asked for on demand); absent means false. */
    schema: orgScoped({ force: z.boolean().optional() }),
    policy: {
      attempts: 2,
      backoff: { type: 'exponential', baseDelayMs: minute },
      concurrency: 1,
      timeoutMs: 20 * minute,
      defaultPriority: PRIORITY.bulk,
    },
  },
  sweep: {
    schema: z.strictObject({}),
    policy: {
      attempts: 1,
      backoff: { type: 'exponential', baseDelayMs: 1_000 },
      concurrency: 1,
      timeoutMs: minute,
      defaultPriority: PRIORITY.high,
    },
  },
  'sla-check': {
    schema: z.strictObject({}),
    policy: {
      attempts: 2,
      backoff: { type: 'exponential', baseDelayMs: 10_000 },
      concurrency: 1,
      timeoutMs: 5 * minute,
      defaultPriority: PRIORITY.normal,
    },
  },
  'retention-purge': {
    schema: z.strictObject({}),
    policy: {
      attempts: 3,
      backoff: { type: 'exponential', baseDelayMs: minute },
      concurrency: 1,
      timeoutMs: 30 * minute,
      defaultPriority: PRIORITY.bulk,
    },
  },
  import: {
    schema: orgScoped({ importId: uuid }),
    policy: {
      attempts: 2,
      backoff: { type: 'exponential', baseDelayMs: 10_000 },
      concurrency: 1,
      timeoutMs: 30 * minute,
      defaultPriority: PRIORITY.low,
    },
  },
} satisfies Record<string, { schema: z.ZodType; policy: QueuePolicy }>;

export type JobMap = typeof jobs;
export type JobName = keyof JobMap;
export type JobPayload<N extends JobName> = z.infer<JobMap[N]['schema']>;

export const JOB_NAMES = Object.keys(jobs) as JobName[];

export function isJobName(value: string): value is JobName {
  return Object.hasOwn(jobs, value);
}

/** Policy overrides, per queue, e.g. from configuration or a test. */
export type PolicyOverrides = Partial<Record<JobName, Partial<QueuePolicy>>>;

export function resolvePolicy(name: JobName, overrides?: PolicyOverrides): QueuePolicy {
  const policy: QueuePolicy = { ...jobs[name].policy, ...overrides?.[name] };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error(`${name}: attempts must be ≥ 1`);
  if (!Number.isInteger(policy.concurrency) || policy.concurrency < 1) {
    throw new Error(`${name}: concurrency must be ≥ 1`);
  }
  assertPriority(policy.defaultPriority);
  return policy;
}

/** Delay before retry number `retry` (1 = the first retry), scaled for tests. */
export function backoffDelayMs(policy: QueuePolicy, retry: number, backoffScale = 1): number {
  return Math.round(policy.backoff.baseDelayMs * backoffScale * 2 ** (retry - 1));
}

export function assertPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY_NUMBER) {
    throw new RangeError(`priority must be an integer from 1 to ${MAX_PRIORITY_NUMBER}, got ${priority}`);
  }
}

/** Complaints are analysed before anything else, widget ratings and bulk channels last. */
const analysePriorityByChannel: Record<Channel, number> = {
  complaint: PRIORITY.urgent,
  email: PRIORITY.high,
  phone: PRIORITY.high,
  crm: PRIORITY.high,
  social_mention: PRIORITY.normal,
  comment_card: PRIORITY.normal,
  survey: PRIORITY.low,
  focus_group: PRIORITY.low,
  widget: PRIORITY.low,
};

export function analysePriority(channel: Channel): number {
  return analysePriorityByChannel[channel];
}

/**
 * The analyse jobs for rows just committed: one job per organisation and per {@link ANALYSE_BATCH_MAX}
 * rows, at the priority of its most urgent channel. A job of one row keeps the row id as its job id (so a
 * repeat is deduplicated as before); a job of several rows is `b-<first id>`.
 */
export function analyseJobs(
  rows: readonly { orgId: string; id: string; channel: Channel }[],
  requestId?: string,
): { payload: JobPayload<'analyse'>; opts: { jobId: string; priority: number } }[] {
  const byOrg = new Map<string, { id: string; channel: Channel }[]>();
  for (const row of rows) {
    const list = byOrg.get(row.orgId);
    if (list) list.push(row);
    else byOrg.set(row.orgId, [row]);
  }
  const rid = requestId ? { requestId: requestId.slice(0, 128) } : {};
  const out: { payload: JobPayload<'analyse'>; opts: { jobId: string; priority: number } }[] = [];
  for (const [orgId, list] of byOrg) {
    for (let i = 0; i < list.length; i += ANALYSE_BATCH_MAX) {
      const chunk = list.slice(i, i + ANALYSE_BATCH_MAX);
      const [first, ...rest] = chunk as [{ id: string; channel: Channel }, ...{ id: string; channel: Channel }[]];
      const priority = Math.min(...chunk.map((r) => analysePriority(r.channel)));
      out.push({
        payload: { orgId, feedbackId: first.id, ...(rest.length > 0 ? { batch: rest.map((r) => r.id) } : {}), ...rid },
        opts: { jobId: rest.length > 0 ? `b-${first.id}` : first.id, priority },
      });
    }
  }
  return out;
}
