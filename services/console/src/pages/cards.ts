import { type Db, listCustomerGroups, listServicePoints, queryRows } from '@closeloop/db';
import { AppError, feedbackInputSchema } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsoleContext } from '../context.ts';
import {
  bodyOf,
  checked,
  type FormBody,
  formatDateTime,
  formatSlashDay,
  isoDayInLondon,
  isUuid,
  parseDay,
  queryOf,
  str,
  truncate,
} from '../forms.ts';
import { csrfField, errorSummary, type FormErrors, fieldError, html, renderPage } from '../layout.ts';
import { can, redirectWithFlash, requireAbility, staffOf } from '../session.ts';

interface CardValues {
  servicePointId: string;
  writtenOn: string;
  batchId: string;
  text: string;
  rating: string;
  customerGroupId: string;
  name: string;
  email: string;
  phone: string;
  postalAddress: string;
  consentContact: boolean;
  consentOutcome: boolean;
}

function valuesOf(form: FormBody): CardValues {
  return {
    servicePointId: str(form, 'servicePointId'),
    writtenOn: str(form, 'writtenOn'),
    batchId: str(form, 'batchId'),
    text: str(form, 'text'),
    rating: str(form, 'rating'),
    customerGroupId: str(form, 'customerGroupId'),
    name: str(form, 'name'),
    email: str(form, 'email'),
    phone: str(form, 'phone'),
    postalAddress: str(form, 'postalAddress'),
    consentContact: checked(form, 'consentContact'),
    consentOutcome: checked(form, 'consentOutcome'),
  };
}

const FIELD_OF_PATH: Record<string, string> = {
  text: 'text',
  rating: 'rating',
  'contact.email': 'email',
  'contact.phone': 'phone',
  'contact.name': 'name',
  'contact.postalAddress': 'postalAddress',
  'details.batchId': 'batchId',
  servicePointId: 'servicePointId',
  customerGroupId: 'customerGroupId',
};

