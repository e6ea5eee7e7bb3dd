import {
  approveQuote,
  deleteQuote,
  kOf,
  representativeQuotes,
  resolveThemeIds,
  viewOfStats,
  viewYouSaid,
  youSaidStats,
} from '@closeloop/core';
import type { Db } from '@closeloop/db';
import { ValidationError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../actions/routes.ts';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';

const mixCell = z.object({
  key: z.string(),
  count: z.number().int().nullable(),
  fewerThan: z.number().int().nullable(),
});
const statsOut = {
  kAnonymity: z.number().int(),
  count: z.number().int().nullable(),
  fewerThan: z.number().int().nullable(),
  previousCount: z.number().int().nullable(),
  change: z.number().int().nullable(),
  channelMix: z.array(mixCell),
  groupMix: z.array(mixCell),
  sentiment: z
    .object({ positive: z.number(), neutral: z.number(), negative: z.number(), mean: z.number().nullable() })
    .nullable(),
};
const youSaidOut = z.object({
  id: z.uuid(),
  themeKey: z.string(),
  themeName: z.string(),
  servicePointId: z.uuid().nullable(),
  periodStart: z.string(),
  periodEnd: z.string(),
  summary: z.string(),
  summaryCy: z.string().nullable(),
  ...statsOut,
  quotes: z.array(
    z.object({
      id: z.uuid(),
      feedbackId: z.uuid().nullable(),
      text: z.string(),
      position: z.number().int(),
      approved: z.boolean(),
      approvedAt: z.string().nullable(),
    }),
  ),
});
const previewOut = z.object({
  ...statsOut,
  quoteCandidates: z.array(z.object({ feedbackId: z.uuid(), text: z.string(), score: z.number() })),
});

const entryParams = z.strictObject({ id: z.uuid() });
const quoteParams = z.strictObject({ id: z.uuid(), quoteId: z.uuid() });

export function registerYouSaidRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;

  r.get(
    '/v1/you-said/:id',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['you-said'],
        summary: 'A You said entry: stats (k-suppressed) and its quotes with their approval state',
        params: entryParams,
        response: { 200: youSaidOut },
      },
    },
    async (request) => viewYouSaid(database.db, principalOf(request).orgId, request.params.id),
  );

  r.post(
    '/v1/you-said/preview',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['you-said'],
        summary: 'Stats and representative quotes for a theme and period, without storing anything',
        body: z.strictObject({
          themeKey: z.string().min(1).max(100).optional(),
          themeId: z.uuid().optional(),
          servicePointId: z.uuid().optional(),
          periodStart: z.iso.date(),
          periodEnd: z.iso.date(),
        }),
        response: { 200: previewOut },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const body = request.body;
      if (!body.themeKey && !body.themeId) {
        throw new ValidationError('A theme is needed', [
          { path: 'themeKey', message: 'themeKey or themeId is required' },
        ]);
      }
      if (body.periodEnd < body.periodStart) {
        throw new ValidationError('The period ends before it starts', [
          { path: 'periodEnd', message: 'must not be before periodStart' },
        ]);
      }
      const [themeId] = await resolveThemeIds(
        database.db,
        orgId,
        body.themeKey ? [body.themeKey] : [],
        body.themeId ? [body.themeId] : [],
      );
      const scope = {
        themeId: themeId!,
        periodStart: body.periodStart,
        periodEnd: body.periodEnd,
        servicePointId: body.servicePointId ?? null,
      };
      const [stats, k, quoteCandidates] = await Promise.all([
        youSaidStats(database.db, orgId, scope.themeId, scope.periodStart, scope.periodEnd, scope.servicePointId),
        kOf(database.db, orgId),
        representativeQuotes(database.db, orgId, scope),
      ]);
      return { kAnonymity: k, ...viewOfStats(stats, k), quoteCandidates };
    },
  );

  r.post(
    '/v1/you-said/:id/quotes/:quoteId/approve',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['you-said'],
        summary: 'Approve a quote (optionally edited; edited text must still be free of personal data)',
        params: quoteParams,
        body: z.strictObject({ text: z.string().trim().min(1).max(1_000).optional() }).optional(),
        response: { 200: youSaidOut },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id, quoteId } = request.params;
      await database.db.transaction((tx) =>
        approveQuote(tx as unknown as Db, principal.orgId, id, quoteId, actorOf(principal), request.body?.text),
      );
      return viewYouSaid(database.db, principal.orgId, id);
    },
  );

  r.delete(
    '/v1/you-said/:id/quotes/:quoteId',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['you-said'],
        summary: 'Remove a quote from a You said entry',
        params: quoteParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await database.db.transaction((tx) =>
        deleteQuote(
          tx as unknown as Db,
          principal.orgId,
          request.params.id,
          request.params.quoteId,
          actorOf(principal),
        ),
      );
      return reply.status(204).send(null);
    },
  );
}
