import { createHash } from 'node:crypto';
import { claimIdempotencyKey, completeIdempotencyKey, type Database, type Db } from '@closeloop/db';
import { AppError, ConflictError, IdempotencyKeyReusedError } from '@closeloop/domain';

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** runIdempotent's options for a POST made with an API key: its organisation and key, the header, the body's hash. */
export function idempotencyOf(
  request: { headers: Record<string, string | string[] | undefined>; body: unknown },
  principal: { orgId: string; keyId: string },
  url: string,
) {
  return {
    orgId: principal.orgId,
    principal: principal.keyId,
    key: headerValue(request.headers['idempotency-key']),
    hash: () => requestHash('POST', url, request.body),
  };
}

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body ?? null))
    .digest('hex');
}

/**
 * Runs `work` in one transaction with the Idempotency-Key claimed in it: the same key and body give
 * the stored response; the same key with another body is refused (422); without a key, plain work.
 * `afterCommit` runs only for a fresh (non-replayed) result, after the transaction commits.
 */
export async function runIdempotent<T>(
  database: Database,
  opts: {
    orgId: string;
    principal: string;
    key: string | undefined;
    /** The request's hash, or a function computing it (only called when a key was sent). */
    hash: string | (() => string);
    /**
     * false when `work` is a single statement: without a key it then runs on the pool, with no
     * BEGIN/COMMIT round trips (the hot path of single feedback POSTs). Default true.
     */
    atomic?: boolean;
  },
  work: (tx: Db) => Promise<{ statusCode: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (!opts.key) {
    const result =
      opts.atomic === false
        ? await work(database.db)
        : await database.db.transaction((tx) => work(tx as unknown as Db));
    return { ...result, replayed: false };
  }
  const hash = typeof opts.hash === 'function' ? opts.hash() : opts.hash;
  if (opts.key.length > 255)
    throw new AppError('invalid_idempotency_key', 400, 'Idempotency-Key is longer than 255 characters');
  const key = opts.key;
  return database.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const existing = await claimIdempotencyKey(tx, {
      orgId: opts.orgId,
      principal: opts.principal,
      key,
      requestHash: hash,
    });
    if (existing) {
      if (existing.requestHash !== hash) throw new IdempotencyKeyReusedError();
      if (existing.statusCode === null) {
        throw new ConflictError(
          'idempotency_in_progress',
          'A request with this Idempotency-Key is still being processed',
        );
      }
      return { statusCode: existing.statusCode, body: existing.responseBody as T, replayed: true };
    }
    const result = await work(tx);
    await completeIdempotencyKey(tx, {
      orgId: opts.orgId,
      principal: opts.principal,
      key,
      statusCode: result.statusCode,
      responseBody: result.body,
    });
    return { ...result, replayed: false };
  });
}
