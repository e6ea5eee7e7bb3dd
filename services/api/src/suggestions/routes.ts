import type { Db } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../actions/routes.ts';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { decideSuggestion, listSuggestions } from './service.ts';

const suggestionOut = z.object({
  id: z.uuid(),
  actionId: z.uuid(),
  actionTitle: z.string(),
  actionStatus: z.string(),
  feedbackId: z.uuid(),
  redactedText: z.string().nullable(),
  score: z.number(),
  state: z.enum(['pending', 'accepted', 'rejected']),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});

export function registerSuggestionRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;

  r.get(
    '/v1/suggestions',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['suggestions'],
        summary: 'Suggested links between feedback and open actions, best first',
        querystring: z.strictObject({
          actionId: z.uuid().optional(),
          feedbackId: z.uuid().optional(),
          state: z.enum(['pending', 'accepted', 'rejected']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(suggestionOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { limit, ...filter } = request.query;
      return { items: await listSuggestions(database.db, orgId, filter, limit) };
    },
  );

  for (const [step, decision] of [
    ['accept', 'accepted'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `/v1/suggestions/:id/${step}`,
      {
        preHandler: requireScope(auth, 'actions:write'),
        schema: {
          tags: ['suggestions'],
          summary:
            step === 'accept'
              ? 'Accept a suggestion: links the feedback to the action'
              : 'Reject a suggestion: the pair is never suggested again',
          params: z.strictObject({ id: z.uuid() }),
          response: { 200: suggestionOut },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return database.db.transaction((tx) =>
          decideSuggestion(tx as unknown as Db, principal.orgId, request.params.id, decision, actorOf(principal)),
        );
      },
    );
  }
}
