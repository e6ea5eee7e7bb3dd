import { detectEmergingTopics, type EmergingTopic, type ThemeDef } from '@closeloop/analysis';
import { listThemes } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import { SENTIMENT_LABEL, shareBar } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { channelLabel, formatDay, percent, truncate } from '../forms.ts';
import { csrfField, html, renderPage } from '../layout.ts';
import { dashboardFigures, emergingTopicTexts } from '../queries/dashboard.ts';
import { taxonomyOf } from '../queries/themes.ts';
import { can, requireStaff, staffOf } from '../session.ts';

const SENTIMENT_ORDER = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'];
function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new this week';
  const delta = (now - before) / before;
  return `${delta >= 0 ? '+' : '−'}${percent(Math.abs(delta))} on the week before`;
}

type Text = { id: string; text: string; language: string | null };

/**
 * Emerging topics compared within each language: a rise in Welsh feedback must not make everyday
 * Welsh words look like a new topic against an English baseline.
 */
export function emergingByLanguage(recent: Text[], baseline: Text[], taxonomy: ThemeDef[]): EmergingTopic[] {
  const languageOf = (t: Text) => t.language ?? 'und';
  const languages = new Set(recent.map(languageOf));
  return [...languages]
    .flatMap((lang) =>
      detectEmergingTopics(
        recent.filter((t) => languageOf(t) === lang),
        baseline.filter((t) => languageOf(t) === lang),
        taxonomy,
        { maxTopics: 8, maxExamples: 3 },
      ),
    )
    .sort((a, b) => b.score - a.score || b.count - a.count);
}

