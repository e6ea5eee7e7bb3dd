import { detectPii, type PiiSpan } from '@closeloop/analysis';
import { eraseFeedback } from '@closeloop/core';
import {
  type Db,
  type FeedbackRow,
  getFeedback,
  insertAudit,
  listThemes,
  type ThemeRow,
  themesOfFeedback,
} from '@closeloop/db';
import type { ChannelDetails } from '@closeloop/domain';
import { AppError } from '@closeloop/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sentimentLabel, statusChip, statusLabel } from '../components.ts';
import type { ConsoleContext } from '../context.ts';
import { correctThemes } from '../corrections.ts';
import { bodyOf, channelLabel, checked, formatDateTime, isUuid, list, str } from '../forms.ts';
import { csrfField, html, notFound, renderPage, type SafeHtml, sendError } from '../layout.ts';
import { feedbackSurroundings } from '../queries/feedback.ts';
import { themeTree } from '../queries/themes.ts';
import { can, redirectWithFlash, requireAbility, requireStaff, staffOf } from '../session.ts';

const PII_LABEL: Record<string, string> = {
  name: 'name',
  email: 'email address',
  phone: 'phone number',
  address: 'street address',
  postcode: 'postcode',
  nhs_number: 'NHS number',
  ni_number: 'National Insurance number',
  card: 'card number',
  iban: 'IBAN',
  bank_account: 'bank account',
  sort_code: 'sort code',
  ip_address: 'IP address',
  date_of_birth: 'date of birth',
  ssn: 'social security number',
  zip_code: 'ZIP code',
};

/** The original text with each detected personal detail marked (and named for screen readers). */
export function highlightPii(text: string, spans: PiiSpan[]): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    parts.push(text.slice(at, span.start));
    const label = PII_LABEL[span.type] ?? span.type;
    parts.push(
      html`<mark class="pii" title="${label}">${text.slice(span.start, span.end)}</mark><span class="visually-hidden"> (${label})</span>`,
    );
    at = span.end;
  }
  parts.push(text.slice(at));
  return html`${parts}`;
}

/** Checkboxes for every theme, grouped under its parent, with the item's current themes ticked. */
export function themePicker(themes: ThemeRow[], selected: Set<string>, legend: string): SafeHtml {
  const box = (t: ThemeRow) =>
    html`<label><input type="checkbox" name="theme" value="${t.id}"${selected.has(t.id) ? html` checked` : ''}> ${t.name}${t.active ? '' : ' (inactive)'}</label>`;
  return html`<fieldset><legend>${legend}</legend><div class="grid" style="gap:.25rem 1rem">${themeTree(themes).map(
    (node) =>
      html`<div class="stack">${box(node.theme)}${node.children.length ? html`<div style="margin-left:1.5rem">${node.children.map(box)}</div>` : ''}</div>`,
  )}</div></fieldset>`;
}

/** The original text for staff who triage, with personal details marked; said plainly when none are found. */
function originalText(text: string): SafeHtml {
  const spans = detectPii(text);
  if (spans.length === 0) {
    return html`<p class="small muted">No personal details were found in the original text: it reads as above.</p>`;
  }
  return html`<h3>Original text <span class="hint">${String(spans.length)} personal detail(s) marked</span></h3><blockquote>${highlightPii(text, spans)}</blockquote>`;
}

/** Complaint fields the timeline already shows. */
const IN_TIMELINE = new Set([
  'status',
  'caseRef',
  'acknowledgedAt',
  'acknowledgeDueAt',
  'resolvedAt',
  'resolveDueAt',
  'outcome',
  'upheld',
  'escalated',
  'escalationStage',
]);

function detailRows(details: ChannelDetails | null): [string, string][] {
  if (!details) return [];
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(details)) {
    if (key === 'kind' || value === undefined || value === null) continue;
    if (details.kind === 'complaint' && IN_TIMELINE.has(key)) continue;
    if (key === 'answers' && typeof value === 'object') {
      for (const [q, a] of Object.entries(value as Record<string, unknown>)) rows.push([q, String(a ?? '—')]);
      continue;
    }
    const label = key.replace(/([A-Z])/g, ' $1').toLowerCase();
    rows.push([
      label.charAt(0).toUpperCase() + label.slice(1),
      Array.isArray(value) ? value.join(', ') : String(value),
    ]);
  }
  return rows;
}

