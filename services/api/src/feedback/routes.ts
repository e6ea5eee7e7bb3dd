import { type AcceptedFeedback, emitSafely, type FeedbackService, feedbackReceivedData } from '@closeloop/core';
import { type FeedbackRow, findThemesByKeys, listFeedback, themesOfFeedback } from '@closeloop/db';
import { BadRequestError, type FeedbackInput, NotFoundError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { headerValue, requestHash, runIdempotent } from '../idempotency.ts';
import { acceptedDoc, feedbackIdParamsDoc, feedbackInputDoc, feedbackOutDoc, feedbackPageDoc } from './edit-schemas.ts';
import { type feedbackOutSchema, listQuerySchema } from './schemas.ts';

export function encodeCursor(row: { receivedAt: Date; id: string }): string {
  return Buffer.from(`${row.receivedAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at ?? '');
  if (!id || Number.isNaN(receivedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new BadRequestError('invalid_cursor', 'The cursor is not one this API returned');
  }
  return { receivedAt, id };
}

type FeedbackOut = z.infer<typeof feedbackOutSchema>;

export function toFeedbackOut(row: FeedbackRow, themes: Awaited<ReturnType<typeof themesOfFeedback>>): FeedbackOut {
  return {
    id: row.id,
    channel: row.channel,
    text: row.text,
    redactedText: row.redactedText,
    language: row.language,
    rating: row.rating,
    status: row.status,
    details: row.details ?? null,
    servicePointId: row.servicePointId,
    customerGroupId: row.customerGroupId,
    engagementId: row.engagementId,
    source: row.source,
    externalId: row.externalId,
    sentiment:
      row.sentimentScore === null ? null : { score: row.sentimentScore, class: row.sentimentClass ?? 'neutral' },
    needsTriage: row.needsTriage,
    hasContact: row.contactId !== null,
    themes: themes
      .filter((t) => t.feedbackId === row.id)
      .map((t) => ({ key: t.key, name: t.name, confidence: t.confidence, source: t.source, confirmed: t.confirmed })),
    receivedAt: row.receivedAt.toISOString(),
    analysedAt: row.analysedAt ? row.analysedAt.toISOString() : null,
  };
}

export function registerFeedbackRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
  feedbackService: FeedbackService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const emitter = { db: database.db, queue: deps.queue, logger: deps.logger };
  const emitReceived = (orgId: string, accepted: AcceptedFeedback, input: FeedbackInput) =>
    emitSafely(emitter, orgId, 'feedback.received', [feedbackReceivedData(accepted, input)]);

  r.post(
    '/v1/feedback',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['feedback'],
        summary: 'Submit one piece of feedback',
        description:
          'Answers 202 once the row is committed; analysis follows asynchronously. Send `Idempotency-Key` to make retries safe. A repeat of the same `source` + `externalId` updates the existing row.',
        body: feedbackInputDoc,
        response: { 202: acceptedDoc },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const idempotencyKey = headerValue(request.headers['idempotency-key']);
      if (!idempotencyKey && feedbackService.groupable(request.body)) {
        // The hot path: committed together with concurrent submissions (group commit), job queued.
        const accepted = await feedbackService.storeGrouped(database.db, principal.orgId, request.body, request.id);
        await emitReceived(principal.orgId, accepted, request.body);
        return reply.status(202).send(accepted);
      }
      const result = await runIdempotent(
        database,
        {
          orgId: principal.orgId,
          principal: principal.keyId,
          key: idempotencyKey,
          hash: () => requestHash('POST', '/v1/feedback', request.body),
          // One INSERT needs no transaction; a contact, an upsert or a complaint's case reference do.
          atomic: Boolean(request.body.contact || request.body.externalId || request.body.channel === 'complaint'),
        },
        async (tx) => ({ statusCode: 202, body: await feedbackService.store(tx, principal.orgId, request.body) }),
      );
      if (!result.replayed) {
        await feedbackService.enqueueAnalysis(principal.orgId, result.body.id, request.body.channel, request.id);
        if (result.body.created) await emitReceived(principal.orgId, result.body, request.body);
      } else {
        reply.header('idempotent-replayed', 'true');
      }
      return reply.status(202).send(result.body);
    },
  );

  r.get(
    '/v1/feedback',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['feedback'],
        summary: 'List feedback, newest first, with filters and cursor pagination',
        querystring: listQuerySchema,
        response: { 200: feedbackPageDoc },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const q = request.query;
      let themeId: string | undefined;
      if (q.theme) {
        const found = await findThemesByKeys(database.db, orgId, [q.theme]);
        if (!found[0]) return { items: [], nextCursor: null };
        themeId = found[0].id;
      }
      const rows = await listFeedback(
        database.db,
        orgId,
        {
          channel: q.channel,
          status: q.status,
          themeId,
          servicePointId: q.servicePointId,
          customerGroupId: q.customerGroupId,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          q: q.q,
        },
        { limit: q.limit + 1, after: q.cursor ? decodeCursor(q.cursor) : undefined },
      );
      const page = rows.slice(0, q.limit);
      const themes = await themesOfFeedback(
        database.db,
        orgId,
        page.map((r) => r.id),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((row) => toFeedbackOut(row, themes)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
      };
    },
  );

  r.get(
    '/v1/feedback/:id',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['feedback'],
        summary: 'Get one feedback item with its themes',
        params: feedbackIdParamsDoc,
        response: { 200: feedbackOutDoc },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const row = await feedbackService.get(database.db, orgId, request.params.id);
      if (!row) throw new NotFoundError('feedback', request.params.id);
      return toFeedbackOut(row, await themesOfFeedback(database.db, orgId, [row.id]));
    },
  );
}

export { headerValue } from '../idempotency.ts';