export function registerDashboard(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  scope.get('/console', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const now = ctx.now();
    const [figures, texts, themes] = await Promise.all([
      dashboardFigures(db, staff.orgId, now),
      emergingTopicTexts(db, staff.orgId, now),
      listThemes(db, staff.orgId),
    ]);
    const undecided = (term: string) => !texts.decidedTerms.has(term.toLowerCase());
    const topics = emergingByLanguage(texts.recent, texts.baseline, taxonomyOf(themes))
      .filter((t) => undecided(t.term))
      .map((t) => ({ ...t, related: t.related.filter(undecided) }))
      .slice(0, 5);
    const textById = new Map(texts.recent.map((r) => [r.id, r.text]));
    const sentimentTotal = figures.sentiment.reduce((n, s) => n + s.n, 0);
    const channelMax = Math.max(1, ...figures.byChannel.map((c) => Math.max(c.thisWeek, c.lastWeek)));
    const editThemes = can(staff, 'editThemes');

    const body = html`<h1>Dashboard</h1>
<div class="grid">
  <section class="card" aria-labelledby="week-h"><h2 id="week-h">Feedback this week</h2>
    <p class="stat">${figures.thisWeek}</p><p class="muted">${figures.lastWeek} the week before (${change(figures.thisWeek, figures.lastWeek)}). Last 7 days.</p></section>
  <section class="card" aria-labelledby="triage-h"><h2 id="triage-h">Triage queue</h2>
    <p class="stat">${figures.triage}</p><p class="muted">Items the analysis was not sure about. <a href="/console/triage">Open the triage queue</a></p></section>
  <section class="card" aria-labelledby="links-h"><h2 id="links-h">Quick links</h2><ul>
    ${can(staff, 'keyCards') ? html`<li><a href="/console/cards">Key in comment cards</a></li>` : ''}
    <li><a href="/console/feedback">Search feedback</a></li>
    <li><a href="/console/review">Who is not being heard? (engagement review)</a></li>
    <li><a href="/${staff.orgSlug}/you-said-we-did">Public You said – We did board</a></li>
    <li><a href="/docs">API documentation</a></li></ul></section>
</div>
<div class="grid" style="margin-top:1rem">
  <section class="card" aria-labelledby="channel-h"><h2 id="channel-h">By channel</h2>
  ${
    figures.byChannel.length === 0
      ? html`<p class="muted">No feedback in the last two weeks.</p>`
      : html`<table><caption class="visually-hidden">Feedback by channel, this week and last week</caption>
    <thead><tr><th scope="col">Channel</th><th scope="col" class="num">This week</th><th scope="col" class="num">Last week</th></tr></thead><tbody>
    ${figures.byChannel.map(
      (c) =>
        html`<tr><th scope="row">${channelLabel(c.channel)}${shareBar(c.thisWeek / channelMax, `${c.thisWeek} this week`)}</th><td class="num">${c.thisWeek}</td><td class="num">${c.lastWeek}</td></tr>`,
    )}</tbody></table>`
  }</section>
  <section class="card" aria-labelledby="sent-h"><h2 id="sent-h">Sentiment, last 28 days</h2>
  ${
    sentimentTotal === 0
      ? html`<p class="muted">Nothing analysed in the last 28 days.</p>`
      : html`<table><caption class="visually-hidden">Sentiment of feedback in the last 28 days</caption>
    <thead><tr><th scope="col">Sentiment</th><th scope="col" class="num">Items</th><th scope="col" class="num">Share</th></tr></thead><tbody>
    ${SENTIMENT_ORDER.map((cls) => {
      const n = figures.sentiment.find((s) => s.sentimentClass === cls)?.n ?? 0;
      return html`<tr><th scope="row">${SENTIMENT_LABEL[cls] ?? cls}${shareBar(n / sentimentTotal, percent(n / sentimentTotal))}</th><td class="num">${n}</td><td class="num">${percent(n / sentimentTotal)}</td></tr>`;
    })}</tbody></table>`
  }</section>
  <section class="card" aria-labelledby="rising-h"><h2 id="rising-h">Rising themes</h2><p class="muted small">Last 28 days against the 28 before.</p>
  ${
    figures.risingThemes.length === 0
      ? html`<p class="muted">No themed feedback in the last 28 days.</p>`
      : html`<table><thead><tr><th scope="col">Theme</th><th scope="col" class="num">Last 28 days</th><th scope="col" class="num">28 before</th></tr></thead><tbody>
    ${figures.risingThemes.map(
      (t) =>
        html`<tr><th scope="row"><a href="/console/feedback?theme=${t.id}">${t.name}</a></th><td class="num">${t.recent}</td><td class="num">${t.previous}</td></tr>`,
    )}</tbody></table>`
  }</section>
</div>
<section class="card" aria-labelledby="emerging-h" style="margin-top:1rem"><h2 id="emerging-h">Emerging topics</h2>
<p class="muted small">Words and phrases rising in the last 14 days (${texts.recent.length} items) against the 60 days before (${texts.baseline.length} items) that no theme's rules cover yet.</p>
${
  topics.length === 0
    ? html`<p>Nothing new is rising: the themes cover what people are saying.</p>`
    : html`<ul class="plain">${topics.map(
        (
          topic,
          i,
        ) => html`<li><h3 id="topic-${String(i)}">“${topic.term}”${topic.related.length ? html` <span class="small">with ${topic.related.map((r, k) => html`${k ? ', ' : ''}“${r}”`)}</span>` : ''} <span class="muted small">in ${topic.count} recent items · score ${topic.score.toFixed(1)}</span></h3>
    ${topic.exampleIds.map(
      (id) =>
        html`<blockquote class="snippet"><a href="/console/feedback/${id}">${truncate((textById.get(id) ?? '').replace(/\s+/g, ' '), 240)}</a></blockquote>`,
    )}
    ${
      editThemes
        ? html`<div class="actions-row"><form method="post" action="/console/themes/from-topic">${csrfField(request)}
      <input type="hidden" name="term" value="${topic.term}"><input type="hidden" name="score" value="${topic.score.toFixed(3)}"><input type="hidden" name="count" value="${String(topic.count)}">
      ${topic.related.map((r) => html`<input type="hidden" name="related" value="${r}">`)}
      ${topic.exampleIds.map((id) => html`<input type="hidden" name="example" value="${id}">`)}
      <button type="submit" aria-describedby="topic-${String(i)}">Create theme</button></form>
      <form method="post" action="/console/themes/dismiss-topic">${csrfField(request)}<input type="hidden" name="term" value="${topic.term}">${topic.related.map((r) => html`<input type="hidden" name="related" value="${r}">`)}
      <button type="submit" class="secondary" aria-describedby="topic-${String(i)}">Not a theme</button></form></div>`
        : ''
    }</li>`,
      )}</ul>`
}</section>
<section class="card" aria-labelledby="due-h"><h2 id="due-h">Open actions due in the next 14 days</h2>
${
  figures.actionsDue.length === 0
    ? html`<p class="muted">No open action is due soon.</p>`
    : html`<table><thead><tr><th scope="col">Action</th><th scope="col">Status</th><th scope="col">Owner</th><th scope="col">Due</th></tr></thead><tbody>
  ${figures.actionsDue.map((a) => {
    const overdue = a.dueOn < now.toISOString().slice(0, 10);
    return html`<tr><th scope="row"><a href="/console/actions/${a.id}">${a.title}</a></th><td><span class="chip status">${a.status.replace('_', ' ')}</span></td><td>${a.ownerName ?? '—'}</td><td>${formatDay(`${a.dueOn}T12:00:00Z`)}${overdue ? html` <strong class="flag-under">overdue</strong>` : ''}</td></tr>`;
  })}</tbody></table>`
}
<p><a href="/console/actions">All actions</a></p></section>`;
    return renderPage(request, reply, 'Dashboard', body, { active: 'dashboard' });
  });
}
