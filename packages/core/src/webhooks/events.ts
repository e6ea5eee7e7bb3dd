/** Events a subscription can ask for. `webhook.test` is only ever sent by the test-delivery endpoint. */
export const WEBHOOK_EVENTS = [
  'feedback.received',
  'feedback.analysed',
  'action.updated',
  'publication.published',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type DeliveredEvent = WebhookEvent | 'webhook.test';

/** The JSON body of every delivery (Standard Webhooks shape). */
export interface WebhookPayload {
  type: DeliveredEvent;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A subscription is switched off after this many deliveries in a row ran out of retries. */
export const DISABLE_AFTER_FAILED_DELIVERIES = 10;
/** Largest number of subscriptions per organisation (bounds the work of every emitted event). */
export const MAX_SUBSCRIPTIONS_PER_ORG = 25;
/** How long one delivery attempt may take. */
export const DELIVERY_TIMEOUT_MS = 10_000;
