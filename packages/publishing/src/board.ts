import { entryCard, entryHalves, metaLine } from './cards.ts';
import { formatDate, formatNumber, langAttr, localise, orgName } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { t, tCount } from './i18n.ts';
import { page } from './layout.ts';
import type { Lang, Option, OrgBranding, YouSaidWeDidEntry } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

export interface BoardInput {
  org: OrgBranding;
  /** Already filtered by the service; shown in the order given. */
  entries: YouSaidWeDidEntry[];
  lang: Lang;
  /** The public origin, e.g. `https://feedback.example.gov.uk`; paths are built from the org slug. */
  baseUrl: string;
  /** The filters in force, echoed in the filter form and kept when switching language. */
  filters?: { theme?: string; period?: string };
  /** Choices for the filter form; the form is shown when either list is given. */
  themes?: Option[];
  periods?: Option[];
}

function filterForm(input: BoardInput, boardUrl: string): SafeHtml | '' {
  const { lang, themes, periods, filters } = input;
  if (!themes?.length && !periods?.length) return '';
  const select = (name: string, label: string, all: string, options: Option[], current: string | undefined) =>
    html`<div><label for="filter-${name}">${label}</label><select id="filter-${name}" name="${name}"><option value="">${all}</option>${options.map(
      (o) => html`<option value="${o.key}"${current === o.key ? html` selected` : ''}>${o.name}</option>`,
    )}</select></div>`;
  const active = Boolean(filters?.theme || filters?.period);
  return html`<form class="panel filters" method="get" action="${boardUrl}" role="search" aria-labelledby="filters-heading"><h2 id="filters-heading">${t(lang, 'filterHeading')}</h2>${
    themes?.length ? select('theme', t(lang, 'filterTheme'), t(lang, 'allThemes'), themes, filters?.theme) : ''
  }${periods?.length ? select('period', t(lang, 'filterPeriod'), t(lang, 'allPeriods'), periods, filters?.period) : ''}${
    lang === 'en' ? '' : html`<input type="hidden" name="lang" value="${lang}">`
  }<div><button class="button" type="submit">${t(lang, 'applyFilters')}</button></div>${
    active ? html`<div><a href="${withQuery(boardUrl, langQuery(lang))}">${t(lang, 'clearFilters')}</a></div>` : ''
  }</form>`;
}

/** The public "You said, we did" board at `/{org}/you-said-we-did`. */
export function renderBoard(input: BoardInput): string {
  const { org, lang, entries } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const filtered = Boolean(input.filters?.theme || input.filters?.period);
  const cards = entries.map((entry, index) =>
    entryCard({ lang, entry, entryUrl: withQuery(urls.entry(entry.id), q), variant: 'board', index }),
  );
  const list =
    entries.length > 0
      ? html`<div class="section-head"><h2>${t(lang, 'latestUpdates')}</h2><p class="muted small">${tCount(
          lang,
          'updatesCount',
          entries.length,
          { count: formatNumber(lang, entries.length) },
        )}</p></div><ol class="entries">${cards.map((card) => html`<li>${card}</li>`)}</ol>`
      : html`<div class="panel empty"><h2>${filtered ? t(lang, 'emptyFiltered') : t(lang, 'emptyTitle')}</h2>${
          filtered
            ? html`<p><a href="${withQuery(urls.board, q)}">${t(lang, 'clearFilters')}</a></p>`
            : html`<p>${t(lang, 'emptyBody')}</p>`
        }</div>`;
  const main = html`<div class="hero"><div class="wrap"><p class="eyebrow">${orgName(org, lang)}</p><h1>${t(
    lang,
    'boardTitle',
  )}</h1><p class="lede">${t(lang, 'boardIntro')}</p><ul class="cta">
<li><a class="button" href="${withQuery(urls.subscribe, q)}">${t(lang, 'subscribeCta')}</a></li>
<li><a class="button button--secondary" href="${withQuery(urls.feedback, q)}">${t(lang, 'giveFeedback')}</a></li>
<li><a href="${withQuery(urls.poster, q)}">${t(lang, 'posterLink')}</a></li>
</ul></div></div><div class="wrap content">${filterForm(input, urls.board)}${list}</div>`;
  return page({
    org,
    lang,
    baseUrl: input.baseUrl,
    title: `${t(lang, 'boardTitle')} – ${orgName(org, lang)}`,
    description: t(lang, 'boardMetaDescription', { org: orgName(org, lang) }),
    pageUrl: urls.board,
    query: { theme: input.filters?.theme, period: input.filters?.period },
    main,
  });
}

