import type { ImpactMeasure } from '@closeloop/domain';
import { date, index, jsonb, pgTable, primaryKey, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, orgId, tstz, updatedAt } from './_columns.ts';
import { feedback, themes } from './feedback.ts';
import { customerGroups, organisations, servicePoints } from './organisations.ts';

export const improvementActions = pgTable(
  'improvement_actions',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    titleCy: text('title_cy'),
    description: text('description'),
    status: text('status').notNull().default('proposed'),
    ownerId: uuid('owner_id'),
    dueOn: date('due_on', { mode: 'string' }),
    publicStatement: text('public_statement'),
    publicStatementCy: text('public_statement_cy'),
    declinedReason: text('declined_reason'),
    declinedReasonCy: text('declined_reason_cy'),
    impact: jsonb('impact').$type<ImpactMeasure[]>().notNull().default([]),
    completedAt: tstz('completed_at'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('improvement_actions_org_status').on(t.orgId, t.status)],
);

export const actionStatusHistory = pgTable(
  'action_status_history',
  {
    id: id(),
    orgId: orgId(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    changedBy: uuid('changed_by'),
    note: text('note'),
    changedAt: createdAt(),
  },
  (t) => [index('action_status_history_action').on(t.actionId, t.changedAt)],
);

export const actionThemes = pgTable(
  'action_themes',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    themeId: uuid('theme_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    orgId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.themeId] }), index('action_themes_theme').on(t.orgId, t.themeId)],
);

export const actionFeedback = pgTable(
  'action_feedback',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    feedbackId: uuid('feedback_id')
      .notNull()
      .references(() => feedback.id, { onDelete: 'cascade' }),
    orgId: orgId(),
    via: text('via').notNull().default('staff'),
    linkedBy: uuid('linked_by'),
    linkedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.feedbackId] }), index('action_feedback_feedback').on(t.feedbackId)],
);

export const actionServicePoints = pgTable(
  'action_service_points',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    servicePointId: uuid('service_point_id')
      .notNull()
      .references(() => servicePoints.id, { onDelete: 'cascade' }),
    orgId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.servicePointId] })],
);

export const actionCustomerGroups = pgTable(
  'action_customer_groups',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    customerGroupId: uuid('customer_group_id')
      .notNull()
      .references(() => customerGroups.id, { onDelete: 'cascade' }),
    orgId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.customerGroupId] })],
);

/** Suggested links between feedback and open actions; decided pairs are never suggested again. */
export const linkSuggestions = pgTable(
  'link_suggestions',
  {
    id: id(),
    orgId: orgId(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    feedbackId: uuid('feedback_id')
      .notNull()
      .references(() => feedback.id, { onDelete: 'cascade' }),
    score: real('score').notNull(),
    state: text('state').notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: tstz('decided_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('link_suggestions_pair').on(t.actionId, t.feedbackId),
    index('link_suggestions_org_state').on(t.orgId, t.state),
  ],
);
