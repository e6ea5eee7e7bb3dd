import {
  type ApiKeyRow,
  type Db,
  findActiveApiKeyByHash,
  insertApiKey,
  randomToken,
  sha256,
  touchApiKey,
} from '@closeloop/db';
import { type ApiScope, ForbiddenError, hasScope, UnauthorizedError } from '@closeloop/domain';

export interface Principal {
  kind: 'api_key';
  orgId: string;
  keyId: string;
  scopes: string[];
  rateLimitPerMinute: number;
}

/** Keys look like `cl_<8 char prefix>_<secret>`; the prefix helps staff tell keys apart, only the hash is stored. */
export async function createApiKey(
  db: Db,
  input: { orgId: string; name: string; scopes: ApiScope[]; createdBy?: string | null; rateLimitPerMinute?: number },
): Promise<{ key: string; row: ApiKeyRow }> {
  const prefix = randomToken(6).replace(/[-_]/g, 'x').slice(0, 8);
  const key = `cl_${prefix}_${randomToken(24)}`;
  const row = await insertApiKey(db, {
    orgId: input.orgId,
    name: input.name,
    prefix,
    keyHash: sha256(key),
    scopes: input.scopes,
    createdBy: input.createdBy ?? null,
    ...(input.rateLimitPerMinute ? { rateLimitPerMinute: input.rateLimitPerMinute } : {}),
  });
  return { key, row };
}

interface CacheEntry {
  principal: Principal | null;
  expires: number;
}

/**
 * Resolves bearer keys to principals. Lookups are cached briefly (revocation takes effect within
 * `ttlMs`), and last-used time is written at most once a minute per key.
 */
export function createApiKeyAuthenticator(db: Db, opts: { ttlMs?: number; now?: () => number } = {}) {
  const ttl = opts.ttlMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const touched = new Map<string, number>();

  async function resolve(key: string): Promise<Principal | null> {
    const hash = sha256(key);
    const hit = cache.get(hash);
    if (hit && hit.expires > now()) return hit.principal;
    const row = await findActiveApiKeyByHash(db, hash);
    const principal: Principal | null = row
      ? {
          kind: 'api_key',
          orgId: row.orgId,
          keyId: row.id,
          scopes: row.scopes,
          rateLimitPerMinute: row.rateLimitPerMinute,
        }
      : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, expires: now() + ttl });
    return principal;
  }

  return {
    async authenticate(authorization: string | undefined, scope: ApiScope): Promise<Principal> {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match?.[1]) throw new UnauthorizedError('missing_api_key', 'Send an API key as "Authorization: Bearer KEY"');
      const principal = await resolve(match[1]);
      if (!principal) throw new UnauthorizedError('invalid_api_key', 'The API key is unknown or revoked');
      if (!hasScope(principal.scopes, scope)) {
        throw new ForbiddenError('insufficient_scope', `This API key lacks the ${scope} scope`);
      }
      const last = touched.get(principal.keyId) ?? 0;
      if (now() - last > 60_000) {
        touched.set(principal.keyId, now());
        // Awaited (once a minute per key), so a listing right after a call shows it as used.
        await touchApiKey(db, principal.keyId).catch(() => {});
      }
      return principal;
    },
    forget(): void {
      cache.clear();
    },
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
