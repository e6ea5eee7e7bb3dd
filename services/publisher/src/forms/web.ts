import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sealer } from '@closeloop/db';
import type { Lang } from '@closeloop/publishing';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Helpers the public forms share (hosted feedback form, subscribe): CSRF, rate limits, page replies. */

const FORM_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Pages with a form carry a per-visitor token: never cached, never framed. */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', FORM_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(body);
}

/** `?lang=` when the organisation publishes in it, else a Welsh Accept-Language, else English. */
export function pickLang(request: FastifyRequest, languages: string[]): Lang {
  const query = request.query as { lang?: unknown } | undefined;
  const wanted = typeof query?.lang === 'string' ? query.lang : undefined;
  if ((wanted === 'en' || wanted === 'cy') && languages.includes(wanted)) return wanted;
  const accept = String(request.headers['accept-language'] ?? '');
  if (languages.includes('cy') && /^\s*cy\b/i.test(accept)) return 'cy';
  return 'en';
}

/** One field of a urlencoded (or JSON) body as a string; the first value when repeated. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string'
    ? first
    : typeof first === 'number' || typeof first === 'boolean'
      ? String(first)
      : '';
}

/** Every value of a repeated field (checkboxes). */
export function fields(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

const CSRF_COOKIE = 'cl_csrf';
const CSRF_MAX_AGE_S = 4 * 3600;

/**
 * Signed double-submit CSRF tokens: a random SameSite=Lax cookie, and in the form a token
 * `<issued ms>.<HMAC(purpose, cookie, issued)>` keyed by the secret key. A POST passes when the token
 * matches the cookie it was issued with and is under four hours old. Works without JavaScript.
 */
export function createCsrf(sealer: Sealer, opts: { secure: boolean; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const sign = (purpose: string, cookie: string, issued: string) =>
    sealer.lookupHash(`csrf|${purpose}|${cookie}|${issued}`);

  function cookieOf(request: FastifyRequest): string | null {
    const value = request.cookies?.[CSRF_COOKIE];
    return value && /^[0-9a-f]{32}$/.test(value) ? value : null;
  }

  return {
    /** The token for a form; sets the cookie when the visitor has none yet. */
    issue(request: FastifyRequest, reply: FastifyReply, purpose: string): string {
      let cookie = cookieOf(request);
      if (!cookie) {
        cookie = randomBytes(16).toString('hex');
        reply.setCookie(CSRF_COOKIE, cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: opts.secure,
          maxAge: CSRF_MAX_AGE_S,
        });
        // The same request may render the form: remember the cookie we just set.
        request.cookies = { ...request.cookies, [CSRF_COOKIE]: cookie };
      }
      const issued = String(now());
      return `${issued}.${sign(purpose, cookie, issued)}`;
    },

    verify(request: FastifyRequest, purpose: string, token: string): boolean {
      const cookie = cookieOf(request);
      const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!cookie || !match) return false;
      const [, issued = '', mac = ''] = match;
      const age = now() - Number(issued);
      if (age < -300_000 || age > CSRF_MAX_AGE_S * 1000) return false;
      const expected = Buffer.from(sign(purpose, cookie, issued));
      const actual = Buffer.from(mac);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
