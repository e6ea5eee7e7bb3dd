import { hashPassword, insertFeedback, insertStaffUser, listThemes, saveAnalysis, uuidv7 } from '@closeloop/db';
import type { StaffRole } from '@closeloop/domain';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness/app.ts';

export interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

const PASSWORD = 'correct horse battery staple';

/** Creates a staff user with the role, signs in through the login form and returns the cookie and CSRF token. */
export async function signIn(t: TestApp, org: { id: string; slug: string }, role: StaffRole): Promise<Session> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@${org.slug}.test`;
  const user = await insertStaffUser(t.database.db, {
    orgId: org.id,
    email,
    name: `${role} person`,
    role,
    passwordHash: hashPassword(PASSWORD),
  });
  const login = await t.app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ org: org.slug, email, password: PASSWORD }).toString(),
  });
  expect(login.statusCode).toBe(303);
  const setCookie = [login.headers['set-cookie']].flat().find((c) => String(c).startsWith('closeloop_session='));
  const cookie = String(setCookie).split(';')[0]!;
  const page = await t.app.inject({ method: 'GET', url: '/console/feedback', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error('no CSRF token on the page');
  return { cookie, csrf, userId: user.id };
}

export function get(t: TestApp, session: Session | null, url: string, extraCookie?: string) {
  const cookie = [session?.cookie, extraCookie].filter(Boolean).join('; ');
  return t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
}

/** Follows a POST's redirect as a browser would, carrying the one-time flash cookie it set. */
export function follow(t: TestApp, session: Session, res: { headers: Record<string, unknown> }) {
  const flash = [res.headers['set-cookie']]
    .flat()
    .map(String)
    .find((c) => c.startsWith('closeloop_flash='));
  return get(t, session, String(res.headers.location), flash?.split(';')[0]);
}

/** POSTs a form the way a browser does; the session's CSRF token is added unless `csrf: false`. */
export function post(
  t: TestApp,
  session: Session | null,
  url: string,
  fields: Record<string, string | string[]> = {},
  opts: { csrf?: boolean | string } = {},
) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
  if (session && opts.csrf !== false) params.append('_csrf', typeof opts.csrf === 'string' ? opts.csrf : session.csrf);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(session ? { cookie: session.cookie } : {}) },
    payload: params.toString(),
  });
}

/** Stores an analysed feedback item directly (as the worker would), with the given theme keys. */
export async function analysedFeedback(
  t: TestApp,
  orgId: string,
  opts: {
    text: string;
    themes?: { key: string; confidence: number; terms?: string[] }[];
    needsTriage?: boolean;
    receivedAt?: Date;
  },
): Promise<string> {
  const id = uuidv7();
  await insertFeedback(t.database.db, {
    id,
    orgId,
    channel: 'widget',
    text: opts.text,
    receivedAt: opts.receivedAt ?? new Date(),
  });
  const byKey = new Map((await listThemes(t.database.db, orgId)).map((th) => [th.key, th.id]));
  await saveAnalysis(t.database.db, {
    orgId,
    feedbackId: id,
    language: 'en',
    redactedText: opts.text,
    sentimentScore: 0,
    sentimentClass: 'neutral',
    needsTriage: opts.needsTriage ?? false,
    themes: (opts.themes ?? []).map((th) => ({
      themeId: byKey.get(th.key)!,
      confidence: th.confidence,
      source: 'rule' as const,
      terms: th.terms ?? [],
    })),
  });
  return id;
}
