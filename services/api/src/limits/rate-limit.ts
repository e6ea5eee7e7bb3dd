import { AppError } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuthenticator, Principal } from '../auth/api-keys.ts';
import { authenticateFirst } from './auth-first.ts';

const WINDOW_SECONDS = 60;
const POLICY = 'default';

interface Window {
  start: number;
  count: number;
  limit: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

/**
 * A fixed one-minute window per API key, in process memory: a Map lookup and an increment on the hot path.
 * With several api processes each keeps its own count, so a key gets up to N × its limit in total.
 */
export function createRateLimiter(opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, Window>();

  function windowOf(keyId: string, limit: number): Window {
    const start = Math.floor(now() / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000;
    let w = windows.get(keyId);
    if (!w || w.start !== start) {
      if (windows.size > 100_000) windows.clear();
      w = { start, count: 0, limit };
      windows.set(keyId, w);
    }
    w.limit = limit;
    return w;
  }

  function stateOf(w: Window): RateLimitState {
    return {
      limit: w.limit,
      remaining: Math.max(0, w.limit - w.count),
      reset: Math.max(1, Math.ceil((w.start + WINDOW_SECONDS * 1000 - now()) / 1000)),
    };
  }

  return {
    /** Counts one request; false when the key is over its limit for this window. */
    consume(keyId: string, limit: number): { allowed: boolean; state: RateLimitState } {
      const w = windowOf(keyId, limit);
      if (w.count >= w.limit) return { allowed: false, state: stateOf(w) };
      w.count++;
      return { allowed: true, state: stateOf(w) };
    },
    peek(keyId: string): RateLimitState | null {
      const w = windows.get(keyId);
      return w ? stateOf(windowOf(keyId, w.limit)) : null;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** IETF draft-ietf-httpapi-ratelimit-headers (structured fields): `RateLimit-Policy` and `RateLimit`. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-policy': `"${POLICY}";q=${state.limit};w=${WINDOW_SECONDS}`,
    ratelimit: `"${POLICY}";r=${state.remaining};t=${state.reset}`,
  };
}

export class RateLimitExceededError extends AppError {
  constructor(state: RateLimitState) {
    super('rate_limited', 429, `This API key is over its limit of ${state.limit} requests a minute`, {
      headers: { ...rateLimitHeaders(state), 'retry-after': String(state.reset) },
    });
  }
}

/**
 * Puts per-key rate limiting behind the authenticator (every API route authenticates through it), adds
 * the RateLimit headers to every response made with a key, and moves the key check ahead of body parsing.
 */
export function installRateLimit(
  app: FastifyInstance,
  auth: ApiKeyAuthenticator,
  limiter: RateLimiter = createRateLimiter(),
): ApiKeyAuthenticator {
  authenticateFirst(app);
  app.addHook('onSend', (request, reply, payload, done) => {
    const principal = request.principal as Principal | undefined;
    if (principal && reply.statusCode !== 429) {
      const state = limiter.peek(principal.keyId);
      if (state) for (const [name, value] of Object.entries(rateLimitHeaders(state))) reply.header(name, value);
    }
    done(null, payload);
  });
  return {
    ...auth,
    async authenticate(authorization, scope) {
      const principal = await auth.authenticate(authorization, scope);
      const { allowed, state } = limiter.consume(principal.keyId, principal.rateLimitPerMinute);
      if (!allowed) throw new RateLimitExceededError(state);
      return principal;
    },
  };
}
