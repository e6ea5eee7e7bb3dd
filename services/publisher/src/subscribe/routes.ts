import { findOrganisationBySlug, type Organisation } from '@closeloop/db';
import { contactInputSchema } from '@closeloop/domain';
import { createRateLimiter, sendProblem, toProblem } from '@closeloop/http';
import {
  type Lang,
  renderDoubleOptInEmail,
  renderNotFoundPage,
  renderSubscribePage,
  type SubscribePageInput,
} from '@closeloop/publishing';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { brandingOf, loadBoard } from '../board-data.ts';
import type { PublisherDeps, PublisherMailer } from '../deps.ts';
import { createCsrf, field, fields, pickLang, sendPage } from '../forms/web.ts';
import { confirmUrl, createSubscriptionService } from './service.ts';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const BODY_LIMIT = 64 * 1024;
const emailSchema = contactInputSchema.shape.email.unwrap();

function tokenOf(request: FastifyRequest): string {
  const token = (request.query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.length <= 200 ? token : '';
}

/** True for a person's browser; mail providers doing RFC 8058 one-click do not ask for HTML. */
function wantsHtml(request: FastifyRequest): boolean {
  return /text\/html/i.test(String(request.headers.accept ?? ''));
}

/**
 * Subscribe and unsubscribe: `GET/POST /{org}/subscribe` (double opt-in; the same answer whether or
 * not the address is known), `GET /{org}/subscribe/confirm?token=`, `GET /{org}/unsubscribe?token=`
 * (a page with one button) and `POST /{org}/unsubscribe?token=` (RFC 8058 one-click: a POST with
 * `List-Unsubscribe=One-Click` unsubscribes at once, no cookie or CSRF token needed).
 */
export async function registerSubscribe(
  app: FastifyInstance,
  deps: PublisherDeps & { sealer: NonNullable<PublisherDeps['sealer']>; mailer: PublisherMailer },
  opts: { perIpPer10Minutes?: number; mailsPerAddressPerHour?: number } = {},
): Promise<void> {
  const baseUrl = deps.publicUrl;
  const now = deps.clock ?? (() => new Date());
  const subscriptions = createSubscriptionService({ db: deps.database.db, sealer: deps.sealer, now });
  const csrf = createCsrf(deps.sealer, { secure: baseUrl.startsWith('https:') });
  const counter = deps.rateCounter;
  const perIp = createRateLimiter({
    name: 'subscribe-ip',
    limit: opts.perIpPer10Minutes ?? 10,
    windowMs: 600_000,
    counter,
  });
  const perAddress = createRateLimiter({
    name: 'subscribe-mail',
    limit: opts.mailsPerAddressPerHour ?? 3,
    windowMs: 3_600_000,
    counter,
  });

  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody, { bodyLimit: BODY_LIMIT });
    // RFC 8058 allows multipart/form-data too; the body's content does not change what happens.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      done(null, { raw: String(body) });
    });

    async function orgOr404(request: FastifyRequest, reply: FastifyReply): Promise<Organisation | null> {
      const slug = (request.params as { org?: string }).org ?? '';
      const org = SLUG.test(slug) ? await findOrganisationBySlug(deps.database.db, slug) : null;
      if (!org) await sendPage(reply, renderNotFoundPage({ org: null, lang: 'en', baseUrl }), 404);
      return org;
    }

    function page(
      request: FastifyRequest,
      reply: FastifyReply,
      org: Organisation,
      lang: Lang,
      input: Partial<SubscribePageInput>,
      status = 200,
    ) {
      return sendPage(
        reply,
        renderSubscribePage({
          org: brandingOf(org),
          lang,
          baseUrl,
          state: 'form',
          csrfToken: csrf.issue(request, reply, `subscribe:${org.id}`),
          ...input,
        }),
        status,
      );
    }

    async function topicsOf(org: Organisation, lang: Lang) {
      const board = await loadBoard(deps.database.db, org.slug);
      const topics = new Map<string, string>();
      for (const e of board?.entries ?? []) {
        if (e.themeKey) topics.set(e.themeKey, lang === 'cy' && e.themeNameCy ? e.themeNameCy : e.themeName);
      }
      return [...topics].map(([key, name]) => ({ key, name }));
    }

    scope.setErrorHandler(async (error, request, reply) => {
      const { problem } = toProblem(error);
      if (problem.status >= 500) return sendProblem(reply, request, error);
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      return page(request, reply, org, pickLang(request, org.languages), { state: 'error' }, problem.status);
    });

    scope.get('/:org/subscribe', { schema: { hide: true } }, async (request, reply) => {
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      const lang = pickLang(request, org.languages);
      return page(request, reply, org, lang, { topics: await topicsOf(org, lang) });
    });

    scope.post('/:org/subscribe', { schema: { hide: true } }, async (request, reply) => {
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      const lang = pickLang(request, org.languages);
      const topics = await topicsOf(org, lang);
      const email = field(request.body, 'email').trim();
      const chosenLanguage = field(request.body, 'language');
      const language = (org.languages.includes(chosenLanguage) ? chosenLanguage : lang) as Lang;
      const known = new Set(topics.map((t) => t.key));
      const chosenTopics = [...new Set(fields(request.body, 'topics'))].filter((t) => known.has(t));
      const values = { email, language, topics: chosenTopics };
      if (!csrf.verify(request, `subscribe:${org.id}`, field(request.body, 'csrf'))) {
        return page(request, reply, org, lang, { topics, values, error: 'generic' }, 403);
      }
      const wait = await perIp.hit(`${org.id}|${request.ip}`);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return page(request, reply, org, lang, { topics, values, error: 'rate_limited' }, 429);
      }
      if (!emailSchema.safeParse(email).success) {
        return page(request, reply, org, lang, { topics, values, error: 'invalid_email' }, 422);
      }
      const { confirmToken } = await subscriptions.subscribe(org.id, values);
      // Known, new and throttled addresses all get the same page, sent as fast: nothing to enumerate.
      if (confirmToken && (await perAddress.hit(`${org.id}|${deps.sealer.lookupHash(email)}`)) === null) {
        const message = renderDoubleOptInEmail({
          org: brandingOf(org),
          lang: language,
          confirmUrl: confirmUrl(baseUrl, org.slug, confirmToken, language),
        });
        deps.mailer
          .send({
            to: email,
            subject: message.subject,
            html: message.html,
            text: message.text,
            headers: message.headers,
          })
          .catch((err: unknown) => request.log.error({ err, orgId: org.id }, 'confirmation email failed'));
      }
      return page(request, reply, org, lang, { state: 'check_email' });
    });

    scope.get('/:org/subscribe/confirm', { schema: { hide: true } }, async (request, reply) => {
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      const lang = pickLang(request, org.languages);
      const confirmed = await subscriptions.confirm(org.id, tokenOf(request));
      if (!confirmed) return page(request, reply, org, lang, { state: 'error', error: 'expired_link' }, 400);
      return page(request, reply, org, lang, { state: 'confirmed' });
    });

    scope.get('/:org/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      const lang = pickLang(request, org.languages);
      const token = tokenOf(request);
      const subscriber = token ? await subscriptions.findByUnsubscribeToken(org.id, token) : null;
      if (!subscriber) return page(request, reply, org, lang, { state: 'error', error: 'expired_link' }, 400);
      if (subscriber.state === 'unsubscribed') return page(request, reply, org, lang, { state: 'unsubscribed' });
      const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${org.slug}/unsubscribe`);
      url.searchParams.set('token', token);
      if (lang !== 'en') url.searchParams.set('lang', lang);
      return page(request, reply, org, lang, { state: 'confirm_unsubscribe', unsubscribeUrl: url.toString() });
    });

    scope.post('/:org/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
      const org = await orgOr404(request, reply);
      if (!org) return reply;
      const lang = pickLang(request, org.languages);
      const done = await subscriptions.unsubscribe(org.id, tokenOf(request));
      if (!wantsHtml(request)) {
        return reply
          .status(done ? 200 : 404)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(done ? 'unsubscribed\n' : 'unknown unsubscribe link\n');
      }
      if (!done) return page(request, reply, org, lang, { state: 'error', error: 'expired_link' }, 400);
      return page(request, reply, org, lang, { state: 'unsubscribed' });
    });
  });
}
