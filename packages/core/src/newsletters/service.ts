import {
  type Db,
  deleteDraftNewsletterIssue,
  findOrganisationById,
  getNewsletterIssue,
  insertAudit,
  insertNewsletterIssue,
  lastSentPeriodEnd,
  type NewsletterIssueRow,
  type Organisation,
  publishedSnapshotsBetween,
  queryRows,
  type Sealer,
  type schema,
  updateNewsletterIssueState,
} from '@closeloop/db';
import { ConflictError, NotFoundError } from '@closeloop/domain';
import type { Logger } from '@closeloop/logger';
import {
  formatPeriod,
  type Lang,
  type OrgBranding,
  type RenderedEmail,
  renderNewsletter,
  t,
} from '@closeloop/publishing';
import type { JobQueue } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import { actorUuid } from '../actions/service.ts';
import { brandingOf } from '../loop/contributors.ts';
import { entryOfSnapshot, type PublishedEntry } from '../publications/entries.ts';
import { type PublicationActor, requireOrderedPeriod, requirePublishPermission } from '../publications/service.ts';
import { unsubscribeUrl } from './links.ts';

export type NewsletterSchedule = schema.NewsletterSchedule;

export interface CreateNewsletterInput {
  title: string;
  titleCy?: string | undefined;
  intro?: string | undefined;
  introCy?: string | undefined;
  periodStart?: string | undefined;
  periodEnd?: string | undefined;
}

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

/** The same day a month earlier (the month's last day when it has no such day). */
function monthBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
  return isoDay(new Date(Date.UTC(y, m - 2, Math.min(d, lastDay))));
}

/**
 * The default period of an issue ending on `periodEnd`: from the day after the last sent issue's period,
 * or a month back when none was sent. `periodStart` may come after `periodEnd`: nothing new since.
 */
export async function defaultNewsletterPeriod(db: Db, orgId: string, periodEnd: string) {
  const last = await lastSentPeriodEnd(db, orgId);
  return { periodStart: last ? addDays(last, 1) : monthBefore(periodEnd), periodEnd };
}

/** What an issue carries: the organisation and its entries published in the issue's period (from their snapshots). */
export interface NewsletterContent {
  org: Organisation;
  branding: OrgBranding;
  entries: PublishedEntry[];
}

export async function newsletterContent(db: Db, orgId: string, issue: NewsletterIssueRow): Promise<NewsletterContent> {
  const org = await findOrganisationById(db, orgId);
  if (!org) throw new NotFoundError('organisation', orgId);
  const snapshots =
    issue.periodStart && issue.periodEnd
      ? await publishedSnapshotsBetween(db, orgId, issue.periodStart, issue.periodEnd)
      : [];
  return { org, branding: brandingOf(org), entries: snapshots.map(entryOfSnapshot) };
}

/** A subscriber's share of the entries: those of their topics (a topic covers its sub-themes); no topics, all. */
export function entriesForTopics(entries: readonly PublishedEntry[], topics: readonly string[]): PublishedEntry[] {
  if (topics.length === 0) return [...entries];
  return entries.filter(
    (e) => e.themeKey !== null && topics.some((topic) => e.themeKey === topic || e.themeKey!.startsWith(`${topic}.`)),
  );
}

/** The issue in one language: its Welsh title and intro where written, else the English title and the standard intro. */
export function renderNewsletterIssue(input: {
  issue: Pick<NewsletterIssueRow, 'title' | 'titleCy' | 'intro' | 'introCy'>;
  branding: OrgBranding;
  entries: PublishedEntry[];
  lang: Lang;
  baseUrl: string;
  unsubscribeUrl: string;
}): Promise<RenderedEmail> {
  const { issue, lang } = input;
  const intro = (lang === 'cy' ? issue.introCy : issue.intro) ?? undefined;
  return renderNewsletter({
    org: input.branding,
    entries: input.entries,
    lang,
    baseUrl: input.baseUrl,
    unsubscribeUrl: input.unsubscribeUrl,
    issueTitle: lang === 'cy' && issue.titleCy ? issue.titleCy : issue.title,
    ...(intro ? { intro } : {}),
  });
}

