import {
  channelLabel,
  formatDate,
  formatNumber,
  formatPeriod,
  langAttr,
  localise,
  percentChange,
  shares,
  statusLabel,
  tHtml,
} from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { t } from './i18n.ts';
import type { ImpactMeasure, Lang, WeDidAction, YouSaid, YouSaidWeDidEntry } from './types.ts';

/** How much of an entry a surface shows: the board, the entry's own page, or the compact embed. */
export type CardVariant = 'board' | 'entry' | 'embed';

function heading(level: number, attrs: string, content: SafeHtml | string): SafeHtml {
  const n = Math.min(6, Math.max(1, level));
  return html`${raw(`<h${n}${attrs}>`)}${content}${raw(`</h${n}>`)}`;
}

/** True when the real count must not be shown (below the organisation's k). */
export function isSuppressed(youSaid: YouSaid): boolean {
  const k = youSaid.suppressedBelow;
  return k !== null && k !== undefined && (youSaid.count === null || youSaid.count < k);
}

/** Plain-text "142 people told us" / "Fewer than 5 people told us", or null when no count is shown. */
export function countText(lang: Lang, youSaid: YouSaid): string | null {
  if (isSuppressed(youSaid)) return t(lang, 'fewerThan', { k: formatNumber(lang, youSaid.suppressedBelow ?? 0) });
  if (youSaid.count === null) return null;
  const key = youSaid.count === 1 ? 'peopleToldUs_one' : 'peopleToldUs_other';
  return t(lang, key, { count: formatNumber(lang, youSaid.count) });
}

function countLine(lang: Lang, youSaid: YouSaid): SafeHtml | '' {
  if (isSuppressed(youSaid)) {
    const k = html`<strong>${formatNumber(lang, youSaid.suppressedBelow ?? 0)}</strong>`;
    return html`<p class="count">${tHtml(lang, 'fewerThan', { k })}</p>`;
  }
  if (youSaid.count === null) return '';
  const key = youSaid.count === 1 ? 'peopleToldUs_one' : 'peopleToldUs_other';
  const count = html`<strong>${formatNumber(lang, youSaid.count)}</strong>`;
  return html`<p class="count">${tHtml(lang, key, { count })}</p>`;
}

/** Plain-text change against the previous period, or null when it is unknown or would reveal a small count. */
export function changeText(lang: Lang, youSaid: YouSaid): string | null {
  const previous = youSaid.previousCount;
  if (isSuppressed(youSaid) || youSaid.count === null || previous === null || previous === undefined) return null;
  if (previous === 0) return youSaid.count === 0 ? t(lang, 'changeSame') : t(lang, 'changeNew');
  const percent = percentChange(youSaid.count, previous);
  if (percent === 0) return t(lang, 'changeSame');
  const params = { percent: formatNumber(lang, Math.abs(percent)), previous: formatNumber(lang, previous) };
  return percent > 0 ? t(lang, 'changeUp', params) : t(lang, 'changeDown', params);
}

function changeLine(lang: Lang, youSaid: YouSaid): SafeHtml | '' {
  const text = changeText(lang, youSaid);
  if (!text) return '';
  const count = youSaid.count ?? 0;
  const previous = youSaid.previousCount ?? 0;
  const arrow = count > previous ? '▲' : count < previous ? '▼' : '■';
  return html`<p class="change"><span aria-hidden="true">${arrow}</span> ${text}</p>`;
}

function channelMix(lang: Lang, youSaid: YouSaid, level: number): SafeHtml | '' {
  const mix = youSaid.channelMix.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
  if (mix.length === 0 || isSuppressed(youSaid)) return '';
  const percents = shares(mix.map((c) => c.count));
  const rows = mix.map((c, i) => {
    const percent = percents[i] ?? 0;
    return html`<li><span>${channelLabel(lang, c.channel)}</span><span class="track" aria-hidden="true"><span class="fill w${percent}"></span></span><span class="num">${percent}%</span></li>`;
  });
  return html`${heading(level, ' class="minor"', t(lang, 'howPeopleToldUs'))}<ul class="bars">${rows}</ul>`;
}

