import { type Db, insertAudit, type Sealer } from '@closeloop/db';
import { forgetSubscriptions } from './emit.ts';
import { DELIVERY_TIMEOUT_MS, type WebhookPayload } from './events.ts';
import { disableSubscription, type WebhookSubscriptionRow } from './queries.ts';
import { webhookHeaders } from './signing.ts';
import { assertDeliverable, WebhookTargetError, type WebhookTargetPolicy } from './targets.ts';

export interface DeliveryDeps {
  db: Db;
  sealer: Sealer;
  targets: WebhookTargetPolicy;
  clock?: () => Date;
}

export interface AttemptOutcome {
  delivered: boolean;
  /** HTTP status of the receiver's answer; null when there was none (network error, timeout, refused target). */
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Retrying cannot help: the target is refused or unresolvable, or the receiver said 410 Gone. */
  permanent: boolean;
}

/**
 * One signed POST of `payload` to the subscription's URL (Standard Webhooks: webhook-id = delivery id,
 * the same on every retry). 2xx is delivered; redirects are not followed (a 3xx is a failure).
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  subscription: Pick<WebhookSubscriptionRow, 'url' | 'sealedSecret'>,
  deliveryId: string,
  payload: WebhookPayload,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(subscription.url);
  try {
    await assertDeliverable(deps.targets, url);
  } catch (error) {
    if (!(error instanceof WebhookTargetError)) throw error;
    return { delivered: false, status: null, error: error.message, durationMs: elapsed(), permanent: true };
  }
  const body = JSON.stringify(payload);
  const headers = webhookHeaders(
    deps.sealer.unseal(subscription.sealedSecret),
    deliveryId,
    body,
    (deps.clock ?? (() => new Date()))(),
  );
  const timeout = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const detail = response.ok ? '' : await snippet(response);
    await response.body?.cancel().catch(() => {});
    const delivered = response.status >= 200 && response.status < 300;
    return {
      delivered,
      status: response.status,
      error: delivered ? null : `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      durationMs: elapsed(),
      permanent: response.status === 410,
    };
  } catch (error) {
    const message = timeout.aborted ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : describeFetchError(error);
    return { delivered: false, status: null, error: message, durationMs: elapsed(), permanent: false };
  }
}

/** The first 200 characters of an error answer, for the delivery log. */
async function snippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunk = await reader.read().catch(() => ({ value: undefined }));
  await reader.cancel().catch(() => {});
  return chunk.value ? new TextDecoder().decode(chunk.value).slice(0, 200).replace(/\s+/g, ' ').trim() : '';
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/** Switches a subscription off and writes the audit entry saying why (once, however many callers race). */
export async function autoDisable(
  db: Db,
  subscription: Pick<WebhookSubscriptionRow, 'id' | 'orgId' | 'url'>,
  reason: { why: 'gone' | 'failures' | 'forbidden'; consecutiveFailures: number; lastError: string | null },
): Promise<boolean> {
  const disabled = await disableSubscription(db, subscription.id);
  forgetSubscriptions(db, subscription.orgId);
  if (disabled) {
    await insertAudit(db, {
      orgId: subscription.orgId,
      actorType: 'system',
      actorId: 'webhook-delivery',
      action: 'webhook.disabled',
      entityType: 'webhook_subscription',
      entityId: subscription.id,
      data: { url: subscription.url, ...reason },
    });
  }
  return disabled;
}
