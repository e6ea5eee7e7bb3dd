import type { ChannelDetails } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, orgId, tstz } from './_columns.ts';
import { customerGroups, engagements, organisations, servicePoints } from './organisations.ts';

/** Contact details live apart from feedback: encrypted (AES-256-GCM), consented, erasable. */
export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    /** base64(iv | tag | ciphertext) of JSON {name,email,phone,postalAddress}. */
    sealed: text('sealed'),
    /** HMAC of the lower-cased email, to find one person's records without decrypting. */
    emailHash: text('email_hash'),
    hasEmail: boolean('has_email').notNull().default(false),
    hasPhone: boolean('has_phone').notNull().default(false),
    hasPostal: boolean('has_postal').notNull().default(false),
    language: text('language').notNull().default('en'),
    consentContact: boolean('consent_contact').notNull().default(false),
    consentOutcome: boolean('consent_outcome').notNull().default(false),
    optedOutAt: tstz('opted_out_at'),
    erasedAt: tstz('erased_at'),
    createdAt: createdAt(),
  },
  (t) => [index('contacts_org_email_hash').on(t.orgId, t.emailHash)],
);

export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    /** Original text; null once erased. */
    text: text('text'),
    redactedText: text('redacted_text'),
    language: text('language'),
    rating: smallint('rating'),
    status: text('status').notNull().default('received'),
    details: jsonb('details').$type<ChannelDetails>(),
    customerGroupId: uuid('customer_group_id').references(() => customerGroups.id, { onDelete: 'set null' }),
    servicePointId: uuid('service_point_id').references(() => servicePoints.id, { onDelete: 'set null' }),
    engagementId: uuid('engagement_id').references(() => engagements.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    source: text('source'),
    externalId: text('external_id'),
    importRowHash: text('import_row_hash'),
    sentimentScore: real('sentiment_score'),
    sentimentClass: text('sentiment_class'),
    needsTriage: boolean('needs_triage').notNull().default(false),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    createdAt: createdAt(),
    analysedAt: tstz('analysed_at'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    erasedAt: tstz('erased_at'),
  },
  (t) => [
    index('feedback_org_received').on(t.orgId, t.receivedAt.desc(), t.id.desc()),
    index('feedback_status_created').on(t.status, t.createdAt).where(sql`status = 'received'`),
    index('feedback_org_channel').on(t.orgId, t.channel),
    index('feedback_org_triage').on(t.orgId, t.receivedAt).where(sql`needs_triage`),
    // Partial: most rows have no external id, import hash or contact, and an index entry for NULL costs
    // every insert without serving any lookup. Upserts name the predicate in ON CONFLICT.
    uniqueIndex('feedback_org_source_external')
      .on(t.orgId, t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    uniqueIndex('feedback_org_import_row').on(t.orgId, t.importRowHash).where(sql`${t.importRowHash} is not null`),
    index('feedback_contact').on(t.contactId).where(sql`${t.contactId} is not null`),
    // Full-text search over analysed rows only: building the tsvector doubled the cost of every insert, and
    // the analyse step rewrites the row anyway (a non-HOT update), so the entry is made once, then. Rows
    // still `received` (normally for under a second) are searched through feedback_status_created.
    index('feedback_search')
      .using('gin', sql`to_tsvector('simple', coalesce(${t.text}, ''))`)
      .where(sql`status <> 'received'`),
  ],
);

export const themes = pgTable(
  'themes',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameCy: text('name_cy'),
    parentId: uuid('parent_id'),
    description: text('description'),
    rules: jsonb('rules')
      .$type<{ include: string[]; exclude?: string[]; force?: string[] }>()
      .notNull()
      .default({ include: [] }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('themes_org_key').on(t.orgId, t.key), index('themes_parent').on(t.parentId)],
);

export const feedbackThemes = pgTable(
  'feedback_themes',
  {
    feedbackId: uuid('feedback_id')
      .notNull()
      .references(() => feedback.id, { onDelete: 'cascade' }),
    themeId: uuid('theme_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    orgId: orgId(),
    confidence: real('confidence').notNull(),
    source: text('source').notNull(),
    confirmed: boolean('confirmed').notNull().default(false),
    terms: text('terms').array().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.feedbackId, t.themeId] }),
    index('feedback_themes_org_theme').on(t.orgId, t.themeId),
  ],
);

/** Confirmed labels to train on: staff corrections and imported labelled data. */
export const trainingExamples = pgTable(
  'training_examples',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    feedbackId: uuid('feedback_id').references(() => feedback.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    question: text('question'),
    labels: text('labels').array().notNull(),
    sentiment: smallint('sentiment'),
    source: text('source').notNull().default('staff'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('training_examples_org').on(t.orgId, t.createdAt),
    uniqueIndex('training_examples_feedback').on(t.feedbackId),
  ],
);

export const modelVersions = pgTable(
  'model_versions',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    version: integer('version').notNull(),
    model: text('model').notNull(),
    metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull().default({}),
    trainedOn: integer('trained_on').notNull().default(0),
    active: boolean('active').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('model_versions_org_kind_version').on(t.orgId, t.kind, t.version)],
);

export const themeProposals = pgTable(
  'theme_proposals',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    term: text('term').notNull(),
    score: real('score').notNull(),
    count: integer('count').notNull(),
    exampleFeedbackIds: uuid('example_feedback_ids').array().notNull().default([]),
    state: text('state').notNull().default('open'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('theme_proposals_org_term').on(t.orgId, t.term)],
);
