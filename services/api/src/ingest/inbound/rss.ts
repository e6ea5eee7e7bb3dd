import type { FeedbackInputRaw } from '@closeloop/domain';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { primaryLanguage } from '../language.ts';
import { normaliseRating } from '../rating.ts';
import { boundedId, cleanText, htmlToPlainText } from '../text.ts';
import { arr, compact, isRecord, type JsonRecord, rec, str } from '../values.ts';
import type { InboundResult } from './types.ts';

// Bodies are kept raw (stop nodes) so CDATA, escaped HTML and inline XHTML can each be decoded the right way.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  stopNodes: ['*.description', '*.content:encoded', '*.content', '*.summary'],
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return XML_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The character data of a raw element body: entities decoded outside CDATA sections, CDATA taken literally. */
function characterData(raw: string): string {
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : unescapeXml(part)))
    .join('');
}

function nodeText(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return undefined;
}

/** RSS descriptions are HTML once decoded; Atom says which of text, html or xhtml it holds. */
function bodyText(node: unknown, atom: boolean): string {
  const raw = nodeText(node);
  if (raw === undefined) return '';
  const type = isRecord(node) ? str(node['@_type'])?.toLowerCase() : undefined;
  if (atom && (type === undefined || type === 'text' || type === 'text/plain')) return cleanText(characterData(raw));
  if (atom && (type === 'xhtml' || type === 'application/xhtml+xml')) return htmlToPlainText(raw);
  return htmlToPlainText(characterData(raw));
}

const RATING_PATTERNS = [
  /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\b/,
  /\b(?:rated|rating|score)[:\s]+(\d+(?:\.\d+)?)\s*(?:\/|out of)\s*(\d+)/i,
  /\bsgôr[:\s]+(\d+(?:\.\d+)?)\s*(?:\/|allan o)\s*(\d+)/i,
  /\b(\d+(?:\.\d+)?)\s*(?:out of|allan o)\s*(\d+)\s*(?:stars?|sêr)?\b/i,
];

/** Review feeds have no rating element: the rating is written in the title or text ("2/5", "Rated 2 out of 5"). */
export function ratingFromReview(
  title: string,
  body: string,
): { rating: number; raw: number; scale: number } | undefined {
  for (const text of [title, body]) {
    for (const pattern of RATING_PATTERNS) {
      const match = pattern.exec(text);
      if (!match) continue;
      const raw = Number(match[1]);
      const scale = Number(match[2]);
      if (scale < 3 || scale > 100) continue;
      const rating = normaliseRating(raw, scale >= 10 ? 0 : 1, scale);
      if (rating !== undefined) return { rating, raw, scale };
    }
  }
  return undefined;
}

function authorName(rssAuthor: string | undefined): string | undefined {
  if (!rssAuthor) return undefined;
  // RSS 2.0 <author> is "email (Name)"; keep the name, never a no-reply address.
  const named = /\(([^)]+)\)\s*$/.exec(rssAuthor)?.[1];
  if (named) return named.trim();
  return rssAuthor.includes('@') ? undefined : rssAuthor;
}

interface Entry {
  id?: string | undefined;
  link?: string | undefined;
  title: string;
  body: string;
  author?: string | undefined;
  published?: string | undefined;
  language?: string | undefined;
}

function toFeedback(entry: Entry, feedLink: string | undefined): FeedbackInputRaw | { skip: string } {
  const rating = ratingFromReview(entry.title, entry.body);
  const headline = cleanText(entry.title.replace(RATING_PATTERNS[0] as RegExp, '').replace(/^\s*[–—:|-]\s*/, ''));
  const text = cleanText(headline && !entry.body.startsWith(headline) ? `${headline}\n\n${entry.body}` : entry.body);
  if (!text) return { skip: 'the entry has no text' };
  // An opaque guid like "1234" is only unique within its feed.
  const opaque = entry.id && !/[:/]/.test(entry.id);
  const id = entry.id ? (opaque && feedLink ? `${feedLink}#${entry.id}` : entry.id) : entry.link;
  const postedAt = toIsoInstant(entry.published);
  const link = entry.link && URL.canParse(entry.link) && /^https?:/i.test(entry.link) ? entry.link : undefined;
  return compact({
    channel: 'social_mention' as const,
    text,
    rating: rating?.rating,
    language: primaryLanguage(entry.language),
    receivedAt: postedAt,
    source: id ? 'rss' : undefined,
    externalId: id ? boundedId(id) : undefined,
    details: compact({
      kind: 'social_mention' as const,
      platform: 'rss' as const,
      postUrl: link,
      postId: entry.id?.slice(0, 500),
      authorName: entry.author?.slice(0, 300),
      postedAt,
      public: true,
    }),
  });
}

