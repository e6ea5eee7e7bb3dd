import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { registerComplaintRoutes } from '../complaints/routes.ts';
import type { ApiDeps } from '../deps.ts';
import { registerImportRoutes } from '../imports/routes.ts';
import { registerInboundRoutes } from '../inbound/routes.ts';
import { registerApiKeyRoutes } from '../keys/routes.ts';
import { registerFeedbackEditRoutes } from './edit-routes.ts';

/**
 * The ingestion side of REST v1 beyond single POST/GET: bulk, corrections and erasure, complaint workflow,
 * imports and profiles, inbound connectors, and API key management.
 */
export async function registerIngestionRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
): Promise<void> {
  registerFeedbackEditRoutes(app, deps, auth);
  registerComplaintRoutes(app, deps, auth);
  registerApiKeyRoutes(app, deps, auth);
  await registerImportRoutes(app, deps, auth);
  await registerInboundRoutes(app, deps, auth);
}
