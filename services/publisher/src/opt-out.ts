import { findOrganisationBySlug, queryRows } from '@closeloop/db';
import { type Lang, renderNotFoundPage, renderSubscribePage } from '@closeloop/publishing';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { brandingOf } from './board-data.ts';
import type { PublisherDeps } from './deps.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function send(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(body);
}

/**
 * `/{org}/contact-opt-out?token=…`: a contributor stops hearing about outcomes. The token is the id of the
 * notification they were sent (a random v4 uuid). GET shows a confirm button (link scanners must not opt
 * people out); POST opts out, and is also the RFC 8058 one-click target of `List-Unsubscribe-Post`.
 */
export async function registerContactOptOut(app: FastifyInstance, deps: PublisherDeps): Promise<void> {
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
        (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );
    }

    async function resolve(slug: string, token: unknown) {
      if (!SLUG.test(slug)) return null;
      const org = await findOrganisationBySlug(deps.database.db, slug);
      if (!org) return null;
      const valid = typeof token === 'string' && UUID.test(token);
      const [row] = valid
        ? await queryRows<{ contact_id: string; language: string }>(
            deps.database.db,
            sql`select contact_id, language from notifications where org_id = ${org.id} and id = ${token}`,
          )
        : [];
      return { org, row: row ?? null };
    }

    const handle = async (
      slug: string,
      query: Record<string, unknown>,
      reply: FastifyReply,
      optOut: boolean,
    ): Promise<FastifyReply> => {
      const found = await resolve(slug, query.token);
      if (!found) return send(reply, 404, renderNotFoundPage({ org: null, lang: 'en', baseUrl: deps.publicUrl }));
      const branding = brandingOf(found.org);
      const lang: Lang = found.row?.language === 'cy' && branding.languages.includes('cy') ? 'cy' : 'en';
      const page = (
        state: 'confirm_unsubscribe' | 'unsubscribed' | 'error',
        extra: { error?: string; unsubscribeUrl?: string } = {},
      ) => renderSubscribePage({ org: branding, lang, baseUrl: deps.publicUrl, state, ...extra });
      if (!found.row) return send(reply, 404, page('error', { error: 'expired_link' }));
      if (!optOut) {
        const url = `${deps.publicUrl.replace(/\/+$/, '')}/${found.org.slug}/contact-opt-out?token=${encodeURIComponent(String(query.token))}`;
        return send(reply, 200, page('confirm_unsubscribe', { unsubscribeUrl: url }));
      }
      await queryRows(
        deps.database.db,
        sql`update contacts set opted_out_at = coalesce(opted_out_at, now()) where id = ${found.row.contact_id}`,
      );
      await queryRows(
        deps.database.db,
        sql`update notifications set state = 'cancelled' where contact_id = ${found.row.contact_id}
            and state in ('pending', 'failed', 'ready')`,
      );
      return send(reply, 200, page('unsubscribed'));
    };

    scope.get('/:org/contact-opt-out', { schema: { hide: true } }, async (request, reply) =>
      handle((request.params as { org: string }).org, request.query as Record<string, unknown>, reply, false),
    );
    scope.post('/:org/contact-opt-out', { schema: { hide: true } }, async (request, reply) =>
      handle((request.params as { org: string }).org, request.query as Record<string, unknown>, reply, true),
    );
  });
}
