import {
  deleteSession,
  findOrganisationBySlug,
  findStaffByEmail,
  insertSession,
  randomToken,
  verifyPassword,
} from '@closeloop/db';
import { AppError } from '@closeloop/domain';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createConsoleContext } from './context.ts';
import type { ConsoleDeps } from './deps.ts';
import { bodyOf, queryOf, str } from './forms.ts';
import { html, notFound, page, sendError } from './layout.ts';
import { registerActionPages } from './pages/actions.ts';
import { registerCardPages } from './pages/cards.ts';
import { registerDashboard } from './pages/dashboard.ts';
import { registerFeedbackItemPages } from './pages/feedback-item.ts';
import { registerFeedbackListPage } from './pages/feedback-list.ts';
import { registerModelPages } from './pages/models.ts';
import { registerNewsletterPages } from './pages/newsletters.ts';
import { registerReviewPage } from './pages/review.ts';
import { registerThemePages } from './pages/themes.ts';
import { registerTriagePages } from './pages/triage.ts';
import { registerPublicationPages } from './publications.ts';
import {
  CSRF_FIELD,
  csrfMatches,
  FLASH_COOKIE,
  loadSession,
  readFlash,
  SESSION_COOKIE,
  SESSION_DAYS,
  tokenHash,
} from './session.ts';

export type { ConsoleContext, ConsolePages } from './context.ts';
export type { ConsoleDeps } from './deps.ts';
export {
  csrfField,
  csrfInput,
  errorPage,
  errorSummary,
  fieldError,
  html,
  notFound,
  page,
  raw,
  renderPage,
  sendError,
} from './layout.ts';
export {
  type Ability,
  can,
  type Flash,
  redirectWithFlash,
  requireAbility,
  requireStaff,
  type StaffSession,
  staffOf,
} from './session.ts';

/** Only console paths are followed after sign-in, never another site. */
function safeNext(value: string): string {
  return /^\/console(\/[^/\\]|$|\?)/.test(value) && !value.includes('//') ? value : '/console';
}

function loginForm(opts: { error?: string; org?: string; email?: string; next?: string } = {}): string {
  return page(
    'Sign in',
    html`<div class="card" style="max-width:28rem;margin:2rem auto"><h1>Staff sign in</h1>${
      opts.error ? html`<p class="field-error" role="alert">${opts.error}</p>` : ''
    }<form method="post" action="/console/login"><input type="hidden" name="next" value="${opts.next ?? '/console'}">
<label for="org">Organisation</label><input id="org" name="org" value="${opts.org ?? 'demo'}" autocomplete="organization" required>
<label for="email">Email</label><input id="email" name="email" type="email" value="${opts.email ?? ''}" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p></form></div>`,
  );
}

/** Staff console (server-rendered, no client JavaScript), mounted under /console in the api process. */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const ctx = createConsoleContext(deps);
  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody, { bodyLimit: 1_048_576 });

    scope.addHook('onRequest', async (request, reply) => {
      request.staff = (await loadSession(deps.database, request)) ?? undefined;
      const flash = request.cookies[FLASH_COOKIE];
      if (flash !== undefined && request.method === 'GET') {
        request.flash = readFlash(flash);
        reply.clearCookie(FLASH_COOKIE, { path: '/console' });
      }
    });

    // Every signed-in POST carries the session's CSRF token; SameSite=Lax is the second line.
    scope.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST' || !request.staff) return;
      if (request.routeOptions.url === '/console/login') return;
      if (!csrfMatches(request.staff.csrfToken, bodyOf(request)[CSRF_FIELD])) {
        return sendError(
          request,
          reply,
          403,
          'Form expired',
          'This form could not be checked (it may be old or come from another site). Go back, reload the page and try again.',
        );
      }
    });

    scope.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof AppError) {
        if (error.status === 404) return notFound(request, reply, 'record');
        return sendError(request, reply, error.status, 'That did not work', error.message);
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return sendError(request, reply, status, 'That did not work', 'The request could not be read.');
      }
      request.log.error({ err: error }, 'console page failed');
      return sendError(
        request,
        reply,
        500,
        'Something went wrong',
        'The page could not be shown. Try again in a moment; if it keeps happening, tell your administrator.',
      );
    });

    scope.get('/console/login', { schema: { hide: true } }, async (request, reply) => {
      if (request.staff) return reply.redirect('/console', 303);
      return reply.type('text/html; charset=utf-8').send(loginForm({ next: safeNext(str(queryOf(request), 'next')) }));
    });

    scope.post('/console/login', { schema: { hide: true } }, async (request, reply) => {
      const body = bodyOf(request);
      const org = str(body, 'org').slice(0, 100);
      const email = str(body, 'email').toLowerCase().slice(0, 320);
      const password = str(body, 'password').slice(0, 1000);
      const next = safeNext(str(body, 'next'));
      const organisation = org ? await findOrganisationBySlug(deps.database.db, org) : null;
      const user = organisation ? await findStaffByEmail(deps.database.db, organisation.id, email) : null;
      if (!user || user.disabledAt || !verifyPassword(password, user.passwordHash)) {
        return reply
          .status(401)
          .type('text/html; charset=utf-8')
          .send(loginForm({ error: 'Email or password is not right.', org, email, next }));
      }
      const token = randomToken(32);
      await insertSession(deps.database.db, {
        tokenHash: tokenHash(token),
        userId: user.id,
        orgId: user.orgId,
        expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
      });
      // Path `/`: the queue dashboard (/admin/queues) signs admins in with the same session.
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies ?? false,
        maxAge: SESSION_DAYS * 86_400,
      });
      return reply.redirect(next, 303);
    });

    scope.post('/console/logout', { schema: { hide: true } }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deleteSession(deps.database.db, tokenHash(token));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/console/login', 303);
    });

    registerDashboard(scope, ctx);
    registerCardPages(scope, ctx);
    registerFeedbackListPage(scope, ctx);
    registerFeedbackItemPages(scope, ctx);
    registerTriagePages(scope, ctx);
    registerReviewPage(scope, ctx);
    registerThemePages(scope, ctx);
    registerModelPages(scope, ctx);
    registerActionPages(scope, ctx);
    registerPublicationPages(scope, ctx);
    registerNewsletterPages(scope, ctx);

    // Unknown console paths get the console's own page rather than the API's problem+json.
    scope.get('/console/*', { schema: { hide: true } }, async (request, reply) => notFound(request, reply));
  });
}
