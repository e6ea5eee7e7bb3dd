import { findOrganisationBySlug, listCustomerGroups, listServicePoints, type Organisation } from '@closeloop/db';
import { contactInputSchema } from '@closeloop/domain';
import { createRateLimiter, sendProblem, toProblem } from '@closeloop/http';
import {
  type FeedbackField,
  type FeedbackFormInput,
  type FeedbackFormValues,
  HONEYPOT_FIELD,
  type Lang,
  publicUrls,
  renderFeedbackFormPage,
  renderNotFoundPage,
} from '@closeloop/publishing';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { brandingOf } from '../board-data.ts';
import type { PublisherDeps, PublisherFeedbackSink } from '../deps.ts';
import { createCsrf, field, pickLang, sendPage } from './web.ts';

/** Longest comment the hosted form takes (the renderer's textarea limit and its "too long" message). */
export const HOSTED_FORM_MAX_TEXT = 5000;
const FORM_BODY_LIMIT = 64 * 1024;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const emailSchema = contactInputSchema.shape.email.unwrap();
const phoneSchema = contactInputSchema.shape.phone.unwrap();

interface FormContext {
  org: Organisation;
  lang: Lang;
  servicePoints: { id: string; key: string; name: string }[];
  customerGroups: { id: string; key: string; name: string }[];
}

interface Parsed {
  values: FeedbackFormValues;
  errors: Partial<Record<FeedbackField, string>>;
}

/** Reads the posted form into values to re-render and field errors (codes the renderer words in en/cy). */
export function parseFeedbackForm(body: unknown): Parsed {
  const text = field(body, 'text').replace(/\r\n/g, '\n').trim();
  const values: FeedbackFormValues = {
    text,
    rating: field(body, 'rating'),
    servicePoint: field(body, 'service_point'),
    customerGroup: field(body, 'customer_group'),
    name: field(body, 'name').trim().slice(0, 200),
    email: field(body, 'email').trim(),
    phone: field(body, 'phone').trim(),
    consentContact: field(body, 'consent_contact') !== '',
    consentOutcome: field(body, 'consent_outcome') !== '',
  };
  const errors: Partial<Record<FeedbackField, string>> = {};
  if (!text) errors.text = 'text_required';
  else if (text.length > HOSTED_FORM_MAX_TEXT) errors.text = 'text_too_long';
  if (values.rating !== '' && !/^[1-5]$/.test(String(values.rating))) errors.rating = 'invalid_rating';
  if (values.email && !emailSchema.safeParse(values.email).success) errors.email = 'invalid_email';
  if (values.phone && !phoneSchema.safeParse(values.phone).success) errors.phone = 'invalid_phone';
  if ((values.consentContact || values.consentOutcome) && !values.email && !values.phone && !errors.email) {
    errors.email = 'contact_needed';
  }
  return { values, errors };
}

/**
 * The hosted feedback form `GET/POST /{org}/feedback`: plain HTML, works with no JavaScript, CSRF
 * token + SameSite cookie, honeypot, per-IP rate limit. Feedback is stored with channel `widget`
 * (details.pageUrl = the form's URL), so it is analysed and reported with the widget's.
 */
