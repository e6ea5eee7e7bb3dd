import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process role (tests build many apps, so nothing is global). */
export function createMetrics(role: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'closeloop_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'closeloop_queue_depth',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
    }),
    jobWait: new Histogram({
      name: 'closeloop_job_wait_seconds',
      help: 'Time from a job becoming runnable to its start',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'closeloop_job_duration_seconds',
      help: 'Job processing time',
      labelNames: ['queue'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    jobFailures: new Counter({
      name: 'closeloop_job_failures_total',
      help: 'Job runs that threw, by queue and whether they went to the failed set',
      labelNames: ['queue', 'final'],
      registers: [registry],
    }),
    feedbackAnalysed: new Counter({
      name: 'closeloop_feedback_analysed_total',
      help: 'Feedback items analysed',
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'closeloop_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function registerMetrics(app: FastifyInstance, metrics: Metrics, beforeScrape?: () => Promise<void>): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    if (beforeScrape) await beforeScrape().catch(() => {});
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
