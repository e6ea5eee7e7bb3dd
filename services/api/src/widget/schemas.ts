import { z } from 'zod';

/** Longest widget comment accepted (the widget itself stops at 2000; the hosted form at 5000). */
export const MAX_WIDGET_TEXT = 5000;

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe('the page the widget was opened on (the widget sends it without query or fragment)');

export const widgetFeedbackSchema = z.strictObject({
  siteKey: z.string().min(3).max(64).describe('the public site key from `data-site-key`'),
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_WIDGET_TEXT),
  rating: z.number().int().min(1).max(5).nullable().optional().describe('1 (very poor) to 5 (very good)'),
  pageUrl: httpUrl.optional(),
  language: z.enum(['en', 'cy']).optional(),
  contact: z
    .strictObject({
      email: z.email().max(320).optional(),
      name: z.string().trim().min(1).max(200).optional(),
    })
    .optional(),
  consentContact: z.boolean().optional().describe('"You may contact me about my feedback"'),
  consentOutcome: z.boolean().optional().describe('"Tell me what happens because of feedback like mine"'),
  website: z.string().max(1000).optional().describe('honeypot: people leave it empty, bots fill it in'),
});
export type WidgetFeedback = z.infer<typeof widgetFeedbackSchema>;

export const widgetAcceptedSchema = z.object({ id: z.uuid(), status: z.literal('received') });

/** An origin as browsers send it in `Origin` (`scheme://host[:port]`), or `*` for any origin. */
export const allowedOriginSchema = z
  .string()
  .trim()
  .max(300)
  .refine((value) => value === '*' || normaliseOrigin(value) !== null, {
    message: 'must be an origin like https://www.example.org (scheme, host and optional port; no path) or *',
  })
  .transform((value) => (value === '*' ? value : (normaliseOrigin(value) as string)));

/** `https://Example.org/` → `https://example.org`; null when the value is not a bare http(s) origin. */
export function normaliseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return null;
  }
  if (!/^https?:\/\/[^/]+\/?$/i.test(value)) return null;
  return url.origin;
}

export const siteKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  allowedOrigins: z.array(allowedOriginSchema).min(1).max(50),
  servicePointId: z.uuid().optional().describe('feedback through this key is filed under this service point'),
});

export const siteKeyOutSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  servicePointId: z.uuid().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const siteKeyListSchema = z.object({ items: z.array(siteKeyOutSchema) });
export const siteKeyIdParams = z.strictObject({ id: z.uuid() });
