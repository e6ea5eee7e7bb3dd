import { type Db, listThemes, themesOfFeedback } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import { type ThemeTag, themeChips } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { correctThemes, currentThemeIds } from '../corrections.ts';
import { channelLabel, formatDateTime, isUuid } from '../forms.ts';
import { csrfField, html, notFound, renderPage } from '../layout.ts';
import { countTriage, triageQueue } from '../queries/feedback.ts';
import { themeTree } from '../queries/themes.ts';
import { can, redirectWithFlash, requireAbility, requireStaff, staffOf } from '../session.ts';

const SHOWN = 25;

export function registerTriagePages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  scope.get('/console/triage', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const [items, total, themes] = await Promise.all([
      triageQueue(db, staff.orgId, SHOWN),
      countTriage(db, staff.orgId),
      listThemes(db, staff.orgId),
    ]);
    const tags = await themesOfFeedback(
      db,
      staff.orgId,
      items.map((i) => i.id),
    );
    const tagsOf = new Map<string, ThemeTag[]>();
    for (const t of tags) tagsOf.set(t.feedbackId, [...(tagsOf.get(t.feedbackId) ?? []), t]);
    const canTriage = can(staff, 'triage');
    const options = themeTree(themes).flatMap((node) => [
      { id: node.theme.id, label: node.theme.name },
      ...node.children.map((c) => ({ id: c.id, label: `${node.theme.name}: ${c.name}` })),
    ]);
    const body = html`<h1>Triage queue</h1>
<p>${total === 0 ? 'Nothing to triage: every item has confident themes.' : `${total} item(s) the analysis was not sure about, oldest first${total > SHOWN ? `; the first ${SHOWN} are shown` : ''}.`}
${canTriage ? ' Confirm the suggestion, or untick and add themes, then save: each decision teaches the model.' : ''}</p>
${items.map((item, index) => {
  const suggested = tagsOf.get(item.id) ?? [];
  const headingId = `item-${String(index)}`;
  return html`<section class="card" aria-labelledby="${headingId}">
<h2 id="${headingId}"><a href="/console/feedback/${item.id}">${channelLabel(item.channel)}, ${formatDateTime(item.receivedAt)}</a></h2>
<blockquote>${(canTriage ? item.text : item.redactedText) ?? item.redactedText ?? ''}</blockquote>
<p><strong>Suggested:</strong> ${themeChips(suggested)}</p>
${
  canTriage
    ? html`<div class="actions-row">${
        suggested.length > 0
          ? html`<form method="post" action="/console/triage/${item.id}/confirm">${csrfField(request)}<button type="submit" aria-describedby="${headingId}">Confirm suggested themes</button></form>`
          : ''
      }</div>
<form method="post" action="/console/feedback/${item.id}/themes">${csrfField(request)}<input type="hidden" name="return" value="triage">
<fieldset><legend>Correct the themes</legend><div class="stack">${suggested.map(
        (t) => html`<label><input type="checkbox" name="theme" value="${t.themeId}" checked> ${t.name}</label>`,
      )}</div>
<label for="add-${String(index)}">Add a theme</label><select id="add-${String(index)}" name="add"><option value="">—</option>${options.map(
        (o) => html`<option value="${o.id}">${o.label}</option>`,
      )}</select>
<p class="actions-row"><button type="submit" class="secondary" aria-describedby="${headingId}">Save these themes</button>
<a href="/console/feedback/${item.id}">All themes and details</a></p></fieldset></form>`
    : ''
}</section>`;
})}`;
    return renderPage(request, reply, 'Triage queue', body, { active: 'triage' });
  });

  scope.post(
    '/console/triage/:id/confirm',
    { schema: { hide: true }, preHandler: requireAbility('triage') },
    async (request, reply) => {
      const staff = staffOf(request);
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply, 'feedback item');
      const done = await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const current = await currentThemeIds(tx, staff.orgId, id);
        return correctThemes(tx, staff.orgId, id, current, staff.userId);
      });
      return redirectWithFlash(reply, '/console/triage', `Confirmed: ${done.labels.join(', ') || 'no theme'}.`);
    },
  );
}
