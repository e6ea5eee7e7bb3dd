import { createFeedbackSubmitter, registerApi, registerBullBoard } from '@closeloop/api';
import { type Config, loadConfig } from '@closeloop/config';
import { registerConsole } from '@closeloop/console';
import { createFeedbackService, createMailer } from '@closeloop/core';
import { createHttpApp, registerHealth, registerMetrics } from '@closeloop/http';
import { registerPublisher } from '@closeloop/publisher';
import { buildWorkerApp, queueDepthCollector, startWorker } from '@closeloop/worker';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../demo/seed.ts';
import { openRuntime, type Runtime } from '../runtime/runtime.ts';
import { registerWidgetAsset } from '../widget-asset.ts';
import { parseFlags } from './flags.ts';

export type Role = 'all' | 'api' | 'worker' | 'publisher';
/** How long open HTTP requests may take to finish when the server stops before their connections are closed. */
const HTTP_CLOSE_GRACE_MS = 10_000;
const ROLES: Role[] = ['all', 'api', 'worker', 'publisher'];

export interface Started {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** Stops taking requests, gives open ones `httpGraceMs` (default 10 s) to finish, then closes everything. */
  stop(opts?: { httpGraceMs?: number }): Promise<void>;
}

async function buildRoleApp(role: Role, rt: Runtime): Promise<FastifyInstance> {
  const apiDeps = {
    config: rt.config,
    database: rt.database,
    queue: rt.queue,
    logger: rt.logger,
    sealer: rt.sealer,
    metrics: rt.metrics,
    rateCounter: rt.rateCounter,
  };
  if (role === 'worker') return buildWorkerApp({ ...apiDeps, config: rt.config });
  const app = createHttpApp({
    logger: rt.logger,
    bodyLimit: rt.config.BODY_LIMIT_BYTES,
  });
  const checkQueue = role === 'publisher' ? undefined : () => rt.queue.ping();
  registerHealth(app, { database: () => rt.database.ping(), ...(checkQueue ? { queue: checkQueue } : {}) });
  registerMetrics(app, rt.metrics, role === 'all' ? queueDepthCollector(rt) : undefined);
  if (role === 'all' || role === 'api') {
    await registerApi(app, apiDeps);
    await registerConsole(app, {
      database: rt.database,
      queue: rt.queue,
      sealer: rt.sealer,
      logger: rt.logger,
      publicUrl: rt.publicUrl,
      secureCookies: rt.publicUrl.startsWith('https:'),
    });
    registerWidgetAsset(app);
    // bull-board at /admin/queues for console admins (service mode: BullMQ only).
    await registerBullBoard(app, { queue: rt.queue, database: rt.database });
  }
  if (role === 'all' || role === 'publisher') {
    await registerPublisher(app, {
      database: rt.database,
      logger: rt.logger,
      metrics: rt.metrics,
      publicUrl: rt.publicUrl,
      sealer: rt.sealer,
      mailer: createMailer({
        smtpUrl: rt.config.SMTP_URL,
        dataDir: rt.config.CLOSELOOP_DATA_DIR,
        from: rt.config.MAIL_FROM,
      }),
      feedback: createFeedbackSubmitter(rt.database.db, createFeedbackService(apiDeps)),
      rateCounter: rt.rateCounter,
    });
  }
  if (role === 'all') {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/demo/you-said-we-did', 302));
  }
  return app;
}

