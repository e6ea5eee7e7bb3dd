export { type AttemptOutcome, attemptDelivery, autoDisable, type DeliveryDeps } from './deliver.ts';
export { type EmitResult, emitEvent, emitEvents, emitSafely, forgetSubscriptions } from './emit.ts';
export * from './events.ts';
export { actionUpdatedData, feedbackAnalysedData, feedbackReceivedData, publicationPublishedData } from './payloads.ts';
export {
  addFailure,
  getDeliveryWithSubscription,
  recordAttempt,
  resetFailures,
  setDeliveryState,
  stalePendingDeliveries,
} from './queries.ts';
export { registerWebhooks } from './register.ts';
export { registerWebhookRoutes } from './routes.ts';
export { createWebhookService, type WebhookService } from './service.ts';
export { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './signing.ts';
export { parseTargetPolicy, type WebhookTargetPolicy } from './targets.ts';