function complaintTimeline(details: Extract<ChannelDetails, { kind: 'complaint' }>, receivedAt: Date): SafeHtml {
  const late = (done: string | undefined, due: string | undefined) =>
    due && (done ? done > due : new Date() > new Date(due)) ? html` <strong class="flag-under">late</strong>` : '';
  const steps: SafeHtml[] = [
    html`<li>Received ${formatDateTime(receivedAt)}${details.caseRef ? html` (case ${details.caseRef})` : ''}</li>`,
    details.acknowledgedAt
      ? html`<li>Acknowledged ${formatDateTime(details.acknowledgedAt)}${late(details.acknowledgedAt, details.acknowledgeDueAt)}</li>`
      : html`<li>Not acknowledged yet${details.acknowledgeDueAt ? html`, due ${formatDateTime(details.acknowledgeDueAt)}` : ''}${late(undefined, details.acknowledgeDueAt)}</li>`,
    details.resolvedAt
      ? html`<li>Resolved ${formatDateTime(details.resolvedAt)}${late(details.resolvedAt, details.resolveDueAt)}${details.upheld ? html` — ${details.upheld.replace(/_/g, ' ')}` : ''}</li>`
      : html`<li>Not resolved yet${details.resolveDueAt ? html`, due ${formatDateTime(details.resolveDueAt)}` : ''}${late(undefined, details.resolveDueAt)}</li>`,
  ];
  if (details.escalated)
    steps.push(
      html`<li>Escalated${details.escalationStage ? html` to stage ${String(details.escalationStage)}` : ''}</li>`,
    );
  return html`<h3>Complaint timeline</h3><p>Status: ${details.status}</p><ol class="timeline">${steps}</ol>${
    details.outcome ? html`<p><strong>Outcome:</strong> ${details.outcome}</p>` : ''
  }`;
}

interface RevealedContact {
  name?: string;
  email?: string;
  phone?: string;
  postalAddress?: string;
}

