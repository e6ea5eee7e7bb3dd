export { registerWebhooks } from './register.ts';
export { registerWebhookRoutes } from './routes.ts';
export { createWebhookService, type WebhookService } from './service.ts';
