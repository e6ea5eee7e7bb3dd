import type { FailedJob, JobInfo } from '@closeloop/queue';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { createJobAdmin, queueNameOf } from './jobs.ts';

const queueParams = z.strictObject({ queue: z.string().min(1).max(64) });
const jobParams = z.strictObject({ queue: z.string().min(1).max(64), id: z.string().min(1).max(256) });
const failedQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(5_000).default(0),
});

const summarySchema = z.object({
  queues: z.array(
    z.object({
      queue: z.string(),
      backlog: z.object({ waiting: z.number(), active: z.number(), delayed: z.number() }),
      failed: z.number().describe('failed jobs of this organisation'),
    }),
  ),
});
const failedJobSchema = z.object({
  id: z.string(),
  queue: z.string(),
  payload: z.unknown(),
  error: z.string(),
  attempts: z.number(),
  failedAt: z.string(),
});
const jobSchema = z.object({
  id: z.string(),
  queue: z.string(),
  state: z.enum(['waiting', 'active', 'delayed', 'completed', 'failed']),
  payload: z.unknown(),
  attempts: z.number(),
  priority: z.number(),
  enqueuedAt: z.string(),
  error: z.string().nullable(),
});
const retriedSchema = z.object({ id: z.string(), queue: z.string(), state: z.literal('waiting') });

const failedOut = (job: FailedJob) => ({
  id: job.id,
  queue: job.name,
  payload: job.payload,
  error: job.error,
  attempts: job.attempts,
  failedAt: job.failedAt.toISOString(),
});
const jobOut = (job: JobInfo) => ({
  id: job.id,
  queue: job.name,
  state: job.state,
  payload: job.payload,
  attempts: job.attempts,
  priority: job.priority,
  enqueuedAt: job.enqueuedAt.toISOString(),
  error: job.error ?? null,
});

/**
 * `/v1/admin/jobs…`: queue depths and this organisation's failed jobs (inspect, retry, discard).
 * Admin scope; a job whose payload belongs to another organisation answers 404, as if absent.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'queue'>, auth: ApiKeyAuthenticator) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const jobs = createJobAdmin(deps.queue);
  const admin = requireScope(auth, 'admin');
  const tags = ['admin'];

  r.get(
    '/v1/admin/jobs',
    {
      preHandler: admin,
      schema: { tags, summary: 'Queue backlog and failed-job counts per queue', response: { 200: summarySchema } },
    },
    async (request) => ({ queues: await jobs.summary({ orgId: principalOf(request).orgId }) }),
  );

  r.get(
    '/v1/admin/jobs/:queue/failed',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "This organisation's failed jobs of one queue, most recent first",
        params: queueParams,
        querystring: failedQuery,
        response: { 200: z.object({ items: z.array(failedJobSchema) }) },
      },
    },
    async (request) => {
      const queue = queueNameOf(request.params.queue);
      const items = await jobs.listFailed(queue, { orgId: principalOf(request).orgId }, request.query);
      return { items: items.map(failedOut) };
    },
  );

  r.get(
    '/v1/admin/jobs/:queue/:id',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'One job: state, payload, attempts, last error',
        params: jobParams,
        response: { 200: jobSchema },
      },
    },
    async (request) => {
      const queue = queueNameOf(request.params.queue);
      return jobOut(await jobs.get(queue, request.params.id, { orgId: principalOf(request).orgId }));
    },
  );

  r.post(
    '/v1/admin/jobs/:queue/:id/retry',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Run a failed job again with a fresh set of attempts',
        params: jobParams,
        response: { 202: retriedSchema },
      },
    },
    async (request, reply) => {
      const queue = queueNameOf(request.params.queue);
      await jobs.retry(queue, request.params.id, { orgId: principalOf(request).orgId });
      return reply.status(202).send({ id: request.params.id, queue, state: 'waiting' as const });
    },
  );

  r.delete(
    '/v1/admin/jobs/:queue/:id',
    {
      preHandler: admin,
      schema: { tags, summary: 'Discard a failed job', params: jobParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const queue = queueNameOf(request.params.queue);
      await jobs.discard(queue, request.params.id, { orgId: principalOf(request).orgId });
      return reply.status(204).send(null);
    },
  );
}
