import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, orgId, tstz, updatedAt } from './_columns.ts';
import { improvementActions } from './actions.ts';
import { contacts, feedback, themes } from './feedback.ts';
import { organisations, servicePoints } from './organisations.ts';

/** "You said": what people told us about one theme (and optionally one service point) in one period. */
export const youSaidEntries = pgTable(
  'you_said_entries',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    themeId: uuid('theme_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    servicePointId: uuid('service_point_id').references(() => servicePoints.id, { onDelete: 'set null' }),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    count: integer('count').notNull().default(0),
    previousCount: integer('previous_count'),
    channelMix: jsonb('channel_mix').$type<{ channel: string; count: number }[]>().notNull().default([]),
    groupMix: jsonb('group_mix').$type<{ group: string; count: number }[]>().notNull().default([]),
    sentiment: jsonb('sentiment').$type<{ positive: number; neutral: number; negative: number; mean: number | null }>(),
    summary: text('summary').notNull().default(''),
    summaryCy: text('summary_cy'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('you_said_entries_org_theme').on(t.orgId, t.themeId, t.periodStart)],
);

export const youSaidQuotes = pgTable(
  'you_said_quotes',
  {
    id: id(),
    orgId: orgId(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => youSaidEntries.id, { onDelete: 'cascade' }),
    feedbackId: uuid('feedback_id').references(() => feedback.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    position: smallint('position').notNull().default(0),
    approvedBy: uuid('approved_by'),
    approvedAt: tstz('approved_at'),
    createdAt: createdAt(),
  },
  (t) => [index('you_said_quotes_entry').on(t.entryId)],
);

/** A You said entry paired with the actions that answer it; draft → approved → published → archived. */
export const publications = pgTable(
  'publications',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    youSaidId: uuid('you_said_id')
      .notNull()
      .references(() => youSaidEntries.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('draft'),
    version: integer('version').notNull().default(1),
    authorId: uuid('author_id'),
    approvedBy: uuid('approved_by'),
    approvedAt: tstz('approved_at'),
    publishedAt: tstz('published_at'),
    archivedAt: tstz('archived_at'),
    /** What the public sees, frozen at publish time so later edits need a new approval. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('publications_org_state').on(t.orgId, t.state, t.publishedAt)],
);

export const publicationActions = pgTable(
  'publication_actions',
  {
    publicationId: uuid('publication_id')
      .notNull()
      .references(() => publications.id, { onDelete: 'cascade' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    orgId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.publicationId, t.actionId] }), index('publication_actions_action').on(t.actionId)],
);

export const publicationVersions = pgTable(
  'publication_versions',
  {
    id: id(),
    orgId: orgId(),
    publicationId: uuid('publication_id')
      .notNull()
      .references(() => publications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    state: text('state').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    changedBy: uuid('changed_by'),
    changedAt: createdAt(),
  },
  (t) => [index('publication_versions_pub').on(t.publicationId, t.version)],
);

export const subscribers = pgTable(
  'subscribers',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    sealedEmail: text('sealed_email').notNull(),
    emailHash: text('email_hash').notNull(),
    language: text('language').notNull().default('en'),
    topics: text('topics').array().notNull().default([]),
    state: text('state').notNull().default('pending'),
    confirmTokenHash: text('confirm_token_hash'),
    unsubscribeTokenHash: text('unsubscribe_token_hash').notNull(),
    createdAt: createdAt(),
    confirmedAt: tstz('confirmed_at'),
    unsubscribedAt: tstz('unsubscribed_at'),
  },
  (t) => [
    uniqueIndex('subscribers_org_email').on(t.orgId, t.emailHash),
    uniqueIndex('subscribers_unsubscribe_token').on(t.unsubscribeTokenHash),
  ],
);

/** A newsletter: the organisation's published entries of a period, mailed to confirmed subscribers. */
export const newsletterIssues = pgTable(
  'newsletter_issues',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    titleCy: text('title_cy'),
    intro: text('intro'),
    introCy: text('intro_cy'),
    periodStart: date('period_start', { mode: 'string' }),
    periodEnd: date('period_end', { mode: 'string' }),
    /** draft → sending → sent | failed (a failed issue may be sent again: only unsent deliveries go). */
    state: text('state').notNull().default('draft'),
    recipientCount: integer('recipient_count').notNull().default(0),
    error: text('error'),
    authorId: uuid('author_id'),
    /** The month (its first day) a scheduled issue was made for: one scheduled issue per month. */
    scheduledFor: date('scheduled_for', { mode: 'string' }),
    sendRequestedAt: tstz('send_requested_at'),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('newsletter_issues_org').on(t.orgId, t.createdAt),
    uniqueIndex('newsletter_issues_org_scheduled').on(t.orgId, t.scheduledFor),
  ],
);

/** One issue to one subscriber: inserted before the email is sent, so a retried job never sends twice. */
export const newsletterDeliveries = pgTable(
  'newsletter_deliveries',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => newsletterIssues.id, { onDelete: 'cascade' }),
    subscriberId: uuid('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    language: text('language').notNull().default('en'),
    /** The publications this subscriber's email carries (their topics' share of the issue). */
    publicationIds: uuid('publication_ids').array().notNull().default([]),
    state: text('state').notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    error: text('error'),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('newsletter_deliveries_issue_subscriber').on(t.issueId, t.subscriberId),
    index('newsletter_deliveries_org_issue').on(t.orgId, t.issueId, t.state),
  ],
);

/** One message to one contributor about one action: email, or a letter / call-list row for staff. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    orgId: orgId(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => improvementActions.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    feedbackId: uuid('feedback_id').references(() => feedback.id, { onDelete: 'set null' }),
    medium: text('medium').notNull(),
    language: text('language').notNull().default('en'),
    state: text('state').notNull().default('pending'),
    error: text('error'),
    attempts: smallint('attempts').notNull().default(0),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_action_contact').on(t.actionId, t.contactId),
    index('notifications_org_state').on(t.orgId, t.state),
  ],
);
