import {
  addFailure,
  attemptDelivery,
  autoDisable,
  DISABLE_AFTER_FAILED_DELIVERIES,
  getDeliveryWithSubscription,
  parseTargetPolicy,
  recordAttempt,
  resetFailures,
  setDeliveryState,
  stalePendingDeliveries,
  type WebhookPayload,
} from '@closeloop/core';
import { type JobContext, type JobPayload, jobs, NonRetryableError } from '@closeloop/queue';
import type { WorkerDeps } from '../deps.ts';

export interface WebhookProcessorOptions {
  /** Tries per delivery, the first included: the queue policy's `attempts` (tests may lower it). */
  attempts?: number;
  disableAfter?: number;
}

/**
 * Delivers one webhook: a signed POST with a 10 s timeout; 2xx is delivered, anything else throws so
 * the queue retries with exponential backoff. Every attempt is written to the delivery log. When a
 * delivery runs out of tries (or the receiver answers 410 Gone) it counts as failed, and after
 * `disableAfter` failed deliveries in a row — or at once on 410 — the subscription is disabled and audited.
 */
export function createWebhookProcessor(
  deps: Pick<WorkerDeps, 'database' | 'sealer' | 'logger' | 'config' | 'clock'>,
  opts: WebhookProcessorOptions = {},
) {
  const attempts = opts.attempts ?? jobs.webhook.policy.attempts;
  const disableAfter = opts.disableAfter ?? DISABLE_AFTER_FAILED_DELIVERIES;
  const { db } = deps.database;
  const delivery = {
    db,
    sealer: deps.sealer,
    targets: parseTargetPolicy(deps.config.WEBHOOK_ALLOWED_TARGETS),
    ...(deps.clock ? { clock: deps.clock } : {}),
  };

  return async (payload: JobPayload<'webhook'>, ctx: JobContext): Promise<void> => {
    const found = await getDeliveryWithSubscription(db, payload.orgId, payload.deliveryId);
    if (!found) return; // the subscription was deleted, and its log with it
    const { delivery: row, subscription } = found;
    if (row.state === 'delivered' || row.state === 'cancelled') return;
    if (!subscription.active) {
      await setDeliveryState(db, row.id, 'cancelled', 'the subscription is disabled');
      return;
    }
    const outcome = await attemptDelivery(
      delivery,
      subscription,
      row.id,
      row.payload as unknown as WebhookPayload,
      ctx.signal,
    );
    const final = outcome.delivered || outcome.permanent || ctx.attempt >= attempts;
    await recordAttempt(db, row.id, {
      state: outcome.delivered ? 'delivered' : final ? 'failed' : 'retrying',
      status: outcome.status,
      error: outcome.error,
      delivered: outcome.delivered,
    });
    if (outcome.delivered) {
      await resetFailures(db, subscription.id);
      return;
    }
    const error = outcome.error ?? 'delivery failed';
    if (!final) throw new Error(error);
    const failures = (await addFailure(db, subscription.id)) ?? 0;
    if (outcome.status === 410 || failures >= disableAfter) {
      const why = outcome.status === 410 ? 'gone' : 'failures';
      if (await autoDisable(db, subscription, { why, consecutiveFailures: failures, lastError: error })) {
        deps.logger.warn({ subscriptionId: subscription.id, orgId: subscription.orgId, why }, 'webhook disabled');
      }
    }
    throw new NonRetryableError(error);
  };
}

/**
 * Enqueues deliveries left `pending` (their enqueue after commit failed, e.g. Redis was down).
 * Job id = delivery id, so a delivery already queued is not queued twice.
 */
export async function resendPendingDeliveries(
  deps: Pick<WorkerDeps, 'database' | 'queue'>,
  graceSeconds: number,
): Promise<number> {
  const rows = await stalePendingDeliveries(deps.database.db, graceSeconds, 500);
  let sent = 0;
  for (const row of rows) {
    await deps.queue.enqueue('webhook', { orgId: row.orgId, deliveryId: row.id }, { jobId: row.id });
    sent += 1;
  }
  return sent;
}
