import { type Database, queryRows, type Sealer } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { StoreManyDeps } from '../feedback/bulk.ts';
import { receiveInbound } from './service.ts';

export interface MastodonPollConfig {
  orgId: string;
  /** Base URL of the instance, e.g. https://mastodon.social */
  instance: string;
  /** Hashtags to follow, without '#'. */
  hashtags: string[];
  /** Also read mentions of the account the token belongs to (needs `accessToken`). */
  mentions?: boolean;
  accessToken?: string;
  /** Statuses per page (Mastodon allows up to 40). */
  pageSize?: number;
  /** Pages read per stream and run, so one run stays bounded. */
  maxPages?: number;
}

export interface MastodonPollDeps {
  database: Database;
  sealer: Sealer;
  afterChunk: StoreManyDeps['afterChunk'];
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Longest wait for a rate-limit reset before giving up this run. Default 15 minutes. */
  maxWaitMs?: number;
}

export interface MastodonStreamResult {
  stream: string;
  fetched: number;
  accepted: number;
  updated: number;
  cursor: string | null;
}

interface Entry {
  id: string;
}

/** Cursors live in the organisation's settings under `connectorCursors`; a lost cursor only re-reads posts (upserts dedupe). */
export async function readCursor(database: Database, orgId: string, key: string): Promise<string | null> {
  const rows = await queryRows<{ cursor: string | null }>(
    database.db,
    sql`select settings->'connectorCursors'->>${key} as cursor from organisations where id = ${orgId}`,
  );
  return rows[0]?.cursor ?? null;
}

export async function writeCursor(database: Database, orgId: string, key: string, cursor: string): Promise<void> {
  await queryRows(
    database.db,
    sql`update organisations set settings = jsonb_set(
          case when settings ? 'connectorCursors' then settings else settings || '{"connectorCursors":{}}'::jsonb end,
          array['connectorCursors', ${key}::text], to_jsonb(${cursor}::text), true)
        where id = ${orgId}`,
  );
}

/** Mastodon ids are decimal strings of growing length: compare by length, then lexically. */
export function newerId(a: string, b: string | null): boolean {
  if (b === null) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

function retryAfterMs(value: string | null, now: Date): number {
  if (!value) return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now.getTime());
}

export class MastodonPollError extends Error {
  override name = 'MastodonPollError';
}

/**
 * Polls a Mastodon instance: each hashtag's timeline (`/api/v1/timelines/tag/{tag}`) and, with a token, the
 * mention notifications (`/api/v1/notifications?types[]=mention`), from the stored `since_id` cursor. New posts
 * are stored through the same path as `POST /v1/inbound/mastodon` (upsert on the post URI). Honours
 * `X-RateLimit-Remaining`/`X-RateLimit-Reset` (waits for the reset when none remain) and 429 `Retry-After`.
 */
export async function pollMastodon(
  deps: MastodonPollDeps,
  config: MastodonPollConfig,
): Promise<MastodonStreamResult[]> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? (() => new Date());
  const maxWait = deps.maxWaitMs ?? 15 * 60_000;
  const pageSize = Math.min(Math.max(config.pageSize ?? 40, 1), 40);
  const maxPages = config.maxPages ?? 10;
  const base = config.instance.replace(/\/+$/, '');
  const host = new URL(base).host;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.accessToken) headers.authorization = `Bearer ${config.accessToken}`;

  async function get(url: string): Promise<unknown[]> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await doFetch(url, { headers });
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers.get('retry-after'), now());
        if (wait > maxWait) throw new MastodonPollError(`rate limited for ${Math.round(wait / 1000)} s`);
        await res.body?.cancel();
        await sleep(wait);
        continue;
      }
      if (!res.ok) throw new MastodonPollError(`${url} answered ${res.status}`);
      const body = (await res.json()) as unknown;
      if (res.headers.get('x-ratelimit-remaining') === '0') {
        const reset = Date.parse(res.headers.get('x-ratelimit-reset') ?? '');
        const wait = Number.isNaN(reset) ? 0 : reset - now().getTime();
        if (wait > maxWait) throw new MastodonPollError(`rate limit resets in ${Math.round(wait / 1000)} s`);
        if (wait > 0) await sleep(wait);
      }
      if (!Array.isArray(body)) throw new MastodonPollError(`${url} did not answer a JSON array`);
      return body;
    }
    throw new MastodonPollError(`${url} stayed rate limited`);
  }

  const streams: { key: string; path: string }[] = config.hashtags.map((tag) => ({
    key: `mastodon:${host}:tag:${tag.replace(/^#/, '').toLowerCase()}`,
    path: `/api/v1/timelines/tag/${encodeURIComponent(tag.replace(/^#/, '').toLowerCase())}`,
  }));
  if (config.mentions) streams.push({ key: `mastodon:${host}:mentions`, path: '/api/v1/notifications' });

  const results: MastodonStreamResult[] = [];
  for (const stream of streams) {
    const since = await readCursor(deps.database, config.orgId, stream.key);
    const entries: unknown[] = [];
    let maxId: string | null = null;
    // Newest first: page backwards with max_id until a short page or the cursor is reached.
    for (let page = 0; page < maxPages; page++) {
      const params = new URLSearchParams({ limit: String(pageSize) });
      if (stream.key.endsWith(':mentions')) params.append('types[]', 'mention');
      if (since) params.set('since_id', since);
      if (maxId) params.set('max_id', maxId);
      const batch = await get(`${base}${stream.path}?${params.toString()}`);
      entries.push(...batch);
      if (batch.length < pageSize) break;
      const last = batch[batch.length - 1] as Entry | undefined;
      if (!last?.id) break;
      maxId = last.id;
    }
    let newest = since;
    const fresh = entries.filter((e): e is Entry => typeof (e as Entry)?.id === 'string');
    for (const e of fresh) if (newerId(e.id, newest)) newest = e.id;
    const outcome =
      fresh.length > 0
        ? await receiveInbound(
            { database: deps.database, sealer: deps.sealer, now, afterChunk: deps.afterChunk },
            config.orgId,
            'mastodon',
            fresh,
          )
        : { accepted: 0, updated: 0 };
    if (newest && newest !== since) await writeCursor(deps.database, config.orgId, stream.key, newest);
    results.push({
      stream: stream.key,
      fetched: fresh.length,
      accepted: outcome.accepted,
      updated: outcome.updated,
      cursor: newest,
    });
  }
  return results;
}