export interface NewsletterPreview {
  entries: PublishedEntry[];
  rendered: Record<Lang, RenderedEmail>;
}

/** The issue as it would go out now, in English and Welsh, with every entry (subscribers see their topics' share). */
export async function previewNewsletter(
  db: Db,
  orgId: string,
  issue: NewsletterIssueRow,
  opts: { baseUrl: string; sealer: Sealer },
): Promise<NewsletterPreview> {
  const { org, branding, entries } = await newsletterContent(db, orgId, issue);
  // A link of the right shape that unsubscribes nobody: previews are not sent to a subscriber.
  const unsubscribe = unsubscribeUrl(opts.baseUrl, org.slug, opts.sealer, 'preview');
  const render = (lang: Lang) =>
    renderNewsletterIssue({ issue, branding, entries, lang, baseUrl: opts.baseUrl, unsubscribeUrl: unsubscribe });
  const [en, cy] = await Promise.all([render('en'), render('cy')]);
  return { entries, rendered: { en, cy } };
}

/** The job id of one request to send: a failed issue sent again gets a new job, a repeat of the same request does not. */
export function newsletterJobId(issue: Pick<NewsletterIssueRow, 'id' | 'sendRequestedAt'>): string {
  return `newsletter-${issue.id}-${issue.sendRequestedAt?.getTime() ?? 0}`;
}

/**
 * Queues the send of an issue marked sending. Never throws: when the queue is down the issue stays
 * `sending` and the worker's sweeper queues it again (the same job id, so never twice).
 */
export async function enqueueNewsletterSend(
  deps: { queue: Pick<JobQueue, 'enqueue'>; logger: Pick<Logger, 'warn'> },
  issue: Pick<NewsletterIssueRow, 'id' | 'orgId' | 'sendRequestedAt'>,
): Promise<void> {
  await deps.queue
    .enqueue('newsletter', { orgId: issue.orgId, issueId: issue.id }, { jobId: newsletterJobId(issue) })
    .catch((err: unknown) => deps.logger.warn({ err, issueId: issue.id }, 'newsletter enqueue failed'));
}

