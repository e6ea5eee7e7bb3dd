import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import {
  deliveriesQuery,
  deliveryPageOut,
  testDeliveryOut,
  webhookCreatedOut,
  webhookCreateSchema,
  webhookIdParams,
  webhookListOut,
  webhookOut,
  webhookUpdateSchema,
} from './schemas.ts';
import type { WebhookService } from './service.ts';

/** `/v1/webhooks…`: managing outgoing webhooks needs the admin scope. */
export function registerWebhookRoutes(app: FastifyInstance, auth: ApiKeyAuthenticator, webhooks: WebhookService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireScope(auth, 'admin');
  const tags = ['webhooks'];
  const actor = (request: Parameters<typeof principalOf>[0]) => ({
    type: 'api_key' as const,
    id: principalOf(request).keyId,
  });

  r.post(
    '/v1/webhooks',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Subscribe a URL to events',
        description:
          'Deliveries are POSTs of `{type, timestamp, data}` signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the base64-decoded part of the secret after `whsec_`). Any 2xx counts as delivered; anything else is retried with exponential backoff. After 10 deliveries in a row fail every retry, or at once on 410 Gone, the subscription is disabled. The URL must be https and must not point to a private, loopback or link-local address unless the operator allows it (`WEBHOOK_ALLOWED_TARGETS`).',
        body: webhookCreateSchema,
        response: { 201: webhookCreatedOut },
      },
    },
    async (request, reply) => {
      const created = await webhooks.create(principalOf(request).orgId, request.body, actor(request));
      return reply.status(201).send(created);
    },
  );

  r.get(
    '/v1/webhooks',
    { preHandler: admin, schema: { tags, summary: 'List webhook subscriptions', response: { 200: webhookListOut } } },
    async (request) => ({ items: await webhooks.list(principalOf(request).orgId) }),
  );

  r.get(
    '/v1/webhooks/:id',
    {
      preHandler: admin,
      schema: { tags, summary: 'Get a webhook subscription', params: webhookIdParams, response: { 200: webhookOut } },
    },
    async (request) => webhooks.get(principalOf(request).orgId, request.params.id),
  );

  r.patch(
    '/v1/webhooks/:id',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Change URL or events, or disable/re-enable a subscription',
        params: webhookIdParams,
        body: webhookUpdateSchema,
        response: { 200: webhookOut },
      },
    },
    async (request) => webhooks.update(principalOf(request).orgId, request.params.id, request.body, actor(request)),
  );

  r.delete(
    '/v1/webhooks/:id',
    {
      preHandler: admin,
      schema: { tags, summary: 'Delete a subscription and its delivery log', params: webhookIdParams },
    },
    async (request, reply) => {
      await webhooks.remove(principalOf(request).orgId, request.params.id, actor(request));
      return reply.status(204).send();
    },
  );

  r.post(
    '/v1/webhooks/:id/test',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Send a `webhook.test` event now and return the result',
        params: webhookIdParams,
        response: { 200: testDeliveryOut },
      },
    },
    async (request) => {
      const result = await webhooks.test(principalOf(request).orgId, request.params.id);
      return {
        deliveryId: result.deliveryId,
        delivered: result.delivered,
        status: result.status,
        error: result.error,
        durationMs: result.durationMs,
      };
    },
  );

  r.get(
    '/v1/webhooks/:id/deliveries',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Delivery log, newest first',
        params: webhookIdParams,
        querystring: deliveriesQuery,
        response: { 200: deliveryPageOut },
      },
    },
    async (request) => webhooks.deliveries(principalOf(request).orgId, request.params.id, request.query),
  );
}
