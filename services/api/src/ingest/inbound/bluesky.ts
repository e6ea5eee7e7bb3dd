import type { FeedbackInputRaw } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { primaryLanguage } from '../language.ts';
import { boundedId, cleanText } from '../text.ts';
import { arr, compact, isRecord, type JsonRecord, num, rec, str } from '../values.ts';
import type { InboundResult } from './types.ts';

export interface FacetSpan {
  /** JavaScript string (UTF-16) offsets into the post text, end exclusive. */
  start: number;
  end: number;
  type: 'mention' | 'link' | 'tag' | 'other';
  value?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Facet indexes are UTF-8 byte offsets (`byteStart` inclusive, `byteEnd` exclusive). They are turned into
 * string offsets by decoding the byte prefix; offsets that fall inside a character or outside the text are
 * dropped rather than guessed.
 */
export function facetSpans(text: string, facets: unknown): FacetSpan[] {
  const bytes = encoder.encode(text);
  const toIndex = (byteOffset: number): number | undefined => {
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset > bytes.length) return undefined;
    // A continuation byte (10xxxxxx) means the offset splits a character.
    if (byteOffset < bytes.length && ((bytes[byteOffset] ?? 0) & 0xc0) === 0x80) return undefined;
    return decoder.decode(bytes.subarray(0, byteOffset)).length;
  };
  const spans: FacetSpan[] = [];
  for (const facet of arr(facets)) {
    const index = rec(rec(facet)?.index);
    const start = toIndex(num(index?.byteStart) ?? -1);
    const end = toIndex(num(index?.byteEnd) ?? -1);
    if (start === undefined || end === undefined || end <= start) continue;
    const feature = rec(arr(rec(facet)?.features)[0]);
    const kind = str(feature?.$type)?.split('#')[1];
    const type = kind === 'mention' || kind === 'link' || kind === 'tag' ? kind : 'other';
    const value = str(feature?.did) ?? str(feature?.uri) ?? str(feature?.tag);
    spans.push(compact({ start, end, type, value }));
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Expands shortened link text to the facet's full URL and drops the mentions that open the post. */
export function readablePostText(text: string, facets: unknown): string {
  const spans = facetSpans(text, facets);
  let out = text;
  let leading = 0;
  for (const span of spans) {
    if (span.type !== 'mention' || text.slice(leading, span.start).trim() !== '') break;
    leading = span.end;
  }
  for (const span of [...spans].reverse()) {
    if (span.start < leading) break;
    if (span.type === 'link' && span.value && /^https?:\/\//.test(span.value)) {
      out = out.slice(0, span.start) + span.value + out.slice(span.end);
    }
  }
  const stripped = out.slice(leading).trim();
  return cleanText(stripped === '' ? out : stripped);
}

function isPostView(value: unknown): value is JsonRecord {
  return (
    isRecord(value) &&
    typeof value.uri === 'string' &&
    value.uri.startsWith('at://') &&
    isRecord(value.author) &&
    isRecord(value.record)
  );
}

export function mapBlueskyPost(post: JsonRecord): FeedbackInputRaw | { skip: string } {
  const record = rec(post.record) ?? {};
  const author = rec(post.author) ?? {};
  const rawText = typeof record.text === 'string' ? record.text : '';
  const text = readablePostText(rawText, record.facets);
  if (!text) return { skip: 'the post has no text' };
  const uri = String(post.uri);
  const rkey = uri.split('/').pop();
  const profile = str(author.handle) ?? str(author.did);
  const postUrl = profile && rkey ? `https://bsky.app/profile/${profile}/post/${rkey}` : undefined;
  const postedAt = toIsoInstant(record.createdAt);
  return compact({
    channel: 'social_mention' as const,
    text,
    language: primaryLanguage(str(arr(record.langs)[0])),
    // createdAt is set by the poster's client and can be back-dated; indexedAt is when the network saw it.
    receivedAt: toIsoInstant(post.indexedAt) ?? postedAt,
    source: 'bluesky',
    externalId: boundedId(uri),
    details: compact({
      kind: 'social_mention' as const,
      platform: 'bluesky' as const,
      postUrl: postUrl && URL.canParse(postUrl) ? postUrl : undefined,
      postId: uri.slice(0, 500),
      authorHandle: str(author.handle) ? `@${str(author.handle)}` : str(author.did),
      authorName: str(author.displayName)?.slice(0, 300),
      postedAt,
      public: true,
      inReplyTo: str(rec(rec(record.reply)?.parent)?.uri)?.slice(0, 500),
    }),
  });
}

/** Bluesky: one `postView`, a `searchPosts` response `{ posts }`, or a feed `{ feed: [{ post }] }`. */
export function mapBluesky(body: unknown): InboundResult {
  let posts: unknown[];
  if (isPostView(body)) posts = [body];
  else if (isRecord(body) && Array.isArray(body.posts)) posts = body.posts;
  else if (isRecord(body) && Array.isArray(body.feed)) posts = body.feed.map((entry) => rec(entry)?.post);
  else if (Array.isArray(body)) posts = body;
  else {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'bluesky expects an app.bsky.feed.defs#postView ({ uri: "at://…", author, record }) or a searchPosts response ({ posts: [] })',
    );
  }
  if (posts.length > 0 && !posts.some(isPostView)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'bluesky expects postView objects ({ uri: "at://…", author, record })',
    );
  }
  const result: InboundResult = { items: [], skipped: [] };
  for (const post of posts) {
    if (!isPostView(post)) {
      result.skipped.push({ reason: 'not an app.bsky.feed.defs#postView' });
      continue;
    }
    const mapped = mapBlueskyPost(post);
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: String(post.uri) });
    else result.items.push(mapped);
  }
  return result;
}
