import type { FastifyInstance } from 'fastify';
import { shareBar } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { channelLabel, formatSlashDay, isoDayInLondon, parseDay, percent, queryOf, str } from '../forms.ts';
import { errorSummary, type FormErrors, html, renderPage, type SafeHtml } from '../layout.ts';
import {
  BELOW_SHARE,
  computeReview,
  OVER_REPRESENTED,
  type RepresentationFlag,
  UNDER_REPRESENTED,
} from '../review/compute.ts';
import { loadReviewInput } from '../review/queries.ts';
import { requireStaff, staffOf } from '../session.ts';

function flagText(flag: RepresentationFlag): SafeHtml | string {
  if (flag === 'under') return html`<span class="flag-under">Under-represented</span>`;
  if (flag === 'below') return html`<span class="flag-over">Below its share</span>`;
  if (flag === 'over') return html`<span class="flag-over">Over-represented</span>`;
  return '';
}

export function registerReviewPage(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  scope.get('/console/review', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const query = queryOf(request);
    const now = ctx.now();
    const errors: FormErrors = {};
    const defaultFrom = isoDayInLondon(new Date(now.getTime() - 365 * 86_400_000));
    const defaultTo = isoDayInLondon(now);
    const fromText = str(query, 'from');
    const toText = str(query, 'to');
    const from = fromText ? parseDay(fromText) : defaultFrom;
    const to = toText ? parseDay(toText) : defaultTo;
    if (!from) errors.from = 'Enter the start of the period as dd/mm/yyyy';
    if (!to) errors.to = 'Enter the end of the period as dd/mm/yyyy';
    if (from && to && from > to) errors.to = 'The end of the period is before its start';
    const valid = Object.keys(errors).length === 0 && from && to;
    const review = valid ? computeReview(await loadReviewInput(db, staff.orgId, from, to)) : null;
    const periodForm = html`<form method="get" action="/console/review" class="card" aria-label="Period">
<div class="filters"><div><label for="from">From <span class="hint">dd/mm/yyyy</span></label><input id="from" name="from" size="11" inputmode="numeric" value="${fromText || formatSlashDay(new Date(`${defaultFrom}T12:00:00Z`))}"></div>
<div><label for="to">To <span class="hint">dd/mm/yyyy</span></label><input id="to" name="to" size="11" inputmode="numeric" value="${toText || formatSlashDay(new Date(`${defaultTo}T12:00:00Z`))}"></div>
<div><button type="submit">Show the review</button></div></div></form>`;
    if (!review) {
      return renderPage(
        request,
        reply,
        'Engagement review',
        html`<h1>Engagement review</h1>${errorSummary(errors)}${periodForm}`,
        {
          active: 'review',
          status: 400,
        },
      );
    }
    const under = review.groups.filter((g) => g.flag === 'under');
    const below = review.groups.filter((g) => g.flag === 'below');
    const over = review.groups.filter((g) => g.flag === 'over');
    const unrecorded = review.total > 0 ? review.withoutGroup / review.total : 0;
    const maxShare = Math.max(0.0001, ...review.groups.flatMap((g) => [g.feedbackShare ?? 0, g.populationShare ?? 0]));
    const body = html`<h1>Engagement review</h1>
<p class="muted">Who is not being heard? Each customer group's share of feedback against its share of the population, how each method reaches each group, and how many people each engagement reached (Customer Service Excellence 1.2.3).</p>
${periodForm}
<section class="card" aria-labelledby="finding-h"><h2 id="finding-h">Findings</h2>
<p>${review.total} feedback items in the period; ${review.withGroup} with a customer group recorded, ${review.withoutGroup} without.</p>
${
  under.length === 0
    ? html`<p>No group is under-represented (index below ${String(UNDER_REPRESENTED)}).</p>`
    : html`<p><strong>Not being heard enough</strong> (index below ${String(UNDER_REPRESENTED)}):</p><ul>${under.map(
        (g) =>
          html`<li><strong>${g.name}</strong>: ${percent(g.feedbackShare, 1)} of feedback against ${percent(g.populationShare, 1)} of the population (index ${(g.index ?? 0).toFixed(2)}). ${
            g.channels.length
              ? `Their feedback came by ${g.channels
                  .slice(0, 3)
                  .map((c) => `${channelLabel(c.channel).toLowerCase()} (${c.n})`)
                  .join(', ')}: build on these methods.`
              : 'No method reached them in this period.'
          }</li>`,
      )}</ul>`
}
${
  below.length > 0
    ? html`<p><strong>Heard less than their share</strong> (index ${String(UNDER_REPRESENTED)}–${String(BELOW_SHARE)}): ${below
        .map((g) => `${g.name} (${(g.index ?? 0).toFixed(2)})`)
        .join(', ')}.</p>`
    : ''
}
${
  unrecorded > 0.3
    ? html`<p class="small">${percent(unrecorded)} of feedback has no customer group recorded, so these figures describe the people whose group is known. Asking for it (optionally) on more channels makes this review sharper.</p>`
    : ''
}
${
  over.length > 0
    ? html`<p><strong>Heard more than their share</strong> (index above ${String(OVER_REPRESENTED)}): ${over.map((g) => g.name).join(', ')}.</p>`
    : ''
}</section>
<section class="card" aria-labelledby="rep-h"><h2 id="rep-h">Representation by customer group</h2>
<div class="scroll"><table><caption class="visually-hidden">Share of feedback against population share per customer group</caption>
<thead><tr><th scope="col">Customer group</th><th scope="col" class="num">Feedback</th><th scope="col">Share of feedback</th><th scope="col">Share of population</th><th scope="col" class="num">Index</th><th scope="col">Finding</th></tr></thead><tbody>
${review.groups.map(
  (g) => html`<tr><th scope="row">${g.name}</th><td class="num">${g.count}</td>
<td>${percent(g.feedbackShare, 1)}${shareBar((g.feedbackShare ?? 0) / maxShare, `feedback share ${percent(g.feedbackShare, 1)}`)}</td>
<td>${g.populationShare === null ? 'not set' : percent(g.populationShare, 1)}${shareBar((g.populationShare ?? 0) / maxShare, `population share ${percent(g.populationShare, 1)}`, 'pop')}</td>
<td class="num">${g.index === null ? '—' : g.index.toFixed(2)}</td><td>${flagText(g.flag)}</td></tr>`,
)}</tbody></table></div>
<p class="small muted">Share of feedback counts only feedback with a group recorded. Index = share of feedback ÷ share of population; below ${String(UNDER_REPRESENTED)} is flagged as under-represented, below ${String(BELOW_SHARE)} as below its share, above ${String(OVER_REPRESENTED)} as over-represented.</p></section>
<section class="card" aria-labelledby="matrix-h"><h2 id="matrix-h">Methods and the groups they reach</h2>
${
  review.matrix.channels.length === 0
    ? html`<p class="muted">No feedback in this period.</p>`
    : html`<div class="scroll"><table><caption class="visually-hidden">Feedback count by channel (rows) and customer group (columns)</caption>
<thead><tr><th scope="col">Channel</th>${review.matrix.columns.map((c) => html`<th scope="col" class="num">${c.name}</th>`)}<th scope="col" class="num">Total</th></tr></thead><tbody>
${review.matrix.channels.map(
  (channel, i) =>
    html`<tr><th scope="row">${channelLabel(channel)}</th>${(review.matrix.cells[i] ?? []).map(
      (n) => html`<td class="num">${n === 0 ? html`<span class="muted">0</span>` : String(n)}</td>`,
    )}<td class="num"><strong>${review.matrix.rowTotals[i] ?? 0}</strong></td></tr>`,
)}</tbody><tfoot><tr><th scope="row">Total</th>${review.matrix.columnTotals.map((n) => html`<td class="num"><strong>${n}</strong></td>`)}<td class="num"><strong>${review.total}</strong></td></tr></tfoot></table></div>`
}</section>
<section class="card" aria-labelledby="eng-h"><h2 id="eng-h">Engagements: response rates</h2>
${
  review.engagements.length === 0
    ? html`<p class="muted">No survey, consultation or focus group ran in this period.</p>`
    : html`<div class="scroll"><table><thead><tr><th scope="col">Engagement</th><th scope="col">Kind</th><th scope="col">Method</th><th scope="col" class="num">Invited</th><th scope="col" class="num">Responses</th><th scope="col">Response rate</th></tr></thead><tbody>
${review.engagements.map(
  (e) =>
    html`<tr><th scope="row">${e.title}</th><td>${e.kind.replace(/_/g, ' ')}</td><td class="small">${e.method ?? '—'}</td><td class="num">${e.invited ?? '—'}</td><td class="num">${e.responses}</td><td>${percent(e.responseRate, 1)}${e.responseRate === null ? '' : shareBar(e.responseRate, `response rate ${percent(e.responseRate, 1)}`)}</td></tr>`,
)}</tbody></table></div>`
}</section>
<section class="card" aria-labelledby="loop-h"><h2 id="loop-h">Consent and closing the loop, by channel</h2>
${
  review.channels.length === 0
    ? html`<p class="muted">No feedback in this period.</p>`
    : html`<div class="scroll"><table><thead><tr><th scope="col">Channel</th><th scope="col" class="num">Feedback</th><th scope="col">Agreed to be contacted</th><th scope="col">Want to hear the outcome</th><th scope="col">Reached a published outcome</th></tr></thead><tbody>
${review.channels.map(
  (c) =>
    html`<tr><th scope="row">${channelLabel(c.channel)}</th><td class="num">${c.total}</td><td>${percent(c.consentContactShare)} <span class="small muted">(${c.consentContact})</span></td><td>${percent(c.consentOutcomeShare)} <span class="small muted">(${c.consentOutcome})</span></td><td>${percent(c.publishedOutcomeShare)} <span class="small muted">(${c.publishedOutcome})</span>${shareBar(c.publishedOutcomeShare ?? 0, `published outcome ${percent(c.publishedOutcomeShare)}`)}</td></tr>`,
)}</tbody></table></div>`
}</section>`;
    return renderPage(request, reply, 'Engagement review', body, { active: 'review' });
  });
}
