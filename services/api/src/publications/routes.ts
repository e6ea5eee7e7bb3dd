import type { PublicationActor, PublicationService } from '@closeloop/core';
import { getPublication, listPublications, type PublicationRow, publicationVersionsOf } from '@closeloop/db';
import { NotFoundError, PUBLICATION_STATES } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator, Principal } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';

const publicationOut = z.object({
  id: z.uuid(),
  state: z.enum(PUBLICATION_STATES),
  version: z.number().int(),
  youSaidId: z.uuid(),
  approvedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  snapshot: z.unknown(),
  createdAt: z.string(),
});

const createSchema = z.strictObject({
  themeKey: z.string().min(1).max(100).optional(),
  themeId: z.uuid().optional(),
  servicePointId: z.uuid().optional(),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  summary: z.string().trim().min(1).max(5_000),
  summaryCy: z.string().trim().max(5_000).optional(),
  actionIds: z.array(z.uuid()).min(1).max(20),
  quoteFeedbackIds: z.array(z.uuid()).max(3).optional(),
});

function out(p: PublicationRow) {
  return {
    id: p.id,
    state: p.state as (typeof PUBLICATION_STATES)[number],
    version: p.version,
    youSaidId: p.youSaidId,
    approvedAt: p.approvedAt ? p.approvedAt.toISOString() : null,
    publishedAt: p.publishedAt ? p.publishedAt.toISOString() : null,
    snapshot: p.snapshot ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}

/** API keys approve and publish only with the `admin` scope (the staff console uses the publish permission). */
export function actorOf(principal: Principal): PublicationActor {
  return { type: 'api_key', id: principal.keyId, canPublish: principal.scopes.includes('admin') };
}

export function registerPublicationRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
  publications: PublicationService,
  hooks: { onPublished: (orgId: string, publication: PublicationRow) => Promise<void> },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const idParams = z.strictObject({ id: z.uuid() });

  r.post(
    '/v1/publications',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['publications'],
        summary: 'Draft a You said – We did publication for a theme and period',
        body: createSchema,
        response: { 201: publicationOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const created = await database.db.transaction((tx) =>
        publications.create(tx as never, principal.orgId, request.body, actorOf(principal)),
      );
      return reply.status(201).send(out(created));
    },
  );

  r.get(
    '/v1/publications',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['publications'],
        summary: 'List publications',
        querystring: z.strictObject({ state: z.enum(PUBLICATION_STATES).optional() }),
        response: { 200: z.object({ items: z.array(publicationOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return { items: (await listPublications(database.db, orgId, request.query.state)).map(out) };
    },
  );

  r.get(
    '/v1/publications/:id',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['publications'],
        summary: 'Get a publication',
        params: idParams,
        response: { 200: publicationOut },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const p = await getPublication(database.db, orgId, request.params.id);
      if (!p) throw new NotFoundError('publication', request.params.id);
      return out(p);
    },
  );

  r.patch(
    '/v1/publications/:id',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['publications'],
        summary: 'Edit the summary or actions: a new version, back to draft for approval again',
        params: idParams,
        body: z
          .strictObject({
            summary: z.string().trim().min(1).max(5_000),
            summaryCy: z.string().trim().max(5_000).nullable(),
            actionIds: z.array(z.uuid()).min(1).max(20),
          })
          .partial(),
        response: { 200: publicationOut },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return out(
        await database.db.transaction((tx) =>
          publications.edit(tx as never, principal.orgId, request.params.id, request.body, actorOf(principal)),
        ),
      );
    },
  );

  r.get(
    '/v1/publications/:id/versions',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['publications'],
        summary: 'Every version of a publication: state changes, edits and the snapshots the public saw',
        params: idParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                version: z.number().int(),
                state: z.string(),
                snapshot: z.unknown(),
                changedBy: z.uuid().nullable(),
                changedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const p = await getPublication(database.db, orgId, request.params.id);
      if (!p) throw new NotFoundError('publication', request.params.id);
      const versions = await publicationVersionsOf(database.db, orgId, p.id);
      return {
        items: versions.map((v) => ({
          version: v.version,
          state: v.state,
          snapshot: v.snapshot ?? null,
          changedBy: v.changedBy,
          changedAt: v.changedAt.toISOString(),
        })),
      };
    },
  );

  for (const step of ['approve', 'publish', 'archive', 'unpublish'] as const) {
    r.post(
      `/v1/publications/:id/${step}`,
      {
        preHandler: requireScope(auth, 'actions:write'),
        schema: {
          tags: ['publications'],
          summary: `${step[0]!.toUpperCase()}${step.slice(1)} a publication (needs the admin scope)`,
          params: idParams,
          response: { 200: publicationOut },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const updated = await database.db.transaction((tx) =>
          publications[step](tx as never, principal.orgId, request.params.id, actorOf(principal)),
        );
        if (step === 'publish') await hooks.onPublished(principal.orgId, updated);
        return out(updated);
      },
    );
  }
}
