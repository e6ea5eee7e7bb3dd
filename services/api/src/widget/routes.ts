import { uuidv7 } from '@closeloop/db';
import { ForbiddenError, RateLimitedError, ValidationError } from '@closeloop/domain';
import { createRateLimiter, type RateLimiter } from '@closeloop/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import {
  normaliseOrigin,
  siteKeyIdParams,
  siteKeyInputSchema,
  siteKeyListSchema,
  siteKeyOutSchema,
  widgetAcceptedSchema,
  widgetFeedbackSchema,
} from './schemas.ts';
import { type FeedbackSubmitter, originAllowed, type SiteKeyService, type WidgetSiteKeyRow } from './service.ts';

export interface WidgetLimits {
  /** Submissions per minute from one IP address through one site key (default 10). */
  perIpPerMinute?: number;
  /** Submissions per minute through one site key in all (default 1000). */
  perKeyPerMinute?: number;
}

const FEEDBACK_PATH = '/v1/widget/feedback';

function toSiteKeyOut(row: WidgetSiteKeyRow) {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    allowedOrigins: row.allowedOrigins,
    servicePointId: row.servicePointId,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

function requestOrigin(request: FastifyRequest): string | null {
  const raw = request.headers.origin;
  if (typeof raw !== 'string' || raw === 'null') return null;
  return normaliseOrigin(raw);
}

/**
 * The public widget endpoint (`POST /v1/widget/feedback`, CORS for allowed origins only) and the
 * admin endpoints that manage site keys (`/v1/widget-keys`).
 */
export function registerWidgetRoutes(
  app: FastifyInstance,
  deps: Pick<ApiDeps, 'logger' | 'rateCounter'>,
  auth: ApiKeyAuthenticator,
  services: { siteKeys: SiteKeyService; submitter: FeedbackSubmitter; limits?: WidgetLimits },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { siteKeys, submitter } = services;
  const counter = deps.rateCounter;
  const perIp: RateLimiter = createRateLimiter({
    name: 'widget-ip',
    limit: services.limits?.perIpPerMinute ?? 10,
    windowMs: 60_000,
    counter,
  });
  const perKey: RateLimiter = createRateLimiter({
    name: 'widget-key',
    limit: services.limits?.perKeyPerMinute ?? 1000,
    windowMs: 60_000,
    counter,
  });
  // Origins allowed to read this request's response (set before validation so errors are readable too).
  const corsOrigin = new WeakMap<FastifyRequest, string>();

  async function allowCors(request: FastifyRequest): Promise<void> {
    const origin = requestOrigin(request);
    if (origin && (await siteKeys.originAllowedAnywhere(origin))) corsOrigin.set(request, origin);
  }

  async function addCorsHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.header('vary', 'Origin');
    const origin = corsOrigin.get(request);
    if (origin) reply.header('access-control-allow-origin', origin);
  }

  r.options(
    FEEDBACK_PATH,
    { schema: { hide: true }, onRequest: allowCors, onSend: addCorsHeaders },
    async (request, reply) => {
      if (!corsOrigin.has(request)) {
        throw new ForbiddenError('origin_not_allowed', 'This origin may not send feedback through the widget');
      }
      const method = String(request.headers['access-control-request-method'] ?? 'POST').toUpperCase();
      const headers = String(request.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      if (method !== 'POST' || headers.some((h) => h !== 'content-type')) {
        throw new ForbiddenError('cors_request_not_allowed', 'Only POST with a content-type header is allowed');
      }
      return reply
        .status(204)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .send();
    },
  );

  r.post(
    FEEDBACK_PATH,
    {
      onRequest: allowCors,
      onSend: addCorsHeaders,
      schema: {
        tags: ['widget'],
        summary: 'Feedback from the browser widget (public, site key + origin)',
        description:
          'Called by `/widget.js` from a page whose origin is on the site key’s allowlist (the `Origin` header is required). No API key. Rate limited per IP and per site key (429 with Retry-After). A filled honeypot (`website`) is answered 202 and dropped.',
        security: [],
        body: widgetFeedbackSchema,
        response: { 202: widgetAcceptedSchema },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request);
      if (!origin) throw new ForbiddenError('origin_required', 'The widget endpoint needs an Origin header');
      const body = request.body;
      const key = await siteKeys.findActive(body.siteKey);
      if (!key) throw new ForbiddenError('site_key_invalid', 'The site key is unknown or has been revoked');
      if (!originAllowed(key, origin)) {
        throw new ForbiddenError('origin_not_allowed', 'This origin is not on the site key’s allowlist');
      }
      corsOrigin.set(request, origin);
      const wait = (await perIp.hit(`${key.id}|${request.ip}`)) ?? (await perKey.hit(key.id));
      if (wait !== null) throw new RateLimitedError(wait);
      if (body.website) {
        // Spam: look accepted so the bot learns nothing, store nothing.
        request.log.info({ siteKey: key.id }, 'widget honeypot filled; dropped');
        return reply.status(202).send({ id: uuidv7(), status: 'received' });
      }
      const wantsReply = Boolean(body.consentContact || body.consentOutcome);
      if (wantsReply && !body.contact?.email) {
        throw new ValidationError('An email address is needed to hear back', [
          { path: 'contact.email', message: 'contact_needed: give an email address to be contacted' },
        ]);
      }
      const hasContact = Boolean(body.contact?.email || body.contact?.name);
      const accepted = await submitter.submit(key.orgId, {
        channel: 'widget',
        text: body.text,
        rating: body.rating ?? null,
        ...(body.language ? { language: body.language } : {}),
        ...(key.servicePointId ? { servicePointId: key.servicePointId } : {}),
        details: {
          kind: 'widget',
          ...(body.pageUrl ? { pageUrl: body.pageUrl } : {}),
          siteKey: key.key,
          ratingScale: 5,
        },
        ...(hasContact
          ? {
              contact: {
                ...body.contact,
                ...(body.language ? { language: body.language } : {}),
                consentContact: Boolean(body.consentContact),
                consentOutcome: Boolean(body.consentOutcome),
              },
            }
          : {}),
      });
      return reply.status(202).send(accepted);
    },
  );

  r.post(
    '/v1/widget-keys',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['widget'],
        summary: 'Create a public widget site key bound to an origin allowlist',
        body: siteKeyInputSchema,
        response: { 201: siteKeyOutSchema },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const row = await siteKeys.create(orgId, request.body);
      deps.logger.info({ orgId, siteKeyId: row.id }, 'widget site key created');
      return reply.status(201).send(toSiteKeyOut(row));
    },
  );

  r.get(
    '/v1/widget-keys',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['widget'],
        summary: 'List this organisation’s widget site keys (revoked ones included)',
        response: { 200: siteKeyListSchema },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return { items: (await siteKeys.list(orgId)).map(toSiteKeyOut) };
    },
  );

  r.delete(
    '/v1/widget-keys/:id',
    {
      preHandler: requireScope(auth, 'admin'),
      schema: {
        tags: ['widget'],
        summary: 'Revoke a widget site key (the widget stops working on every site using it)',
        params: siteKeyIdParams,
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      await siteKeys.revoke(orgId, request.params.id);
      return reply.status(204).send();
    },
  );
}
