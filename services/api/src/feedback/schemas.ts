import { CHANNELS, feedbackInputSchema } from '@closeloop/domain';
import { z } from 'zod';

export { feedbackInputSchema };

export const acceptedSchema = z.object({
  id: z.uuid(),
  status: z.literal('received'),
  created: z.boolean().describe('false when an existing row with the same (source, externalId) was updated'),
});

export const feedbackIdParams = z.strictObject({ id: z.uuid() });

export const listQuerySchema = z.strictObject({
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(['received', 'analysed', 'triage', 'failed', 'erased']).optional(),
  theme: z.string().min(1).max(100).optional().describe('theme key'),
  servicePointId: z.uuid().optional(),
  customerGroupId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('full-text search over the feedback text'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const feedbackOutSchema = z.object({
  id: z.uuid(),
  channel: z.string(),
  text: z.string().nullable(),
  redactedText: z.string().nullable(),
  language: z.string().nullable(),
  rating: z.number().nullable(),
  status: z.string(),
  details: z.unknown(),
  servicePointId: z.uuid().nullable(),
  customerGroupId: z.uuid().nullable(),
  engagementId: z.uuid().nullable(),
  source: z.string().nullable(),
  externalId: z.string().nullable(),
  sentiment: z.object({ score: z.number(), class: z.string() }).nullable(),
  needsTriage: z.boolean(),
  hasContact: z.boolean(),
  themes: z.array(
    z.object({ key: z.string(), name: z.string(), confidence: z.number(), source: z.string(), confirmed: z.boolean() }),
  ),
  receivedAt: z.string(),
  analysedAt: z.string().nullable(),
});

export const feedbackPageSchema = z.object({
  items: z.array(feedbackOutSchema),
  nextCursor: z.string().nullable(),
});
