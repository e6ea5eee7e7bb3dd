import {
  type AttemptOutcome,
  assertDeliverable,
  attemptDelivery,
  checkWebhookUrl,
  countSubscriptions,
  deleteSubscription,
  forgetSubscriptions,
  generateWebhookSecret,
  getSubscription,
  insertDeliveries,
  insertSubscription,
  listDeliveries,
  listSubscriptions,
  MAX_SUBSCRIPTIONS_PER_ORG,
  recordAttempt,
  updateSubscription,
  type WebhookDeliveryRow,
  type WebhookEvent,
  type WebhookPayload,
  type WebhookSubscriptionRow,
  WebhookTargetError,
  type WebhookTargetPolicy,
} from '@closeloop/core';
import { type Db, insertAudit, type Sealer, uuidv7 } from '@closeloop/db';
import { AppError, ConflictError, NotFoundError } from '@closeloop/domain';

export interface WebhookActor {
  type: 'api_key' | 'staff';
  id: string;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  createdAt: string;
}

export function viewSubscription(row: WebhookSubscriptionRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    active: row.active,
    consecutiveFailures: row.consecutiveFailures,
    disabledAt: row.disabledAt ? row.disabledAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function viewDelivery(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    event: row.event,
    state: row.state as 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled',
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt ? row.deliveredAt.toISOString() : null,
  };
}

/** Subscriptions, their delivery log and test deliveries. Routes are in routes.ts; sending is in deliver.ts. */
export function createWebhookService(deps: {
  db: Db;
  sealer: Sealer;
  targets: WebhookTargetPolicy;
  clock?: () => Date;
}) {
  const { db } = deps;
  const now = deps.clock ?? (() => new Date());

  async function checkTarget(raw: string): Promise<string> {
    try {
      const url = checkWebhookUrl(deps.targets, raw);
      await assertDeliverable(deps.targets, url);
      return url.toString();
    } catch (error) {
      if (!(error instanceof WebhookTargetError)) throw error;
      throw new AppError(error.code, 422, error.message, { errors: [{ path: 'url', message: error.message }] });
    }
  }

  async function mustGet(orgId: string, id: string): Promise<WebhookSubscriptionRow> {
    const row = await getSubscription(db, orgId, id);
    if (!row) throw new NotFoundError('webhook', id);
    return row;
  }

  function audit(orgId: string, actor: WebhookActor, action: string, id: string, data: Record<string, unknown>) {
    return insertAudit(db, {
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action,
      entityType: 'webhook_subscription',
      entityId: id,
      data,
    });
  }

  return {
    /** Creates a subscription; the returned secret is not retrievable afterwards. */
    async create(orgId: string, input: { url: string; events: WebhookEvent[] }, actor: WebhookActor) {
      const url = await checkTarget(input.url);
      if ((await countSubscriptions(db, orgId)) >= MAX_SUBSCRIPTIONS_PER_ORG) {
        throw new ConflictError(
          'webhook_limit_reached',
          `An organisation can have at most ${MAX_SUBSCRIPTIONS_PER_ORG} webhook subscriptions`,
        );
      }
      const secret = generateWebhookSecret();
      const row = await insertSubscription(db, {
        id: uuidv7(now().getTime()),
        orgId,
        url,
        events: input.events,
        sealedSecret: deps.sealer.seal(secret),
      });
      forgetSubscriptions(db, orgId);
      await audit(orgId, actor, 'webhook.created', row.id, { url, events: input.events });
      return { ...viewSubscription(row), secret };
    },

    async list(orgId: string): Promise<WebhookView[]> {
      return (await listSubscriptions(db, orgId)).map(viewSubscription);
    },

    async get(orgId: string, id: string): Promise<WebhookView> {
      return viewSubscription(await mustGet(orgId, id));
    },

    async update(
      orgId: string,
      id: string,
      input: { url?: string | undefined; events?: WebhookEvent[] | undefined; active?: boolean | undefined },
      actor: WebhookActor,
    ): Promise<WebhookView> {
      await mustGet(orgId, id);
      const set: Parameters<typeof updateSubscription>[3] = {};
      if (input.url !== undefined) set.url = await checkTarget(input.url);
      if (input.events !== undefined) set.events = input.events;
      if (input.active === true) Object.assign(set, { active: true, consecutiveFailures: 0, disabledAt: null });
      if (input.active === false) Object.assign(set, { active: false, disabledAt: now() });
      const row = await updateSubscription(db, orgId, id, set);
      if (!row) throw new NotFoundError('webhook', id);
      forgetSubscriptions(db, orgId);
      await audit(orgId, actor, 'webhook.updated', id, { ...input });
      return viewSubscription(row);
    },

    async remove(orgId: string, id: string, actor: WebhookActor): Promise<void> {
      if (!(await deleteSubscription(db, orgId, id))) throw new NotFoundError('webhook', id);
      forgetSubscriptions(db, orgId);
      await audit(orgId, actor, 'webhook.deleted', id, {});
    },

    async deliveries(orgId: string, id: string, page: { limit: number; before?: string | undefined }) {
      await mustGet(orgId, id);
      const rows = await listDeliveries(db, orgId, id, page);
      const last = rows[rows.length - 1];
      return { items: rows.map(viewDelivery), nextBefore: rows.length === page.limit && last ? last.id : null };
    },

    /**
     * Sends a `webhook.test` event now, from this process, and logs it like any delivery. It works on a
     * disabled subscription too (to check a fix before re-enabling) and never counts towards disabling.
     */
    async test(orgId: string, id: string): Promise<AttemptOutcome & { deliveryId: string }> {
      const subscription = await mustGet(orgId, id);
      const at = now();
      const deliveryId = uuidv7(at.getTime());
      const payload: WebhookPayload = {
        type: 'webhook.test',
        timestamp: at.toISOString(),
        data: { subscriptionId: id, message: 'This is a test delivery from closeloop.' },
      };
      await insertDeliveries(db, [
        {
          id: deliveryId,
          orgId,
          subscriptionId: id,
          event: 'webhook.test',
          payload: payload as unknown as Record<string, unknown>,
        },
      ]);
      const outcome = await attemptDelivery(deps, subscription, deliveryId, payload);
      await recordAttempt(db, deliveryId, {
        state: outcome.delivered ? 'delivered' : 'failed',
        status: outcome.status,
        error: outcome.error,
        delivered: outcome.delivered,
      });
      return { deliveryId, ...outcome };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
