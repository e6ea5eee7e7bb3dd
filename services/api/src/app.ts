import {
  createActionService,
  createFeedbackService,
  createNewsletterService,
  createPublicationService,
} from '@closeloop/core';
import type { ActionRow, PublicationRow } from '@closeloop/db';
import { actionsOfPublications, publicationsOfAction } from '@closeloop/db';
import { createHttpApp, registerHealth, registerMetrics } from '@closeloop/http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { registerActionLinkRoutes } from './actions/links.ts';
import { registerActionRoutes } from './actions/routes.ts';
import { registerAdminRoutes } from './admin/routes.ts';
import { createApiKeyAuthenticator } from './auth/api-keys.ts';
import type { ApiDeps } from './deps.ts';
import { registerIngestionRoutes } from './feedback/register-ingestion.ts';
import { registerFeedbackRoutes } from './feedback/routes.ts';
import { createApiKeyLimiter, installRateLimit } from './limits/rate-limit.ts';
import { registerLoopMetricsRoutes } from './metrics/routes.ts';
import { registerModelRoutes } from './models/routes.ts';
import { registerNewsletterRoutes } from './newsletters/routes.ts';
import { registerPublicationRoutes } from './publications/routes.ts';
import { registerSuggestionRoutes } from './suggestions/routes.ts';
import { registerWebhooks } from './webhooks/register.ts';
import { registerWidgetRoutes } from './widget/routes.ts';
import { createFeedbackSubmitter, createSiteKeyService } from './widget/service.ts';
import { registerYouSaidRoutes } from './youSaid/routes.ts';

export const API_VERSION = '1.0.0';

/**
 * Registers the REST API (`/v1/…`, `/docs`) on an existing Fastify instance, so role `all` can carry
 * API, console and public pages on one server.
 */
export async function registerApi(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const auth = installRateLimit(
    app,
    createApiKeyAuthenticator(deps.database.db),
    createApiKeyLimiter({ counter: deps.rateCounter }),
  );
  const feedbackService = createFeedbackService(deps);
  const actionService = createActionService(deps.clock ? { clock: deps.clock } : {});
  const publicationService = createPublicationService(deps.clock ? { clock: deps.clock } : {});

  // Contributors hear back once an action they shaped is finished (or declined) and published.
  async function notifyIfClosed(orgId: string, action: ActionRow): Promise<void> {
    if (action.status !== 'done' && action.status !== 'declined') return;
    const pubs = await publicationsOfAction(deps.database.db, orgId, action.id);
    if (!pubs.some((p) => p.publication.state === 'published')) return;
    await deps.queue
      .enqueue('notify', { orgId, actionId: action.id }, { jobId: `notify-${action.id}-${action.status}` })
      .catch((err: unknown) => deps.logger.warn({ err, actionId: action.id }, 'notify enqueue failed'));
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'closeloop API',
        version: API_VERSION,
        description:
          'Collect feedback from every channel, link it to improvement actions and publish You said – We did. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const webhookEvents = registerWebhooks(app, deps, auth);
  registerFeedbackRoutes(app, deps, auth, feedbackService);
  await registerIngestionRoutes(app, deps, auth);
  registerAdminRoutes(app, deps, auth);
  registerWidgetRoutes(app, deps, auth, {
    siteKeys: createSiteKeyService(deps.database.db),
    submitter: createFeedbackSubmitter(deps.database.db, feedbackService),
  });
  registerActionRoutes(app, deps, auth, actionService, {
    onActionChanged: async (orgId, action, statusChanged) => {
      await webhookEvents.actionUpdated(orgId, action, statusChanged);
      if (statusChanged) await notifyIfClosed(orgId, action);
    },
  });
  registerPublicationRoutes(app, deps, auth, publicationService, {
    onPublished: async (orgId: string, publication: PublicationRow) => {
      await webhookEvents.publicationPublished(orgId, publication);
      const actions = await actionsOfPublications(deps.database.db, orgId, [publication.id]);
      for (const { action } of actions) await notifyIfClosed(orgId, action);
    },
  });
  registerNewsletterRoutes(app, deps, auth, createNewsletterService(deps.clock ? { clock: deps.clock } : {}));
  registerActionLinkRoutes(app, deps, auth);
  registerSuggestionRoutes(app, deps, auth);
  registerYouSaidRoutes(app, deps, auth);
  registerLoopMetricsRoutes(app, deps, auth);
  registerModelRoutes(app, deps, auth);
}

/** The API as a standalone app (role `api`). */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = createHttpApp({ logger: deps.logger, bodyLimit: deps.config.BODY_LIMIT_BYTES });
  registerHealth(app, { database: () => deps.database.ping(), queue: () => deps.queue.ping() });
  registerMetrics(app, deps.metrics);
  await registerApi(app, deps);
  return app;
}