function sentiment(lang: Lang, youSaid: YouSaid, level: number): SafeHtml | '' {
  const s = youSaid.sentiment;
  if (!s || isSuppressed(youSaid) || s.positive + s.neutral + s.negative <= 0) return '';
  const [pos = 0, neu = 0, neg = 0] = shares([s.positive, s.neutral, s.negative]);
  const item = (cls: string, label: string, value: number) =>
    html`<li><span class="swatch ${cls}" aria-hidden="true"></span>${label} ${value}%</li>`;
  return html`${heading(level, ' class="minor"', t(lang, 'howPeopleFelt'))}<div class="stack" aria-hidden="true"><span class="pos w${pos}"></span><span class="neu w${neu}"></span><span class="neg w${neg}"></span></div><ul class="legend">${item('pos', t(lang, 'sentimentPositive'), pos)}${item('neu', t(lang, 'sentimentNeutral'), neu)}${item('neg', t(lang, 'sentimentNegative'), neg)}</ul>`;
}

function quotes(lang: Lang, youSaid: YouSaid, level: number, max: number): SafeHtml | '' {
  const shown = youSaid.quotes.filter((q) => q.trim() !== '').slice(0, max);
  if (shown.length === 0) return '';
  return html`${heading(level, ' class="minor"', t(lang, 'inTheirWords'))}<div class="quotes">${shown.map(
    (q) => html`<figure class="quote"><blockquote><p>“${q.trim()}”</p></blockquote></figure>`,
  )}</div>`;
}

function formatMeasure(lang: Lang, value: number, unit: string): string {
  const number = formatNumber(lang, value);
  if (!unit) return number;
  return unit === '%' ? `${number}%` : `${number} ${unit}`;
}

/** Plain-text impact, e.g. "Average wait: 25 → 12 min". */
function localMeasure(lang: Lang, measure: ImpactMeasure): ImpactMeasure & { fallback: boolean } {
  const name = localise(lang, measure.name, measure.nameCy);
  const unit = localise(lang, measure.unit, measure.unitCy);
  return { ...measure, name: name.text, unit: unit.text, fallback: name.fallback };
}

export function impactText(lang: Lang, measure: ImpactMeasure): string | null {
  const m = localMeasure(lang, measure);
  if (m.before !== null && m.after !== null) {
    return `${m.name}: ${formatNumber(lang, m.before)} → ${formatMeasure(lang, m.after, m.unit)}`;
  }
  if (m.after !== null) return `${m.name}: ${t(lang, 'impactAfter', { value: formatMeasure(lang, m.after, m.unit) })}`;
  if (m.before !== null) {
    return `${m.name}: ${t(lang, 'impactBefore', { value: formatMeasure(lang, m.before, m.unit) })}, ${t(lang, 'impactBeingMeasured')}`;
  }
  return null;
}

function impact(lang: Lang, measures: ImpactMeasure[]): SafeHtml | '' {
  const items = measures.flatMap((measure) => {
    const m = localMeasure(lang, measure);
    let value: SafeHtml;
    if (m.before !== null && m.after !== null) {
      value = html`<span class="vh">${t(lang, 'impactFrom')} </span><span class="before">${formatNumber(lang, m.before)}</span> <span aria-hidden="true">→</span><span class="vh"> ${t(lang, 'impactTo')}</span> ${formatMeasure(lang, m.after, m.unit)}`;
    } else if (m.after !== null) {
      value = html`${t(lang, 'impactAfter', { value: formatMeasure(lang, m.after, m.unit) })}`;
    } else if (m.before !== null) {
      value = html`${t(lang, 'impactBefore', { value: formatMeasure(lang, m.before, m.unit) })}<span class="note">${t(lang, 'impactNow')}</span>`;
    } else {
      return [];
    }
    return [html`<div><dt${m.fallback ? html` lang="en"` : ''}>${m.name}</dt><dd>${value}</dd></div>`];
  });
  if (items.length === 0) return '';
  return html`<dl class="impact" aria-label="${t(lang, 'whatChanged')}">${items}</dl>`;
}

export function declinedText(lang: Lang, action: WeDidAction): { because: string; reason: string | null } {
  const reason = localise(lang, action.declinedReason ?? '', action.declinedReasonCy);
  return reason.text.trim()
    ? { because: t(lang, 'declinedBecause'), reason: reason.text.trim() }
    : { because: t(lang, 'declinedNoReason'), reason: null };
}

