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
  /** When the newsletter schedule is checked (cron, local time): due organisations get their issue. Default 09:00 every day. */
  newsletterCron?: string;
  /** How often every schedule is re-asserted (new organisations, a Redis that lost its data). Default 1 hour. */
  scheduleSyncMs?: number;
  /** How often Redis is pinged to notice it coming back (then every schedule is re-asserted). Default 2 s. */
  recoveryCheckMs?: number;
}

/** Schedule ids, stable so a restart replaces rather than adds (both drivers upsert by id). */
export const SCHEDULE_IDS = {
  slaCheck: 'sla-check',
  retentionPurge: 'nightly-retention-purge',
  retrain: (orgId: string) => `nightly-retrain-${orgId}`,
  newsletter: 'daily-newsletter-schedule',
} as const;

/** A job's log lines carry its id and queue (and the API request id when the payload has one). */
export function jobLogger(deps: Pick<WorkerDeps, 'logger'>, ctx: JobContext, extra: Record<string, unknown> = {}) {
  return deps.logger.child({ jobId: ctx.id, queue: ctx.name satisfies JobName, ...extra });
}

/**
 * Registers the operational processors (complaint SLA check, retention purge, theme-model retrain)
 * and their schedules: BullMQ job schedulers in service mode (one run per tick across all workers),
 * in-process timers in embedded mode. The newsletter schedule's processor is the newsletter module's
 * (processors/newsletter.ts); its schedule is asserted here with the others.
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
  deps.queue.process('retrain', async ({ orgId, force }, ctx) => {
    const log = jobLogger(deps, ctx, { orgId });
    const outcome = await retrain(orgId, log, force ?? false);
    if (outcome.status === 'skipped') log.debug({ reason: outcome.reason }, 'retrain skipped');
  });

  const retrainCron = opts.retrainCron ?? '15 2 * * *';
  /**
   * Creates or replaces every schedule (upserts by id, so running it again is harmless): the sweeper,
   * SLA check, retention purge, the daily newsletter check, and one nightly retrain per organisation (the job itself decides
   * whether enough examples are new). A Redis restarted without persistence loses its job schedulers,
   * so this runs again whenever Redis comes back, and hourly for organisations created meanwhile.
   */
  async function assertSchedules(): Promise<number> {
    await deps.queue.schedule('sweep', {}, { everyMs: deps.config.SWEEPER_INTERVAL_SECONDS * 1000 }, 'sweeper');
    await deps.queue.schedule('sla-check', {}, { everyMs: opts.slaCheckEveryMs ?? 15 * 60_000 }, SCHEDULE_IDS.slaCheck);
    await deps.queue.schedule(
      'retention-purge',
      {},
      { cron: opts.retentionCron ?? '30 3 * * *' },
      SCHEDULE_IDS.retentionPurge,
    );
    await deps.queue.schedule(
      'newsletter-schedule',
      {},
      { cron: opts.newsletterCron ?? '0 9 * * *' },
      SCHEDULE_IDS.newsletter,
    );
    const orgs = await queryRows<{ id: string }>(deps.database.db, sql`select id from organisations order by id`);
    for (const org of orgs) {
      await deps.queue.schedule('retrain', { orgId: org.id }, { cron: retrainCron }, SCHEDULE_IDS.retrain(org.id));
    }
    return orgs.length;
  }
  await assertSchedules();

  const reassert = (why: string) =>
    assertSchedules().then(
      () => deps.logger.info({ why }, 'schedules asserted'),
      (err: unknown) => deps.logger.warn({ err, why }, 'could not assert schedules'),
    );
  const hourly = setInterval(() => void reassert('periodic'), opts.scheduleSyncMs ?? 3_600_000);
  hourly.unref();
  let redisUp = true;
  let checking = false;
  const recovery =
    deps.queue.driver === 'bullmq'
      ? setInterval(() => {
          if (checking) return;
          checking = true;
          deps.queue
            .ping()
            .then(async (up) => {
              if (up && !redisUp) await reassert('redis is back');
              redisUp = up;
            })
            .finally(() => {
              checking = false;
            });
        }, opts.recoveryCheckMs ?? 2_000)
      : null;
  recovery?.unref();

  return {
    slaCheck,
    purge,
    retrain,
    assertSchedules,
    stop(): void {
      clearInterval(hourly);
      if (recovery) clearInterval(recovery);
    },
  };
}

export type Operations = Awaited<ReturnType<typeof registerOperations>>;
