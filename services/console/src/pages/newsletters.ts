import { createNewsletterService, enqueueNewsletterSend, previewNewsletter } from '@closeloop/core';
import { type Db, getNewsletterIssue, listNewsletterIssues, type NewsletterIssueRow } from '@closeloop/db';
import { AppError } from '@closeloop/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusChip } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { bodyOf, type FormBody, formatDateTime, formatDay, isUuid, parseDay, queryOf, str } from '../forms.ts';
import {
  csrfField,
  errorSummary,
  type FormErrors,
  fieldError,
  html,
  notFound,
  renderPage,
  type SafeHtml,
} from '../layout.ts';
import { can, redirectAfter, redirectWithFlash, requireAbility, staffOf } from '../session.ts';

const BACK = '/console/newsletters';
const day = (value: string | null) => (value ? formatDay(`${value}T12:00:00Z`) : '—');

function issueForm(request: FastifyRequest, values: FormBody, errors: FormErrors): SafeHtml {
  const input = (name: string, label: string, hint = '') =>
    html`<label for="${name}">${label}${hint ? html`<span class="hint">${hint}</span>` : ''}</label>${fieldError(errors, name)}<input id="${name}" name="${name}" value="${str(values, name)}" maxlength="200" style="width:100%">`;
  const text = (name: string, label: string) =>
    html`<label for="${name}">${label}<span class="hint">optional; a standard opening when empty</span></label><textarea id="${name}" name="${name}" rows="3" maxlength="2000">${str(values, name)}</textarea>`;
  return html`<section class="card"><h2>New issue</h2>${errorSummary(errors)}<form method="post" action="${BACK}">${csrfField(request)}
${input('title', 'Title')}${input('titleCy', 'Title in Welsh', 'optional')}
<div class="filters">${input('periodStart', 'From', 'dd/mm/yyyy; default: the day after the last sent issue, or a month ago')}${input('periodEnd', 'To', 'default: today')}</div>
${text('intro', 'Opening paragraph')}${text('introCy', 'Opening paragraph in Welsh')}
<p><button type="submit">Create draft</button></p></form></section>`;
}

function scheduleForm(request: FastifyRequest, schedule: { frequency: string; dayOfMonth: number }): SafeHtml {
  const option = (value: string, label: string) =>
    html`<label><input type="radio" name="frequency" value="${value}"${schedule.frequency === value ? html` checked` : ''}> ${label}</label>`;
  return html`<section class="card"><h2>Schedule</h2><form method="post" action="${BACK}/schedule">${csrfField(request)}
<fieldset class="choices"><legend>Send automatically</legend>${option('off', 'Off')}${option('monthly', 'Monthly')}</fieldset>
<label for="dayOfMonth">Day of the month<span class="hint">1–28; sent on the first day from then with new entries</span></label>
<input id="dayOfMonth" name="dayOfMonth" type="number" min="1" max="28" value="${String(schedule.dayOfMonth)}">
<p><button type="submit" class="secondary">Save schedule</button></p></form></section>`;
}

/**
 * `/console/newsletters`: issues with their state and recipients, a form for a new draft, the monthly
 * schedule; `/console/newsletters/{id}`: the preview (entries, the email in English or Welsh), send and
 * delete. Staff with the publish permission only; the rules are the API's newsletter service.
 */
