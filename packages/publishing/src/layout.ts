import { palette } from './colour.ts';
import { orgName } from './format.ts';
import { html, joinHtml, raw, type SafeHtml, safeHttpUrl } from './html.ts';
import { t } from './i18n.ts';
import { stylesheet } from './styles.ts';
import type { Lang, OrgBranding } from './types.ts';
import { publicUrls, withQuery } from './urls.ts';

export interface PageOptions {
  org: OrgBranding;
  lang: Lang;
  baseUrl: string;
  title: string;
  description?: string;
  /** The page's own URL without `lang`, for canonical and language links. */
  pageUrl?: string;
  /** Extra query parameters kept when switching language (filters). */
  query?: Record<string, string | undefined>;
  main: SafeHtml;
  /**
   * `embed` drops the header, footer and skip link, and opens links in the parent page;
   * `minimal` is for pages outside any organisation (an unknown slug): no links to its board or feeds.
   */
  chrome?: 'full' | 'embed' | 'minimal';
  robots?: string;
}

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

function languageLinks(org: OrgBranding, lang: Lang, pageUrl: string, query: Record<string, string | undefined>) {
  const others = org.languages.filter((l) => l !== lang);
  if (others.length === 0) return '';
  return html`<nav class="lang-switch" aria-label="${t(lang, 'languageNav')}"><ul>${others.map(
    (other) =>
      html`<li><a href="${withQuery(pageUrl, { ...query, lang: other })}" hreflang="${other}" lang="${other}">${LANGUAGE_NAMES[other]}</a></li>`,
  )}</ul></nav>`;
}

function header(options: PageOptions, pageUrl: string): SafeHtml {
  const { org, lang } = options;
  const urls = publicUrls(options.baseUrl, org.slug);
  const logo = safeHttpUrl(org.logoUrl);
  return html`<header class="site-header"><div class="wrap"><a class="org" href="${withQuery(urls.board, lang === 'en' ? {} : { lang })}">${
    logo ? html`<img src="${logo}" alt="">` : ''
  }<span>${orgName(org, lang)}</span></a>${languageLinks(org, lang, pageUrl, options.query ?? {})}</div></header>`;
}

function footer(options: PageOptions): SafeHtml {
  const { org, lang } = options;
  const urls = publicUrls(options.baseUrl, org.slug);
  const q = lang === 'en' ? {} : { lang };
  return html`<footer class="site-footer"><div class="wrap"><div><h2>${t(lang, 'feedsLabel')}</h2><ul>
<li><a href="${withQuery(urls.subscribe, q)}">${t(lang, 'subscribeCta')}</a></li>
<li><a href="${withQuery(urls.rss, q)}">${t(lang, 'rssFeed')}</a></li>
<li><a href="${withQuery(urls.atom, q)}">${t(lang, 'atomFeed')}</a></li>
<li><a href="${withQuery(urls.jsonFeed, q)}">${t(lang, 'jsonFeed')}</a></li>
<li><a href="${withQuery(urls.poster, q)}">${t(lang, 'posterLink')}</a></li>
</ul></div><div><p><strong>${orgName(org, lang)}</strong></p><p class="muted">${t(lang, 'poweredBy')}</p></div></div></footer>`;
}

function feedLinks(options: PageOptions): SafeHtml {
  const { org, lang } = options;
  const urls = publicUrls(options.baseUrl, org.slug);
  const q = lang === 'en' ? {} : { lang };
  const title = `${orgName(org, lang)}: ${t(lang, 'boardTitle')}`;
  return html`<link rel="alternate" type="application/rss+xml" title="${title} (RSS)" href="${withQuery(urls.rss, q)}">
<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${withQuery(urls.atom, q)}">
<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${withQuery(urls.jsonFeed, q)}">`;
}

/** The whole HTML document: one inline stylesheet, no scripts, no external assets besides an optional logo. */
export function page(options: PageOptions): string {
  const { org, lang } = options;
  const chrome = options.chrome ?? 'full';
  const pageUrl = options.pageUrl ?? publicUrls(options.baseUrl, org.slug).board;
  const query = options.query ?? {};
  // Safe to insert unescaped: built only from our own rules and colours that passed `parseHex`.
  const css = stylesheet(palette(org.primaryColour));
  const alternates = org.languages.map(
    (l) => html`<link rel="alternate" hreflang="${l}" href="${withQuery(pageUrl, { ...query, lang: l })}">`,
  );
  const head = html`<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
${options.robots ? html`<meta name="robots" content="${options.robots}">` : ''}
<meta name="theme-color" content="${palette(org.primaryColour).brand}">
<meta property="og:title" content="${options.title}">
<meta property="og:site_name" content="${orgName(org, lang)}">
<meta property="og:locale" content="${lang === 'cy' ? 'cy_GB' : 'en_GB'}">
${options.description ? html`<meta property="og:description" content="${options.description}">` : ''}
${
  chrome === 'minimal'
    ? ''
    : html`<link rel="canonical" href="${withQuery(pageUrl, { ...query, lang: lang === 'en' ? undefined : lang })}">
${joinHtml(alternates, '\n')}`
}
${chrome === 'minimal' ? '' : feedLinks(options)}
${chrome === 'embed' ? html`<base target="_top">` : ''}
<style>${raw(css)}</style>`;
  let body: SafeHtml;
  if (chrome === 'embed') body = html`<body class="embed"><main id="main">${options.main}</main></body>`;
  else if (chrome === 'minimal') {
    body = html`<body><a class="skip" href="#main">${t(lang, 'skipLink')}</a>
<header class="site-header"><div class="wrap"><span class="org">${orgName(org, lang)}</span></div></header>
<main id="main" tabindex="-1">${options.main}</main>
<footer class="site-footer"><div class="wrap"><p class="muted">${t(lang, 'poweredBy')}</p></div></footer></body>`;
  } else {
    body = html`<body><a class="skip" href="#main">${t(lang, 'skipLink')}</a>
${header(options, pageUrl)}
<main id="main" tabindex="-1">${options.main}</main>
${footer(options)}</body>`;
  }
  const htmlLang = lang === 'cy' ? 'cy' : 'en';
  return `<!doctype html>\n<html lang="${htmlLang}" dir="ltr">\n<head>\n${head.value}\n</head>\n${body.value}\n</html>\n`;
}
