import { ValidationError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { computeLoopMetrics } from './compute.ts';
import { loadLoopRows } from './queries.ts';

const DAY = 86_400_000;
const distribution = z.object({
  n: z.number().int(),
  medianDays: z.number().nullable(),
  p90Days: z.number().nullable(),
});
const stages = { linked: distribution, actionClosed: distribution, told: distribution };
const sla = z.object({
  met: z.number().int(),
  breached: z.number().int(),
  pending: z.number().int(),
  unknown: z.number().int(),
  share: z.number().nullable(),
});

export function registerLoopMetricsRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.clock ?? (() => new Date());

  r.get(
    '/v1/metrics/loop',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['metrics'],
        summary:
          'Closing the loop: days from feedback to link, action done and contributor told (median, p90) per theme and channel; share reaching a published outcome; complaint SLA',
        querystring: z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            feedback: z.number().int(),
            reachedPublishedOutcome: z.number().int(),
            publishedOutcomeShare: z.number().nullable(),
            overall: z.object(stages),
            byTheme: z.array(z.object({ theme: z.string(), feedback: z.number().int(), ...stages })),
            byChannel: z.array(z.object({ channel: z.string(), feedback: z.number().int(), ...stages })),
            complaints: z.object({ total: z.number().int(), acknowledge: sla, resolve: sla }),
          }),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const to = request.query.to ?? now().toISOString().slice(0, 10);
      const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY);
      const from = request.query.from ?? new Date(end.getTime() - 366 * DAY).toISOString().slice(0, 10);
      const start = new Date(`${from}T00:00:00Z`);
      if (start >= end) {
        throw new ValidationError('The period ends before it starts', [
          { path: 'to', message: 'must not be before from' },
        ]);
      }
      const rows = await loadLoopRows(deps.database.db, orgId, start, end);
      const asOf = Math.min(now().getTime(), end.getTime());
      return { from, to, ...computeLoopMetrics(rows, asOf) };
    },
  );
}
