import { z } from 'zod';

export const ACTION_STATUSES = ['proposed', 'planned', 'in_progress', 'done', 'declined'] as const;
export const actionStatusSchema = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

/** Allowed lifecycle moves; `done` and `declined` are final but may be reopened to `in_progress` by staff. */
export const ACTION_TRANSITIONS: Record<ActionStatus, readonly ActionStatus[]> = {
  proposed: ['planned', 'in_progress', 'declined'],
  planned: ['in_progress', 'done', 'declined'],
  in_progress: ['done', 'declined', 'planned'],
  done: ['in_progress'],
  declined: ['proposed'],
};

export function canTransitionAction(from: ActionStatus, to: ActionStatus): boolean {
  return from === to || ACTION_TRANSITIONS[from].includes(to);
}

export const impactMeasureSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  unit: z.string().trim().max(50).default(''),
  before: z.number().nullable().default(null),
  after: z.number().nullable().default(null),
  measuredAt: z.iso.date().optional(),
});
export type ImpactMeasure = z.infer<typeof impactMeasureSchema>;

export const actionInputSchema = z.strictObject({
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(10_000).optional(),
  status: actionStatusSchema.default('proposed'),
  ownerId: z.uuid().optional(),
  dueOn: z.iso.date().optional(),
  publicStatement: z.string().trim().max(5_000).optional(),
  publicStatementCy: z.string().trim().max(5_000).optional(),
  declinedReason: z.string().trim().max(5_000).optional(),
  themeIds: z.array(z.uuid()).max(50).default([]),
  themeKeys: z.array(z.string().min(1).max(100)).max(50).default([]),
  feedbackIds: z.array(z.uuid()).max(10_000).default([]),
  servicePointIds: z.array(z.uuid()).max(100).default([]),
  customerGroupIds: z.array(z.uuid()).max(100).default([]),
  impact: z.array(impactMeasureSchema).max(20).default([]),
});
export type ActionInput = z.infer<typeof actionInputSchema>;

export const PUBLICATION_STATES = ['draft', 'approved', 'published', 'archived'] as const;
export const publicationStateSchema = z.enum(PUBLICATION_STATES);
export type PublicationState = z.infer<typeof publicationStateSchema>;

export const PUBLICATION_TRANSITIONS: Record<PublicationState, readonly PublicationState[]> = {
  draft: ['approved', 'archived'],
  approved: ['published', 'draft', 'archived'],
  published: ['archived'],
  archived: ['draft'],
};
