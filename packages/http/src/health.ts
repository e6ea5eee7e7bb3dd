import type { FastifyInstance } from 'fastify';

export interface HealthChecks {
  database: () => Promise<boolean>;
  queue?: () => Promise<boolean>;
}

/**
 * `/healthz`: the process is alive. `/readyz`: its backing services answer; 503 names what is down
 * (the API keeps accepting feedback while only the queue is down: see the durability rule).
 */
export function registerHealth(app: FastifyInstance, checks: HealthChecks): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const [database, queue] = await Promise.all([
      checks.database().catch(() => false),
      checks.queue ? checks.queue().catch(() => false) : Promise.resolve(true),
    ]);
    const body = {
      status: database && queue ? 'ready' : database ? 'degraded' : 'unavailable',
      checks: { database: database ? 'ok' : 'down', queue: queue ? 'ok' : 'down' },
    };
    if (!(database && queue)) reply.header('retry-after', '5');
    return reply.status(database && queue ? 200 : 503).send(body);
  });
}
