import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from '@closeloop/widget';
import type { FastifyInstance } from 'fastify';

const WIDGET = fileURLToPath(new URL('../../../packages/widget/dist/widget.js', import.meta.url));

/** Serves the built feedback widget at /widget.js (built by `npm run build:widget`, run on install). */
export function registerWidgetAsset(app: FastifyInstance): void {
  app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
    // Builds on first request when dist/ is missing or stale (esbuild is a devDependency; images pre-build).
    await ensureWidgetBuilt().catch((err: unknown) => request.log.warn({ err }, 'widget build failed'));
    if (!existsSync(WIDGET)) {
      return reply.status(404).type('application/javascript').send('/* widget not built: npm run build:widget */');
    }
    return reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(readFileSync(WIDGET));
  });
}
