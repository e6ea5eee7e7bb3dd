import { z } from 'zod';
import { acceptedSchema, feedbackInputSchema, feedbackOutSchema, feedbackPageSchema } from './schemas.ts';

export const feedbackPatchSchema = z
  .strictObject({
    customerGroupId: z.uuid().nullable(),
    servicePointId: z.uuid().nullable(),
    rating: z.number().int().min(1).max(5).nullable(),
    language: z.string().min(2).max(12),
    themes: z
      .array(z.string().min(1).max(100))
      .max(50)
      .describe('theme keys: replaces the theme set, stored as staff-confirmed and kept as a training example'),
    details: z
      .strictObject({
        category: z.string().max(200),
        severity: z.enum(['low', 'medium', 'high', 'critical']),
        externalRef: z.string().max(200),
      })
      .partial()
      .describe('complaints only'),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one field to change' })
  .meta({
    description: 'Staff-correctable fields; everything else about a feedback item is what the person said.',
    examples: [
      { themes: ['waste.missed_collection'], servicePointId: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77', rating: 2 },
    ],
  });
export type FeedbackPatch = z.infer<typeof feedbackPatchSchema>;

export const externalRefParams = z.strictObject({
  source: z
    .string()
    .min(1)
    .max(64)
    .meta({ examples: ['zendesk'] }),
  externalId: z
    .string()
    .min(1)
    .max(200)
    .meta({ examples: ['35436'] }),
});

const bulkItemExample = {
  channel: 'crm',
  text: 'The bin on Mill Lane has been missed three weeks running.',
  source: 'zendesk',
  externalId: '35436',
  receivedAt: '2024-10-14T09:15:51Z',
  details: { kind: 'crm', system: 'zendesk', externalId: '35436' },
};

export const bulkBodySchema = z
  .strictObject({
    items: z
      .array(z.unknown())
      .min(1)
      .max(10_000)
      .describe(
        'Up to 10,000 feedback inputs, each shaped as the body of POST /v1/feedback; each is validated on its own',
      ),
  })
  .meta({
    examples: [
      {
        items: [
          bulkItemExample,
          { channel: 'survey', text: 'More evening slots at the leisure centre, please.', rating: 4 },
          { channel: 'widget', text: '' },
        ],
      },
    ],
  });

export const bulkResultSchema = z.object({
  index: z.number().int(),
  status: z.enum(['accepted', 'rejected']),
  id: z.uuid().optional(),
  created: z.boolean().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const bulkResponseSchema = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    results: z.array(bulkResultSchema),
  })
  .meta({
    examples: [
      {
        accepted: 2,
        rejected: 1,
        results: [
          { index: 0, status: 'accepted', id: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77', created: true },
          { index: 1, status: 'accepted', id: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a78', created: true },
          { index: 2, status: 'rejected', errors: [{ path: 'text', message: 'text must not be empty' }] },
        ],
      },
    ],
  });

/** The single-item body again, with an example for the docs. */
export const feedbackInputDoc = feedbackInputSchema.meta({
  examples: [
    {
      channel: 'survey',
      text: 'The new booking form is much quicker, thank you.',
      rating: 5,
      language: 'en',
      contact: { email: 'megan.owen@example.org', consentContact: true },
    },
  ],
});

export const feedbackExample = {
  id: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77',
  channel: 'complaint',
  text: 'The bin on Mill Lane has been missed three weeks running.',
  redactedText: 'The bin on Mill Lane has been missed three weeks running.',
  language: 'en',
  rating: null,
  status: 'analysed',
  details: {
    kind: 'complaint',
    caseRef: 'DBC-2024-0042',
    status: 'acknowledged',
    acknowledgeDueAt: '2024-10-17T09:15:51.000Z',
    resolveDueAt: '2024-11-11T09:15:51.000Z',
    acknowledgedAt: '2024-10-15T10:00:00.000Z',
  },
  servicePointId: null,
  customerGroupId: null,
  engagementId: null,
  source: 'zendesk',
  externalId: '35436',
  sentiment: { score: -0.6, class: 'negative' },
  needsTriage: false,
  hasContact: true,
  themes: [
    { key: 'waste.missed_collection', name: 'Missed collection', confidence: 1, source: 'staff', confirmed: true },
  ],
  receivedAt: '2024-10-14T09:15:51.000Z',
  analysedAt: '2024-10-14T09:15:52.000Z',
};
export const feedbackOutDoc = feedbackOutSchema.meta({ examples: [feedbackExample] });

export const feedbackPageDoc = feedbackPageSchema.meta({
  examples: [{ items: [feedbackExample], nextCursor: 'MjAyNC0xMC0xNFQwOToxNTo1MS4wMDBafDAxOTBmNWQy' }],
});

export const acceptedDoc = acceptedSchema.meta({
  examples: [{ id: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77', status: 'received', created: true }],
});

export const feedbackIdParamsDoc = z.strictObject({
  id: z.uuid().meta({ examples: ['0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77'] }),
});
