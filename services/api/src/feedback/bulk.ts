import {
  CHUNK_SIZE,
  type ConflictMode,
  feedbackRow,
  organisationOf,
  withComplaintIntake,
  writeFeedbackRows,
} from '@closeloop/core';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  copyFeedbackRows,
  type Database,
  type Db,
  queryRows,
  type Sealer,
  uuidv7,
} from '@closeloop/db';
import {
  AppError,
  ConflictError,
  type FeedbackInput,
  type FieldError,
  feedbackInputSchema,
  IdempotencyKeyReusedError,
  zodIssuesToFieldErrors,
} from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import { knownReferences, referenceErrors } from './references.ts';

export const MAX_BULK_ITEMS = 10_000;

export interface BulkItemResult {
  index: number;
  status: 'accepted' | 'rejected';
  id?: string;
  /** false when an existing row with the same (source, externalId) was updated. */
  created?: boolean;
  errors?: FieldError[];
}

export interface BulkResponse {
  accepted: number;
  rejected: number;
  results: BulkItemResult[];
}

export interface StoreManyDeps {
  database: Database;
  sealer: Sealer;
  now: () => Date;
  /** Called after each chunk's commit with the rows to analyse. */
  afterChunk: (stored: { id: string; channel: FeedbackInput['channel'] }[]) => Promise<void>;
}

/**
 * Validates items one by one (a bad item is rejected with its field errors, the good ones are kept), then
 * writes the good ones in chunks of CHUNK_SIZE, one transaction and one multi-row INSERT per chunk.
 */
/** No contact to seal, no external id to match and no complaint reference to allocate: COPY can take it. */
function isPlain(input: FeedbackInput): boolean {
  return !input.contact && !input.externalId && input.channel !== 'complaint';
}

async function copyPlain(
  deps: StoreManyDeps,
  orgId: string,
  chunk: readonly { input: FeedbackInput }[],
): Promise<{ id: string; created: boolean; erased?: boolean }[]> {
  const nowMs = deps.now().getTime();
  const received = new Date(nowMs);
  const rows = chunk.map(({ input }) => feedbackRow(orgId, uuidv7(nowMs), input, null, received));
  await copyFeedbackRows(deps.database.db, rows);
  return rows.map((row) => ({ id: row.id, created: true }));
}

export async function storeMany(
  deps: StoreManyDeps,
  orgId: string,
  items: readonly unknown[],
  opts: { mode?: ConflictMode } = {},
): Promise<BulkResponse> {
  const results: BulkItemResult[] = new Array(items.length);
  const valid: { index: number; input: FeedbackInput }[] = [];
  const seenExternal = new Map<string, number>();
  items.forEach((raw, index) => {
    const parsed = feedbackInputSchema.safeParse(raw);
    if (!parsed.success) {
      results[index] = { index, status: 'rejected', errors: zodIssuesToFieldErrors(parsed.error.issues) };
      return;
    }
    const input = parsed.data;
    if (input.source && input.externalId) {
      const key = `${input.source}\u001f${input.externalId}`;
      const first = seenExternal.get(key);
      if (first !== undefined) {
        results[index] = {
          index,
          status: 'rejected',
          errors: [{ path: 'externalId', message: `repeats the source and externalId of item ${first}` }],
        };
        return;
      }
      seenExternal.set(key, index);
    }
    valid.push({ index, input });
  });

  const known = await knownReferences(
    deps.database.db,
    orgId,
    valid.map((v) => v.input),
  );
  const storable = valid.filter(({ index, input }) => {
    const errors = referenceErrors(input, known);
    if (errors.length > 0) results[index] = { index, status: 'rejected', errors };
    return errors.length === 0;
  });
  const org = storable.some((s) => s.input.channel === 'complaint')
    ? await organisationOf(deps.database.db, orgId)
    : null;

  for (let start = 0; start < storable.length; start += CHUNK_SIZE) {
    const chunk = storable.slice(start, start + CHUNK_SIZE);
    const plain = (opts.mode ?? 'upsert') === 'upsert' && chunk.every(({ input }) => isPlain(input));
    const stored = plain
      ? await copyPlain(deps, orgId, chunk)
      : await deps.database.db.transaction(async (txRaw) => {
          const tx = txRaw as unknown as Db;
          const inputs: FeedbackInput[] = [];
          for (const { input } of chunk) {
            inputs.push(
              org && input.channel === 'complaint' ? await withComplaintIntake(tx, org, input, deps.now()) : input,
            );
          }
          return writeFeedbackRows(tx, deps, orgId, inputs, opts.mode ?? 'upsert');
        });
    const toAnalyse: { id: string; channel: FeedbackInput['channel'] }[] = [];
    chunk.forEach(({ index, input }, i) => {
      const s = stored[i]!;
      if (s.erased || !s.id) {
        results[index] = {
          index,
          status: 'rejected',
          errors: [{ path: 'externalId', message: 'the feedback with this source and externalId was erased' }],
        };
        return;
      }
      results[index] = { index, status: 'accepted', id: s.id, created: s.created };
      toAnalyse.push({ id: s.id, channel: input.channel });
    });
    await deps.afterChunk(toAnalyse);
  }
  const accepted = results.filter((r) => r.status === 'accepted').length;
  return { accepted, rejected: results.length - accepted, results };
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Idempotency-Key for work that spans several transactions (bulk, one per chunk): the key is claimed in its
 * own transaction, the work runs, then the response is stored. A replay with the same key and body gets the
 * stored response; the same key with another body a 422; while the first is still running a 409. If the
 * work fails the claim is released, so the client can retry with the same key.
 */
export async function runIdempotentChunked<T>(
  database: Database,
  /** `hash`: the request's hash, or a function computing it (only called when a key was sent). */
  opts: { orgId: string; principal: string; key: string | undefined; hash: string | (() => string) },
  work: () => Promise<{ statusCode: number; body: T }>,
): Promise<{ statusCode: number; body: T; replayed: boolean }> {
  if (!opts.key) return { ...(await work()), replayed: false };
  if (opts.key.length > 255)
    throw new AppError('invalid_idempotency_key', 400, 'Idempotency-Key is longer than 255 characters');
  const key = opts.key;
  const hash = typeof opts.hash === 'function' ? opts.hash() : opts.hash;
  const existing = await claimIdempotencyKey(database.db, {
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
  let result: { statusCode: number; body: T };
  try {
    result = await work();
  } catch (error) {
    await queryRows(
      database.db,
      sql`delete from idempotency_keys where org_id = ${opts.orgId} and principal = ${opts.principal} and key = ${key} and status_code is null`,
    ).catch(() => {});
    throw error;
  }
  await completeIdempotencyKey(database.db, {
    orgId: opts.orgId,
    principal: opts.principal,
    key,
    statusCode: result.statusCode,
    responseBody: result.body,
  });
  return { ...result, replayed: false };
}
