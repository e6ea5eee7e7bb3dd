import { WEBHOOK_EVENTS } from '@closeloop/core';
import { z } from 'zod';

const eventList = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, 'events must not repeat')
  .describe(`Events to receive: ${WEBHOOK_EVENTS.join(', ')}`);

const webhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2_048)
  .describe('https URL of the receiver (private, loopback and link-local targets are refused)');

export const webhookCreateSchema = z.strictObject({ url: webhookUrl, events: eventList });

export const webhookUpdateSchema = z
  .strictObject({
    url: webhookUrl,
    events: eventList,
    active: z.boolean().describe('true re-enables a disabled subscription and clears its failure count'),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'send at least one of url, events, active');

export const webhookIdParams = z.strictObject({ id: z.uuid() });

export const webhookOut = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  consecutiveFailures: z.number().int(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
});

export const webhookCreatedOut = webhookOut.extend({
  secret: z.string().describe('Signing secret (Standard Webhooks, `whsec_` + base64). Shown once: store it now.'),
});

export const webhookListOut = z.object({ items: z.array(webhookOut) });

export const deliveryOut = z.object({
  id: z.uuid().describe('Also the `webhook-id` header of every attempt'),
  event: z.string(),
  state: z.enum(['pending', 'retrying', 'delivered', 'failed', 'cancelled']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.uuid().optional().describe('The id of the last delivery of the previous page'),
});

export const deliveryPageOut = z.object({ items: z.array(deliveryOut), nextBefore: z.string().nullable() });

export const testDeliveryOut = z.object({
  deliveryId: z.uuid(),
  delivered: z.boolean(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});
