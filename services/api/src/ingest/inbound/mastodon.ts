import type { FeedbackInputRaw } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { primaryLanguage } from '../language.ts';
import { boundedId, cleanText, htmlToPlainText } from '../text.ts';
import { compact, isRecord, type JsonRecord, rec, str } from '../values.ts';
import type { InboundResult } from './types.ts';

function isStatus(value: unknown): value is JsonRecord {
  return isRecord(value) && typeof value.content === 'string' && isRecord(value.account) && str(value.id) !== undefined;
}

function isNotification(value: unknown): value is JsonRecord {
  return isRecord(value) && typeof value.type === 'string' && isRecord(value.account) && !('content' in value);
}

/** Leading "@account" mentions only address the post; removing them leaves what the person said. */
function stripLeadingMentions(text: string): string {
  const stripped = text.replace(/^(?:@[\w.-]+(?:@[\w.-]+)?[\s,:]*)+/u, '').trim();
  return stripped === '' ? text : stripped;
}

function handleOf(account: JsonRecord): string | undefined {
  const acct = str(account.acct) ?? str(account.username);
  if (!acct) return undefined;
  if (acct.includes('@')) return `@${acct}`;
  // Local accounts carry no domain in `acct`; the profile URL names the instance.
  const url = str(account.url);
  const host = url && URL.canParse(url) ? new URL(url).host : undefined;
  return host ? `@${acct}@${host}` : `@${acct}`;
}

function httpUrl(value: unknown): string | undefined {
  const url = str(value);
  return url && /^https?:\/\//i.test(url) && URL.canParse(url) && url.length <= 2048 ? url : undefined;
}

export function mapMastodonStatus(input: JsonRecord): FeedbackInputRaw | { skip: string } {
  // A boost carries the original post in `reblog` and has empty content of its own.
  const status = isStatus(input.reblog) ? input.reblog : input;
  const account = rec(status.account) ?? {};
  const body = stripLeadingMentions(htmlToPlainText(String(status.content ?? '')));
  const warning = str(status.spoiler_text);
  const text = cleanText(warning ? `${warning}\n\n${body}` : body);
  if (!text) return { skip: 'the status has no text' };
  const uri = str(status.uri) ?? str(status.url);
  const visibility = str(status.visibility);
  const postedAt = toIsoInstant(status.created_at);
  return compact({
    channel: 'social_mention' as const,
    text,
    language: primaryLanguage(str(status.language)),
    receivedAt: postedAt,
    source: uri ? 'mastodon' : undefined,
    externalId: uri ? boundedId(uri) : undefined,
    details: compact({
      kind: 'social_mention' as const,
      platform: 'mastodon' as const,
      postUrl: httpUrl(status.url) ?? httpUrl(status.uri),
      postId: str(status.id),
      authorHandle: handleOf(account),
      authorName: (str(account.display_name) ?? str(account.username))?.slice(0, 300),
      postedAt,
      public: visibility === undefined || visibility === 'public' || visibility === 'unlisted',
      inReplyTo: str(status.in_reply_to_id),
    }),
  });
}

/**
 * Mastodon: a `Status`, a `Notification` (only `mention` carries feedback), an array of either (a tag or
 * home timeline, the notifications list), or a search result `{ statuses: [] }`.
 */
export function mapMastodon(body: unknown): InboundResult {
  const entries = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.statuses) ? body.statuses : [body];
  const result: InboundResult = { items: [], skipped: [] };
  if (entries.length > 0 && !entries.some((entry) => isStatus(entry) || isNotification(entry))) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'mastodon expects a Status ({ id, uri, content, account }), a mention Notification ({ type, account, status }) or an array of them',
    );
  }
  for (const entry of entries) {
    let status: unknown = entry;
    if (isNotification(entry)) {
      const ref = str(entry.id);
      if (entry.type !== 'mention') {
        result.skipped.push({
          reason: `notification type '${String(entry.type)}' is not a mention`,
          ...(ref ? { ref } : {}),
        });
        continue;
      }
      status = entry.status;
    }
    if (!isStatus(status)) {
      result.skipped.push({ reason: 'not a Mastodon status' });
      continue;
    }
    const mapped = mapMastodonStatus(status);
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: String(status.uri ?? status.id) });
    else result.items.push(mapped);
  }
  return result;
}
