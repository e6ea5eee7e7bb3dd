import type { ActionService, Actor } from '@closeloop/core';
import {
  type ActionRow,
  actionHistory,
  countLinkedFeedback,
  type Db,
  getAction,
  linkActionFeedback,
  listActions,
  queryRows,
  themesOfActions,
} from '@closeloop/db';
import {
  ACTION_STATUSES,
  actionInputSchema,
  actionStatusSchema,
  impactMeasureSchema,
  NotFoundError,
} from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator, Principal } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { idempotencyOf, runIdempotent } from '../idempotency.ts';

const actionOut = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(ACTION_STATUSES),
  ownerId: z.uuid().nullable(),
  dueOn: z.string().nullable(),
  publicStatement: z.string().nullable(),
  publicStatementCy: z.string().nullable(),
  declinedReason: z.string().nullable(),
  impact: z.array(impactMeasureSchema),
  themes: z.array(z.object({ key: z.string(), name: z.string() })),
  linkedFeedback: z.number().int(),
  servicePointIds: z.array(z.uuid()),
  customerGroupIds: z.array(z.uuid()),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const idParams = z.strictObject({ id: z.uuid() });
const patchSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().max(10_000),
    status: actionStatusSchema,
    ownerId: z.uuid(),
    dueOn: z.iso.date(),
    publicStatement: z.string().trim().max(5_000),
    publicStatementCy: z.string().trim().max(5_000),
    declinedReason: z.string().trim().max(5_000),
    themeKeys: z.array(z.string().min(1).max(100)).max(50),
    impact: z.array(impactMeasureSchema).max(20),
    servicePointIds: z.array(z.uuid()).max(200),
    customerGroupIds: z.array(z.uuid()).max(200),
    note: z.string().trim().max(2_000),
  })
  .partial();

export function actorOf(principal: Principal): Actor {
  return { type: 'api_key', id: principal.keyId };
}

export function registerActionRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
  actions: ActionService,
  hooks: { onActionChanged: (orgId: string, action: ActionRow, statusChanged: boolean) => Promise<void> },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;

  // Feedback that matches the action is suggested after every create or edit (a new job per version).
  async function enqueueSuggestions(orgId: string, action: ActionRow): Promise<void> {
    if (action.status === 'done' || action.status === 'declined') return;
    await deps.queue
      .enqueue(
        'suggest',
        { orgId, actionId: action.id },
        { jobId: `suggest-a-${action.id}-${action.updatedAt.getTime()}` },
      )
      .catch((err: unknown) => deps.logger.warn({ err, actionId: action.id }, 'suggest enqueue failed'));
  }

  async function present(orgId: string, rows: ActionRow[]) {
    const ids = rows.map((a) => a.id);
    const [themes, counts, scope] = await Promise.all([
      themesOfActions(database.db, orgId, ids),
      countLinkedFeedback(database.db, orgId, ids),
      ids.length === 0
        ? []
        : queryRows<{ action_id: string; kind: string; id: string }>(
            database.db,
            sql`select action_id, 'sp' as kind, service_point_id as id from action_service_points
                where org_id = ${orgId} and action_id = any(${sql.param(ids)}::uuid[])
                union all select action_id, 'cg', customer_group_id from action_customer_groups
                where org_id = ${orgId} and action_id = any(${sql.param(ids)}::uuid[])`,
          ),
    ]);
    return rows.map((a) => ({
      id: a.id,
      title: a.title,
      description: a.description,
      status: a.status as (typeof ACTION_STATUSES)[number],
      ownerId: a.ownerId,
      dueOn: a.dueOn,
      publicStatement: a.publicStatement,
      publicStatementCy: a.publicStatementCy,
      declinedReason: a.declinedReason,
      impact: a.impact.map((m) => ({ ...m, unit: m.unit ?? '', before: m.before ?? null, after: m.after ?? null })),
      themes: themes.filter((t) => t.actionId === a.id).map((t) => ({ key: t.key, name: t.name })),
      linkedFeedback: counts.find((c) => c.actionId === a.id)?.n ?? 0,
      servicePointIds: scope.filter((x) => x.action_id === a.id && x.kind === 'sp').map((x) => x.id),
      customerGroupIds: scope.filter((x) => x.action_id === a.id && x.kind === 'cg').map((x) => x.id),
      completedAt: a.completedAt ? a.completedAt.toISOString() : null,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    }));
  }

  r.post(
    '/v1/actions',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['actions'],
        summary: 'Create an improvement action linked to themes and feedback',
        body: actionInputSchema,
        response: { 201: actionOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await runIdempotent(database, idempotencyOf(request, principal, '/v1/actions'), async (tx) => {
        const action = await actions.create(tx, principal.orgId, request.body, actorOf(principal));
        return { statusCode: 201, body: action.id };
      });
      const action = await getAction(database.db, principal.orgId, result.body);
      if (!action) throw new NotFoundError('action', result.body);
      if (!result.replayed) {
        await hooks.onActionChanged(principal.orgId, action, true);
        await enqueueSuggestions(principal.orgId, action);
      }
      const [out] = await present(principal.orgId, [action]);
      return reply.status(201).send(out!);
    },
  );

  r.get(
    '/v1/actions',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['actions'],
        summary: 'List improvement actions',
        querystring: z.strictObject({ status: actionStatusSchema.optional() }),
        response: { 200: z.object({ items: z.array(actionOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return { items: await present(orgId, await listActions(database.db, orgId, { status: request.query.status })) };
    },
  );

  r.get(
    '/v1/actions/:id',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['actions'],
        summary: 'Get one action with its status history',
        params: idParams,
        response: {
          200: actionOut.extend({
            history: z.array(
              z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), note: z.string().nullable() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const action = await getAction(database.db, orgId, request.params.id);
      if (!action) throw new NotFoundError('action', request.params.id);
      const [out] = await present(orgId, [action]);
      const history = await actionHistory(database.db, orgId, action.id);
      return {
        ...out!,
        history: history.map((h) => ({
          from: h.fromStatus,
          to: h.toStatus,
          at: h.changedAt.toISOString(),
          note: h.note,
        })),
      };
    },
  );

  r.patch(
    '/v1/actions/:id',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['actions'],
        summary: 'Edit an action or move it through its lifecycle',
        params: idParams,
        body: patchSchema,
        response: { 200: actionOut },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { action, statusChanged } = await database.db.transaction((tx) =>
        actions.update(tx as unknown as Db, principal.orgId, request.params.id, request.body, actorOf(principal)),
      );
      await hooks.onActionChanged(principal.orgId, action, statusChanged);
      await enqueueSuggestions(principal.orgId, action);
      const [out] = await present(principal.orgId, [action]);
      return out!;
    },
  );

  r.post(
    '/v1/actions/:id/feedback',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['actions'],
        summary: 'Link feedback to an action',
        params: idParams,
        body: z.strictObject({ feedbackIds: z.array(z.uuid()).min(1).max(10_000) }),
        response: { 200: z.object({ linked: z.number().int() }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const action = await getAction(database.db, principal.orgId, request.params.id);
      if (!action) throw new NotFoundError('action', request.params.id);
      const linked = await database.db.transaction(async (tx) => {
        const owned = await queryRows<{ id: string }>(
          tx as unknown as Db,
          sql`select id from feedback where org_id = ${principal.orgId} and id = any(${sql.param(request.body.feedbackIds)}::uuid[])`,
        );
        return linkActionFeedback(
          tx as unknown as Db,
          principal.orgId,
          action.id,
          owned.map((o) => o.id),
          { via: 'staff', linkedBy: principal.keyId },
        );
      });
      return { linked };
    },
  );
}
