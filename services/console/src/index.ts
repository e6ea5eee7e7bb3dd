import { createHash } from 'node:crypto';
import {
  countFeedbackByStatus,
  type Database,
  deleteSession,
  findOrganisationById,
  findOrganisationBySlug,
  findSession,
  findStaffByEmail,
  insertSession,
  randomToken,
  verifyPassword,
} from '@closeloop/db';
import { ROLE_PERMISSIONS, type StaffRole } from '@closeloop/domain';
import { escapeHtml } from '@closeloop/publishing';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ConsoleDeps {
  database: Database;
  /** Marks the session cookie Secure (when served over https). */
  secureCookies?: boolean;
}

export interface StaffSession {
  userId: string;
  orgId: string;
  email: string;
  name: string;
  role: StaffRole;
  permissions: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffSession;
  }
}

const COOKIE = 'closeloop_session';
const SESSION_DAYS = 7;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · closeloop</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f5f7f8}header{background:#0f5e63;color:#fff;padding:.75rem 1.5rem;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}main{max-width:60rem;margin:2rem auto;padding:0 1.5rem}.card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1.25rem;margin-bottom:1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}input{font:inherit;padding:.5rem;width:100%;max-width:24rem;border:1px solid #8a949e;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.5rem 1.25rem;background:#0f5e63;color:#fff;border:0;border-radius:4px;cursor:pointer}.error{color:#b3261e;font-weight:600}
table{border-collapse:collapse}td,th{padding:.25rem 1rem .25rem 0;text-align:left}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
</style></head><body>${body}</body></html>`;
}

/** Staff console (server-rendered), mounted under /console in the api process. */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody);

    async function loadSession(request: FastifyRequest): Promise<StaffSession | null> {
      const token = request.cookies[COOKIE];
      if (!token) return null;
      const found = await findSession(deps.database.db, tokenHash(token));
      if (!found) return null;
      const role = found.user.role as StaffRole;
      return {
        userId: found.user.id,
        orgId: found.user.orgId,
        email: found.user.email,
        name: found.user.name,
        role,
        permissions: ROLE_PERMISSIONS[role] ?? [],
      };
    }

    const requireStaff = async (request: FastifyRequest, reply: FastifyReply) => {
      const staff = await loadSession(request);
      if (!staff) return reply.redirect('/console/login', 303);
      request.staff = staff;
    };

    const loginForm = (error?: string, org = 'demo', email = '') =>
      page(
        'Sign in',
        `<header><strong>closeloop</strong></header><main><div class="card"><h1>Staff sign in</h1>${
          error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''
        }<form method="post" action="/console/login"><label for="org">Organisation</label><input id="org" name="org" value="${escapeHtml(org)}" autocomplete="organization">
<label for="email">Email</label><input id="email" name="email" type="email" value="${escapeHtml(email)}" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></div></main>`,
      );

    scope.get('/console/login', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(loginForm()),
    );

    scope.post('/console/login', { schema: { hide: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const org = typeof body.org === 'string' ? body.org.trim() : '';
      const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const organisation = org ? await findOrganisationBySlug(deps.database.db, org) : null;
      const user = organisation ? await findStaffByEmail(deps.database.db, organisation.id, email) : null;
      if (!user || user.disabledAt || !verifyPassword(password, user.passwordHash)) {
        return reply
          .status(401)
          .type('text/html; charset=utf-8')
          .send(loginForm('Email or password is not right.', org, email));
      }
      const token = randomToken(32);
      await insertSession(deps.database.db, {
        tokenHash: tokenHash(token),
        userId: user.id,
        orgId: user.orgId,
        expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
      });
      reply.setCookie(COOKIE, token, {
        path: '/console',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies ?? false,
        maxAge: SESSION_DAYS * 86_400,
      });
      return reply.redirect('/console', 303);
    });

    scope.post('/console/logout', { schema: { hide: true } }, async (request, reply) => {
      const token = request.cookies[COOKIE];
      if (token) await deleteSession(deps.database.db, tokenHash(token));
      reply.clearCookie(COOKIE, { path: '/console' });
      return reply.redirect('/console/login', 303);
    });

    scope.get('/console', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
      const staff = request.staff!;
      const org = await findOrganisationById(deps.database.db, staff.orgId);
      const counts = await countFeedbackByStatus(deps.database.db, staff.orgId);
      const rows = counts.map((c) => `<tr><th>${escapeHtml(c.status)}</th><td>${c.n}</td></tr>`).join('');
      return reply.type('text/html; charset=utf-8').send(
        page(
          'Console',
          `<header><strong>closeloop · ${escapeHtml(org?.name ?? '')}</strong><form method="post" action="/console/logout"><span>${escapeHtml(staff.name)} (${escapeHtml(staff.role)})</span> <button type="submit">Sign out</button></form></header>
<main><div class="card"><h1>Feedback</h1><table>${rows}</table></div>
<div class="card"><h2>Public pages</h2><p><a href="/${escapeHtml(org?.slug ?? '')}/you-said-we-did">You Said – We Did board</a> · <a href="/docs">API documentation</a></p></div></main>`,
        ),
      );
    });
  });
}
