import { createHttpApp, registerHealth, registerMetrics } from '@closeloop/http';
import {
  type Lang,
  renderAtom,
  renderBoard,
  renderEmbed,
  renderEntry,
  renderJsonFeed,
  renderNotFoundPage,
  renderPoster,
  renderRss,
} from '@closeloop/publishing';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadBoard } from './board-data.ts';
import type { PublisherDeps } from './deps.ts';
import { registerPublicForms } from './forms/index.ts';
import { registerContactOptOut } from './opt-out.ts';

const slugParams = z.object({ org: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
const langQuery = z.object({
  lang: z.enum(['en', 'cy']).optional().catch(undefined),
  theme: z.string().max(100).optional(),
  period: z.string().max(20).optional(),
});

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'";

function chooseLang(request: FastifyRequest, query: { lang?: Lang | undefined }, languages: string[]): Lang {
  if (query.lang && languages.includes(query.lang)) return query.lang;
  const accept = String(request.headers['accept-language'] ?? '');
  if (languages.includes('cy') && /^\s*cy\b/i.test(accept)) return 'cy';
  return 'en';
}

function sendHtml(reply: FastifyReply, body: string, opts: { frameable?: boolean; status?: number } = {}) {
  reply
    .status(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', `${PAGE_CSP}; frame-ancestors ${opts.frameable ? '*' : "'none'"}`)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('cache-control', 'public, max-age=60');
  if (!opts.frameable) reply.header('x-frame-options', 'DENY');
  return reply.send(body);
}

/** Public, read-only pages: the You Said – We Did board, entries, feeds, embed and poster. */
export async function registerPublisher(app: FastifyInstance, deps: PublisherDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.clock ?? (() => new Date());
  const baseUrl = deps.publicUrl;

  async function boardOr404(request: FastifyRequest, reply: FastifyReply, slug: string) {
    const board = await loadBoard(deps.database.db, slug);
    if (!board) {
      await sendHtml(reply, renderNotFoundPage({ org: null, lang: 'en', baseUrl }), { status: 404 });
      return null;
    }
    const lang = chooseLang(request, request.query as { lang?: Lang }, board.branding.languages);
    return { ...board, lang };
  }

  r.get(
    '/:org/you-said-we-did',
    { schema: { hide: true, params: slugParams, querystring: langQuery } },
    async (request, reply) => {
      const board = await boardOr404(request, reply, request.params.org);
      if (!board) return reply;
      const { theme, period } = request.query;
      const themes = new Map<string, string>();
      const periods = new Map<string, string>();
      for (const e of board.entries) {
        if (e.themeKey) themes.set(e.themeKey, board.lang === 'cy' && e.themeNameCy ? e.themeNameCy : e.themeName);
        const year = String(e.periodEnd.getUTCFullYear());
        periods.set(year, year);
      }
      const entries = board.entries.filter(
        (e) => (!theme || e.themeKey === theme) && (!period || String(e.periodEnd.getUTCFullYear()) === period),
      );
      const filters: { theme?: string; period?: string } = {};
      if (theme) filters.theme = theme;
      if (period) filters.period = period;
      return sendHtml(
        reply,
        renderBoard({
          org: board.branding,
          entries,
          lang: board.lang,
          baseUrl,
          filters,
          themes: [...themes].map(([key, name]) => ({ key, name })),
          periods: [...periods].map(([key, name]) => ({ key, name })),
        }),
      );
    },
  );

  r.get(
    '/:org/you-said-we-did/:id',
    { schema: { hide: true, params: slugParams.extend({ id: z.string().max(100) }), querystring: langQuery } },
    async (request, reply) => {
      const board = await boardOr404(request, reply, request.params.org);
      if (!board) return reply;
      const entry = board.entries.find((e) => e.id === request.params.id);
      if (!entry) {
        return sendHtml(reply, renderNotFoundPage({ org: board.branding, lang: board.lang, baseUrl }), { status: 404 });
      }
      return sendHtml(reply, renderEntry({ org: board.branding, entry, lang: board.lang, baseUrl }));
    },
  );

  r.get(
    '/:org/embed',
    { schema: { hide: true, params: slugParams, querystring: langQuery } },
    async (request, reply) => {
      const board = await boardOr404(request, reply, request.params.org);
      if (!board) return reply;
      return sendHtml(reply, renderEmbed({ org: board.branding, entries: board.entries, lang: board.lang, baseUrl }), {
        frameable: true,
      });
    },
  );

  const feeds = [
    ['feed.rss', 'application/rss+xml; charset=utf-8', renderRss],
    ['feed.atom', 'application/atom+xml; charset=utf-8', renderAtom],
    ['feed.json', 'application/feed+json; charset=utf-8', renderJsonFeed],
  ] as const;
  for (const [file, type, render] of feeds) {
    r.get(
      `/:org/${file}`,
      { schema: { hide: true, params: slugParams, querystring: langQuery } },
      async (request, reply) => {
        const board = await boardOr404(request, reply, request.params.org);
        if (!board) return reply;
        return reply
          .type(type)
          .header('cache-control', 'public, max-age=300')
          .send(render({ org: board.branding, entries: board.entries, lang: board.lang, baseUrl, now: now() }));
      },
    );
  }

  r.get(
    '/:org/poster.pdf',
    { schema: { hide: true, params: slugParams, querystring: langQuery } },
    async (request, reply) => {
      const board = await boardOr404(request, reply, request.params.org);
      if (!board) return reply;
      const pdf = await renderPoster({ org: board.branding, entries: board.entries, lang: board.lang, baseUrl });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${board.org.slug}-you-said-we-did.pdf"`)
        .header('cache-control', 'public, max-age=300')
        .send(pdf);
    },
  );

  await registerPublicForms(app, deps);
  await registerContactOptOut(app, deps);
}

/** The publisher as a standalone app (role `publisher`). */
export async function buildPublisherApp(deps: PublisherDeps): Promise<FastifyInstance> {
  const app = createHttpApp({ logger: deps.logger });
  registerHealth(app, { database: () => deps.database.ping() });
  registerMetrics(app, deps.metrics);
  await registerPublisher(app, deps);
  return app;
}
