import {
  bigserial,
  boolean,
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
import { createdAt, id, orgId, tstz } from './_columns.ts';
import { organisations } from './organisations.ts';

export const staffUsers = pgTable(
  'staff_users',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull().default('staff'),
    /** scrypt$N$r$p$salt$hash */
    passwordHash: text('password_hash'),
    disabledAt: tstz('disabled_at'),
    lastLoginAt: tstz('last_login_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('staff_users_org_email').on(t.orgId, t.email)],
);

export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    orgId: orgId(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('staff_sessions_user').on(t.userId)],
);

/** API keys are shown once; only their SHA-256 is stored. `prefix` lets staff recognise a key. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    scopes: text('scopes').array().notNull(),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(6000),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('api_keys_org').on(t.orgId)],
);

/** Public widget keys: not secret, but bound to an origin allowlist and rate limited. */
export const widgetSiteKeys = pgTable(
  'widget_site_keys',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    allowedOrigins: text('allowed_origins').array().notNull().default([]),
    servicePointId: uuid('service_point_id'),
    createdAt: createdAt(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('widget_site_keys_org').on(t.orgId)],
);

export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    /** Sealed with the secret key: it must be recovered to sign deliveries. */
    sealedSecret: text('sealed_secret').notNull(),
    active: boolean('active').notNull().default(true),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    disabledAt: tstz('disabled_at'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_subscriptions_org').on(t.orgId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    orgId: orgId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state').notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: tstz('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_deliveries_sub').on(t.subscriptionId, t.createdAt)],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: orgId(),
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: smallint('status_code'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.principal, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgId(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    at: createdAt(),
  },
  (t) => [index('audit_log_org_at').on(t.orgId, t.at), index('audit_log_entity').on(t.entityType, t.entityId)],
);

export const importProfiles = pgTable(
  'import_profiles',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('import_profiles_org_name').on(t.orgId, t.name)],
);

export const imports = pgTable(
  'imports',
  {
    id: id(),
    orgId: orgId().references(() => organisations.id, { onDelete: 'cascade' }),
    fileName: text('file_name'),
    profileName: text('profile_name'),
    state: text('state').notNull().default('running'),
    totalRows: integer('total_rows').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rowErrors: jsonb('row_errors').$type<{ line: number; reason: string }[]>().notNull().default([]),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('imports_org').on(t.orgId, t.createdAt)],
);
