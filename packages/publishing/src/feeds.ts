import { changeText, countText, declinedText, impactText } from './cards.ts';
import { localise, orgName, statusLabel } from './format.ts';
import { escapeXml, html, type SafeHtml } from './html.ts';
import { t } from './i18n.ts';
import type { Lang, OrgBranding, WeDidAction, YouSaidWeDidEntry } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

export interface FeedInput {
  org: OrgBranding;
  entries: YouSaidWeDidEntry[];
  lang: Lang;
  baseUrl: string;
  /** Build time; also the feed's `updated` when there are no entries. */
  now: Date;
}

const FEED_LANGUAGE: Record<Lang, string> = { en: 'en-GB', cy: 'cy' };

function entryTitle(lang: Lang, entry: YouSaidWeDidEntry): string {
  const theme = localise(lang, entry.themeName, entry.themeNameCy).text;
  const first = entry.weDid[0];
  return first ? `${theme}: ${localise(lang, first.title, first.titleCy).text}` : theme;
}

function actionText(lang: Lang, action: WeDidAction): string {
  const title = localise(lang, action.title, action.titleCy).text;
  const statement = localise(lang, action.statement, action.statementCy).text;
  const parts = [`[${statusLabel(lang, action.status)}] ${title}`];
  if (statement) parts.push(statement);
  if (action.status === 'declined') {
    const { because, reason } = declinedText(lang, action);
    parts.push(reason ? `${because} ${reason}` : because);
  }
  for (const m of action.impact) {
    const line = impactText(lang, m);
    if (line) parts.push(line);
  }
  return parts.join('\n  ');
}

/** Plain text of an entry, for summaries and JSON Feed `content_text`. */
export function entryText(lang: Lang, entry: YouSaidWeDidEntry): string {
  const summary = localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text;
  const said = [countText(lang, entry.youSaid), changeText(lang, entry.youSaid)].filter(Boolean).join('. ');
  const lines = [`${t(lang, 'youSaid')}: ${summary}${said ? ` (${said})` : ''}`];
  lines.push(`${t(lang, 'weDid')}:`);
  if (entry.weDid.length === 0) lines.push(t(lang, 'noActionsYet'));
  for (const action of entry.weDid) lines.push(`- ${actionText(lang, action)}`);
  return lines.join('\n');
}

/** HTML of an entry for feed readers: simple markup, no classes or styles. */
export function entryFeedHtml(lang: Lang, entry: YouSaidWeDidEntry, entryUrl: string): SafeHtml {
  const summary = localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text;
  const said = [countText(lang, entry.youSaid), changeText(lang, entry.youSaid)].filter(Boolean);
  const quotes = entry.youSaid.quotes.slice(0, 3).map((q) => html`<blockquote><p>“${q}”</p></blockquote>`);
  const actions = entry.weDid.map((action) => {
    const title = localise(lang, action.title, action.titleCy).text;
    const statement = localise(lang, action.statement, action.statementCy).text;
    const declined = action.status === 'declined' ? declinedText(lang, action) : null;
    const impacts = action.impact.map((m) => impactText(lang, m)).filter((line): line is string => Boolean(line));
    return html`<li><strong>${statusLabel(lang, action.status)}:</strong> ${title}${statement ? html`<br>${statement}` : ''}${
      declined ? html`<br><strong>${declined.because}</strong>${declined.reason ? html` ${declined.reason}` : ''}` : ''
    }${impacts.length ? html`<br>${impacts.join('; ')}` : ''}</li>`;
  });
  return html`<h2>${t(lang, 'youSaid')}</h2>${said.length ? html`<p><strong>${said.join('. ')}</strong></p>` : ''}<p>${summary}</p>${quotes}<h2>${t(
    lang,
    'weDid',
  )}</h2>${actions.length ? html`<ul>${actions}</ul>` : html`<p>${t(lang, 'noActionsYet')}</p>`}<p><a href="${entryUrl}">${t(
    lang,
    'readMore',
  )}</a></p>`;
}

function feedTitle(org: OrgBranding, lang: Lang): string {
  return `${orgName(org, lang)}: ${t(lang, 'boardTitle')}`;
}

function latest(entries: YouSaidWeDidEntry[], now: Date): Date {
  if (entries.length === 0) return now;
  return new Date(Math.max(...entries.map((e) => e.updatedAt.getTime())));
}

