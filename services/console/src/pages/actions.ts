import {
  type ActionRow,
  type Db,
  getAction,
  insertAudit,
  linkActionFeedback,
  listStaff,
  listThemes,
  queryRows,
  themesOfActions,
} from '@closeloop/db';
import { ACTION_STATUSES, ACTION_TRANSITIONS, type ActionStatus, AppError, actionInputSchema } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { afterActionChange } from '../action-hooks.ts';
import { statusChip, statusLabel } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import {
  bodyOf,
  channelLabel,
  type FormBody,
  formatDateTime,
  formatDay,
  isUuid,
  list,
  parseDay,
  queryOf,
  str,
  truncate,
} from '../forms.ts';
import { csrfField, errorSummary, type FormErrors, fieldError, html, notFound, renderPage } from '../layout.ts';
import { actionHistoryWithNames, actionList, linkedFeedback } from '../queries/actions.ts';
import { can, redirectWithFlash, requireAbility, requireStaff, staffOf } from '../session.ts';
import { themePicker } from './feedback-item.ts';

const dayText = (iso: string | null) => (iso ? formatDay(`${iso}T12:00:00Z`) : '—');

interface NewActionValues {
  title: string;
  description: string;
  ownerId: string;
  dueOn: string;
  themeIds: string[];
}

function readNewAction(form: FormBody) {
  const values: NewActionValues = {
    title: str(form, 'title'),
    description: str(form, 'description'),
    ownerId: str(form, 'ownerId'),
    dueOn: str(form, 'dueOn'),
    themeIds: list(form, 'theme'),
  };
  const errors: FormErrors = {};
  const due = values.dueOn ? parseDay(values.dueOn) : null;
  if (values.dueOn && !due) errors.dueOn = 'Enter the due date as dd/mm/yyyy';
  if (values.ownerId && !isUuid(values.ownerId)) errors.ownerId = 'Choose an owner from the list';
  if (!values.themeIds.every(isUuid)) errors.themes = 'Choose themes from the list';
  const parsed = actionInputSchema.safeParse({
    title: values.title,
    ...(values.description ? { description: values.description } : {}),
    ...(values.ownerId && isUuid(values.ownerId) ? { ownerId: values.ownerId } : {}),
    ...(due ? { dueOn: due } : {}),
    themeIds: values.themeIds.filter(isUuid),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'title');
      errors[field] ??= field === 'title' ? 'Enter a title of up to 300 characters' : issue.message;
    }
  }
  return { values, errors, input: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null };
}

