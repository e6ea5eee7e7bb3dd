import { createHttpApp, registerHealth, registerMetrics } from '@closeloop/http';
import { JOB_NAMES } from '@closeloop/queue';
import type { FastifyInstance } from 'fastify';
import { createAnalyserCache } from './analysers.ts';
import type { WorkerDeps } from './deps.ts';
import { createAnalyseProcessor } from './processors/analyse.ts';
import { createSweeper } from './processors/sweep.ts';

export { createAnalyserCache } from './analysers.ts';
export type { WorkerDeps } from './deps.ts';
export { createSweeper } from './processors/sweep.ts';

/** Registers every processor and schedule on the queue. Returns what tests and the CLI need to drive it. */
export async function startWorker(deps: WorkerDeps) {
  const analysers = createAnalyserCache(deps.database.db);
  const sweep = createSweeper(deps);
  deps.queue.process('analyse', createAnalyseProcessor(deps, analysers));
  deps.queue.process('sweep', async () => {
    await sweep();
  });
  await deps.queue.schedule('sweep', {}, { everyMs: deps.config.SWEEPER_INTERVAL_SECONDS * 1000 }, 'sweeper');
  return { analysers, sweep };
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
