import { enqueueNewsletterSend, type NewsletterService, previewNewsletter } from '@closeloop/core';
import { getNewsletterIssue, listNewsletterIssues, type NewsletterIssueRow } from '@closeloop/db';
import { NotFoundError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { idempotencyOf, runIdempotent } from '../idempotency.ts';
import { actorOf } from '../publications/routes.ts';

export const NEWSLETTER_STATES = ['draft', 'sending', 'sent', 'failed'] as const;

const issueOut = z.object({
  id: z.uuid(),
  state: z.enum(NEWSLETTER_STATES),
  title: z.string(),
  titleCy: z.string().nullable(),
  intro: z.string().nullable(),
  introCy: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  /** Set on issues the monthly schedule made: the month they were made for. */
  scheduledFor: z.string().nullable(),
  recipientCount: z.number().int(),
  error: z.string().nullable(),
  sendRequestedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});

const renderedOut = z.object({ subject: z.string(), html: z.string(), text: z.string() });

const issueDetailOut = issueOut.extend({
  preview: z.object({
    entries: z.array(
      z.object({
        id: z.uuid(),
        themeKey: z.string().nullable(),
        themeName: z.string(),
        themeNameCy: z.string().nullable(),
        publishedAt: z.string(),
      }),
    ),
    en: renderedOut,
    cy: renderedOut,
  }),
});

const title = z.string().trim().min(1).max(200);
const intro = z.string().trim().min(1).max(2_000);
const createSchema = z.strictObject({
  title,
  titleCy: title.optional(),
  intro: intro.optional(),
  introCy: intro.optional(),
  periodStart: z.iso.date().optional(),
  periodEnd: z.iso.date().optional(),
});

export const newsletterScheduleSchema = z.strictObject({
  frequency: z.enum(['off', 'monthly']),
  dayOfMonth: z.number().int().min(1).max(28),
});

function out(issue: NewsletterIssueRow) {
  return {
    id: issue.id,
    state: issue.state as (typeof NEWSLETTER_STATES)[number],
    title: issue.title,
    titleCy: issue.titleCy,
    intro: issue.intro,
    introCy: issue.introCy,
    periodStart: issue.periodStart,
    periodEnd: issue.periodEnd,
    scheduledFor: issue.scheduledFor,
    recipientCount: issue.recipientCount,
    error: issue.error,
    sendRequestedAt: issue.sendRequestedAt?.toISOString() ?? null,
    sentAt: issue.sentAt?.toISOString() ?? null,
    createdAt: issue.createdAt.toISOString(),
  };
}

/**
 * Newsletter issues: draft one for a period (default: since the last sent issue, else the last month), preview
 * it in English and Welsh, send it (the worker's `newsletter` job mails every confirmed subscriber their topics'
 * entries), delete a draft; and the monthly schedule. Sending and scheduling need the publish permission
 * (the `admin` scope for API keys), as publishing does.
 */
export function registerNewsletterRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
  newsletters: NewsletterService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const idParams = z.strictObject({ id: z.uuid() });
  const baseUrl = deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`;

  async function requireIssue(orgId: string, id: string): Promise<NewsletterIssueRow> {
    const issue = await getNewsletterIssue(database.db, orgId, id);
    if (!issue) throw new NotFoundError('newsletter', id);
    return issue;
  }

  r.post(
    '/v1/newsletters',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['newsletters'],
        summary: 'Draft a newsletter issue for a period (default: since the last sent issue, else the last month)',
        body: createSchema,
        response: { 201: issueOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await runIdempotent(database, idempotencyOf(request, principal, '/v1/newsletters'), async (tx) => {
        const issue = await newsletters.create(tx, principal.orgId, request.body, actorOf(principal));
        return { statusCode: 201, body: issue.id };
      });
      return reply.status(201).send(out(await requireIssue(principal.orgId, result.body)));
    },
  );

  r.get(
    '/v1/newsletters',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['newsletters'],
        summary: 'List newsletter issues, newest first',
        querystring: z.strictObject({ state: z.enum(NEWSLETTER_STATES).optional() }),
        response: { 200: z.object({ items: z.array(issueOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return { items: (await listNewsletterIssues(database.db, orgId, request.query.state)).map(out) };
    },
  );

  r.get(
    '/v1/newsletters/:id',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['newsletters'],
        summary: 'Get an issue with its preview: the published entries of its period, rendered in English and Welsh',
        params: idParams,
        response: { 200: issueDetailOut },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const issue = await requireIssue(orgId, request.params.id);
      const preview = await previewNewsletter(database.db, orgId, issue, { baseUrl, sealer: deps.sealer });
      const rendered = (lang: 'en' | 'cy') => {
        const { subject, html, text } = preview.rendered[lang];
        return { subject, html, text };
      };
      return {
        ...out(issue),
        preview: {
          entries: preview.entries.map((e) => ({
            id: e.id,
            themeKey: e.themeKey,
            themeName: e.themeName,
            themeNameCy: e.themeNameCy ?? null,
            publishedAt: e.publishedAt.toISOString(),
          })),
          en: rendered('en'),
          cy: rendered('cy'),
        },
      };
    },
  );

  r.post(
    '/v1/newsletters/:id/send',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['newsletters'],
        summary: 'Send an issue to every confirmed subscriber (needs the admin scope); a draft is sent once',
        description:
          'Answers 202 with the issue `sending`; the worker mails each confirmed subscriber the entries of their topics in their language, then marks the issue `sent` (with `recipientCount`) or `failed` (with `error`). A failed issue may be sent again: only subscribers who did not get it are mailed.',
        params: idParams,
        response: { 202: issueOut },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const issue = await database.db.transaction((tx) =>
        newsletters.requestSend(tx as never, principal.orgId, request.params.id, actorOf(principal)),
      );
      await enqueueNewsletterSend(deps, issue);
      return reply.status(202).send(out(issue));
    },
  );

  r.delete(
    '/v1/newsletters/:id',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['newsletters'],
        summary: 'Delete a draft issue',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await database.db.transaction((tx) =>
        newsletters.remove(tx as never, principal.orgId, request.params.id, actorOf(principal)),
      );
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/newsletter-schedule',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['newsletters'],
        summary: 'The monthly newsletter schedule (off unless set)',
        response: { 200: newsletterScheduleSchema },
      },
    },
    async (request) => newsletters.schedule(database.db, principalOf(request).orgId),
  );

  r.put(
    '/v1/newsletter-schedule',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['newsletters'],
        summary: 'Set the monthly schedule (needs the admin scope)',
        description:
          '`monthly`: on the first day of each month on or after `dayOfMonth` (checked daily) the worker makes and sends an issue of the entries published since the last issue, up to the day before, when there is at least one.',
        body: newsletterScheduleSchema,
        response: { 200: newsletterScheduleSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return database.db.transaction((tx) =>
        newsletters.setSchedule(tx as never, principal.orgId, request.body, actorOf(principal)),
      );
    },
  );
}
