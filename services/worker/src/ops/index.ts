import { queryRows } from '@closeloop/db';
import type { JobContext, JobName } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';
import { createRetentionPurge } from '../processors/retention-purge.ts';
import { createRetrainer, type RetrainOptions } from '../processors/retrain.ts';
import { createSlaCheck, type SendMail } from '../processors/sla-check.ts';

export interface OperationsOptions {
  /** Delivers SLA breach emails to each organisation's admins; without it breaches are audited only. */
  sendMail?: SendMail;
  retrain?: RetrainOptions;
  /** How often complaint SLAs are checked. Default 15 minutes. */
  slaCheckEveryMs?: number;
  /** When the retention purge runs (cron, local time). Default 03:30 every day. */
  retentionCron?: string;
  /** When each organisation's retrain check runs (cron, local time). Default 02:15 every day. */
  retrainCron?: string;
  /** How often the per-organisation retrain schedules are re-synced (new organisations). Default 1 hour. */
  scheduleSyncMs?: number;
}

/** Schedule ids, stable so a restart replaces rather than adds (both drivers upsert by id). */
export const SCHEDULE_IDS = {
  slaCheck: 'sla-check',
  retentionPurge: 'nightly-retention-purge',
  retrain: (orgId: string) => `nightly-retrain-${orgId}`,
} as const;

/** A job's log lines carry its id and queue (and the API request id when the payload has one). */
export function jobLogger(deps: Pick<WorkerDeps, 'logger'>, ctx: JobContext, extra: Record<string, unknown> = {}) {
  return deps.logger.child({ jobId: ctx.id, queue: ctx.name satisfies JobName, ...extra });
}

/**
 * Registers the operational processors (complaint SLA check, retention purge, theme-model retrain)
 * and their schedules: BullMQ job schedulers in service mode (one run per tick across all workers),
 * in-process timers in embedded mode. The newsletter schedule belongs to the newsletter processor.
 */
export async function registerOperations(deps: WorkerDeps, opts: OperationsOptions = {}) {
  const slaCheck = createSlaCheck({ ...deps, sendMail: opts.sendMail });
  const purge = createRetentionPurge(deps);
  const retrain = createRetrainer(deps, opts.retrain);

  deps.queue.process('sla-check', async (_payload, ctx) => {
    await slaCheck(jobLogger(deps, ctx));
  });
  deps.queue.process('retention-purge', async (_payload, ctx) => {
    await purge(jobLogger(deps, ctx));
  });
  deps.queue.process('retrain', async ({ orgId }, ctx) => {
    const log = jobLogger(deps, ctx, { orgId });
    const outcome = await retrain(orgId, log);
    if (outcome.status === 'skipped') log.debug({ reason: outcome.reason }, 'retrain skipped');
  });

  await deps.queue.schedule('sla-check', {}, { everyMs: opts.slaCheckEveryMs ?? 15 * 60_000 }, SCHEDULE_IDS.slaCheck);
  await deps.queue.schedule(
    'retention-purge',
    {},
    { cron: opts.retentionCron ?? '30 3 * * *' },
    SCHEDULE_IDS.retentionPurge,
  );

  const retrainCron = opts.retrainCron ?? '15 2 * * *';
  /** One nightly retrain schedule per organisation; the job itself decides whether enough is new. */
  async function syncRetrainSchedules(): Promise<number> {
    const orgs = await queryRows<{ id: string }>(deps.database.db, sql`select id from organisations order by id`);
    for (const org of orgs) {
      await deps.queue.schedule('retrain', { orgId: org.id }, { cron: retrainCron }, SCHEDULE_IDS.retrain(org.id));
    }
    return orgs.length;
  }
  await syncRetrainSchedules();
  const sync = setInterval(() => {
    syncRetrainSchedules().catch((err: unknown) => deps.logger.warn({ err }, 'retrain schedule sync failed'));
  }, opts.scheduleSyncMs ?? 3_600_000);
  sync.unref();

  return {
    slaCheck,
    purge,
    retrain,
    syncRetrainSchedules,
    stop(): void {
      clearInterval(sync);
    },
  };
}

export type Operations = Awaited<ReturnType<typeof registerOperations>>;
