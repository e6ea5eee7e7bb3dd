import { approveQuote, createPublicationService, deleteQuote, viewYouSaid } from '@closeloop/core';
import { actionsOfPublications, type Db, listPublications, type PublicationRow } from '@closeloop/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusChip } from './components.ts';
import type { ConsoleContext } from './context.ts';
import { bodyOf, formatDay, isUuid, str } from './forms.ts';
import { csrfField, html, notFound, renderPage, type SafeHtml } from './layout.ts';
import { can, redirectAfter, requireAbility, requireStaff, staffOf } from './session.ts';

type Step = 'approve' | 'publish' | 'unpublish';
const STEP_DONE: Record<Step, string> = {
  approve: 'Publication approved.',
  publish: 'Published: it is on the public board now.',
  unpublish: 'Taken off the board and back to draft (a new version).',
};

/**
 * `/console/publications`: drafts and approved entries with their You said stats, actions and quotes; staff
 * with the publish permission approve quotes, approve, publish and unpublish. The rules (permission from the
 * role, distinct approver, versions, audit) are the API's publication service, used as is.
 */
export function registerPublicationPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;
  const publications = createPublicationService({ clock: ctx.now });
  const back = '/console/publications';

  async function card(request: FastifyRequest, p: PublicationRow): Promise<SafeHtml> {
    const staff = staffOf(request);
    const entry = await viewYouSaid(db, staff.orgId, p.youSaidId);
    const actions = await actionsOfPublications(db, staff.orgId, [p.id]);
    const mayPublish = can(staff, 'publish');
    const mayEdit = can(staff, 'manageActions');
    const button = (step: Step, label: string) =>
      html`<form method="post" action="/console/publications/${p.id}/${step}" class="inline">${csrfField(request)}<button type="submit">${label}</button></form>`;
    const count =
      entry.count === null
        ? `fewer than ${entry.fewerThan}`
        : `${entry.count}${entry.change === null ? '' : ` (${entry.change >= 0 ? '+' : ''}${entry.change} on the period before)`}`;
    const mix = entry.channelMix
      .map((c) => `${c.key}: ${c.count === null ? `fewer than ${c.fewerThan}` : c.count}`)
      .join(', ');
    const quotes = entry.quotes.map(
      (q) =>
        html`<li><blockquote>“${q.text}”</blockquote> ${q.approved ? html`<span class="chip">approved</span>` : html`<span class="chip">not approved</span>`}${
          mayEdit
            ? html`<form method="post" action="/console/you-said/${entry.id}/quotes/${q.id}/approve">${csrfField(request)}<label for="q-${q.id}">Quote text (redacted; edit if needed)</label><textarea id="q-${q.id}" name="text" rows="2">${q.text}</textarea><button type="submit">Approve quote</button></form><form method="post" action="/console/you-said/${entry.id}/quotes/${q.id}/delete" class="inline">${csrfField(request)}<button type="submit" class="secondary">Remove quote</button></form>`
            : ''
        }</li>`,
    );
    const steps: SafeHtml[] = [];
    if (mayPublish && p.state === 'draft') steps.push(button('approve', 'Approve'));
    if (mayPublish && p.state === 'approved') steps.push(button('publish', 'Publish'));
    if (mayPublish && p.state === 'published') steps.push(button('unpublish', 'Unpublish'));
    return html`<section class="card" id="p-${p.id}"><h2>${entry.themeName} · ${formatDay(`${entry.periodStart}T12:00:00Z`)} to ${formatDay(
      `${entry.periodEnd}T12:00:00Z`,
    )}</h2><p>${statusChip(p.state)} version ${String(p.version)}</p>
<h3>You said</h3><p>${entry.summary}</p><p class="small">People: ${count}${mix ? ` · ${mix}` : ''}</p>
<h3>We did</h3><ul>${actions.map(({ action }) => html`<li>${action.title} ${statusChip(action.status)}</li>`)}</ul>
<h3>Quotes</h3>${quotes.length > 0 ? html`<ul class="quotes">${quotes}</ul>` : html`<p class="muted">No quotes.</p>`}
<div class="actions">${steps}</div></section>`;
  }

  scope.get(back, { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const rows = (await listPublications(db, staff.orgId)).filter((p) => p.state !== 'archived');
    const order = { draft: 0, approved: 1, published: 2 } as Record<string, number>;
    rows.sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3));
    const cards: SafeHtml[] = [];
    for (const p of rows) cards.push(await card(request, p));
    return renderPage(
      request,
      reply,
      'Publications',
      html`<h1>Publications</h1>${
        can(staff, 'publish')
          ? ''
          : html`<p class="muted">Your role cannot approve or publish; a manager or administrator can.</p>`
      }${cards.length > 0 ? cards : html`<p>No publications yet.</p>`}`,
      { active: 'publications' },
    );
  });

  async function afterPublish(orgId: string, publication: PublicationRow) {
    // As from the API: contributors of finished, now published actions are told (same job ids, never twice).
    for (const { action } of await actionsOfPublications(db, orgId, [publication.id])) {
      if (action.status !== 'done' && action.status !== 'declined') continue;
      await ctx.deps.queue
        .enqueue('notify', { orgId, actionId: action.id }, { jobId: `notify-${action.id}-${action.status}` })
        .catch((err: unknown) => ctx.deps.logger.warn({ err, actionId: action.id }, 'notify enqueue failed'));
    }
  }

  const run = (reply: FastifyReply, work: () => Promise<unknown>, done: string) =>
    redirectAfter(reply, back, work, done);

  for (const step of ['approve', 'publish', 'unpublish'] as const) {
    scope.post(
      `/console/publications/:id/${step}`,
      { schema: { hide: true }, preHandler: requireAbility('publish') },
      async (request, reply) => {
        const staff = staffOf(request);
        const { id } = request.params as { id: string };
        if (!isUuid(id)) return notFound(request, reply, 'publication');
        const actor = { type: 'staff' as const, id: staff.userId, canPublish: can(staff, 'publish') };
        return run(
          reply,
          async () => {
            const updated = await db.transaction((tx) =>
              publications[step](tx as unknown as Db, staff.orgId, id, actor),
            );
            if (step === 'publish') await afterPublish(staff.orgId, updated);
          },
          STEP_DONE[step],
        );
      },
    );
  }

  scope.post(
    '/console/you-said/:id/quotes/:quoteId/:decision',
    { schema: { hide: true }, preHandler: requireAbility('manageActions') },
    async (request, reply) => {
      const staff = staffOf(request);
      const { id, quoteId, decision } = request.params as { id: string; quoteId: string; decision: string };
      if (!isUuid(id) || !isUuid(quoteId) || (decision !== 'approve' && decision !== 'delete')) {
        return notFound(request, reply, 'quote');
      }
      const actor = { type: 'staff' as const, id: staff.userId };
      const text = str(bodyOf(request), 'text');
      return run(
        reply,
        () =>
          db.transaction((tx) =>
            decision === 'approve'
              ? approveQuote(tx as unknown as Db, staff.orgId, id, quoteId, actor, text || undefined)
              : deleteQuote(tx as unknown as Db, staff.orgId, id, quoteId, actor),
          ),
        decision === 'approve' ? 'Quote approved.' : 'Quote removed.',
      );
    },
  );
}