function actionItem(lang: Lang, action: WeDidAction, level: number, variant: CardVariant): SafeHtml {
  const title = localise(lang, action.title, action.titleCy);
  const statement = localise(lang, action.statement, action.statementCy);
  const date =
    action.status === 'done' && action.completedAt
      ? html`<span class="muted">${t(lang, 'completedOn', {
          date: formatDate(lang, action.completedAt),
        })}</span>`
      : '';
  let declined: SafeHtml | '' = '';
  if (action.status === 'declined') {
    const reasonLocal = localise(lang, action.declinedReason ?? '', action.declinedReasonCy);
    const { because, reason } = declinedText(lang, action);
    declined = reason
      ? html`<p class="declined"><strong>${because}</strong> <span${langAttr(reasonLocal)}>${reason}</span></p>`
      : html`<p class="declined"><strong>${because}</strong></p>`;
  }
  const showStatement = variant !== 'embed' && statement.text.trim() !== '';
  return html`<li class="action"><div class="action__top"><span class="badge badge--${action.status}">${statusLabel(lang, action.status)}</span>${date}</div>${heading(level, ` class="action__title"${langAttr(title).value}`, title.text)}${
    showStatement ? html`<p${langAttr(statement)}>${statement.text}</p>` : ''
  }${declined}${variant === 'embed' ? '' : impact(lang, action.impact)}</li>`;
}

export interface CardOptions {
  lang: Lang;
  entry: YouSaidWeDidEntry;
  entryUrl: string;
  variant: CardVariant;
  /** Unique per page; used for heading ids. */
  index: number;
}

export function metaLine(lang: Lang, entry: YouSaidWeDidEntry): SafeHtml {
  const period = formatPeriod(lang, entry.periodStart, entry.periodEnd);
  const place = entry.servicePoint?.trim()
    ? html`<span>${t(lang, 'servicePoint', { name: entry.servicePoint.trim() })}</span>`
    : '';
  return html`<p class="entry__meta"><span>${period}</span>${place}</p>`;
}

/** The You said / We did halves. On the board they sit under an h2 title; on the entry page under the h1. */
export function entryHalves(options: CardOptions, level: number): SafeHtml {
  const { lang, entry, variant } = options;
  const id = `entry-${options.index}`;
  const summary = localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy);
  const detail = variant === 'embed' ? '' : channelMix(lang, entry.youSaid, level + 1);
  const feelings = variant === 'entry' ? sentiment(lang, entry.youSaid, level + 1) : '';
  const said = quotes(lang, entry.youSaid, level + 1, variant === 'embed' ? 0 : variant === 'board' ? 3 : 10);
  const actions =
    entry.weDid.length > 0
      ? html`<ul class="actions">${entry.weDid.map((a) => actionItem(lang, a, level + 1, variant))}</ul>`
      : html`<p>${t(lang, 'noActionsYet')}</p>`;
  return html`<div class="entry__body"><div class="said">${heading(level, ` class="label" id="${id}-said"`, t(lang, 'youSaid'))}${countLine(lang, entry.youSaid)}${changeLine(lang, entry.youSaid)}<p class="summary"${langAttr(summary)}>${summary.text}</p>${said}${detail}${feelings}</div><div class="did">${heading(level, ` class="label" id="${id}-did"`, t(lang, 'weDid'))}${actions}</div></div>`;
}

export function entryCard(options: CardOptions): SafeHtml {
  const { lang, entry, entryUrl, variant } = options;
  const id = `entry-${options.index}`;
  const theme = localise(lang, entry.themeName, entry.themeNameCy);
  const foot =
    variant === 'embed'
      ? ''
      : html`<div class="entry__foot"><span>${t(lang, 'updated', {
          date: formatDate(lang, entry.updatedAt),
        })}</span><a href="${entryUrl}">${t(lang, 'readMore')}<span class="vh">: ${theme.text}</span></a></div>`;
  return html`<article class="entry" aria-labelledby="${id}"><div class="entry__head">${metaLine(lang, entry)}<h2 class="entry__title" id="${id}"${langAttr(theme)}><a href="${entryUrl}">${theme.text}</a></h2></div>${entryHalves(options, 3)}${foot}</article>`;
}
