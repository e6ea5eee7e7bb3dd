import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Database, findOrganisationById, findSession } from '@closeloop/db';
import { AppError, ROLE_PERMISSIONS, type StaffRole } from '@closeloop/domain';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { errorPage } from './layout.ts';

export interface StaffSession {
  userId: string;
  orgId: string;
  orgSlug: string;
  orgName: string;
  email: string;
  name: string;
  role: StaffRole;
  permissions: readonly string[];
  /** Per-session token every POST form carries as `_csrf`. */
  csrfToken: string;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffSession;
    flash?: Flash | null;
  }
}

export const SESSION_COOKIE = 'closeloop_session';
export const FLASH_COOKIE = 'closeloop_flash';
export const SESSION_DAYS = 7;
export const CSRF_FIELD = '_csrf';

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Derived from the session token, so it needs no storage and dies with the session. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('closeloop console csrf v1').digest('base64url');
}

export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

export async function loadSession(database: Database, request: FastifyRequest): Promise<StaffSession | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token || token.length > 200) return null;
  const found = await findSession(database.db, tokenHash(token));
  if (!found) return null;
  const org = await findOrganisationById(database.db, found.user.orgId);
  if (!org) return null;
  const role = found.user.role as StaffRole;
  return {
    userId: found.user.id,
    orgId: found.user.orgId,
    orgSlug: org.slug,
    orgName: org.name,
    email: found.user.email,
    name: found.user.name,
    role,
    permissions: ROLE_PERMISSIONS[role] ?? [],
    csrfToken: csrfTokenFor(token),
  };
}

/**
 * What each console ability needs, from the role permissions in @closeloop/domain: viewers read,
 * staff triage and key cards, managers also run actions and edit the taxonomy, admins everything.
 */
export const ABILITY = {
  read: 'read',
  triage: 'triage',
  keyCards: 'feedback:write',
  manageActions: 'actions:write',
  editThemes: 'publish',
  publish: 'publish',
  admin: 'admin',
} as const;
export type Ability = keyof typeof ABILITY;

export function can(staff: StaffSession | undefined, ability: Ability): boolean {
  return Boolean(staff?.permissions.includes(ABILITY[ability]));
}

/** The signed-in staff member of a request that passed `requireStaff`. */
export function staffOf(request: FastifyRequest): StaffSession {
  if (!request.staff) throw new Error('staffOf called on a route without requireStaff');
  return request.staff;
}

/** preHandler: a page for signed-in staff; anyone else is sent to the sign-in page. */
export const requireStaff: preHandlerAsyncHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
  if (!request.staff) return redirectToLogin(request, reply);
};

function redirectToLogin(request: FastifyRequest, reply: FastifyReply) {
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  return reply.redirect(`/console/login${next}`, 303);
}

/** preHandler: signed in and holding the ability, else a 403 page. */
export function requireAbility(ability: Ability): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    if (!request.staff) return redirectToLogin(request, reply);
    if (!can(request.staff, ability)) {
      return reply
        .status(403)
        .type('text/html; charset=utf-8')
        .send(
          errorPage(
            request,
            403,
            'Not allowed',
            `Your role (${request.staff.role}) cannot do this. Ask an administrator.`,
          ),
        );
    }
  };
}

/** Sets a one-time message shown on the next page, then redirects there (POST → redirect → GET). */
export function redirectWithFlash(reply: FastifyReply, to: string, text: string, kind: Flash['kind'] = 'ok') {
  reply.setCookie(FLASH_COOKIE, `${kind}:${encodeURIComponent(text.slice(0, 500))}`, {
    path: '/console',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60,
  });
  return reply.redirect(to, 303);
}

/**
 * Runs a form's work, then redirects to `to` with `done`; a refused request (an AppError below 500: not
 * allowed, wrong state, invalid) redirects there with its message as an error instead. Anything else throws.
 */
export async function redirectAfter(reply: FastifyReply, to: string, work: () => Promise<unknown>, done: string) {
  try {
    await work();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return redirectWithFlash(reply, to, error.message, 'error');
    throw error;
  }
  return redirectWithFlash(reply, to, done);
}

export function readFlash(value: string | undefined): Flash | null {
  if (!value) return null;
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  if (kind !== 'ok' && kind !== 'error') return null;
  try {
    return { kind, text: decodeURIComponent(value.slice(colon + 1)) };
  } catch {
    return null;
  }
}