export function registerNewsletterPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;
  const newsletters = createNewsletterService({ clock: ctx.now });
  const baseUrl = ctx.deps.publicUrl ?? 'http://localhost:3000';
  const publish = { schema: { hide: true }, preHandler: requireAbility('publish') };
  const actorOf = (request: FastifyRequest) => {
    const staff = staffOf(request);
    return { type: 'staff' as const, id: staff.userId, canPublish: can(staff, 'publish') };
  };

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody = {},
    errors: FormErrors = {},
  ) {
    const { orgId } = staffOf(request);
    const issues = await listNewsletterIssues(db, orgId);
    const rows = issues.map(
      (i) =>
        html`<tr><td><a href="${BACK}/${i.id}">${i.title}</a>${i.scheduledFor ? html` <span class="chip">scheduled</span>` : ''}</td><td>${day(i.periodStart)} to ${day(i.periodEnd)}</td><td>${statusChip(i.state)}</td><td class="num">${String(i.recipientCount)}</td><td>${formatDateTime(i.sentAt)}</td></tr>`,
    );
    const table =
      rows.length === 0
        ? html`<p>No issues yet.</p>`
        : html`<div class="scroll"><table><thead><tr><th scope="col">Issue</th><th scope="col">Period</th><th scope="col">State</th><th scope="col" class="num">Recipients</th><th scope="col">Sent</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    return renderPage(
      request,
      reply,
      'Newsletters',
      html`<h1>Newsletters</h1><p class="muted">Each issue carries the You said – We did entries published in its period; every confirmed subscriber gets the entries of their topics, in their language.</p>
<section class="card">${table}</section>${issueForm(request, values, errors)}${scheduleForm(request, await newsletters.schedule(db, orgId))}`,
      { active: 'newsletters', status: Object.keys(errors).length > 0 ? 422 : 200 },
    );
  }

  async function issueOr404(request: FastifyRequest, reply: FastifyReply): Promise<NewsletterIssueRow | null> {
    const { id } = request.params as { id: string };
    const issue = isUuid(id) ? await getNewsletterIssue(db, staffOf(request).orgId, id) : null;
    if (!issue) await notFound(request, reply, 'newsletter');
    return issue;
  }

  scope.get(BACK, publish, (request, reply) => listPage(request, reply));

  scope.post(BACK, publish, async (request, reply) => {
    const form = bodyOf(request);
    const errors: FormErrors = {};
    const title = str(form, 'title').slice(0, 200);
    if (!title) errors.title = 'Enter a title';
    const period: Record<string, string> = {};
    for (const name of ['periodStart', 'periodEnd']) {
      const typed = str(form, name);
      const parsed = typed ? parseDay(typed) : null;
      if (typed && !parsed) errors[name] = 'Enter a real date, like 31/03/2026';
      if (parsed) period[name] = parsed;
    }
    if (Object.keys(errors).length > 0) return listPage(request, reply, form, errors);
    const optional = (name: string, max: number) => str(form, name).slice(0, max) || undefined;
    const staff = staffOf(request);
    const input = {
      title,
      titleCy: optional('titleCy', 200),
      intro: optional('intro', 2_000),
      introCy: optional('introCy', 2_000),
      ...period,
    };
    try {
      const created = await db.transaction((tx) =>
        newsletters.create(tx as unknown as Db, staff.orgId, input, actorOf(request)),
      );
      return redirectWithFlash(reply, `${BACK}/${created.id}`, 'Draft created: check the preview, then send it.');
    } catch (error) {
      // The rules' refusals (a period ending before it starts) go back to the form with what was typed.
      if (error instanceof AppError && error.status < 500)
        return listPage(request, reply, form, { periodEnd: error.message });
      throw error;
    }
  });

  scope.post(`${BACK}/schedule`, publish, async (request, reply) => {
    const form = bodyOf(request);
    const frequency = str(form, 'frequency') === 'monthly' ? 'monthly' : 'off';
    const dayOfMonth = Math.min(28, Math.max(1, Math.trunc(Number(str(form, 'dayOfMonth'))) || 1));
    const { orgId } = staffOf(request);
    return redirectAfter(
      reply,
      BACK,
      () =>
        db.transaction((tx) =>
          newsletters.setSchedule(tx as unknown as Db, orgId, { frequency, dayOfMonth }, actorOf(request)),
        ),
      frequency === 'monthly'
        ? `Newsletters go out monthly from day ${dayOfMonth} when there is something new.`
        : 'Scheduled newsletters are off.',
    );
  });

  scope.get(`${BACK}/:id`, publish, async (request, reply) => {
    const issue = await issueOr404(request, reply);
    if (!issue) return reply;
    const lang = str(queryOf(request), 'lang') === 'cy' ? 'cy' : 'en';
    const preview = await previewNewsletter(db, issue.orgId, issue, { baseUrl, sealer: ctx.deps.sealer });
    const email = preview.rendered[lang];
    const button = (step: string, label: string, kind = '') =>
      html`<form method="post" action="${BACK}/${issue.id}/${step}" class="inline">${csrfField(request)}<button type="submit" class="${kind}">${label}</button></form>`;
    const steps: SafeHtml[] = [];
    if (issue.state === 'draft' || issue.state === 'failed')
      steps.push(button('send', issue.state === 'failed' ? 'Send again' : 'Send to subscribers'));
    if (issue.state === 'draft') steps.push(button('delete', 'Delete draft', 'danger'));
    const entries = preview.entries.map((e) => html`<li>${e.themeName} · published ${formatDay(e.publishedAt)}</li>`);
    return renderPage(
      request,
      reply,
      issue.title,
      html`<p><a href="${BACK}">All newsletters</a></p><h1>${issue.title}</h1>
<section class="card"><dl class="facts"><dt>State</dt><dd>${statusChip(issue.state)}</dd><dt>Period</dt><dd>${day(issue.periodStart)} to ${day(issue.periodEnd)}</dd>
<dt>Recipients</dt><dd>${String(issue.recipientCount)}</dd>${issue.error ? html`<dt>Error</dt><dd class="field-error">${issue.error}</dd>` : ''}</dl>
<div class="actions-row">${steps}</div></section>
<section class="card"><h2>Entries (${String(preview.entries.length)})</h2>${entries.length > 0 ? html`<ul>${entries}</ul>` : html`<p>No entry was published in this period: nobody would get this issue.</p>`}</section>
<section class="card"><h2>Preview</h2><p><a href="?lang=en"${lang === 'en' ? html` aria-current="true"` : ''}>English</a> · <a href="?lang=cy"${lang === 'cy' ? html` aria-current="true"` : ''}>Cymraeg</a></p>
<p><strong>Subject:</strong> ${email.subject}</p><iframe title="Email preview" sandbox="" srcdoc="${email.html}" style="width:100%;height:40rem;border:1px solid #d8dee4"></iframe>
<details><summary>Plain-text version</summary><blockquote>${email.text}</blockquote></details></section>`,
      { active: 'newsletters' },
    );
  });

  scope.post(`${BACK}/:id/send`, publish, async (request, reply) => {
    const issue = await issueOr404(request, reply);
    if (!issue) return reply;
    return redirectAfter(
      reply,
      `${BACK}/${issue.id}`,
      async () => {
        const sending = await db.transaction((tx) =>
          newsletters.requestSend(tx as unknown as Db, issue.orgId, issue.id, actorOf(request)),
        );
        await enqueueNewsletterSend(ctx.deps, sending);
      },
      'Sending: subscribers get it in the next few minutes.',
    );
  });

  scope.post(`${BACK}/:id/delete`, publish, async (request, reply) => {
    const issue = await issueOr404(request, reply);
    if (!issue) return reply;
    return redirectAfter(
      reply,
      BACK,
      () => db.transaction((tx) => newsletters.remove(tx as unknown as Db, issue.orgId, issue.id, actorOf(request))),
      'Draft deleted.',
    );
  });
}
