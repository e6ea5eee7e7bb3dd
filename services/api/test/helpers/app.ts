import { defaultTaxonomy } from '@closeloop/analysis';
import { insertOrganisation, Sealer, seedThemes } from '@closeloop/db';
import type { ApiScope } from '@closeloop/domain';
import { createHttpApp, createMetrics, registerHealth, registerMetrics } from '@closeloop/http';
import { createLogger } from '@closeloop/logger';
import { withDatabase } from '../../../../test/harness/db.ts';
import { withQueue } from '../../../../test/harness/queue.ts';
import type { ApiDeps } from '../../src/deps.ts';
import { createApiKey, registerApi } from '../../src/index.ts';

export const ALL_SCOPES: ApiScope[] = ['feedback:write', 'feedback:read', 'actions:read', 'actions:write', 'admin'];

export interface ApiTestOrg {
  id: string;
  slug: string;
  apiKey: string;
}

/**
 * The API alone (role `api`) on this file's own database and queue: the same fixtures as the repo's
 * `withApp()`, without the console and public pages, so these tests depend on nothing but the API.
 */
export async function withApiApp(opts: { importLimitBytes?: number; clock?: () => Date } = {}) {
  const db = await withDatabase();
  const queue = withQueue();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sealer = new Sealer('ab'.repeat(32));
  const metrics = createMetrics('test');
  const config = {
    BODY_LIMIT_BYTES: 1_048_576,
    IMPORT_LIMIT_BYTES: opts.importLimitBytes ?? 50 * 1024 * 1024,
    PUBLIC_URL: 'http://closeloop.test',
    PORT: 0,
    HOST: '127.0.0.1',
  };
  const deps = {
    config,
    database: db.database,
    queue,
    logger,
    sealer,
    metrics,
    ...(opts.clock ? { clock: opts.clock } : {}),
  } as ApiDeps;
  const app = createHttpApp({ logger, bodyLimit: config.BODY_LIMIT_BYTES });
  registerHealth(app, { database: () => db.database.ping(), queue: () => queue.ping() });
  registerMetrics(app, metrics);
  await registerApi(app, deps);
  await app.ready();
  return {
    app,
    database: db.database,
    queue,
    sealer,
    deps,
    async createOrg(
      slug: string,
      scopes: ApiScope[] = ALL_SCOPES,
      extra: { rateLimitPerMinute?: number; settings?: Record<string, unknown> } = {},
    ): Promise<ApiTestOrg> {
      const org = await insertOrganisation(db.database.db, {
        slug,
        name: `Org ${slug}`,
        languages: ['en', 'cy'],
        ...(extra.settings ? { settings: extra.settings } : {}),
      });
      await seedThemes(db.database.db, org.id, defaultTaxonomy);
      const { key } = await createApiKey(db.database.db, {
        orgId: org.id,
        name: 'test',
        scopes,
        ...(extra.rateLimitPerMinute ? { rateLimitPerMinute: extra.rateLimitPerMinute } : {}),
      });
      return { id: org.id, slug, apiKey: key };
    },
    async keyFor(orgId: string, scopes: ApiScope[], rateLimitPerMinute?: number): Promise<string> {
      const { key } = await createApiKey(db.database.db, {
        orgId,
        name: 'extra',
        scopes,
        ...(rateLimitPerMinute ? { rateLimitPerMinute } : {}),
      });
      return key;
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
export type ApiTestApp = Awaited<ReturnType<typeof withApiApp>>;
