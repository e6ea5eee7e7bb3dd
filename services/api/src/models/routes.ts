import { listModelVersions, type ModelVersionSummary, requestRetrain } from '@closeloop/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../actions/routes.ts';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { idempotencyOf, runIdempotent } from '../idempotency.ts';

const figure = z.number().nullable();

const modelOut = z.object({
  version: z.number().int(),
  kind: z.string().describe('what the model does: `themes` (multi-label theme tagging)'),
  active: z.boolean().describe('the version running workers use'),
  trainedAt: z.string(),
  trainedOn: z.number().int().describe('training examples (staff labels) the stored model was trained on'),
  evaluation: z
    .object({
      microF1: figure,
      macroF1: figure,
      exactMatch: figure,
      holdout: figure.describe('held-out examples the figures were measured on'),
      previousMicroF1: figure.describe("the then-active model's micro-F1 on the same holdout"),
      labels: figure.describe('labels (themes) the model knows'),
      trainedMs: figure,
      perLabel: z
        .record(
          z.string(),
          z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() }),
        )
        .nullable()
        .describe('per-theme holdout figures (null for versions trained before they were stored)'),
    })
    .describe('holdout evaluation of a model trained on the other examples'),
});

const retrainBody = z
  .strictObject({
    force: z
      .boolean()
      .default(true)
      .describe('train even with fewer than the usual 50 new staff labels (30 labelled examples are still needed)'),
  })
  .nullish()
  .describe('optional: an empty body means `{"force": true}`');

const retrainOut = z.object({
  jobId: z.string(),
  queue: z.literal('retrain'),
  state: z.enum(['waiting', 'active', 'delayed', 'completed', 'failed']),
  created: z.boolean().describe('false: a retrain asked for earlier is still queued or running, and is returned'),
});

export function modelOutOf(m: ModelVersionSummary): z.infer<typeof modelOut> {
  return {
    version: m.version,
    kind: m.kind,
    active: m.active,
    trainedAt: m.trainedAt.toISOString(),
    trainedOn: m.trainedOn,
    evaluation: {
      microF1: m.microF1,
      macroF1: m.macroF1,
      exactMatch: m.exactMatch,
      holdout: m.holdout,
      previousMicroF1: m.previousMicroF1,
      labels: m.labels,
      trainedMs: m.trainedMs,
      perLabel: m.perLabel,
    },
  };
}

/**
 * The organisation's theme models (`model_versions`, written by the worker's retrain job) with their holdout
 * figures, never their weights; and retraining on demand (admin scope), e.g. right after importing labelled data.
 */
export function registerModelRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;

  r.get(
    '/v1/models',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['models'],
        summary: "The organisation's model versions with their holdout evaluation, newest first",
        response: { 200: z.object({ items: z.array(modelOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return { items: (await listModelVersions(database.db, orgId)).map(modelOutOf) };
    },
  );

  r.post(
    '/v1/models/retrain',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['models'],
        summary: 'Retrain the theme model now (needs the admin scope)',
        description:
          "Queues the worker's `retrain` job for this organisation and answers 202 with its id. With `force` (the default) it trains even when fewer than 50 staff labels are new; it still needs 30 labelled examples. The new version is activated unless it scores worse on the holdout than the active one; it then appears in `GET /v1/models`. While an earlier request is still queued or running, its job is returned (`created: false`).",
        body: retrainBody,
        response: { 202: retrainOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await runIdempotent(
        database,
        idempotencyOf(request, principal, '/v1/models/retrain'),
        async (tx) => {
          const req = await requestRetrain({ db: tx, queue: deps.queue }, principal.orgId, actorOf(principal), {
            force: request.body?.force ?? true,
          });
          return {
            statusCode: 202,
            body: { jobId: req.jobId, queue: 'retrain' as const, state: req.state, created: req.created },
          };
        },
      );
      return reply.status(202).send(result.body);
    },
  );
}
