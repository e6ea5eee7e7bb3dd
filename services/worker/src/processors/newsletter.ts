import {
  createNewsletterService,
  enqueueNewsletterSend,
  entriesForTopics,
  type NewsletterContent,
  newsletterContent,
  renderNewsletterIssue,
  unsubscribeToken,
  unsubscribeUrl,
} from '@closeloop/core';
import {
  claimNewsletterDelivery,
  confirmedSubscribers,
  type Db,
  deliveriesOf,
  getNewsletterIssue,
  insertAudit,
  insertNewsletterDeliveries,
  type NewsletterIssueRow,
  newsletterIssuesStillSending,
  queryRows,
  setNewsletterDeliveryState,
  updateNewsletterIssueState,
} from '@closeloop/db';
import type { Lang, RenderedEmail } from '@closeloop/publishing';
import { type JobContext, type JobPayload, jobs, NonRetryableError } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';
import { jobLogger } from '../ops/index.ts';
import type { MailSender } from './notify.ts';

export interface NewsletterDeps extends Pick<WorkerDeps, 'database' | 'logger' | 'sealer' | 'queue' | 'clock'> {
  mailer: MailSender;
  publicUrl: string;
}

export interface NewsletterSendResult {
  /** The issue's state after this run. */
  state: string;
  emailed: number;
  failed: number;
}

/** Tries per subscriber across runs; past this a delivery stays failed. */
const MAX_DELIVERY_ATTEMPTS = 5;
/** Stands in for a subscriber id while an email is rendered once for everyone who gets the same entries. */
const PLACEHOLDER = 'subscriber';

/**
 * Renders each distinct email (language × entries) once, with a placeholder unsubscribe token that is swapped
 * for each subscriber's own: MJML takes tens of milliseconds, the swap microseconds.
 */
function createRenderer(deps: NewsletterDeps, issue: NewsletterIssueRow, content: NewsletterContent) {
  const cache = new Map<string, Promise<RenderedEmail>>();
  const placeholder = encodeURIComponent(unsubscribeToken(deps.sealer, PLACEHOLDER));
  return async (lang: Lang, publicationIds: readonly string[], subscriberId: string): Promise<RenderedEmail | null> => {
    const wanted = new Set(publicationIds);
    // Entries unpublished since the delivery row was made are left out; none left, nothing to send.
    const entries = content.entries.filter((e) => wanted.has(e.id));
    if (entries.length === 0) return null;
    const key = `${lang}|${entries.map((e) => e.id).join(',')}`;
    let rendered = cache.get(key);
    if (!rendered) {
      rendered = renderNewsletterIssue({
        issue,
        branding: content.branding,
        entries,
        lang,
        baseUrl: deps.publicUrl,
        unsubscribeUrl: unsubscribeUrl(deps.publicUrl, content.org.slug, deps.sealer, PLACEHOLDER),
      });
      cache.set(key, rendered);
    }
    const email = await rendered;
    const own = encodeURIComponent(unsubscribeToken(deps.sealer, subscriberId));
    const swap = (text: string) => text.replaceAll(placeholder, own);
    return {
      subject: email.subject,
      html: swap(email.html),
      text: swap(email.text),
      headers: Object.fromEntries(Object.entries(email.headers).map(([k, v]) => [k, swap(v)])),
    };
  };
}

