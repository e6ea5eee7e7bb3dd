import { AppError } from '@closeloop/domain';
import { memoryRateCounter, type RateCounter } from '@closeloop/http';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyAuthenticator, Principal } from '../auth/api-keys.ts';
import { authenticateFirst } from './auth-first.ts';

const WINDOW_SECONDS = 60;
const POLICY = 'default';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

/**
 * A one-minute window per API key, counted through a RateCounter: in Redis in service mode, so the limit holds
 * across every api process; in memory in embedded mode. The state of each key's last counted request is kept
 * here too, for the RateLimit headers of the response.
 */
export function createApiKeyLimiter(opts: { counter?: RateCounter | undefined } = {}) {
  const counter = opts.counter ?? memoryRateCounter();
  const last = new Map<string, RateLimitState>();

  return {
    /** Counts one request; false when the key is over its limit for this window. */
    async consume(keyId: string, limit: number): Promise<{ allowed: boolean; state: RateLimitState }> {
      const { count, resetMs } = await counter.hit(`api-key:${keyId}`, WINDOW_SECONDS * 1000);
      const state = {
        limit,
        remaining: Math.max(0, limit - count),
        reset: Math.max(1, Math.min(WINDOW_SECONDS, Math.ceil(resetMs / 1000))),
      };
      if (last.size > 100_000) last.clear();
      last.set(keyId, state);
      return { allowed: count <= limit, state };
    },
    /** The state after the key's last counted request in this process. */
    peek(keyId: string): RateLimitState | null {
      return last.get(keyId) ?? null;
    },
  };
}
export type ApiKeyLimiter = ReturnType<typeof createApiKeyLimiter>;

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
  limiter: ApiKeyLimiter = createApiKeyLimiter(),
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
      const { allowed, state } = await limiter.consume(principal.keyId, principal.rateLimitPerMinute);
      if (!allowed) throw new RateLimitExceededError(state);
      return principal;
    },
  };
}