/** Staff-written issues: draft → sending (the worker's `newsletter` job) → sent | failed; a failed one may be sent again. */
export function createNewsletterService(deps: { clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  async function audit(db: Db, orgId: string, actor: PublicationActor, action: string, id: string, data = {}) {
    await insertAudit(db, {
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action: `newsletter.${action}`,
      entityType: 'newsletter_issue',
      entityId: id,
      data,
    });
  }

  async function requireIssue(db: Db, orgId: string, id: string): Promise<NewsletterIssueRow> {
    const issue = await getNewsletterIssue(db, orgId, id);
    if (!issue) throw new NotFoundError('newsletter', id);
    return issue;
  }

  async function insertDraft(
    db: Db,
    orgId: string,
    row: Omit<typeof schema.newsletterIssues.$inferInsert, 'orgId' | 'state'>,
    actor: PublicationActor,
  ): Promise<NewsletterIssueRow | null> {
    const issue = await insertNewsletterIssue(db, { ...row, orgId, state: 'draft', authorId: actorUuid(actor) });
    if (issue) {
      await audit(db, orgId, actor, 'created', issue.id, {
        periodStart: issue.periodStart,
        periodEnd: issue.periodEnd,
        scheduledFor: issue.scheduledFor,
      });
    }
    return issue;
  }

  const service = {
    async create(db: Db, orgId: string, input: CreateNewsletterInput, actor: PublicationActor) {
      const periodEnd = input.periodEnd ?? isoDay(now());
      const fallback = await defaultNewsletterPeriod(db, orgId, periodEnd);
      // Nothing sent since periodEnd: the default is the last day alone rather than a period ending before it starts.
      const periodStart = input.periodStart ?? [fallback.periodStart, periodEnd].sort()[0]!;
      requireOrderedPeriod(periodStart, periodEnd);
      const issue = await insertDraft(
        db,
        orgId,
        {
          title: input.title,
          titleCy: input.titleCy ?? null,
          intro: input.intro ?? null,
          introCy: input.introCy ?? null,
          periodStart,
          periodEnd,
        },
        actor,
      );
      if (!issue) throw new Error('newsletter issue was not inserted');
      return issue;
    },

    /** Asks the worker to send (needs the publish permission): the caller enqueues `newsletterJobId(issue)`. */
    async requestSend(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<NewsletterIssueRow> {
      await requirePublishPermission(db, orgId, actor, 'Sending a newsletter');
      const current = await requireIssue(db, orgId, id);
      if (current.state === 'sent') throw new ConflictError('newsletter_already_sent', 'This issue was already sent');
      const updated = await updateNewsletterIssueState(db, orgId, id, ['draft', 'failed'], {
        state: 'sending',
        sendRequestedAt: now(),
        error: null,
      });
      if (!updated) throw new ConflictError('newsletter_sending', 'This issue is being sent');
      await audit(db, orgId, actor, 'send_requested', id, { from: current.state });
      return updated;
    },

    async remove(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<void> {
      const current = await requireIssue(db, orgId, id);
      if (!(await deleteDraftNewsletterIssue(db, orgId, id))) {
        throw new ConflictError('newsletter_not_draft', `Only a draft can be deleted; this issue is ${current.state}`);
      }
      await audit(db, orgId, actor, 'deleted', id, { title: current.title });
    },

    async schedule(db: Db, orgId: string): Promise<NewsletterSchedule> {
      const org = await findOrganisationById(db, orgId);
      if (!org) throw new NotFoundError('organisation', orgId);
      return org.settings.newsletter ?? { frequency: 'off', dayOfMonth: 1 };
    },

    async setSchedule(db: Db, orgId: string, schedule: NewsletterSchedule, actor: PublicationActor) {
      await requirePublishPermission(db, orgId, actor, 'Scheduling newsletters');
      await queryRows(
        db,
        sql`update organisations set settings = jsonb_set(settings, '{newsletter}', ${JSON.stringify(schedule)}::jsonb),
              updated_at = now() where id = ${orgId}`,
      );
      await audit(db, orgId, actor, 'schedule_changed', orgId, { ...schedule });
      return schedule;
    },

    /**
     * The organisation's scheduled issue for the month of `at`, created and marked sending when it is due:
     * the schedule is monthly, the day of the month has come, no scheduled issue went out this month, and
     * at least one entry was published since the last issue (up to yesterday, whole days). Null otherwise.
     */
    async createScheduled(db: Db, orgId: string, at: Date): Promise<NewsletterIssueRow | null> {
      const schedule = await service.schedule(db, orgId);
      if (schedule.frequency !== 'monthly' || at.getUTCDate() < schedule.dayOfMonth) return null;
      const month = `${isoDay(at).slice(0, 8)}01`;
      const [made] = await queryRows<{ id: string }>(
        db,
        sql`select id from newsletter_issues where org_id = ${orgId} and scheduled_for = ${month}::date`,
      );
      if (made) return null;
      const { periodStart, periodEnd } = await defaultNewsletterPeriod(db, orgId, addDays(isoDay(at), -1));
      if (periodStart > periodEnd) return null;
      if ((await publishedSnapshotsBetween(db, orgId, periodStart, periodEnd)).length === 0) return null;
      const start = new Date(`${periodStart}T00:00:00Z`);
      const end = new Date(`${periodEnd}T00:00:00Z`);
      const system: PublicationActor = { type: 'system', id: null, canPublish: true };
      const issue = await insertDraft(
        db,
        orgId,
        {
          title: t('en', 'newsletterTitle', { period: formatPeriod('en', start, end) }),
          titleCy: t('cy', 'newsletterTitle', { period: formatPeriod('cy', start, end) }),
          periodStart,
          periodEnd,
          scheduledFor: month,
        },
        system,
      );
      return issue ? service.requestSend(db, orgId, issue.id, system) : null;
    },
  };
  return service;
}

export type NewsletterService = ReturnType<typeof createNewsletterService>;
