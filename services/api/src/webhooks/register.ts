import { actionUpdatedData, emitSafely, parseTargetPolicy, publicationPublishedData } from '@closeloop/core';
import type { ActionRow, PublicationRow } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import type { ApiDeps } from '../deps.ts';
import { registerWebhookRoutes } from './routes.ts';
import { createWebhookService } from './service.ts';

/** Registers `/v1/webhooks…` and returns the event hooks the other API modules call after their commits. */
export function registerWebhooks(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator) {
  const targets = parseTargetPolicy(deps.config.WEBHOOK_ALLOWED_TARGETS);
  const service = createWebhookService({
    db: deps.database.db,
    sealer: deps.sealer,
    targets,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  registerWebhookRoutes(app, auth, service);
  const emitter = { db: deps.database.db, queue: deps.queue, logger: deps.logger };
  return {
    actionUpdated: (orgId: string, action: ActionRow, statusChanged: boolean) =>
      emitSafely(emitter, orgId, 'action.updated', [actionUpdatedData(action, statusChanged)]),
    publicationPublished: (orgId: string, publication: PublicationRow) =>
      emitSafely(emitter, orgId, 'publication.published', [publicationPublishedData(publication)]),
  };
}
