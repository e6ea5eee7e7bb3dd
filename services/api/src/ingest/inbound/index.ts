import { feedbackInputSchema } from '@closeloop/domain';
import { InboundPayloadError } from '../errors.ts';
import { mapBluesky } from './bluesky.ts';
import { mapDynamics365 } from './dynamics365.ts';
import { mapEmail } from './email.ts';
import { mapFreshdesk } from './freshdesk.ts';
import { mapHubspot } from './hubspot.ts';
import { mapMastodon } from './mastodon.ts';
import { mapRss } from './rss.ts';
import { mapSalesforce } from './salesforce.ts';
import { mapSurveyMonkey } from './surveymonkey.ts';
import { mapTypeform } from './typeform.ts';
import type { InboundOptions, InboundResult } from './types.ts';
import { mapZendesk } from './zendesk.ts';

export { facetSpans, readablePostText } from './bluesky.ts';
export { stripQuotedReply } from './email.ts';
export type { InboundOptions, InboundResult, InboundSkip } from './types.ts';

export const INBOUND_SOURCES = [
  'email',
  'mastodon',
  'bluesky',
  'rss',
  'typeform',
  'surveymonkey',
  'zendesk',
  'salesforce',
  'dynamics365',
  'hubspot',
  'freshdesk',
] as const;
export type InboundSource = (typeof INBOUND_SOURCES)[number];

export function isInboundSource(value: string): value is InboundSource {
  return (INBOUND_SOURCES as readonly string[]).includes(value);
}

/** Sources whose body is text (a MIME message, an XML feed); every other source takes JSON. */
const RAW_SOURCES: ReadonlySet<InboundSource> = new Set(['email', 'rss']);

type Mapper = (body: unknown, opts: InboundOptions) => InboundResult | Promise<InboundResult>;

const MAPPERS: Record<InboundSource, Mapper> = {
  email: mapEmail,
  mastodon: mapMastodon,
  bluesky: mapBluesky,
  rss: mapRss,
  typeform: mapTypeform,
  surveymonkey: mapSurveyMonkey,
  zendesk: mapZendesk,
  salesforce: mapSalesforce,
  dynamics365: mapDynamics365,
  hubspot: mapHubspot,
  freshdesk: mapFreshdesk,
};

function parseJsonBody(source: InboundSource, body: unknown): unknown {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return body;
  const text = (Buffer.isBuffer(body) ? body.toString('utf8') : body).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch {
    throw new InboundPayloadError('invalid_json', `${source} expects a JSON body; the body is not valid JSON`);
  }
}

/**
 * Maps one inbound payload, in the source system's own format, to feedback inputs. Every returned item
 * parses with `feedbackInputSchema`; one that would not (text over 20,000 characters, say) is reported in
 * `skipped` with the schema's reason instead. A body that is not the source's format throws
 * `InboundPayloadError` (422, stable `code`).
 *
 * Items carry `source` + `externalId` (the system's own id), so the route can upsert on them: the same
 * ticket or post posted twice updates one row.
 */
export async function mapInbound(
  source: InboundSource,
  body: unknown | string | Buffer,
  opts: InboundOptions = {},
): Promise<InboundResult> {
  const mapper = MAPPERS[source];
  if (!mapper) throw new InboundPayloadError('unrecognised_payload', `unknown inbound source '${String(source)}'`);
  const payload = RAW_SOURCES.has(source) ? body : parseJsonBody(source, body);
  const surveyDetails =
    typeof opts.surveyDetails === 'string' || Buffer.isBuffer(opts.surveyDetails)
      ? parseJsonBody(source, opts.surveyDetails)
      : opts.surveyDetails;
  let mapped: InboundResult;
  try {
    mapped = await mapper(payload, surveyDetails === undefined ? {} : { surveyDetails });
  } catch (error) {
    if (error instanceof InboundPayloadError) throw error;
    // A payload that passed the shape check but is malformed deeper down is still the sender's error.
    throw new InboundPayloadError(
      'unrecognised_payload',
      `${source} payload could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result: InboundResult = { items: [], skipped: [...mapped.skipped] };
  for (const item of mapped.items) {
    const parsed = feedbackInputSchema.safeParse(item);
    if (parsed.success) result.items.push(item);
    else {
      const issue = parsed.error.issues[0];
      result.skipped.push({
        reason: `invalid feedback: ${issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : 'schema mismatch'}`,
        ...(item.externalId ? { ref: item.externalId } : {}),
      });
    }
  }
  return result;
}
