import {
  type ActionRow,
  type Db,
  findThemesByKeys,
  getAction,
  insertAction,
  insertAudit,
  linkActionCustomerGroups,
  linkActionFeedback,
  linkActionServicePoints,
  linkActionThemes,
  listThemes,
  queryRows,
  recordActionStatus,
  updateAction,
} from '@closeloop/db';
import {
  type ActionInput,
  type ActionStatus,
  canTransitionAction,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '@closeloop/domain';
import { sql } from 'drizzle-orm';

export interface Actor {
  type: 'api_key' | 'staff' | 'system';
  id: string | null;
}

async function idsBelonging(db: Db, table: string, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from ${sql.identifier(table)} where org_id = ${orgId} and id in ${sql`(${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`}`,
  );
  return new Set(rows.map((r) => r.id));
}

async function requireOwned(db: Db, table: string, orgId: string, ids: string[], path: string): Promise<void> {
  const unique = [...new Set(ids)];
  const found = await idsBelonging(db, table, orgId, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new ValidationError(
      `Unknown ${path}`,
      missing.slice(0, 20).map((id) => ({ path, message: `unknown id ${id}` })),
    );
  }
}

export async function resolveThemeIds(db: Db, orgId: string, keys: string[], ids: string[]): Promise<string[]> {
  const byKey = await findThemesByKeys(db, orgId, keys);
  const missingKeys = keys.filter((k) => !byKey.some((t) => t.key === k));
  if (missingKeys.length > 0) {
    throw new ValidationError(
      'Unknown theme keys',
      missingKeys.map((k) => ({ path: 'themeKeys', message: `unknown theme ${k}` })),
    );
  }
  if (ids.length > 0) {
    const all = new Set((await listThemes(db, orgId)).map((t) => t.id));
    const missing = ids.filter((id) => !all.has(id));
    if (missing.length > 0) {
      throw new ValidationError(
        'Unknown theme ids',
        missing.map((id) => ({ path: 'themeIds', message: `unknown theme ${id}` })),
      );
    }
  }
  return [...new Set([...byKey.map((t) => t.id), ...ids])];
}

export function createActionService(deps: {
  clock?: () => Date;
  onUpdated?: (orgId: string, action: ActionRow) => Promise<void>;
}) {
  const now = deps.clock ?? (() => new Date());

  return {
    async create(db: Db, orgId: string, input: ActionInput, actor: Actor): Promise<ActionRow> {
      const themeIds = await resolveThemeIds(db, orgId, input.themeKeys, input.themeIds);
      await requireOwned(db, 'feedback', orgId, input.feedbackIds, 'feedbackIds');
      await requireOwned(db, 'service_points', orgId, input.servicePointIds, 'servicePointIds');
      await requireOwned(db, 'customer_groups', orgId, input.customerGroupIds, 'customerGroupIds');
      if (input.ownerId) await requireOwned(db, 'staff_users', orgId, [input.ownerId], 'ownerId');
      if (input.status === 'declined' && !input.declinedReason) {
        throw new ValidationError('A declined action needs a public reason', [
          { path: 'declinedReason', message: 'required when status is declined' },
        ]);
      }
      const action = await insertAction(db, {
        orgId,
        title: input.title,
        description: input.description ?? null,
        status: input.status,
        ownerId: input.ownerId ?? null,
        dueOn: input.dueOn ?? null,
        publicStatement: input.publicStatement ?? null,
        publicStatementCy: input.publicStatementCy ?? null,
        declinedReason: input.declinedReason ?? null,
        impact: input.impact,
        completedAt: input.status === 'done' ? now() : null,
        createdBy: actor.id,
      });
      await recordActionStatus(db, {
        orgId,
        actionId: action.id,
        fromStatus: null,
        toStatus: action.status,
        changedBy: actorUuid(actor),
      });
      await linkActionThemes(db, orgId, action.id, themeIds);
      // Who linked: a staff user's id or an API key's id (both uuids; GET …/feedback tells them apart).
      await linkActionFeedback(db, orgId, action.id, input.feedbackIds, { via: 'staff', linkedBy: actor.id });
      await linkActionServicePoints(db, orgId, action.id, input.servicePointIds);
      await linkActionCustomerGroups(db, orgId, action.id, input.customerGroupIds);
      await insertAudit(db, {
        orgId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'action.created',
        entityType: 'improvement_action',
        entityId: action.id,
        data: { title: action.title, status: action.status },
      });
      return action;
    },

    async update(
      db: Db,
      orgId: string,
      id: string,
      patch: Partial<Omit<ActionInput, 'themeIds' | 'feedbackIds'>> & {
        note?: string | undefined;
      },
      actor: Actor,
    ): Promise<{ action: ActionRow; statusChanged: boolean }> {
      const current = await getAction(db, orgId, id);
      if (!current) throw new NotFoundError('action', id);
      const from = current.status as ActionStatus;
      const to = patch.status ?? from;
      if (!canTransitionAction(from, to)) throw new InvalidTransitionError('action', from, to);
      const declinedReason = patch.declinedReason ?? current.declinedReason;
      if (to === 'declined' && !declinedReason) {
        throw new ValidationError('A declined action needs a public reason', [
          { path: 'declinedReason', message: 'required when status is declined' },
        ]);
      }
      if (patch.ownerId) await requireOwned(db, 'staff_users', orgId, [patch.ownerId], 'ownerId');
      if (patch.servicePointIds) {
        await requireOwned(db, 'service_points', orgId, patch.servicePointIds, 'servicePointIds');
      }
      if (patch.customerGroupIds) {
        await requireOwned(db, 'customer_groups', orgId, patch.customerGroupIds, 'customerGroupIds');
      }
      const { note, themeKeys, status: _status, servicePointIds, customerGroupIds, ...fields } = patch;
      const updated = await updateAction(db, orgId, id, {
        ...fields,
        status: to,
        ...(to === 'done' && from !== 'done' ? { completedAt: now() } : {}),
        ...(to !== 'done' && from === 'done' ? { completedAt: null } : {}),
      });
      if (!updated) throw new NotFoundError('action', id);
      if (themeKeys) await linkActionThemes(db, orgId, id, await resolveThemeIds(db, orgId, themeKeys, []));
      if (servicePointIds) {
        await queryRows(db, sql`delete from action_service_points where org_id = ${orgId} and action_id = ${id}`);
        await linkActionServicePoints(db, orgId, id, servicePointIds);
      }
      if (customerGroupIds) {
        await queryRows(db, sql`delete from action_customer_groups where org_id = ${orgId} and action_id = ${id}`);
        await linkActionCustomerGroups(db, orgId, id, customerGroupIds);
      }
      const statusChanged = to !== from;
      if (statusChanged) {
        await recordActionStatus(db, {
          orgId,
          actionId: id,
          fromStatus: from,
          toStatus: to,
          changedBy: actorUuid(actor),
          note: note ?? null,
        });
      }
      await insertAudit(db, {
        orgId,
        actorType: actor.type,
        actorId: actor.id,
        action: statusChanged ? 'action.status_changed' : 'action.updated',
        entityType: 'improvement_action',
        entityId: id,
        data: { from, to, fields: Object.keys(patch).filter((k) => k !== 'note') },
      });
      return { action: updated, statusChanged };
    },
  };
}

export type ActionService = ReturnType<typeof createActionService>;

/** Staff ids are uuids; API-key actors are recorded in the audit log but not as a user reference. */
export function actorUuid(actor: Actor): string | null {
  return actor.type === 'staff' ? actor.id : null;
}
