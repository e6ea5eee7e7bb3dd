import { z } from 'zod';

export const CHANNELS = [
  'widget',
  'survey',
  'comment_card',
  'complaint',
  'social_mention',
  'email',
  'crm',
  'focus_group',
  'phone',
] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

export const COMPLAINT_STATUSES = ['received', 'acknowledged', 'investigating', 'resolved', 'closed'] as const;
export const complaintStatusSchema = z.enum(COMPLAINT_STATUSES);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;

export const CRM_SYSTEMS = ['zendesk', 'salesforce', 'dynamics365', 'hubspot', 'freshdesk', 'other'] as const;
export const SOCIAL_PLATFORMS = [
  'mastodon',
  'bluesky',
  'rss',
  'x',
  'facebook',
  'instagram',
  'google_reviews',
  'other',
] as const;

const isoDate = z.iso.datetime({ offset: true });
const url = z.url().max(2048);

/** Channel-specific details, stored as jsonb beside each feedback row; `kind` equals the row's channel. */
export const widgetDetails = z.strictObject({
  kind: z.literal('widget'),
  pageUrl: url.optional(),
  siteKey: z.string().max(64).optional(),
  ratingScale: z.number().int().min(2).max(10).optional(),
});

export const surveyDetails = z.strictObject({
  kind: z.literal('survey'),
  engagementId: z.uuid().optional(),
  source: z.string().max(64).optional(),
  surveyId: z.string().max(200).optional(),
  questionId: z.string().max(200).optional(),
  questionText: z.string().max(2000).optional(),
  answer: z.string().max(20_000).optional(),
  rating: z.number().optional(),
  ratingScale: z.number().int().min(2).max(100).optional(),
  respondentId: z.string().max(200).optional(),
  answers: z
    .record(z.string().max(500), z.union([z.string().max(20_000), z.number(), z.boolean(), z.null()]))
    .optional(),
});

export const commentCardDetails = z.strictObject({
  kind: z.literal('comment_card'),
  servicePointId: z.uuid().optional(),
  writtenOn: z.iso.date().optional(),
  cardId: z.string().max(200).optional(),
  batchId: z.string().max(200).optional(),
  keyedBy: z.string().max(200).optional(),
});

export const complaintDetails = z.strictObject({
  kind: z.literal('complaint'),
  caseRef: z.string().max(100).optional(),
  externalRef: z.string().max(200).optional(),
  category: z.string().max(200).optional(),
  severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
  status: complaintStatusSchema.default('received'),
  acknowledgeDueAt: isoDate.optional(),
  resolveDueAt: isoDate.optional(),
  acknowledgedAt: isoDate.optional(),
  resolvedAt: isoDate.optional(),
  outcome: z.string().max(5000).optional(),
  upheld: z.enum(['upheld', 'partly_upheld', 'not_upheld']).optional(),
  escalated: z.boolean().optional(),
  escalationStage: z.number().int().min(1).max(5).optional(),
  slaBreached: z.array(z.enum(['acknowledge', 'resolve'])).optional(),
  system: z.enum(CRM_SYSTEMS).optional(),
  externalId: z.string().max(200).optional(),
  externalUrl: url.optional(),
});

export const socialMentionDetails = z.strictObject({
  kind: z.literal('social_mention'),
  platform: z.enum(SOCIAL_PLATFORMS),
  postUrl: url.optional(),
  postId: z.string().max(500).optional(),
  authorHandle: z.string().max(300).optional(),
  authorName: z.string().max(300).optional(),
  postedAt: isoDate.optional(),
  public: z.boolean().default(true),
  inReplyTo: z.string().max(500).optional(),
});

export const emailDetails = z.strictObject({
  kind: z.literal('email'),
  messageId: z.string().max(998).optional(),
  from: z.string().max(998).optional(),
  subject: z.string().max(998).optional(),
  inReplyTo: z.string().max(998).optional(),
});

export const crmDetails = z.strictObject({
  kind: z.literal('crm'),
  system: z.enum(CRM_SYSTEMS),
  externalId: z.string().max(200),
  externalUrl: url.optional(),
  status: z.string().max(100).optional(),
  priority: z.string().max(100).optional(),
  subject: z.string().max(2000).optional(),
});

export const focusGroupDetails = z.strictObject({
  kind: z.literal('focus_group'),
  engagementId: z.uuid().optional(),
  session: z.string().max(300).optional(),
  participantCount: z.number().int().min(0).max(10_000).optional(),
  pointNumber: z.number().int().min(1).optional(),
});

export const phoneDetails = z.strictObject({
  kind: z.literal('phone'),
  callRef: z.string().max(200).optional(),
  durationSeconds: z.number().int().min(0).optional(),
  takenBy: z.string().max(200).optional(),
});

export const channelDetailsSchema = z.discriminatedUnion('kind', [
  widgetDetails,
  surveyDetails,
  commentCardDetails,
  complaintDetails,
  socialMentionDetails,
  emailDetails,
  crmDetails,
  focusGroupDetails,
  phoneDetails,
]);
export type ChannelDetails = z.infer<typeof channelDetailsSchema>;
export type ChannelDetailsInput = z.input<typeof channelDetailsSchema>;
export type DetailsOf<C extends Channel> = Extract<ChannelDetails, { kind: C }>;