export async function registerFeedbackForm(
  app: FastifyInstance,
  deps: PublisherDeps & { sealer: NonNullable<PublisherDeps['sealer']>; feedback: PublisherFeedbackSink },
  opts: { perIpPer10Minutes?: number } = {},
): Promise<void> {
  const baseUrl = deps.publicUrl;
  const csrf = createCsrf(deps.sealer, { secure: baseUrl.startsWith('https:') });
  const limiter = createRateLimiter({
    name: 'form-ip',
    limit: opts.perIpPer10Minutes ?? 20,
    windowMs: 600_000,
    counter: deps.rateCounter,
  });

  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody, { bodyLimit: FORM_BODY_LIMIT });

    async function context(request: FastifyRequest, reply: FastifyReply): Promise<FormContext | null> {
      const slug = (request.params as { org: string }).org;
      const org = SLUG.test(slug) ? await findOrganisationBySlug(deps.database.db, slug) : null;
      if (!org) {
        await sendPage(reply, renderNotFoundPage({ org: null, lang: 'en', baseUrl }), 404);
        return null;
      }
      const lang = pickLang(request, org.languages);
      const named = (r: { id: string; key: string; name: string; nameCy: string | null }) => ({
        id: r.id,
        key: r.key,
        name: lang === 'cy' && r.nameCy ? r.nameCy : r.name,
      });
      const [points, groups] = await Promise.all([
        listServicePoints(deps.database.db, org.id),
        listCustomerGroups(deps.database.db, org.id),
      ]);
      return { org, lang, servicePoints: points.map(named), customerGroups: groups.map(named) };
    }

    function render(
      request: FastifyRequest,
      reply: FastifyReply,
      ctx: FormContext,
      extra: Partial<FeedbackFormInput>,
      status = 200,
    ) {
      const input: FeedbackFormInput = {
        org: brandingOf(ctx.org),
        lang: ctx.lang,
        baseUrl,
        siteKey: '',
        servicePoints: ctx.servicePoints.map(({ key, name }) => ({ key, name })),
        customerGroups: ctx.customerGroups.map(({ key, name }) => ({ key, name })),
        state: 'form',
        maxLength: HOSTED_FORM_MAX_TEXT,
        csrfToken: csrf.issue(request, reply, `feedback:${ctx.org.id}`),
        ...extra,
      };
      return sendPage(reply, renderFeedbackFormPage(input), status);
    }

    // Bodies the form parser refuses (too big, wrong type, malformed) re-render the form, never a 5xx.
    scope.setErrorHandler(async (error, request, reply) => {
      const { problem } = toProblem(error);
      if (problem.status >= 500) return sendProblem(reply, request, error);
      const ctx = await context(request, reply);
      if (!ctx) return reply;
      const tooLarge = problem.status === 413;
      request.log.info({ code: problem.code }, 'hosted feedback form: request refused');
      const status = problem.status;
      return render(
        request,
        reply,
        ctx,
        tooLarge ? { fieldErrors: { text: 'text_too_long' } } : { state: 'error', error: 'generic' },
        status,
      );
    });

    const params = z.object({ org: z.string().max(100) });

    scope.get('/:org/feedback', { schema: { hide: true } }, async (request, reply) => {
      params.parse(request.params);
      const ctx = await context(request, reply);
      if (!ctx) return reply;
      return render(request, reply, ctx, {});
    });

    scope.post('/:org/feedback', { schema: { hide: true } }, async (request, reply) => {
      params.parse(request.params);
      const ctx = await context(request, reply);
      if (!ctx) return reply;
      const { values, errors } = parseFeedbackForm(request.body);
      if (!csrf.verify(request, `feedback:${ctx.org.id}`, field(request.body, 'csrf'))) {
        return render(request, reply, ctx, { state: 'error', error: 'generic', values }, 403);
      }
      const wait = await limiter.hit(`${ctx.org.id}|${request.ip}`);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return render(request, reply, ctx, { state: 'error', error: 'rate_limited', values }, 429);
      }
      if (field(request.body, HONEYPOT_FIELD)) {
        request.log.info({ orgId: ctx.org.id }, 'hosted feedback form honeypot filled; dropped');
        return render(request, reply, ctx, { state: 'thanks' });
      }
      if (Object.keys(errors).length > 0) {
        return render(request, reply, ctx, { fieldErrors: errors, values }, 422);
      }
      const point = ctx.servicePoints.find((p) => p.key === values.servicePoint);
      const group = ctx.customerGroups.find((g) => g.key === values.customerGroup);
      const hasContact = Boolean(values.email || values.phone || values.name);
      await deps.feedback.submit(ctx.org.id, {
        channel: 'widget',
        text: values.text ?? '',
        rating: values.rating ? Number(values.rating) : null,
        language: ctx.lang,
        ...(point ? { servicePointId: point.id } : {}),
        ...(group ? { customerGroupId: group.id } : {}),
        details: { kind: 'widget', pageUrl: publicUrls(baseUrl, ctx.org.slug).feedback },
        ...(hasContact
          ? {
              contact: {
                ...(values.name ? { name: values.name } : {}),
                ...(values.email ? { email: values.email } : {}),
                ...(values.phone ? { phone: values.phone } : {}),
                language: ctx.lang,
                consentContact: Boolean(values.consentContact),
                consentOutcome: Boolean(values.consentOutcome),
              },
            }
          : {}),
      });
      return render(request, reply, ctx, { state: 'thanks' });
    });
  });
}
