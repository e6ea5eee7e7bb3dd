import { z } from 'zod';
import { type Channel, channelDetailsSchema, channelSchema } from './channels.ts';

export const ANALYSIS_STATUSES = ['received', 'analysed', 'triage', 'failed', 'erased'] as const;
export const analysisStatusSchema = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof analysisStatusSchema>;

export const LANGUAGES = ['en', 'cy'] as const;
export const langSchema = z.enum(LANGUAGES);
export type Lang = z.infer<typeof langSchema>;

/** Contact details travel with feedback but are stored apart, encrypted, with consent flags. */
export const contactInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[+()0-9 .-]{5,40}$/, 'phone may hold digits, spaces, + ( ) . - only')
    .optional(),
  postalAddress: z.string().trim().min(1).max(1000).optional(),
  language: langSchema.optional(),
  consentContact: z.boolean().default(false),
  consentOutcome: z.boolean().default(false),
});
export type ContactInput = z.infer<typeof contactInputSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

export const MAX_FEEDBACK_TEXT = 20_000;

export const feedbackInputSchema = z
  .strictObject({
    channel: channelSchema,
    text: z.string().trim().min(1, 'text must not be empty').max(MAX_FEEDBACK_TEXT),
    rating: z.number().int().min(1).max(5).nullable().optional(),
    language: z.string().min(2).max(12).optional(),
    receivedAt: isoDateTime.optional(),
    customerGroupId: z.uuid().optional(),
    servicePointId: z.uuid().optional(),
    engagementId: z.uuid().optional(),
    source: z.string().min(1).max(64).optional(),
    externalId: z.string().min(1).max(200).optional(),
    details: channelDetailsSchema.optional(),
    contact: contactInputSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.details && value.details.kind !== value.channel) {
      ctx.addIssue({
        code: 'custom',
        path: ['details', 'kind'],
        message: `details.kind must equal channel (${value.channel})`,
      });
    }
    if (value.externalId && !value.source) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'source is required with externalId' });
    }
  });
export type FeedbackInput = z.infer<typeof feedbackInputSchema>;
export type FeedbackInputRaw = z.input<typeof feedbackInputSchema>;

export function isChannel(value: string): value is Channel {
  return channelSchema.safeParse(value).success;
}
