import { index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, orgId, tstz, updatedAt } from './_columns.ts';

export interface OrgBranding {
  primaryColour?: string;
  logoUrl?: string;
}
export interface OrgSettings {
  /** Working days to acknowledge and resolve a complaint. */
  sla?: { acknowledgeDays: number; resolveDays: number };
  /** Case reference pattern, e.g. `DBC-{yyyy}-{seq:4}`. */
  caseRefPattern?: string;
  requireDistinctApprover?: boolean;
  retentionDays?: { rawText?: number; contacts?: number };
  triageThreshold?: number;
  /** The newsletter schedule: `monthly` sends on the first day ≥ dayOfMonth with new entries; off when absent. */
  newsletter?: NewsletterSchedule;
}

export interface NewsletterSchedule {
  frequency: 'off' | 'monthly';
  /** 1–28, so every month has the day. */
  dayOfMonth: number;
}

export const organisations = pgTable('organisations', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  nameCy: text('name_cy'),
  languages: text('languages').array().notNull().default(['en']),
  branding: jsonb('branding').$type<OrgBranding>().notNull().default({}),
  settings: jsonb('settings').$type<OrgSettings>().notNull().default({}),
  kAnonymity: integer('k_anonymity').notNull().default(5),
  caseSeq: integer('case_seq').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const customerGroups = pgTable(
  'customer_groups',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameCy: text('name_cy'),
    populationShare: numeric('population_share', { precision: 6, scale: 5, mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('customer_groups_org_key').on(t.orgId, t.key)],
);

export const servicePoints = pgTable(
  'service_points',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameCy: text('name_cy'),
    kind: text('kind').notNull().default('location'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('service_points_org_key').on(t.orgId, t.key)],
);

/** "We asked": a survey, consultation or focus group; invited count gives response rates. */
export const engagements = pgTable(
  'engagements',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key'),
    title: text('title').notNull(),
    kind: text('kind').notNull(),
    method: text('method'),
    description: text('description'),
    invitedCount: integer('invited_count'),
    customerGroupId: uuid('customer_group_id').references(() => customerGroups.id, { onDelete: 'set null' }),
    startedAt: tstz('started_at'),
    endedAt: tstz('ended_at'),
    createdAt: createdAt(),
  },
  (t) => [index('engagements_org').on(t.orgId, t.startedAt)],
);