/** RSS 2.0 with an `atom:link rel="self"`, as the RSS Advisory Board recommends. */
export function renderRss(input: FeedInput): string {
  const { org, lang, entries } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const items = entries.map((entry) => {
    const url = withQuery(urls.entry(entry.id), q);
    const theme = localise(lang, entry.themeName, entry.themeNameCy).text;
    return `<item>
<title>${escapeXml(entryTitle(lang, entry))}</title>
<link>${escapeXml(url)}</link>
<guid isPermaLink="true">${escapeXml(urls.entry(entry.id))}</guid>
<pubDate>${entry.publishedAt.toUTCString()}</pubDate>
<category>${escapeXml(theme)}</category>
<description>${escapeXml(entryFeedHtml(lang, entry, url).value)}</description>
</item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${escapeXml(feedTitle(org, lang))}</title>
<link>${escapeXml(withQuery(urls.board, q))}</link>
<description>${escapeXml(t(lang, 'boardMetaDescription', { org: orgName(org, lang) }))}</description>
<language>${FEED_LANGUAGE[lang].toLowerCase()}</language>
<lastBuildDate>${input.now.toUTCString()}</lastBuildDate>
<generator>closeloop</generator>
<atom:link href="${escapeXml(withQuery(urls.rss, q))}" rel="self" type="application/rss+xml"/>
${items.join('\n')}
</channel>
</rss>
`;
}

/** Atom (RFC 4287). Entry ids are the entries' permanent URLs, the same in every language. */
export function renderAtom(input: FeedInput): string {
  const { org, lang, entries } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const author = `<author><name>${escapeXml(orgName(org, lang))}</name><uri>${escapeXml(urls.board)}</uri></author>`;
  const items = entries.map((entry) => {
    const url = withQuery(urls.entry(entry.id), q);
    const theme = localise(lang, entry.themeName, entry.themeNameCy).text;
    const summary = localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text;
    return `<entry>
<id>${escapeXml(urls.entry(entry.id))}</id>
<title type="text">${escapeXml(entryTitle(lang, entry))}</title>
<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
<published>${entry.publishedAt.toISOString()}</published>
<updated>${entry.updatedAt.toISOString()}</updated>
${author}
<category term="${escapeXml(theme)}"/>
<summary type="text">${escapeXml(summary)}</summary>
<content type="html">${escapeXml(entryFeedHtml(lang, entry, url).value)}</content>
</entry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${FEED_LANGUAGE[lang]}">
<id>${escapeXml(withQuery(urls.atom, q))}</id>
<title type="text">${escapeXml(feedTitle(org, lang))}</title>
<subtitle type="text">${escapeXml(t(lang, 'boardMetaDescription', { org: orgName(org, lang) }))}</subtitle>
<updated>${latest(entries, input.now).toISOString()}</updated>
${author}
<link rel="self" type="application/atom+xml" href="${escapeXml(withQuery(urls.atom, q))}"/>
<link rel="alternate" type="text/html" href="${escapeXml(withQuery(urls.board, q))}"/>
<generator>closeloop</generator>
${items.join('\n')}
</feed>
`;
}

/** JSON Feed 1.1. */
export function renderJsonFeed(input: FeedInput): string {
  const { org, lang, entries } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feedTitle(org, lang),
    home_page_url: withQuery(urls.board, q),
    feed_url: withQuery(urls.jsonFeed, q),
    description: t(lang, 'boardMetaDescription', { org: orgName(org, lang) }),
    language: FEED_LANGUAGE[lang],
    authors: [{ name: orgName(org, lang), url: urls.board }],
    items: entries.map((entry) => {
      const url = withQuery(urls.entry(entry.id), q);
      return {
        id: urls.entry(entry.id),
        url,
        title: entryTitle(lang, entry),
        summary: localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text,
        content_html: entryFeedHtml(lang, entry, url).value,
        content_text: entryText(lang, entry),
        date_published: entry.publishedAt.toISOString(),
        date_modified: entry.updatedAt.toISOString(),
        tags: [localise(lang, entry.themeName, entry.themeNameCy).text],
        language: FEED_LANGUAGE[lang],
      };
    }),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
