import { unsubscribeToken } from '@closeloop/core';
import { type Db, randomToken, type Sealer, schema, sha256, uuidv7 } from '@closeloop/db';
import { and, eq } from 'drizzle-orm';

export { unsubscribeToken, unsubscribeUrl } from '@closeloop/core';

export type SubscriberRow = typeof schema.subscribers.$inferSelect;

/** How long a double opt-in link works. */
export const CONFIRM_TTL_MS = 7 * 86_400_000;

export function confirmUrl(publicUrl: string, orgSlug: string, token: string, lang: string): string {
  const base = `${publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(orgSlug)}/subscribe/confirm`;
  return `${base}?token=${encodeURIComponent(token)}${lang === 'en' ? '' : `&lang=${lang}`}`;
}

/** Double opt-in subscriptions; emails are sealed, looked up by keyed hash, never stored in clear. */
export function createSubscriptionService(deps: { db: Db; sealer: Sealer; now?: () => Date }) {
  const { db, sealer } = deps;
  const now = deps.now ?? (() => new Date());
  const t = schema.subscribers;

  function newConfirmToken(): string {
    return `${now().getTime()}.${randomToken(24)}`;
  }

  return {
    /**
     * Records a wish to subscribe. Returns the confirmation token to email, or null when the address
     * is already confirmed (nothing changes: preferences of a confirmed address are not rewritten by
     * an unconfirmed request). The caller answers the same either way.
     */
    async subscribe(
      orgId: string,
      input: { email: string; language: string; topics: string[] },
    ): Promise<{ subscriberId: string; confirmToken: string | null }> {
      const emailHash = sealer.lookupHash(input.email);
      const confirmToken = newConfirmToken();
      const id = uuidv7(now().getTime());
      const inserted = await db
        .insert(t)
        .values({
          id,
          orgId,
          sealedEmail: sealer.seal(input.email.trim()),
          emailHash,
          language: input.language,
          topics: input.topics,
          state: 'pending',
          confirmTokenHash: sha256(confirmToken),
          unsubscribeTokenHash: sha256(unsubscribeToken(sealer, id)),
          createdAt: now(),
        })
        .onConflictDoNothing({ target: [t.orgId, t.emailHash] })
        .returning({ id: t.id });
      if (inserted[0]) return { subscriberId: inserted[0].id, confirmToken };
      const existing = (
        await db
          .select()
          .from(t)
          .where(and(eq(t.orgId, orgId), eq(t.emailHash, emailHash)))
          .limit(1)
      )[0];
      if (!existing) throw new Error('subscriber vanished between insert and select');
      if (existing.state === 'confirmed') return { subscriberId: existing.id, confirmToken: null };
      await db
        .update(t)
        .set({
          sealedEmail: sealer.seal(input.email.trim()),
          language: input.language,
          topics: input.topics,
          state: 'pending',
          confirmTokenHash: sha256(confirmToken),
          unsubscribedAt: null,
        })
        .where(eq(t.id, existing.id));
      return { subscriberId: existing.id, confirmToken };
    },

    /** Confirms the pending subscription the token belongs to; false for unknown, used or expired tokens. */
    async confirm(orgId: string, token: string): Promise<SubscriberRow | null> {
      const issued = Number(token.split('.')[0]);
      if (!Number.isFinite(issued) || now().getTime() - issued > CONFIRM_TTL_MS) return null;
      const rows = await db
        .update(t)
        .set({ state: 'confirmed', confirmedAt: now(), confirmTokenHash: null })
        .where(and(eq(t.orgId, orgId), eq(t.confirmTokenHash, sha256(token)), eq(t.state, 'pending')))
        .returning();
      return rows[0] ?? null;
    },

    async findByUnsubscribeToken(orgId: string, token: string): Promise<SubscriberRow | null> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.orgId, orgId), eq(t.unsubscribeTokenHash, sha256(token))))
        .limit(1);
      return rows[0] ?? null;
    },

    /** Unsubscribes (idempotent: an already unsubscribed token answers true again); false for unknown tokens. */
    async unsubscribe(orgId: string, token: string): Promise<boolean> {
      const row = await this.findByUnsubscribeToken(orgId, token);
      if (!row) return false;
      if (row.state !== 'unsubscribed') {
        await db
          .update(t)
          .set({ state: 'unsubscribed', unsubscribedAt: now(), confirmTokenHash: null })
          .where(eq(t.id, row.id));
      }
      return true;
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
