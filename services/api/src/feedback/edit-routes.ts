import { eraseFeedback } from '@closeloop/core';
import { type Db, type FeedbackRow, themesOfFeedback } from '@closeloop/db';
import { NotFoundError, ValidationError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { requestHash } from '../idempotency.ts';
import { runIdempotentChunked, storeMany } from './bulk.ts';
import {
  bulkBodySchema,
  bulkResponseSchema,
  externalRefParams,
  type FeedbackPatch,
  feedbackIdParamsDoc,
  feedbackOutDoc,
  feedbackPatchSchema,
} from './edit-schemas.ts';
import { type Actor, findFeedbackByExternalId, patchFeedback } from './edit-service.ts';
import { enqueueAnalyses } from './enqueue.ts';
import { headerValue, toFeedbackOut } from './routes.ts';

/** Bulk bodies are large by nature: 10,000 items of a few KB. */
export const BULK_BODY_LIMIT = 32 * 1024 * 1024;
/** Enqueues in flight at once after a chunk commits (BullMQ pipelines them over one connection). */

function actorOf(request: Parameters<typeof principalOf>[0]): Actor {
  return { type: 'api_key', id: principalOf(request).keyId };
}

export function registerFeedbackEditRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const now = deps.clock ?? (() => new Date());

  async function present(orgId: string, row: FeedbackRow) {
    return toFeedbackOut(row, await themesOfFeedback(database.db, orgId, [row.id]));
  }

  // `::` escapes the colon, so the path is the literal `/v1/feedback:bulk` (Google API style custom method).
  r.post(
    '/v1/feedback::bulk',
    {
      bodyLimit: BULK_BODY_LIMIT,
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['feedback'],
        summary: 'Submit up to 10,000 feedback items at once',
        description:
          'Each item is validated on its own: bad items are rejected with their field errors, good ones are stored (partial acceptance). Items are written in chunks of 500, one transaction each; analysis is enqueued after each chunk commits. Items with `source` + `externalId` update the existing row. With `Idempotency-Key`, a replay with the same body returns the same response and writes nothing; the same key with another body is refused (422 `idempotency_key_reused`). When no item is accepted the answer is 422 `validation_failed` with `errors` paths `items.N.field`.',
        body: bulkBodySchema,
        response: { 202: bulkResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await runIdempotentChunked(
        database,
        {
          orgId: principal.orgId,
          principal: principal.keyId,
          key: headerValue(request.headers['idempotency-key']),
          hash: () => requestHash('POST', '/v1/feedback:bulk', request.body),
        },
        async () => {
          const body = await storeMany(
            {
              database,
              sealer: deps.sealer,
              now,
              afterChunk: (stored) => enqueueAnalyses(deps, principal.orgId, stored, request.id),
            },
            principal.orgId,
            request.body.items,
          );
          if (body.accepted === 0) {
            throw new ValidationError(
              'No item was accepted',
              body.results
                .flatMap((res) =>
                  (res.errors ?? []).map((e) => ({ path: `items.${res.index}.${e.path}`, message: e.message })),
                )
                .slice(0, 1000),
            );
          }
          return { statusCode: 202, body };
        },
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(202).send(result.body);
    },
  );

  async function patch(orgId: string, id: string, body: FeedbackPatch, actor: Actor) {
    const row = await database.db.transaction((tx) => patchFeedback(tx as unknown as Db, orgId, id, body, actor));
    return present(orgId, row);
  }

  r.patch(
    '/v1/feedback/:id',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['feedback'],
        summary: 'Correct a feedback item (staff-correctable fields)',
        description:
          'Changes customer group, service point, rating, language, complaint category/severity/external reference, and the theme set. Themes set here are stored as `staff`, confirmed (analysis never overwrites them), and kept as a training example. An erased item answers 409 `feedback_erased`.',
        params: feedbackIdParamsDoc,
        body: feedbackPatchSchema,
        response: { 200: feedbackOutDoc },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return patch(orgId, request.params.id, request.body, actorOf(request));
    },
  );

  r.delete(
    '/v1/feedback/:id',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['feedback'],
        summary: 'Erase a feedback item (right to erasure)',
        description:
          'Erases the text, the redacted text, personal channel details (sender, handle, subject, answers) and the sealed contact data; the row stays with status `erased` and its channel, date, rating, sentiment and themes, so anonymous counts still add up. Its quotes are deleted and, where they were published, removed from the public You said – We did entries and from every version snapshot in the publication history (the rest of each approved snapshot is kept); stored `feedback.analysed` webhook payloads lose its redacted text. Erasing twice is harmless. Answers 204.',
        params: feedbackIdParamsDoc,
        response: { 204: z.null().describe('erased') },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      await database.db.transaction((tx) =>
        eraseFeedback(tx as unknown as Db, orgId, request.params.id, actorOf(request)),
      );
      return reply.status(204).send(null);
    },
  );

  async function byExternal(orgId: string, source: string, externalId: string): Promise<FeedbackRow> {
    const row = await findFeedbackByExternalId(database.db, orgId, source, externalId);
    if (!row) throw new NotFoundError('feedback', `${source}/${externalId}`);
    return row;
  }

  r.get(
    '/v1/feedback/by-external/:source/:externalId',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['feedback'],
        summary: 'Get a feedback item by its source system and external id',
        description:
          'For CRM sync: the item stored from `source` (e.g. `zendesk`, `import`) with that `externalId`. URL-encode an external id holding `/`.',
        params: externalRefParams,
        response: { 200: feedbackOutDoc },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return present(orgId, await byExternal(orgId, request.params.source, request.params.externalId));
    },
  );

  r.patch(
    '/v1/feedback/by-external/:source/:externalId',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['feedback'],
        summary: 'Correct a feedback item found by source system and external id',
        params: externalRefParams,
        body: feedbackPatchSchema,
        response: { 200: feedbackOutDoc },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const row = await byExternal(orgId, request.params.source, request.params.externalId);
      return patch(orgId, row.id, request.body, actorOf(request));
    },
  );
}