export function registerFeedbackItemPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  async function load(request: FastifyRequest): Promise<FeedbackRow | null> {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) return null;
    return getFeedback(db, staffOf(request).orgId, id);
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    item: FeedbackRow,
    extra: { revealed?: RevealedContact | null; error?: string } = {},
  ) {
    const staff = staffOf(request);
    const [around, tags, themes] = await Promise.all([
      feedbackSurroundings(db, staff.orgId, item),
      themesOfFeedback(db, staff.orgId, [item.id]),
      listThemes(db, staff.orgId),
    ]);
    const canTriage = can(staff, 'triage');
    const isAdmin = can(staff, 'admin');
    const erased = Boolean(item.erasedAt);
    const details = item.details;
    const contact = around.contact;
    const body = html`<p><a href="/console/feedback">← All feedback</a></p>
<h1>${channelLabel(item.channel)} feedback <span class="small muted">${formatDateTime(item.receivedAt)}</span></h1>
${extra.error ? html`<div class="errors" role="alert">${extra.error}</div>` : ''}
<div class="grid">
<section class="card" aria-labelledby="text-h" style="grid-column:1/-1"><h2 id="text-h">What they said</h2>
${
  erased
    ? html`<p>This feedback was erased on ${formatDateTime(item.erasedAt)}. Its text and contact details are gone.</p>`
    : html`<h3>Redacted text <span class="hint">as it may be quoted</span></h3><blockquote>${item.redactedText ?? html`<span class="muted">Awaiting analysis</span>`}</blockquote>
${canTriage && item.text ? originalText(item.text) : ''}`
}</section>
<section class="card" aria-labelledby="facts-h"><h2 id="facts-h">About it</h2><dl class="facts">
<dt>Status</dt><dd>${statusChip(item.status)}${item.needsTriage ? html` <a href="/console/triage">in the triage queue</a>` : ''}</dd>
<dt>Channel</dt><dd>${channelLabel(item.channel)}</dd>
<dt>Language</dt><dd>${item.language ?? '—'}</dd>
<dt>Rating</dt><dd>${item.rating === null ? '—' : `${item.rating} of 5`}</dd>
<dt>Sentiment</dt><dd>${sentimentLabel(item.sentimentClass)}${item.sentimentScore === null ? '' : ` (${item.sentimentScore.toFixed(2)})`}</dd>
<dt>Service point</dt><dd>${around.servicePoint ?? '—'}</dd>
<dt>Customer group</dt><dd>${around.customerGroup ?? '—'}</dd>
<dt>Engagement</dt><dd>${around.engagement ?? '—'}</dd>
<dt>Source</dt><dd>${item.source ?? '—'}${item.externalId ? ` · ${item.externalId}` : ''}</dd>
</dl></section>
<section class="card" aria-labelledby="details-h"><h2 id="details-h">Channel details</h2>
${
  details?.kind === 'complaint'
    ? complaintTimeline(details, item.receivedAt)
    : detailRows(details).length === 0
      ? html`<p class="muted">None recorded.</p>`
      : ''
}
${
  detailRows(details).length > 0
    ? html`<dl class="facts">${detailRows(details).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`
    : ''
}</section>
<section class="card" aria-labelledby="contact-h"><h2 id="contact-h">Contact</h2>
${
  !contact
    ? html`<p class="muted">No contact details were given.</p>`
    : html`<dl class="facts">
<dt>Consent to be contacted</dt><dd>${contact.consentContact ? 'Yes' : 'No'}</dd>
<dt>Wants to hear the outcome</dt><dd>${contact.consentOutcome ? 'Yes' : 'No'}</dd>
<dt>Has given</dt><dd>${[contact.hasEmail && 'email', contact.hasPhone && 'phone', contact.hasPostal && 'postal address'].filter(Boolean).join(', ') || 'nothing'}</dd>
<dt>Language</dt><dd>${contact.language}</dd>
${contact.optedOutAt ? html`<dt>Opted out</dt><dd>${formatDateTime(contact.optedOutAt)}</dd>` : ''}
${contact.erasedAt ? html`<dt>Erased</dt><dd>${formatDateTime(contact.erasedAt)}</dd>` : ''}
</dl>
${
  extra.revealed
    ? html`<h3>Contact details <span class="hint">this viewing is recorded in the audit log</span></h3><dl class="facts">
<dt>Name</dt><dd>${extra.revealed.name ?? '—'}</dd><dt>Email</dt><dd>${extra.revealed.email ?? '—'}</dd>
<dt>Phone</dt><dd>${extra.revealed.phone ?? '—'}</dd><dt>Address</dt><dd>${extra.revealed.postalAddress ?? '—'}</dd></dl>`
    : isAdmin && contact.sealed
      ? html`<form method="post" action="/console/feedback/${item.id}/contact">${csrfField(request)}<p class="small muted">Only administrators can see contact details; each viewing is audited.</p><button type="submit" class="secondary">Show contact details</button></form>`
      : ''
}`
}</section>
</div>
<section class="card" aria-labelledby="themes-h"><h2 id="themes-h">Themes</h2>
${
  tags.length === 0
    ? html`<p class="muted">No theme yet.</p>`
    : html`<table><thead><tr><th scope="col">Theme</th><th scope="col">Confidence</th><th scope="col">From</th><th scope="col">Why: the words that matched</th></tr></thead><tbody>
${tags.map(
  (t) =>
    html`<tr><th scope="row">${t.name}</th><td>${Math.round(t.confidence * 100)}%</td><td>${t.source}${t.confirmed ? ', confirmed by staff' : ''}</td><td>${t.terms.length ? t.terms.join(', ') : html`<span class="muted">—</span>`}</td></tr>`,
)}</tbody></table>`
}
${
  canTriage && !erased
    ? html`<details${item.needsTriage ? html` open` : ''}><summary>Correct the themes</summary>
<form method="post" action="/console/feedback/${item.id}/themes">${csrfField(request)}
${themePicker(themes, new Set(tags.map((t) => t.themeId)), 'Themes this feedback is about')}
<p class="small muted">Saving records your choice as a training example, so the model learns from it at its next retraining.</p>
<button type="submit">Save themes</button></form></details>`
    : ''
}</section>
<section class="card" aria-labelledby="actions-h"><h2 id="actions-h">Improvement actions</h2>
${
  around.actions.length === 0
    ? html`<p class="muted">Not linked to any action yet.${can(staff, 'manageActions') ? html` Link it from an <a href="/console/actions">action's page</a>.` : ''}</p>`
    : html`<ul>${around.actions.map((a) => html`<li><a href="/console/actions/${a.id}">${a.title}</a> — ${statusLabel(a.status)}</li>`)}</ul>`
}</section>
${
  isAdmin && !erased
    ? html`<section class="card" aria-labelledby="erase-h"><h2 id="erase-h">Erase</h2>
<form method="post" action="/console/feedback/${item.id}/erase">${csrfField(request)}
<p>Erasing removes the text, the redacted text, the channel details and the contact details for good. The item still counts in totals.</p>
<div class="stack"><label><input type="checkbox" name="confirm" required> I understand this cannot be undone</label></div>
<p><button type="submit" class="danger">Erase this feedback</button></p></form></section>`
    : ''
}`;
    return renderPage(request, reply, `${channelLabel(item.channel)} feedback`, body, {
      active: 'feedback',
      status: extra.error ? 422 : 200,
    });
  }

  scope.get('/console/feedback/:id', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const item = await load(request);
    if (!item) return notFound(request, reply, 'feedback item');
    return show(request, reply, item);
  });

  scope.post(
    '/console/feedback/:id/themes',
    { schema: { hide: true }, preHandler: requireAbility('triage') },
    async (request, reply) => {
      const staff = staffOf(request);
      const item = await load(request);
      if (!item || item.erasedAt) return notFound(request, reply, 'feedback item');
      const form = bodyOf(request);
      const themeIds = [...list(form, 'theme'), ...list(form, 'add')];
      if (!themeIds.every(isUuid)) return show(request, reply, item, { error: 'Choose themes from the list.' });
      try {
        const result = await db.transaction((tx) =>
          correctThemes(tx as unknown as Db, staff.orgId, item.id, themeIds, staff.userId),
        );
        const back = str(form, 'return') === 'triage' ? '/console/triage' : `/console/feedback/${item.id}`;
        const summary = result.labels.length === 0 ? 'no theme' : `${result.labels.length} theme(s)`;
        return redirectWithFlash(reply, back, `Themes saved (${summary}) and recorded as a training example.`);
      } catch (error) {
        if (error instanceof AppError && error.status === 422) {
          return show(request, reply, item, { error: 'One of the chosen themes does not exist any more.' });
        }
        throw error;
      }
    },
  );

  scope.post(
    '/console/feedback/:id/contact',
    { schema: { hide: true }, preHandler: requireAbility('admin') },
    async (request, reply) => {
      const staff = staffOf(request);
      const item = await load(request);
      if (!item) return notFound(request, reply, 'feedback item');
      const around = await feedbackSurroundings(db, staff.orgId, item);
      if (!around.contact?.sealed)
        return show(request, reply, item, { error: 'There are no contact details to show.' });
      let revealed: RevealedContact;
      try {
        revealed = JSON.parse(ctx.deps.sealer.unseal(around.contact.sealed)) as RevealedContact;
      } catch {
        return sendError(
          request,
          reply,
          500,
          'Cannot open',
          'The contact details could not be decrypted with this key.',
        );
      }
      await insertAudit(db, {
        orgId: staff.orgId,
        actorType: 'staff',
        actorId: staff.userId,
        action: 'contact.viewed',
        entityType: 'feedback',
        entityId: item.id,
        data: { contactId: around.contact.id },
      });
      return show(request, reply, item, { revealed });
    },
  );

  scope.post(
    '/console/feedback/:id/erase',
    { schema: { hide: true }, preHandler: requireAbility('admin') },
    async (request, reply) => {
      const staff = staffOf(request);
      const item = await load(request);
      if (!item) return notFound(request, reply, 'feedback item');
      if (!checked(bodyOf(request), 'confirm')) {
        return show(request, reply, item, { error: 'Tick the box to confirm the erasure.' });
      }
      const erased = await db.transaction((tx) =>
        eraseFeedback(tx as unknown as Db, staff.orgId, item.id, { type: 'staff', id: staff.userId }),
      );
      return redirectWithFlash(
        reply,
        `/console/feedback/${item.id}`,
        erased ? 'The feedback was erased.' : 'This feedback had already been erased.',
      );
    },
  );
}