/** Turns the typed card into API feedback input, or field errors the form shows next to each field. */
export function cardInput(values: CardValues, keyedBy: string, now: Date) {
  const errors: FormErrors = {};
  const today = isoDayInLondon(now);
  const writtenOn = values.writtenOn === '' ? today : parseDay(values.writtenOn);
  if (!writtenOn) errors.writtenOn = 'Enter the date written as dd/mm/yyyy, for example 03/02/2026';
  else if (writtenOn > today) errors.writtenOn = 'The date written cannot be in the future';
  if (values.text === '') errors.text = 'Enter what the card says';
  if (values.rating !== '' && !/^[1-5]$/.test(values.rating)) errors.rating = 'Choose a rating from 1 to 5';
  if (values.servicePointId !== '' && !isUuid(values.servicePointId)) errors.servicePointId = 'Choose a service point';
  if (values.customerGroupId !== '' && !isUuid(values.customerGroupId)) errors.customerGroupId = 'Choose a group';
  const hasContact = Boolean(values.name || values.email || values.phone || values.postalAddress);
  if ((values.consentContact || values.consentOutcome) && !(values.email || values.phone || values.postalAddress)) {
    errors.email = 'Add an email, phone number or postal address, or untick the consent boxes';
  }
  if (Object.keys(errors).length > 0 || !writtenOn) return { errors, input: null };
  const parsed = feedbackInputSchema.safeParse({
    channel: 'comment_card',
    text: values.text,
    rating: values.rating === '' ? null : Number(values.rating),
    receivedAt: writtenOn === today ? now.toISOString() : `${writtenOn}T12:00:00.000Z`,
    source: 'console',
    ...(values.servicePointId ? { servicePointId: values.servicePointId } : {}),
    ...(values.customerGroupId ? { customerGroupId: values.customerGroupId } : {}),
    details: {
      kind: 'comment_card',
      writtenOn,
      keyedBy,
      ...(values.servicePointId ? { servicePointId: values.servicePointId } : {}),
      ...(values.batchId ? { batchId: values.batchId } : {}),
    },
    ...(hasContact
      ? {
          contact: {
            ...(values.name ? { name: values.name } : {}),
            ...(values.email ? { email: values.email } : {}),
            ...(values.phone ? { phone: values.phone } : {}),
            ...(values.postalAddress ? { postalAddress: values.postalAddress } : {}),
            consentContact: values.consentContact,
            consentOutcome: values.consentOutcome,
          },
        }
      : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF_PATH[issue.path.map(String).join('.')] ?? 'text';
      errors[field] ??= issue.message;
    }
    return { errors, input: null };
  }
  return { errors, input: parsed.data };
}

async function lastKeyedCards(db: Db, orgId: string, userId: string) {
  return queryRows<{
    id: string;
    text: string | null;
    redacted_text: string | null;
    rating: number | null;
    status: string;
    created_at: string;
    service_point: string | null;
  }>(
    db,
    sql`select f.id, f.text, f.redacted_text, f.rating, f.status, f.created_at, sp.name as service_point
        from feedback f left join service_points sp on sp.id = f.service_point_id and sp.org_id = ${orgId}
        where f.org_id = ${orgId} and f.channel = 'comment_card' and f.details->>'keyedBy' = ${userId}
        order by f.created_at desc, f.id desc limit 10`,
  );
}

export function registerCardPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  async function render(request: FastifyRequest, values: CardValues, errors: FormErrors, status = 200) {
    const staff = staffOf(request);
    const [points, groups, recent] = await Promise.all([
      listServicePoints(db, staff.orgId),
      listCustomerGroups(db, staff.orgId),
      lastKeyedCards(db, staff.orgId, staff.userId),
    ]);
    const showOriginal = can(staff, 'triage');
    const contactOpen = Boolean(
      values.name || values.email || values.phone || values.postalAddress || errors.email || errors.phone,
    );
    const body = html`<h1>Comment cards</h1>
<p class="muted">Key in paper comment cards one after another: the service point, date and batch stay set between cards.</p>
${errorSummary(errors)}
<form method="post" action="/console/cards" class="card" novalidate>${csrfField(request)}
<div class="filters">
  <div><label for="servicePointId">Service point</label>${fieldError(errors, 'servicePointId')}
  <select id="servicePointId" name="servicePointId"><option value="">Not recorded</option>${points.map(
    (p) => html`<option value="${p.id}"${p.id === values.servicePointId ? html` selected` : ''}>${p.name}</option>`,
  )}</select></div>
  <div><label for="writtenOn">Date written <span class="hint">dd/mm/yyyy</span></label>${fieldError(errors, 'writtenOn')}
  <input id="writtenOn" name="writtenOn" value="${values.writtenOn}" inputmode="numeric" size="11" autocomplete="off"${errors.writtenOn ? html` aria-describedby="writtenOn-error"` : ''}></div>
  <div><label for="batchId">Batch <span class="hint">optional</span></label>${fieldError(errors, 'batchId')}
  <input id="batchId" name="batchId" value="${values.batchId}" size="14" maxlength="200" autocomplete="off"></div>
</div>
<label for="text">What the card says</label>${fieldError(errors, 'text')}
<textarea id="text" name="text" rows="5" maxlength="20000" autofocus required${errors.text ? html` aria-describedby="text-error"` : ''}>${values.text}</textarea>
<fieldset class="choices" id="rating"><legend>Rating <span class="hint">1 = very poor, 5 = very good</span></legend>${fieldError(errors, 'rating')}
<label><input type="radio" name="rating" value=""${values.rating === '' ? html` checked` : ''}> None</label>${[
      1, 2, 3, 4, 5,
    ].map(
      (n) =>
        html`<label><input type="radio" name="rating" value="${String(n)}"${values.rating === String(n) ? html` checked` : ''}> ${String(n)}</label>`,
    )}</fieldset>
<label for="customerGroupId">Customer group <span class="hint">only if the card says</span></label>${fieldError(errors, 'customerGroupId')}
<select id="customerGroupId" name="customerGroupId"><option value="">Not known</option>${groups.map(
      (g) => html`<option value="${g.id}"${g.id === values.customerGroupId ? html` selected` : ''}>${g.name}</option>`,
    )}</select>
<details${contactOpen ? html` open` : ''}><summary>Contact details and consent (optional)</summary>
<div class="filters">
  <div><label for="name">Name</label><input id="name" name="name" value="${values.name}" maxlength="200" autocomplete="off"></div>
  <div><label for="email">Email</label>${fieldError(errors, 'email')}<input id="email" name="email" type="email" value="${values.email}" maxlength="320" autocomplete="off"></div>
  <div><label for="phone">Phone</label>${fieldError(errors, 'phone')}<input id="phone" name="phone" value="${values.phone}" maxlength="40" autocomplete="off"></div>
</div>
<label for="postalAddress">Postal address</label><textarea id="postalAddress" name="postalAddress" rows="2" maxlength="1000">${values.postalAddress}</textarea>
<div class="stack" style="margin-top:.5rem">
<label><input type="checkbox" name="consentContact"${values.consentContact ? html` checked` : ''}> They agreed to be contacted about their comment</label>
<label><input type="checkbox" name="consentOutcome"${values.consentOutcome ? html` checked` : ''}> They want to hear what changed as a result</label></div>
</details>
<p class="actions-row"><button type="submit">Save card and start the next</button></p>
</form>
<section class="card" aria-labelledby="recent-h"><h2 id="recent-h">The last 10 cards you keyed</h2>
${
  recent.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<table><thead><tr><th scope="col">Keyed</th><th scope="col">Service point</th><th scope="col">Rating</th><th scope="col">Text</th><th scope="col">Status</th></tr></thead><tbody>
${recent.map(
  (c) =>
    html`<tr><td><a href="/console/feedback/${c.id}">${formatDateTime(c.created_at)}</a></td><td>${c.service_point ?? '—'}</td><td>${c.rating === null ? '—' : String(c.rating)}</td><td>${truncate((showOriginal ? c.text : c.redacted_text) ?? 'Awaiting analysis', 140)}</td><td>${c.status}</td></tr>`,
)}</tbody></table>`
}</section>`;
    return { body, status };
  }

  scope.get(
    '/console/cards',
    { schema: { hide: true }, preHandler: requireAbility('keyCards') },
    async (request, reply) => {
      const query = queryOf(request);
      const values = valuesOf({});
      values.servicePointId = isUuid(str(query, 'sp')) ? str(query, 'sp') : '';
      values.batchId = str(query, 'batch').slice(0, 200);
      const remembered = parseDay(str(query, 'date'));
      values.writtenOn = formatSlashDay(remembered ? new Date(`${remembered}T12:00:00Z`) : ctx.now());
      const { body } = await render(request, values, {});
      return renderPage(request, reply, 'Comment cards', body, { active: 'cards' });
    },
  );

  scope.post(
    '/console/cards',
    { schema: { hide: true }, preHandler: requireAbility('keyCards') },
    async (request, reply) => {
      const staff = staffOf(request);
      const values = valuesOf(bodyOf(request));
      const { errors, input } = cardInput(values, staff.userId, ctx.now());
      if (!input) {
        const { body } = await render(request, values, errors);
        return renderPage(request, reply, 'Comment cards: check the card', body, { status: 422, active: 'cards' });
      }
      let accepted: Awaited<ReturnType<typeof ctx.feedback.store>>;
      try {
        accepted = await ctx.deps.database.db.transaction(async (tx) =>
          ctx.feedback.store(tx as unknown as Db, staff.orgId, input),
        );
      } catch (error) {
        if (error instanceof AppError && error.status === 422) {
          for (const e of error.errors ?? []) errors[FIELD_OF_PATH[e.path] ?? 'text'] = e.message;
          const { body } = await render(request, values, errors);
          return renderPage(request, reply, 'Comment cards: check the card', body, { status: 422, active: 'cards' });
        }
        throw error;
      }
      await ctx.feedback.enqueueAnalysis(staff.orgId, accepted.id, 'comment_card');
      const details = input.details?.kind === 'comment_card' ? input.details : null;
      const next = new URLSearchParams();
      if (values.servicePointId) next.set('sp', values.servicePointId);
      if (values.batchId) next.set('batch', values.batchId);
      if (details?.writtenOn && details.writtenOn !== isoDayInLondon(ctx.now())) next.set('date', details.writtenOn);
      const query = next.toString();
      return redirectWithFlash(
        reply,
        `/console/cards${query ? `?${query}` : ''}`,
        'Card saved. Ready for the next one.',
      );
    },
  );
}
