import type { FeedbackService } from '@closeloop/core';
import {
  type Db,
  findWidgetSiteKey,
  insertWidgetSiteKey,
  listWidgetSiteKeys,
  randomToken,
  schema,
  servicePointBelongs,
} from '@closeloop/db';
import { type FeedbackInputRaw, feedbackInputSchema, NotFoundError, ValidationError } from '@closeloop/domain';
import { and, eq, isNull, sql } from 'drizzle-orm';

export type WidgetSiteKeyRow = typeof schema.widgetSiteKeys.$inferSelect;

/** Stores one piece of feedback and asks for its analysis after commit: what every public form does. */
export interface FeedbackSubmitter {
  submit(orgId: string, input: FeedbackInputRaw): Promise<{ id: string; status: 'received' }>;
}

export function createFeedbackSubmitter(db: Db, feedbackService: FeedbackService): FeedbackSubmitter {
  return {
    async submit(orgId, raw) {
      const input = feedbackInputSchema.parse(raw);
      if (feedbackService.groupable(input)) {
        const accepted = await feedbackService.storeGrouped(db, orgId, input);
        return { id: accepted.id, status: 'received' };
      }
      const accepted = await feedbackService.store(db, orgId, input);
      await feedbackService.enqueueAnalysis(orgId, accepted.id, input.channel);
      return { id: accepted.id, status: 'received' };
    },
  };
}

/** Site keys are public (they sit in page source): the origin allowlist and rate limits are the protection. */
export function createSiteKeyService(db: Db, opts: { cacheMs?: number; now?: () => number } = {}) {
  const cacheMs = opts.cacheMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const originCache = new Map<string, { allowed: boolean; expires: number }>();

  return {
    async create(
      orgId: string,
      input: { name: string; allowedOrigins: string[]; servicePointId?: string | undefined },
    ) {
      if (input.servicePointId && !(await servicePointBelongs(db, orgId, input.servicePointId))) {
        throw new ValidationError('The site key refers to records that do not exist', [
          { path: 'servicePointId', message: 'unknown service point' },
        ]);
      }
      originCache.clear();
      return insertWidgetSiteKey(db, {
        orgId,
        key: `pk_${randomToken(18)}`,
        name: input.name,
        allowedOrigins: [...new Set(input.allowedOrigins)],
        servicePointId: input.servicePointId ?? null,
      });
    },

    list(orgId: string): Promise<WidgetSiteKeyRow[]> {
      return listWidgetSiteKeys(db, orgId);
    },

    /** Revokes a key of this organisation; a key of another organisation is "not found". */
    async revoke(orgId: string, id: string): Promise<void> {
      const rows = await db
        .update(schema.widgetSiteKeys)
        .set({ revokedAt: sql`coalesce(${schema.widgetSiteKeys.revokedAt}, now())` })
        .where(and(eq(schema.widgetSiteKeys.id, id), eq(schema.widgetSiteKeys.orgId, orgId)))
        .returning({ id: schema.widgetSiteKeys.id });
      if (rows.length === 0) throw new NotFoundError('widget_site_key', id);
      originCache.clear();
    },

    /** The active key with this value, or null (unknown and revoked keys look the same). */
    findActive(key: string): Promise<WidgetSiteKeyRow | null> {
      return findWidgetSiteKey(db, key);
    },

    /**
     * True when some active key allows `origin`. Used for CORS preflights, which carry no body and
     * so no site key; the POST itself is then checked against its own key. Cached briefly.
     */
    async originAllowedAnywhere(origin: string): Promise<boolean> {
      const hit = originCache.get(origin);
      if (hit && hit.expires > now()) return hit.allowed;
      const rows = await db
        .select({ id: schema.widgetSiteKeys.id })
        .from(schema.widgetSiteKeys)
        .where(
          and(
            isNull(schema.widgetSiteKeys.revokedAt),
            sql`(${origin} = any(${schema.widgetSiteKeys.allowedOrigins}) or '*' = any(${schema.widgetSiteKeys.allowedOrigins}))`,
          ),
        )
        .limit(1);
      const allowed = rows.length > 0;
      if (originCache.size > 10_000) originCache.clear();
      originCache.set(origin, { allowed, expires: now() + cacheMs });
      return allowed;
    },
  };
}

export type SiteKeyService = ReturnType<typeof createSiteKeyService>;

/** Exact origin match; `*` in the list allows any origin (only when an admin put it there). */
export function originAllowed(key: Pick<WidgetSiteKeyRow, 'allowedOrigins'>, origin: string): boolean {
  return key.allowedOrigins.includes(origin) || key.allowedOrigins.includes('*');
}