export interface EntryInput {
  org: OrgBranding;
  entry: YouSaidWeDidEntry;
  lang: Lang;
  baseUrl: string;
}

/** One entry's own page at `/{org}/you-said-we-did/{id}`. */
export function renderEntry(input: EntryInput): string {
  const { org, lang, entry } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const theme = localise(lang, entry.themeName, entry.themeNameCy);
  const main = html`<div class="wrap content"><nav class="breadcrumbs" aria-label="${t(lang, 'breadcrumb')}"><a href="${withQuery(
    urls.board,
    q,
  )}">${t(lang, 'boardTitle')}</a></nav><article class="entry" aria-labelledby="entry-0"><div class="entry__head">${metaLine(
    lang,
    entry,
  )}<h1 class="entry__title" id="entry-0"${langAttr(theme)}>${theme.text}</h1></div>${entryHalves(
    { lang, entry, entryUrl: urls.entry(entry.id), variant: 'entry', index: 0 },
    2,
  )}<div class="entry__foot"><span>${t(lang, 'published', { date: formatDate(lang, entry.publishedAt) })} · ${t(
    lang,
    'updated',
    { date: formatDate(lang, entry.updatedAt) },
  )} · ${t(lang, 'version', { n: entry.version })}</span><a href="${withQuery(urls.board, q)}">${t(
    lang,
    'allUpdates',
  )}</a></div></article><ul class="cta cta--after"><li><a class="button" href="${withQuery(
    urls.subscribe,
    q,
  )}">${t(lang, 'subscribeCta')}</a></li><li><a class="button button--secondary" href="${withQuery(
    urls.feedback,
    q,
  )}">${t(lang, 'giveFeedback')}</a></li></ul></div>`;
  return page({
    org,
    lang,
    baseUrl: input.baseUrl,
    title: `${theme.text} – ${t(lang, 'boardTitle')} – ${orgName(org, lang)}`,
    description: localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text.slice(0, 200),
    pageUrl: urls.entry(entry.id),
    main,
  });
}

export interface EmbedInput {
  org: OrgBranding;
  entries: YouSaidWeDidEntry[];
  lang: Lang;
  baseUrl: string;
  /** How many entries the compact board shows; default 5. */
  limit?: number;
}

/** A compact board for iframes at `/{org}/embed`: no header or footer, links open in the parent page. */
export function renderEmbed(input: EmbedInput): string {
  const { org, lang } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const shown = input.entries.slice(0, input.limit ?? 5);
  const body =
    shown.length > 0
      ? html`<ol class="entries">${shown.map(
          (entry, index) =>
            html`<li>${entryCard({ lang, entry, entryUrl: withQuery(urls.entry(entry.id), q), variant: 'embed', index })}</li>`,
        )}</ol>`
      : html`<div class="panel empty"><h2>${t(lang, 'emptyTitle')}</h2><p>${t(lang, 'emptyBody')}</p></div>`;
  const main = html`<h1 class="vh">${t(lang, 'boardTitle')} – ${orgName(org, lang)}</h1>${body}<div class="embed-foot"><a href="${withQuery(
    urls.board,
    q,
  )}">${t(lang, 'seeAllUpdates')}</a><a href="${withQuery(urls.subscribe, q)}">${t(lang, 'subscribeCta')}</a></div>`;
  return page({
    org,
    lang,
    baseUrl: input.baseUrl,
    title: `${t(lang, 'boardTitle')} – ${orgName(org, lang)}`,
    pageUrl: urls.embed,
    main,
    chrome: 'embed',
    robots: 'noindex',
  });
}
