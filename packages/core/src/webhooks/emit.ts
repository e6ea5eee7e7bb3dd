import { type Db, uuidv7 } from '@closeloop/db';
import type { Logger } from '@closeloop/logger';
import type { JobQueue } from '@closeloop/queue';
import type { WebhookEvent, WebhookPayload } from './events.ts';
import { activeSubscriptionEvents, insertDeliveries } from './queries.ts';

/** How long a process trusts its view of an org's subscriptions (a new subscription is live within this). */
export const SUBSCRIPTION_CACHE_MS = 5_000;

interface CachedSubscriptions {
  expires: number;
  subscriptions: { id: string; events: string[] }[];
}

// One cache per database handle, so two apps in one process (tests) never share entries.
const caches = new WeakMap<Db, Map<string, CachedSubscriptions>>();

async function subscriptionsOf(db: Db, orgId: string, now: number) {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const hit = cache.get(orgId);
  if (hit && hit.expires > now) return hit.subscriptions;
  const subscriptions = await activeSubscriptionEvents(db, orgId);
  if (cache.size > 10_000) cache.clear();
  cache.set(orgId, { expires: now + SUBSCRIPTION_CACHE_MS, subscriptions });
  return subscriptions;
}

/** Drops this process's cached subscriptions of `orgId` (after a create, change or delete). */
export function forgetSubscriptions(db: Db, orgId: string): void {
  caches.get(db)?.delete(orgId);
}

export interface EmitResult {
  /** Delivery rows written (one per matching subscription and event). */
  deliveries: number;
  /** Deliveries whose job could not be enqueued; they stay `pending` and the sweeper enqueues them. */
  notEnqueued: number;
}

/**
 * Emits events of one type: writes one `webhook_deliveries` row per matching active subscription and
 * event, then enqueues a `webhook` job per row (job id = delivery id). Call it after the change it
 * reports has committed, with the database (not a transaction). An org without subscriptions costs
 * no query while the cache is warm and one indexed query per {@link SUBSCRIPTION_CACHE_MS} otherwise.
 */
export async function emitEvents(
  db: Db,
  queue: JobQueue,
  orgId: string,
  type: WebhookEvent,
  items: readonly Record<string, unknown>[],
  now: Date = new Date(),
): Promise<EmitResult> {
  if (items.length === 0) return { deliveries: 0, notEnqueued: 0 };
  const subscriptions = (await subscriptionsOf(db, orgId, now.getTime())).filter((s) => s.events.includes(type));
  if (subscriptions.length === 0) return { deliveries: 0, notEnqueued: 0 };
  const timestamp = now.toISOString();
  const rows = subscriptions.flatMap((subscription) =>
    items.map((data) => ({
      id: uuidv7(now.getTime()),
      orgId,
      subscriptionId: subscription.id,
      event: type,
      payload: { type, timestamp, data } satisfies WebhookPayload as unknown as Record<string, unknown>,
    })),
  );
  for (let i = 0; i < rows.length; i += 1_000) await insertDeliveries(db, rows.slice(i, i + 1_000));
  let notEnqueued = 0;
  for (let i = 0; i < rows.length; i += 100) {
    const results = await Promise.allSettled(
      rows.slice(i, i + 100).map((row) => queue.enqueue('webhook', { orgId, deliveryId: row.id }, { jobId: row.id })),
    );
    notEnqueued += results.filter((r) => r.status === 'rejected').length;
  }
  return { deliveries: rows.length, notEnqueued };
}

/** One event; see {@link emitEvents}. */
export function emitEvent(
  db: Db,
  queue: JobQueue,
  orgId: string,
  type: WebhookEvent,
  data: Record<string, unknown>,
): Promise<EmitResult> {
  return emitEvents(db, queue, orgId, type, [data]);
}

/**
 * For request and job handlers: emits and never throws, since the change itself already committed.
 * A failure is logged; deliveries written but not enqueued are picked up by the sweeper.
 */
export async function emitSafely(
  deps: { db: Db; queue: JobQueue; logger: Pick<Logger, 'warn'> },
  orgId: string,
  type: WebhookEvent,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  try {
    const result = await emitEvents(deps.db, deps.queue, orgId, type, items);
    if (result.notEnqueued > 0) {
      deps.logger.warn({ orgId, type, notEnqueued: result.notEnqueued }, 'webhook enqueue failed; the sweeper retries');
    }
  } catch (error) {
    deps.logger.warn({ err: error, orgId, type }, 'webhook event could not be recorded');
  }
}