async function finish(db: Db, issue: NewsletterIssueRow, state: 'sent' | 'failed', error: string | null, at: Date) {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from newsletter_deliveries where issue_id = ${issue.id} and state = 'sent'`,
  );
  const n = row?.n ?? 0;
  const done = await updateNewsletterIssueState(db, issue.orgId, issue.id, ['sending'], {
    state,
    error,
    recipientCount: n,
    ...(state === 'sent' ? { sentAt: at } : {}),
  });
  if (!done) return;
  await insertAudit(db, {
    orgId: issue.orgId,
    actorType: 'system',
    actorId: null,
    action: `newsletter.${state}`,
    entityType: 'newsletter_issue',
    entityId: issue.id,
    data: { recipientCount: n, ...(error ? { error } : {}) },
  });
}

/**
 * Sends an issue marked `sending`: one delivery row per confirmed subscriber with at least one entry of their
 * topics (unique issue+subscriber, inserted before any email), each claimed `pending → sending` in one
 * statement before its email goes, so a retried or duplicated job never mails anyone twice. When every
 * delivery is done the issue is `sent` with its recipient count; failed deliveries are retried by the job's
 * retries, and after the last one the issue is `failed` with the error.
 */
export async function sendNewsletterIssue(
  deps: NewsletterDeps,
  orgId: string,
  issueId: string,
  opts: { finalAttempt: boolean } = { finalAttempt: true },
): Promise<NewsletterSendResult> {
  const { db } = deps.database;
  const now = deps.clock ?? (() => new Date());
  const issue = await getNewsletterIssue(db, orgId, issueId);
  if (!issue) throw new NonRetryableError(`newsletter issue ${issueId} of organisation ${orgId} does not exist`);
  const result: NewsletterSendResult = { state: issue.state, emailed: 0, failed: 0 };
  if (issue.state !== 'sending') return result;
  const content = await newsletterContent(db, orgId, issue);
  const subscribers = await confirmedSubscribers(db, orgId);
  await insertNewsletterDeliveries(
    db,
    subscribers.flatMap((s) => {
      const entries = entriesForTopics(content.entries, s.topics);
      if (entries.length === 0) return [];
      const language = s.language === 'cy' ? 'cy' : 'en';
      return [{ orgId, issueId, subscriberId: s.id, language, publicationIds: entries.map((e) => e.id) }];
    }),
  );
  const bySubscriber = new Map(subscribers.map((s) => [s.id, s]));
  const render = createRenderer(deps, issue, content);
  let lastError: string | null = null;
  for (const delivery of await deliveriesOf(db, orgId, issueId)) {
    if (delivery.state !== 'pending' && delivery.state !== 'failed') continue;
    if (delivery.attempts >= MAX_DELIVERY_ATTEMPTS) continue;
    const subscriber = bySubscriber.get(delivery.subscriberId);
    const email = subscriber
      ? await render(delivery.language as Lang, delivery.publicationIds, delivery.subscriberId)
      : null;
    if (!subscriber || !email) {
      // Unsubscribed, or every entry of theirs unpublished, since the row was made: never send.
      await setNewsletterDeliveryState(db, delivery.id, 'cancelled', null);
      continue;
    }
    if (!(await claimNewsletterDelivery(db, delivery.id))) continue;
    try {
      await deps.mailer.send({
        to: deps.sealer.unseal(subscriber.sealedEmail),
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers,
      });
      await setNewsletterDeliveryState(db, delivery.id, 'sent', null);
      result.emailed++;
    } catch (error) {
      result.failed++;
      lastError = error instanceof Error ? error.message.slice(0, 500) : String(error);
      await setNewsletterDeliveryState(db, delivery.id, 'failed', lastError);
      deps.logger.warn({ err: error, deliveryId: delivery.id, issueId }, 'newsletter email failed');
    }
  }
  if (result.failed === 0) {
    await finish(db, issue, 'sent', null, now());
    result.state = 'sent';
  } else if (opts.finalAttempt) {
    await finish(db, issue, 'failed', `${result.failed} email(s) could not be sent: ${lastError}`, now());
    result.state = 'failed';
  }
  return result;
}

/**
 * Issues still `sending` some time after they were asked to send are queued again (the same job id, so an
 * issue whose job is waiting or running is not queued twice): a send asked while Redis was down still goes.
 */
export async function requeueStuckNewsletters(deps: NewsletterDeps, graceSeconds: number): Promise<number> {
  const stuck = await newsletterIssuesStillSending(deps.database.db, graceSeconds);
  for (const row of stuck) {
    const issue = await getNewsletterIssue(deps.database.db, row.org_id, row.id);
    if (issue) await enqueueNewsletterSend(deps, issue);
  }
  return stuck.length;
}

/** Makes (and queues) each organisation's scheduled issue that is due; the ids of the issues made. */
export async function runNewsletterSchedule(deps: NewsletterDeps): Promise<string[]> {
  const { db } = deps.database;
  const service = createNewsletterService(deps.clock ? { clock: deps.clock } : {});
  const at = (deps.clock ?? (() => new Date()))();
  const orgs = await queryRows<{ id: string }>(
    db,
    sql`select id from organisations where settings -> 'newsletter' ->> 'frequency' = 'monthly' order by id`,
  );
  const made: string[] = [];
  for (const org of orgs) {
    const issue = await db.transaction((tx) => service.createScheduled(tx as unknown as Db, org.id, at));
    if (!issue) continue;
    made.push(issue.id);
    await enqueueNewsletterSend(deps, issue);
  }
  return made;
}

export function registerNewsletterProcessors(deps: NewsletterDeps) {
  deps.queue.process('newsletter', async (payload: JobPayload<'newsletter'>, ctx: JobContext) => {
    const log = jobLogger(deps, ctx, payload);
    const finalAttempt = ctx.attempt >= jobs.newsletter.policy.attempts;
    const result = await sendNewsletterIssue(deps, payload.orgId, payload.issueId, { finalAttempt });
    log.info(result, 'newsletter run');
    // Failed emails stay `failed` with their error; the retry (with backoff) picks only those up.
    if (result.failed > 0 && !finalAttempt) throw new Error(`${result.failed} newsletter email(s) failed`);
  });
  deps.queue.process('newsletter-schedule', async (_payload, ctx) => {
    const made = await runNewsletterSchedule(deps);
    if (made.length > 0) jobLogger(deps, ctx).info({ issues: made }, 'scheduled newsletters made');
  });
}
