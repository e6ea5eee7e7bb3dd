import {
  type Contributor,
  contributorsToTell,
  entryUrl,
  loadOutcomeContext,
  mediumOf,
  notificationAction,
  type OutcomeContext,
  optOutUrl,
  unsealContact,
} from '@closeloop/core';
import { type Db, queryRows } from '@closeloop/db';
import { renderContributorNotification } from '@closeloop/publishing';
import type { JobPayload } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';

/** The part of the mailer (packages/core/src/mail/mailer.ts) this processor uses. */
export interface MailSender {
  send(message: {
    to: string;
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export interface NotifyDeps extends Pick<WorkerDeps, 'database' | 'logger' | 'sealer'> {
  mailer: MailSender;
  publicUrl: string;
}

export interface NotifyResult {
  emailed: number;
  failed: number;
  /** Letters and calls recorded for staff (letters.pdf, call-list.csv). */
  forStaff: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Tells every consenting contributor of a finished, published action what happened: one message per
 * contributor per action. The row is inserted before the email is sent (unique action+contact), then
 * claimed `pending → sending` in one statement, so a second run or a concurrent duplicate sends nothing.
 */
export async function notifyContributors(deps: NotifyDeps, orgId: string, actionId: string): Promise<NotifyResult> {
  const { db } = deps.database;
  const result: NotifyResult = { emailed: 0, failed: 0, forStaff: 0 };
  const ctx = await loadOutcomeContext(db, orgId, actionId);
  if (!ctx) return result;
  const contributors = await contributorsToTell(db, orgId, actionId);
  const byContact = new Map(contributors.map((c) => [c.contactId, c]));
  for (const c of contributors) {
    const medium = mediumOf(c);
    if (!medium) continue;
    const state = medium === 'email' ? 'pending' : 'ready';
    const inserted = await queryRows<{ id: string }>(
      db,
      sql`insert into notifications (org_id, action_id, contact_id, feedback_id, medium, language, state)
          values (${orgId}, ${actionId}, ${c.contactId}, ${c.feedbackId}, ${medium}, ${c.language}, ${state})
          on conflict (action_id, contact_id) do nothing returning id`,
    );
    if (inserted.length > 0 && medium !== 'email') result.forStaff++;
  }
  // Emails not yet sent (just inserted, or failed before): claim each, send, record the outcome.
  const due = await queryRows<{ id: string; contact_id: string }>(
    db,
    sql`select id, contact_id from notifications
        where org_id = ${orgId} and action_id = ${actionId} and medium = 'email'
          and state in ('pending', 'failed') and attempts < ${MAX_ATTEMPTS}`,
  );
  for (const n of due) {
    const contributor = byContact.get(n.contact_id);
    if (!contributor) {
      // Opted out or erased since the row was made: never send.
      await setState(db, n.id, 'cancelled', null);
      continue;
    }
    const claimed = await queryRows<{ id: string }>(
      db,
      sql`update notifications set state = 'sending', attempts = attempts + 1
          where id = ${n.id} and state in ('pending', 'failed') returning id`,
    );
    if (claimed.length === 0) continue;
    try {
      await sendEmail(deps, ctx, contributor, n.id);
      await setState(db, n.id, 'sent', null);
      result.emailed++;
    } catch (error) {
      result.failed++;
      await setState(db, n.id, 'failed', error instanceof Error ? error.message.slice(0, 500) : String(error));
      deps.logger.warn({ err: error, notificationId: n.id, actionId }, 'contributor email failed');
    }
  }
  return result;
}

async function setState(db: Db, id: string, state: string, error: string | null): Promise<void> {
  await queryRows(
    db,
    sql`update notifications set state = ${state}, error = ${error},
          sent_at = case when ${state} = 'sent' then now() else sent_at end
        where id = ${id}`,
  );
}

async function sendEmail(deps: NotifyDeps, ctx: OutcomeContext, c: Contributor, notificationId: string) {
  const contact = unsealContact(deps.sealer, c.sealed);
  if (!contact.email) throw new Error('the contact has no email address');
  const email = renderContributorNotification({
    org: ctx.branding,
    lang: c.language,
    contributorName: contact.name ?? null,
    youSaidExcerpt: c.youSaid,
    action: notificationAction(ctx.action, c.language),
    entryUrl: entryUrl(deps.publicUrl, ctx.org.slug, ctx.publicationId, c.language),
    unsubscribeUrl: optOutUrl(deps.publicUrl, ctx.org.slug, notificationId),
  });
  await deps.mailer.send({
    to: contact.email,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
  });
}

export function createNotifyProcessor(deps: NotifyDeps) {
  return async (payload: JobPayload<'notify'>): Promise<void> => {
    const result = await notifyContributors(deps, payload.orgId, payload.actionId);
    deps.logger.info({ ...payload, ...result }, 'contributors notified');
    // Failed emails stay `failed` with their error; the retry (with backoff) picks only those up.
    if (result.failed > 0) throw new Error(`${result.failed} contributor email(s) failed`);
  };
}
