import {
  type FeedbackCursor,
  type FeedbackFilters,
  listCustomerGroups,
  listFeedback,
  listServicePoints,
  listThemes,
  themesOfFeedback,
} from '@closeloop/db';
import { ANALYSIS_STATUSES, CHANNELS } from '@closeloop/domain';
import type { FastifyInstance } from 'fastify';
import { sentimentLabel, statusLabel, type ThemeTag, themeChips } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { channelLabel, formatDateTime, isUuid, parseDay, queryOf, str, truncate } from '../forms.ts';
import { errorSummary, type FormErrors, html, renderPage } from '../layout.ts';
import { themeTree } from '../queries/themes.ts';
import { requireStaff, staffOf } from '../session.ts';

const PAGE_SIZE = 50;

export function encodeCursor(cursor: FeedbackCursor): string {
  return Buffer.from(`${cursor.receivedAt.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): FeedbackCursor | null {
  const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at ?? '');
  return isUuid(id) && !Number.isNaN(receivedAt.getTime()) ? { receivedAt, id } : null;
}

interface FilterValues {
  channel: string;
  theme: string;
  status: string;
  sp: string;
  group: string;
  from: string;
  to: string;
  q: string;
}

/** Reads the filter form; anything that is not a valid choice becomes an error, never a query. */
export function readFilters(query: Record<string, string | string[] | undefined>) {
  const values: FilterValues = {
    channel: str(query, 'channel'),
    theme: str(query, 'theme'),
    status: str(query, 'status'),
    sp: str(query, 'sp'),
    group: str(query, 'group'),
    from: str(query, 'from'),
    to: str(query, 'to'),
    q: str(query, 'q').slice(0, 200),
  };
  const errors: FormErrors = {};
  const filters: FeedbackFilters = {};
  if (values.channel) {
    if ((CHANNELS as readonly string[]).includes(values.channel)) filters.channel = values.channel;
    else errors.channel = 'Choose a channel from the list';
  }
  if (values.status) {
    if ((ANALYSIS_STATUSES as readonly string[]).includes(values.status)) filters.status = values.status;
    else errors.status = 'Choose a status from the list';
  }
  for (const [field, key] of [
    ['theme', 'themeId'],
    ['sp', 'servicePointId'],
    ['group', 'customerGroupId'],
  ] as const) {
    if (!values[field]) continue;
    if (isUuid(values[field])) filters[key] = values[field];
    else errors[field] = 'Choose an entry from the list';
  }
  if (values.from) {
    const day = parseDay(values.from);
    if (day) filters.from = new Date(`${day}T00:00:00Z`);
    else errors.from = 'Enter the "from" date as dd/mm/yyyy';
  }
  if (values.to) {
    const day = parseDay(values.to);
    if (day) filters.to = new Date(`${day}T23:59:59.999Z`);
    else errors.to = 'Enter the "to" date as dd/mm/yyyy';
  }
  if (filters.from && filters.to && filters.from > filters.to) errors.to = 'The "to" date is before the "from" date';
  if (values.q) filters.q = values.q;
  return { values, filters, errors };
}

export function registerFeedbackListPage(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  scope.get('/console/feedback', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const query = queryOf(request);
    const { values, filters, errors } = readFilters(query);
    const afterRaw = str(query, 'after');
    const after = afterRaw ? decodeCursor(afterRaw) : undefined;
    if (afterRaw && !after) errors.after = 'The page link is not valid; start again from the first page';
    const [themes, points, groups] = await Promise.all([
      listThemes(db, staff.orgId),
      listServicePoints(db, staff.orgId),
      listCustomerGroups(db, staff.orgId),
    ]);
    const valid = Object.keys(errors).length === 0;
    const rows = valid
      ? await listFeedback(db, staff.orgId, filters, { limit: PAGE_SIZE + 1, after: after ?? undefined })
      : [];
    const pageRows = rows.slice(0, PAGE_SIZE);
    const tags = await themesOfFeedback(
      db,
      staff.orgId,
      pageRows.map((r) => r.id),
    );
    const tagsOf = new Map<string, ThemeTag[]>();
    for (const t of tags) tagsOf.set(t.feedbackId, [...(tagsOf.get(t.feedbackId) ?? []), t]);
    const pointName = new Map(points.map((p) => [p.id, p.name]));
    const last = pageRows[pageRows.length - 1];
    const nextQuery = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '') as [string, string][]);
    if (rows.length > PAGE_SIZE && last)
      nextQuery.set('after', encodeCursor({ receivedAt: last.receivedAt, id: last.id }));
    const select = (
      id: string,
      label: string,
      options: { value: string; label: string }[],
      current: string,
      empty: string,
    ) =>
      html`<div><label for="${id}">${label}</label><select id="${id}" name="${id}"><option value="">${empty}</option>${options.map(
        (o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`,
      )}</select></div>`;
    const themeOptions = themeTree(themes).flatMap((node) => [
      { value: node.theme.id, label: node.theme.name },
      ...node.children.map((c) => ({ value: c.id, label: `— ${c.name}` })),
    ]);

    const body = html`<h1>Feedback</h1>
${errorSummary(errors)}
<form method="get" action="/console/feedback" class="card" role="search" aria-label="Filter feedback">
<div class="filters">
  <div><label for="q">Words in the text</label><input id="q" name="q" type="search" value="${values.q}" size="24"></div>
  ${select(
    'channel',
    'Channel',
    CHANNELS.map((c) => ({ value: c, label: channelLabel(c) })),
    values.channel,
    'Any channel',
  )}
  ${select('theme', 'Theme', themeOptions, values.theme, 'Any theme')}
  ${select(
    'status',
    'Status',
    ANALYSIS_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
    values.status,
    'Any status',
  )}
  ${select(
    'sp',
    'Service point',
    points.map((p) => ({ value: p.id, label: p.name })),
    values.sp,
    'Any service point',
  )}
  ${select(
    'group',
    'Customer group',
    groups.map((g) => ({ value: g.id, label: g.name })),
    values.group,
    'Any group',
  )}
  <div><label for="from">From <span class="hint">dd/mm/yyyy</span></label><input id="from" name="from" value="${values.from}" size="11" inputmode="numeric"></div>
  <div><label for="to">To <span class="hint">dd/mm/yyyy</span></label><input id="to" name="to" value="${values.to}" size="11" inputmode="numeric"></div>
</div>
<p class="actions-row"><button type="submit">Show feedback</button> <a href="/console/feedback">Clear filters</a></p>
</form>
<section class="card" aria-labelledby="results-h"><h2 id="results-h">${
      valid ? (after ? 'More results' : 'Results') : 'No results: fix the filters above'
    }</h2>
${
  valid && pageRows.length === 0
    ? html`<p>No feedback matches these filters.</p>`
    : pageRows.length > 0
      ? html`<div class="scroll"><table><caption class="visually-hidden">Feedback, newest first. Texts are shown with personal details removed.</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Channel</th><th scope="col" style="width:40%">What they said (redacted)</th><th scope="col">Themes</th><th scope="col">Sentiment</th><th scope="col">Status</th></tr></thead><tbody>
${pageRows.map(
  (f) =>
    html`<tr><td><a class="nowrap" href="/console/feedback/${f.id}">${formatDateTime(f.receivedAt)}</a>${
      f.servicePointId ? html`<br><span class="small muted">${pointName.get(f.servicePointId) ?? ''}</span>` : ''
    }</td><td>${channelLabel(f.channel)}</td><td>${
      f.redactedText
        ? truncate(f.redactedText, 280)
        : html`<span class="muted">${f.erasedAt ? 'Erased' : 'Awaiting analysis'}</span>`
    }</td><td>${themeChips(tagsOf.get(f.id) ?? [])}</td><td>${sentimentLabel(f.sentimentClass)}</td><td>${statusLabel(f.status)}</td></tr>`,
)}</tbody></table></div>`
      : ''
}
<nav class="pager" aria-label="Pages">${after ? html`<a href="/console/feedback?${new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '') as [string, string][]).toString()}">First page</a>` : ''}${
      nextQuery.has('after')
        ? html`<a href="/console/feedback?${nextQuery.toString()}" rel="next">Next ${String(PAGE_SIZE)}</a>`
        : ''
    }</nav></section>`;
    return renderPage(request, reply, 'Feedback', body, { active: 'feedback', status: valid ? 200 : 400 });
  });
}
