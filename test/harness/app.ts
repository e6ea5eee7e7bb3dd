import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultTaxonomy } from '@closeloop/analysis';
import type { ApiDeps } from '@closeloop/api';
import { createApiKey, createFeedbackSubmitter, registerApi } from '@closeloop/api';
import { registerConsole } from '@closeloop/console';
import { createFeedbackService, createMailer } from '@closeloop/core';
import { type Database, insertOrganisation, Sealer, seedThemes } from '@closeloop/db';
import type { ApiScope } from '@closeloop/domain';
import { createHttpApp, createMetrics, registerHealth, registerMetrics } from '@closeloop/http';
import { createLogger } from '@closeloop/logger';
import { registerPublisher } from '@closeloop/publisher';
import type { JobQueue } from '@closeloop/queue';
import { startWorker } from '@closeloop/worker';
import type { FastifyInstance } from 'fastify';
import { registerWidgetAsset } from '../../services/cli/src/widget-asset.ts';
import { type TestDatabase, withDatabase } from './db.ts';
import { withQueue } from './queue.ts';

export const TEST_SECRET = 'ab'.repeat(32);
export const ALL_SCOPES: ApiScope[] = ['feedback:write', 'feedback:read', 'actions:read', 'actions:write', 'admin'];

export interface TestOrg {
  id: string;
  slug: string;
  apiKey: string;
}

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  database: Database;
  queue: JobQueue;
  sealer: Sealer;
  deps: ApiDeps;
  /** Creates an organisation with the default taxonomy and an API key with the given scopes. */
  createOrg(slug: string, scopes?: ApiScope[]): Promise<TestOrg>;
  /** Starts the worker's processors on this app's queue (analyse, sweep, …). */
  startWorker(): Promise<Awaited<ReturnType<typeof startWorker>>>;
  close(): Promise<void>;
}

/**
 * The whole of role `all` in-process on this file's own database and queue: API, console, public
 * pages, and (on demand) the worker. Tests drive it with `app.inject()`.
 */
export async function withApp(
  opts: {
    publicUrl?: string;
    sweeperGraceSeconds?: number;
    queue?: JobQueue;
    /** The publisher's mail (subscribe confirmations) goes over SMTP here; else to `<mailDataDir>/outbox/`. */
    smtpUrl?: string;
    /** Data directory of the publisher's mail outbox (default: a fresh temporary directory). */
    mailDataDir?: string;
  } = {},
): Promise<TestApp> {
  const db = await withDatabase();
  const queue = opts.queue ?? withQueue();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sealer = new Sealer(TEST_SECRET);
  const metrics = createMetrics('test');
  const publicUrl = opts.publicUrl ?? 'http://closeloop.test';
  const config = {
    BODY_LIMIT_BYTES: 1_048_576,
    IMPORT_LIMIT_BYTES: 50 * 1024 * 1024,
    PUBLIC_URL: publicUrl,
    PORT: 0,
    HOST: '127.0.0.1',
    SWEEPER_GRACE_SECONDS: opts.sweeperGraceSeconds ?? 1,
    SWEEPER_INTERVAL_SECONDS: 3600,
    CLOSELOOP_DATA_DIR: './data',
    SMTP_URL: undefined,
    MAIL_FROM: 'closeloop <no-reply@closeloop.test>',
  };
  const deps: ApiDeps = { config, database: db.database, queue, logger, sealer, metrics };
  const app = createHttpApp({ logger, bodyLimit: config.BODY_LIMIT_BYTES });
  registerHealth(app, { database: () => db.database.ping(), queue: () => queue.ping() });
  registerMetrics(app, metrics);
  await registerApi(app, deps);
  await registerConsole(app, { database: db.database, queue, sealer, logger, publicUrl });
  registerWidgetAsset(app);
  const mailer = createMailer({
    smtpUrl: opts.smtpUrl,
    dataDir: opts.mailDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'closeloop-mail-')),
    from: config.MAIL_FROM,
  });
  const feedback = createFeedbackSubmitter(db.database.db, createFeedbackService(deps));
  await registerPublisher(app, { database: db.database, logger, metrics, publicUrl, sealer, mailer, feedback });
  await app.ready();
  return {
    app,
    db,
    database: db.database,
    queue,
    sealer,
    deps,
    async createOrg(slug, scopes = ALL_SCOPES) {
      const org = await insertOrganisation(db.database.db, { slug, name: `Org ${slug}`, languages: ['en', 'cy'] });
      await seedThemes(db.database.db, org.id, defaultTaxonomy);
      const { key } = await createApiKey(db.database.db, { orgId: org.id, name: 'test', scopes });
      return { id: org.id, slug, apiKey: key };
    },
    startWorker() {
      return startWorker({ ...deps, config });
    },
    async close() {
      await app.close();
      if (queue.driver === 'bullmq') {
        await queue.pauseWorkers().catch(() => {});
        await queue.obliterate().catch(() => {});
      }
      await queue.close({ drainMs: 2_000 });
      await db.drop();
    },
  };
}

export { eventually } from './eventually.ts';