function rssEntries(channel: JsonRecord): Entry[] {
  const language = str(channel.language);
  return arr(Array.isArray(channel.item) ? channel.item : channel.item ? [channel.item] : []).map((raw) => {
    const item = rec(raw) ?? {};
    const encoded = bodyText(item['content:encoded'], false);
    return {
      id: str(nodeText(item.guid)),
      link: str(nodeText(item.link)),
      title: cleanText(nodeText(item.title) ?? ''),
      body: encoded || bodyText(item.description, false),
      author: str(nodeText(item['dc:creator'])) ?? authorName(str(nodeText(item.author))),
      published: str(nodeText(item.pubDate)) ?? str(nodeText(item['dc:date'])),
      language: str(nodeText(item['dc:language'])) ?? language,
    };
  });
}

function atomLink(links: unknown): string | undefined {
  const list = Array.isArray(links) ? links : [links];
  const alternate = list
    .map(rec)
    .find((link) => link && (link['@_rel'] === undefined || link['@_rel'] === 'alternate'));
  return str(alternate?.['@_href']);
}

function atomEntries(feed: JsonRecord): Entry[] {
  const feedLanguage = str(feed['@_xml:lang']);
  const entries = Array.isArray(feed.entry) ? feed.entry : feed.entry ? [feed.entry] : [];
  return entries.map((raw) => {
    const entry = rec(raw) ?? {};
    const content = bodyText(entry.content, true);
    return {
      id: str(nodeText(entry.id)),
      link: atomLink(entry.link),
      title: cleanText(nodeText(entry.title) ?? ''),
      body: content || bodyText(entry.summary, true),
      author: str(nodeText(rec(Array.isArray(entry.author) ? entry.author[0] : entry.author)?.name)),
      published: str(nodeText(entry.published)) ?? str(nodeText(entry.updated)),
      language: str(entry['@_xml:lang']) ?? feedLanguage,
    };
  });
}

/** RSS 2.0, RSS 1.0 (RDF) or Atom review feeds → one `social_mention` (platform `rss`) per entry. */
export function mapRss(body: unknown): InboundResult {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    throw new InboundPayloadError('unrecognised_payload', 'rss expects an RSS 2.0 or Atom XML document as the body');
  }
  const xml = (Buffer.isBuffer(body) ? body.toString('utf8') : body).replace(/^\uFEFF/, '');
  if (XMLValidator.validate(xml) !== true) {
    throw new InboundPayloadError('invalid_xml', 'rss expects a well-formed RSS 2.0 or Atom XML document');
  }
  const doc = rec(parser.parse(xml)) ?? {};
  let entries: Entry[];
  let feedLink: string | undefined;
  const channel = rec(rec(doc.rss)?.channel);
  const feed = rec(doc.feed);
  const rdf = rec(doc['rdf:RDF']);
  if (channel) {
    entries = rssEntries(channel);
    feedLink = str(nodeText(channel.link));
  } else if (feed) {
    entries = atomEntries(feed);
    feedLink = atomLink(feed.link);
  } else if (rdf) {
    entries = rssEntries({ ...rdf, language: nodeText(rec(rdf.channel)?.['dc:language']) });
    feedLink = str(nodeText(rec(rdf.channel)?.link));
  } else {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'rss expects an <rss>, <feed> (Atom) or <rdf:RDF> root element',
    );
  }
  const result: InboundResult = { items: [], skipped: [] };
  for (const entry of entries) {
    const mapped = toFeedback(entry, feedLink);
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ...(entry.id ? { ref: entry.id } : {}) });
    else result.items.push(mapped);
  }
  return result;
}