export function registerActionPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  async function renderList(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: NewActionValues; errors?: FormErrors } = {},
  ) {
    const staff = staffOf(request);
    const requested = str(queryOf(request), 'status');
    const status = (ACTION_STATUSES as readonly string[]).includes(requested) ? requested : null;
    const manage = can(staff, 'manageActions');
    const [rows, people, themes] = await Promise.all([
      actionList(db, staff.orgId, status),
      manage ? listStaff(db, staff.orgId) : Promise.resolve([]),
      manage ? listThemes(db, staff.orgId) : Promise.resolve([]),
    ]);
    const errors = state.errors ?? {};
    const values = state.values ?? { title: '', description: '', ownerId: '', dueOn: '', themeIds: [] };
    const today = ctx.now().toISOString().slice(0, 10);
    const body = html`<h1>Improvement actions</h1>
<nav aria-label="Filter by status" class="actions-row"><a href="/console/actions"${status ? '' : html` aria-current="page"`}>All</a>${ACTION_STATUSES.map(
      (s) =>
        html` · <a href="/console/actions?status=${s}"${status === s ? html` aria-current="page"` : ''}>${statusLabel(s)}</a>`,
    )}</nav>
<section class="card" aria-labelledby="list-h" style="margin-top:1rem"><h2 id="list-h">${status ? statusLabel(status) : 'All'} actions (${String(rows.length)})</h2>
${
  rows.length === 0
    ? html`<p class="muted">No actions${status ? ' with this status' : ''} yet.</p>`
    : html`<div class="scroll"><table><thead><tr><th scope="col">Action</th><th scope="col">Status</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col" class="num">Linked feedback</th></tr></thead><tbody>
${rows.map(
  (a) =>
    html`<tr><th scope="row"><a href="/console/actions/${a.id}">${a.title}</a></th><td>${statusChip(a.status)}</td><td>${a.owner_name ?? '—'}</td><td>${dayText(a.due_on)}${
      a.due_on && a.due_on < today && a.status !== 'done' && a.status !== 'declined'
        ? html` <strong class="flag-under">overdue</strong>`
        : ''
    }</td><td class="num">${a.linked}</td></tr>`,
)}</tbody></table></div>`
}</section>
${
  manage
    ? html`<section class="card" aria-labelledby="new-h"><h2 id="new-h">New action</h2>${errorSummary(errors)}
<form method="post" action="/console/actions">${csrfField(request)}
<label for="title">Title</label>${fieldError(errors, 'title')}<input id="title" name="title" value="${values.title}" maxlength="300" size="60">
<label for="description">Description <span class="hint">internal</span></label><textarea id="description" name="description" rows="3">${values.description}</textarea>
<div class="filters"><div><label for="ownerId">Owner</label>${fieldError(errors, 'ownerId')}<select id="ownerId" name="ownerId"><option value="">Nobody yet</option>${people.map(
        (p) => html`<option value="${p.id}"${p.id === values.ownerId ? html` selected` : ''}>${p.name}</option>`,
      )}</select></div>
<div><label for="dueOn">Due <span class="hint">dd/mm/yyyy</span></label>${fieldError(errors, 'dueOn')}<input id="dueOn" name="dueOn" value="${values.dueOn}" size="11" inputmode="numeric"></div></div>
<details><summary>Themes it answers</summary>${fieldError(errors, 'themes')}${themePicker(themes, new Set(values.themeIds), 'Themes')}</details>
<p><button type="submit">Create action</button></p></form></section>`
    : ''
}`;
    return renderPage(request, reply, 'Actions', body, {
      active: 'actions',
      status: Object.keys(errors).length > 0 ? 422 : 200,
    });
  }

  async function renderAction(
    request: FastifyRequest,
    reply: FastifyReply,
    action: ActionRow,
    errors: FormErrors = {},
    form: FormBody = {},
  ) {
    const staff = staffOf(request);
    const [history, linked, themes, owner] = await Promise.all([
      actionHistoryWithNames(db, staff.orgId, action.id),
      linkedFeedback(db, staff.orgId, action.id),
      themesOfActions(db, staff.orgId, [action.id]),
      action.ownerId
        ? queryRows<{ name: string }>(
            db,
            sql`select name from staff_users where org_id = ${staff.orgId} and id = ${action.ownerId}`,
          )
        : Promise.resolve([]),
    ]);
    const manage = can(staff, 'manageActions');
    const current = action.status as ActionStatus;
    const next = ACTION_TRANSITIONS[current] ?? [];
    const body = html`<p><a href="/console/actions">← All actions</a></p>
<h1>${action.title}</h1>
${errorSummary(errors)}
<div class="grid">
<section class="card" aria-labelledby="about-h"><h2 id="about-h">About</h2><dl class="facts">
<dt>Status</dt><dd>${statusChip(action.status)}</dd>
<dt>Owner</dt><dd>${owner[0]?.name ?? '—'}</dd>
<dt>Due</dt><dd>${dayText(action.dueOn)}</dd>
${action.completedAt ? html`<dt>Completed</dt><dd>${formatDateTime(action.completedAt)}</dd>` : ''}
<dt>Themes</dt><dd>${themes.length ? themes.map((t) => html`<span class="chip">${t.name}</span>`) : '—'}</dd>
</dl>
${action.description ? html`<h3>Description</h3><p>${action.description}</p>` : ''}
${action.publicStatement ? html`<h3>“We did” statement</h3><blockquote>${action.publicStatement}</blockquote>` : ''}
${action.declinedReason ? html`<h3>Why we can’t</h3><blockquote>${action.declinedReason}</blockquote>` : ''}
${
  action.impact.length
    ? html`<h3>Impact</h3><ul>${action.impact.map(
        (m) => html`<li>${m.name}: ${m.before ?? '—'} → ${m.after ?? '—'} ${m.unit ?? ''}</li>`,
      )}</ul>`
    : ''
}</section>
<section class="card" aria-labelledby="history-h"><h2 id="history-h">History</h2><ol class="timeline">${history.map(
      (h) =>
        html`<li>${h.from_status ? html`${statusLabel(h.from_status)} → ` : 'Created as '}<strong>${statusLabel(h.to_status)}</strong>, ${formatDateTime(h.changed_at)}${h.by ? html` by ${h.by}` : ''}${h.note ? html`<br><span class="small">${h.note}</span>` : ''}</li>`,
    )}</ol></section>
</div>
${
  manage
    ? html`<section class="card" aria-labelledby="status-h"><h2 id="status-h">Change status</h2>
${
  next.length === 0
    ? html`<p class="muted">No further status is possible.</p>`
    : html`<form method="post" action="/console/actions/${action.id}/status">${csrfField(request)}
<fieldset class="choices" id="status"><legend>Move from “${statusLabel(current)}” to</legend>${fieldError(errors, 'status')}${next.map(
        (s, i) =>
          html`<label><input type="radio" name="status" value="${s}"${str(form, 'status') === s || (i === 0 && !str(form, 'status')) ? html` checked` : ''}> ${statusLabel(s)}</label>`,
      )}</fieldset>
<label for="declinedReason">Public reason, if declined <span class="hint">“We can’t, because …” — required to decline</span></label>${fieldError(errors, 'declinedReason')}
<textarea id="declinedReason" name="declinedReason" rows="2" maxlength="5000">${str(form, 'declinedReason') || (action.declinedReason ?? '')}</textarea>
<label for="publicStatement">“We did” statement <span class="hint">what the public will read when it is done</span></label>
<textarea id="publicStatement" name="publicStatement" rows="2" maxlength="5000">${str(form, 'publicStatement') || (action.publicStatement ?? '')}</textarea>
<label for="note">Note for the history <span class="hint">optional, internal</span></label><input id="note" name="note" maxlength="2000" size="60" value="${str(form, 'note')}">
<p><button type="submit">Change status</button></p></form>`
}</section>`
    : ''
}
<section class="card" aria-labelledby="linked-h"><h2 id="linked-h">Linked feedback (${String(linked.length)})</h2>
${
  linked.length === 0
    ? html`<p class="muted">No feedback linked yet.</p>`
    : html`<div class="scroll"><table><thead><tr><th scope="col">Received</th><th scope="col">Channel</th><th scope="col">What they said (redacted)</th><th scope="col">Linked</th></tr></thead><tbody>
${linked.map(
  (f) =>
    html`<tr><td><a class="nowrap" href="/console/feedback/${f.id}">${formatDateTime(f.received_at)}</a></td><td>${channelLabel(f.channel)}</td><td>${truncate(f.redacted_text ?? '', 200)}</td><td class="small">${formatDay(f.linked_at)}, ${f.via}${f.linked_by ? html` by ${f.linked_by}` : ''}</td></tr>`,
)}</tbody></table></div>`
}
${
  manage
    ? html`<form method="post" action="/console/actions/${action.id}/link">${csrfField(request)}
<label for="feedbackIds">Link feedback by id <span class="hint">one id per line; the id is at the end of a feedback page's address</span></label>${fieldError(errors, 'feedbackIds')}
<textarea id="feedbackIds" name="feedbackIds" rows="2">${str(form, 'feedbackIds')}</textarea>
<p><button type="submit" class="secondary">Link feedback</button></p></form>`
    : ''
}</section>`;
    return renderPage(request, reply, action.title, body, {
      active: 'actions',
      status: Object.keys(errors).length > 0 ? 422 : 200,
    });
  }

  async function load(request: FastifyRequest): Promise<ActionRow | null> {
    const { id } = request.params as { id: string };
    return isUuid(id) ? getAction(db, staffOf(request).orgId, id) : null;
  }

  scope.get('/console/actions', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) =>
    renderList(request, reply),
  );

  scope.post(
    '/console/actions',
    { schema: { hide: true }, preHandler: requireAbility('manageActions') },
    async (request, reply) => {
      const staff = staffOf(request);
      const { values, errors, input } = readNewAction(bodyOf(request));
      if (!input) return renderList(request, reply, { values, errors });
      let action: ActionRow;
      try {
        action = await db.transaction((tx) =>
          ctx.actions.create(tx as unknown as Db, staff.orgId, input, { type: 'staff', id: staff.userId }),
        );
      } catch (error) {
        if (error instanceof AppError && error.status === 422) {
          return renderList(request, reply, { values, errors: { title: error.message } });
        }
        throw error;
      }
      await afterActionChange(ctx, staff.orgId, action, true);
      return redirectWithFlash(reply, `/console/actions/${action.id}`, 'Action created.');
    },
  );

  scope.get('/console/actions/:id', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const action = await load(request);
    if (!action) return notFound(request, reply, 'action');
    return renderAction(request, reply, action);
  });

  scope.post(
    '/console/actions/:id/status',
    { schema: { hide: true }, preHandler: requireAbility('manageActions') },
    async (request, reply) => {
      const staff = staffOf(request);
      const action = await load(request);
      if (!action) return notFound(request, reply, 'action');
      const form = bodyOf(request);
      const status = str(form, 'status');
      if (!(ACTION_STATUSES as readonly string[]).includes(status)) {
        return renderAction(request, reply, action, { status: 'Choose the new status' }, form);
      }
      const declinedReason = str(form, 'declinedReason');
      const publicStatement = str(form, 'publicStatement');
      const note = str(form, 'note');
      if (status === 'declined' && !declinedReason) {
        return renderAction(request, reply, action, { declinedReason: 'Give the public reason for declining' }, form);
      }
      try {
        const { action: updated, statusChanged } = await db.transaction((tx) =>
          ctx.actions.update(
            tx as unknown as Db,
            staff.orgId,
            action.id,
            {
              status: status as ActionStatus,
              ...(declinedReason ? { declinedReason: declinedReason.slice(0, 5000) } : {}),
              ...(publicStatement ? { publicStatement: publicStatement.slice(0, 5000) } : {}),
              ...(note ? { note: note.slice(0, 2000) } : {}),
            },
            { type: 'staff', id: staff.userId },
          ),
        );
        await afterActionChange(ctx, staff.orgId, updated, statusChanged);
        return redirectWithFlash(reply, `/console/actions/${action.id}`, `Status: ${statusLabel(updated.status)}.`);
      } catch (error) {
        if (error instanceof AppError && (error.status === 409 || error.status === 422)) {
          const field = error.status === 409 ? 'status' : (error.errors?.[0]?.path ?? 'status');
          return renderAction(request, reply, action, { [field]: error.message }, form);
        }
        throw error;
      }
    },
  );

  scope.post(
    '/console/actions/:id/link',
    { schema: { hide: true }, preHandler: requireAbility('manageActions') },
    async (request, reply) => {
      const staff = staffOf(request);
      const action = await load(request);
      if (!action) return notFound(request, reply, 'action');
      const form = bodyOf(request);
      const ids = [
        ...new Set(
          str(form, 'feedbackIds')
            .split(/[\s,]+/)
            .filter((s) => s !== ''),
        ),
      ];
      if (ids.length === 0)
        return renderAction(request, reply, action, { feedbackIds: 'Enter at least one feedback id' }, form);
      if (ids.length > 500)
        return renderAction(request, reply, action, { feedbackIds: 'Link at most 500 at a time' }, form);
      const malformed = ids.filter((id) => !isUuid(id));
      const owned = malformed.length
        ? []
        : await queryRows<{ id: string }>(
            db,
            sql`select id from feedback where org_id = ${staff.orgId} and id = any(${sql.param(ids)}::uuid[])`,
          );
      const found = new Set(owned.map((r) => r.id));
      const unknown = malformed.length ? malformed : ids.filter((id) => !found.has(id));
      if (unknown.length > 0) {
        return renderAction(
          request,
          reply,
          action,
          {
            feedbackIds: `Not feedback of this organisation: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''}`,
          },
          form,
        );
      }
      const added = await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const n = await linkActionFeedback(tx, staff.orgId, action.id, ids, { via: 'staff', linkedBy: staff.userId });
        await insertAudit(tx, {
          orgId: staff.orgId,
          actorType: 'staff',
          actorId: staff.userId,
          action: 'action.feedback_linked',
          entityType: 'improvement_action',
          entityId: action.id,
          data: { feedbackIds: ids, added: n },
        });
        return n;
      });
      return redirectWithFlash(
        reply,
        `/console/actions/${action.id}`,
        added === ids.length
          ? `Linked ${added} feedback item(s).`
          : `Linked ${added}; ${ids.length - added} were already linked.`,
      );
    },
  );
}
