import { createMailer } from '@closeloop/core';
import { createHttpApp, registerHealth, registerMetrics } from '@closeloop/http';
import { JOB_NAMES } from '@closeloop/queue';
import type { FastifyInstance } from 'fastify';
import { createAnalyserCache } from './analysers.ts';
import type { WorkerDeps } from './deps.ts';
import { type OperationsOptions, registerOperations } from './ops/index.ts';
import { createAnalyseProcessor } from './processors/analyse.ts';
import { registerNewsletterProcessors, requeueStuckNewsletters } from './processors/newsletter.ts';
import { createNotifyProcessor } from './processors/notify.ts';
import { createSuggestProcessor } from './processors/suggest.ts';
import { createSweeper } from './processors/sweep.ts';
import { createWebhookProcessor, resendPendingDeliveries } from './processors/webhook.ts';

export { createAnalyserCache, loadOrgAnalysisConfig } from './analysers.ts';
export type { WorkerDeps } from './deps.ts';
export { jobLogger, type Operations, type OperationsOptions, registerOperations, SCHEDULE_IDS } from './ops/index.ts';
export {
  type NewsletterDeps,
  requeueStuckNewsletters,
  runNewsletterSchedule,
  sendNewsletterIssue,
} from './processors/newsletter.ts';
export { notifyContributors } from './processors/notify.ts';
export { createSweeper } from './processors/sweep.ts';
export { createWebhookProcessor, resendPendingDeliveries } from './processors/webhook.ts';

/** Registers every processor and schedule on the queue. Returns what tests and the CLI need to drive it. */
export async function startWorker(deps: WorkerDeps, opsOptions: OperationsOptions = {}) {
  const analysers = createAnalyserCache(deps.database.db);
  const sweep = createSweeper(deps);
  deps.queue.process('analyse', createAnalyseProcessor(deps, analysers));
  deps.queue.process('suggest', createSuggestProcessor(deps));
  const mailer =
    deps.mailer ??
    createMailer({
      smtpUrl: deps.config.SMTP_URL,
      dataDir: deps.config.CLOSELOOP_DATA_DIR,
      from: deps.config.MAIL_FROM,
    });
  const publicUrl = deps.config.PUBLIC_URL ?? 'http://localhost:3000';
  deps.queue.process('notify', createNotifyProcessor({ ...deps, mailer, publicUrl }));
  const newsletters = { ...deps, mailer, publicUrl };
  registerNewsletterProcessors(newsletters);
  deps.queue.process('webhook', createWebhookProcessor(deps));
  deps.queue.process('sweep', async () => {
    await sweep();
    await resendPendingDeliveries(deps, deps.config.SWEEPER_GRACE_SECONDS);
    await requeueStuckNewsletters(newsletters, deps.config.SWEEPER_GRACE_SECONDS);
  });
  await deps.queue.schedule('sweep', {}, { everyMs: deps.config.SWEEPER_INTERVAL_SECONDS * 1000 }, 'sweeper');
  const ops = await registerOperations(deps, opsOptions);
  return { analysers, sweep, ops };
}

/** Queue depth for /metrics, read at scrape time. */
export function queueDepthCollector(deps: Pick<WorkerDeps, 'queue' | 'metrics'>) {
  return async () => {
    for (const name of JOB_NAMES) {
      const counts = await deps.queue.counts(name);
      for (const [state, n] of Object.entries(counts)) deps.metrics.queueDepth.set({ queue: name, state }, n);
    }
  };
}

/** The worker's own small HTTP server (role `worker`): health, readiness and metrics. */
export function buildWorkerApp(deps: WorkerDeps): FastifyInstance {
  const app = createHttpApp({ logger: deps.logger });
  registerHealth(app, { database: () => deps.database.ping(), queue: () => deps.queue.ping() });
  registerMetrics(app, deps.metrics, queueDepthCollector(deps));
  return app;
}
