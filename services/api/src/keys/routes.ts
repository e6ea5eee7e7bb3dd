import { listApiKeys, revokeApiKey } from '@closeloop/db';
import { API_SCOPES, apiScopeSchema, NotFoundError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiKeyAuthenticator, createApiKey } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { idempotencyOf, runIdempotent } from '../idempotency.ts';

const createKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(apiScopeSchema).min(1).max(API_SCOPES.length),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  })
  .meta({ examples: [{ name: 'Zendesk sync', scopes: ['feedback:write', 'feedback:read'], rateLimitPerMinute: 600 }] });

const keyExample = {
  id: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77',
  name: 'Zendesk sync',
  prefix: 'k3Xa9QbZ',
  scopes: ['feedback:write', 'feedback:read'],
  rateLimitPerMinute: 600,
  createdAt: '2024-10-14T09:15:51.000Z',
  lastUsedAt: null,
  revokedAt: null,
};

const keyOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe('the key starts with cl_<prefix>_'),
    scopes: z.array(z.string()),
    rateLimitPerMinute: z.number().int(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ examples: [keyExample] });

const createdKeyOut = keyOut
  .extend({ key: z.string().describe('the secret: shown once, only its SHA-256 is stored') })
  .meta({ examples: [{ ...keyExample, key: 'cl_k3Xa9QbZ_0Jd9…' }] });

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** API keys over HTTP, with the `admin` scope: create (the secret is shown once), list (no secrets), revoke. */
export function registerApiKeyRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;

  r.post(
    '/v1/api-keys',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (shown once)',
        description:
          'Scopes: `feedback:write`, `feedback:read`, `actions:read`, `actions:write`, `admin`. The answer holds the key itself once; store it, it cannot be shown again. `rateLimitPerMinute` defaults to 6000.',
        body: createKeySchema,
        response: { 201: createdKeyOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await runIdempotent(database, idempotencyOf(request, principal, '/v1/api-keys'), async (tx) => {
        const { key, row } = await createApiKey(tx, {
          orgId: principal.orgId,
          name: request.body.name,
          scopes: [...new Set(request.body.scopes)],
          ...(request.body.rateLimitPerMinute ? { rateLimitPerMinute: request.body.rateLimitPerMinute } : {}),
        });
        return {
          statusCode: 201,
          body: {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            scopes: row.scopes,
            rateLimitPerMinute: row.rateLimitPerMinute,
            createdAt: row.createdAt.toISOString(),
            lastUsedAt: null,
            revokedAt: null,
            key,
          },
        };
      });
      return reply.status(201).send(result.body);
    },
  );

  r.get(
    '/v1/api-keys',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['api-keys'],
        summary: "List the organisation's API keys (never their secrets)",
        response: { 200: z.object({ items: z.array(keyOut) }).meta({ examples: [{ items: [keyExample] }] }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const rows = await listApiKeys(database.db, orgId);
      return {
        items: rows.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          rateLimitPerMinute: k.rateLimitPerMinute,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: iso(k.lastUsedAt),
          revokedAt: iso(k.revokedAt),
        })),
      };
    },
  );

  r.delete(
    '/v1/api-keys/:id',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        description:
          'Answers 204. The key stops working at once in this process and within 10 seconds in every other api process (their lookup cache). An unknown or already revoked key answers 404.',
        params: z.strictObject({ id: z.uuid().meta({ examples: ['0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77'] }) }),
        response: { 204: z.null().describe('revoked') },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const revoked = await revokeApiKey(database.db, orgId, request.params.id);
      if (!revoked) throw new NotFoundError('api_key', request.params.id);
      auth.forget();
      return reply.status(204).send(null);
    },
  );
}