/** Starts one role (or all) and returns a handle; `stop` drains running jobs and closes everything. */
export async function startServer(config: Config, role: Role): Promise<Started> {
  const rt = await openRuntime(config, { role });
  let seeded: Awaited<ReturnType<typeof seedDemo>> = null;
  try {
    const seedWanted = config.SEED_DEMO === 'true' || (config.SEED_DEMO === 'auto' && rt.mode === 'embedded');
    if (seedWanted && (role === 'all' || role === 'api')) {
      const orgs = await rt.database.db.query.organisations.findFirst();
      if (!orgs || config.SEED_DEMO === 'true') seeded = await seedDemo(rt.database, rt.sealer);
    }
    if (role === 'all' || role === 'worker') {
      const { sharedWordEmbeddings } = await import('@closeloop/embeddings');
      const loadEmbeddings = config.THEME_MODEL_EMBEDDINGS === 'on' ? sharedWordEmbeddings : null;
      await startWorker(rt, {
        retrain: { loadEmbeddings, trainingThreads: config.THEME_MODEL_TRAINING_THREADS },
      });
    }
    const app = await buildRoleApp(role, rt);
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = rt.config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
    printBanner(role, rt, url, seeded);
    let stopping: Promise<void> | null = null;
    return {
      runtime: rt,
      app,
      url,
      stop(opts = {}) {
        stopping ??= (async () => {
          // Each step is timed; a slow one is logged at warn level, so a stuck shutdown says where it stuck.
          const step = async (name: string, run: () => Promise<void>) => {
            const t0 = Date.now();
            const slow = setTimeout(
              () => rt.logger.warn({ step: name }, 'shutdown step still running after 5 s'),
              5_000,
            );
            slow.unref();
            try {
              await run();
            } finally {
              clearTimeout(slow);
              if (Date.now() - t0 > 2_000) rt.logger.warn({ step: name, ms: Date.now() - t0 }, 'slow shutdown step');
            }
          };
          await step('http server', async () => {
            // in-flight requests get a grace period; a client that never reads its response must not hold the
            // shutdown until the forced exit, so what is still open after it is closed
            const force = setTimeout(() => app.server.closeAllConnections(), opts.httpGraceMs ?? HTTP_CLOSE_GRACE_MS);
            force.unref();
            try {
              await app.close();
            } finally {
              clearTimeout(force);
            }
          });
          await step('queue and database', () => rt.close());
        })();
        return stopping;
      },
    };
  } catch (error) {
    await rt.close();
    throw error;
  }
}

function printBanner(role: Role, rt: Runtime, url: string, seeded: Awaited<ReturnType<typeof seedDemo>>): void {
  const lines = [`closeloop ${role} (${rt.mode} mode) listening on ${url}`];
  if (role === 'all' || role === 'publisher') {
    lines.push(
      `  You Said – We Did board: ${url}/demo/you-said-we-did`,
      `  Feeds: ${url}/demo/feed.rss  ${url}/demo/feed.atom  ${url}/demo/feed.json`,
    );
  }
  if (role === 'all' || role === 'api') {
    lines.push(`  Staff console:           ${url}/console`, `  API documentation:       ${url}/docs`);
  }
  if (seeded) {
    lines.push(
      '  Demo organisation "demo" seeded (first start). Shown once, keep them:',
      `    staff login: ${seeded.staff.email} / ${seeded.staff.password}`,
      `    API key:     ${seeded.apiKey}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function startCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { role: 'string' });
  const config = loadConfig();
  const role = (flags.role ?? config.CLOSELOOP_ROLE) as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`--role: must be one of ${ROLES.join(', ')} (got "${role}")\n`);
    return 2;
  }
  // Handlers go in before start-up, so Ctrl-C while starting (seeding, migrating) waits for the start to
  // finish and then shuts down cleanly, instead of killing the process before the data is saved.
  const early = (globalThis as { closeloopEarlySignals?: string[] }).closeloopEarlySignals;
  let requested: string | null = early?.[0] ?? null;
  let onSignal: ((signal: string) => void) | null = null;
  const signalled = (signal: string) => {
    requested ??= signal;
    onSignal?.(signal);
  };
  process.once('SIGINT', () => signalled('SIGINT'));
  process.once('SIGTERM', () => signalled('SIGTERM'));
  if (early) early.length = 0;
  const started = await startServer(config, role);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      started.runtime.logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        process.stderr.write('shutdown took too long; exiting\n');
        process.exit(1);
      }, 25_000);
      force.unref();
      started.stop().then(resolve, (err: unknown) => {
        started.runtime.logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    if (requested) shutdown(requested);
    else onSignal = shutdown;
  });
  return 0;
}
