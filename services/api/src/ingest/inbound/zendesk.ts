import type { ComplaintStatus, FeedbackInputRaw } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { cleanText } from '../text.ts';
import { arr, bool, compact, isRecord, type JsonRecord, rec, str } from '../values.ts';
import { type CrmCase, crmFeedback } from './crm.ts';
import type { InboundResult } from './types.ts';

const STATUS: Record<string, ComplaintStatus> = {
  new: 'received',
  open: 'acknowledged',
  pending: 'investigating',
  hold: 'investigating',
  solved: 'resolved',
  closed: 'closed',
};

/** REST uses numbers and lower case, webhooks strings and UPPER CASE: both normalise to the REST form. */
function zendeskCase(ticket: JsonRecord): CrmCase {
  const id = String(str(ticket.id));
  const from = rec(rec(rec(ticket.via)?.source)?.from);
  const status = str(ticket.status)?.toLowerCase();
  const apiUrl = str(ticket.url);
  const host = apiUrl && URL.canParse(apiUrl) ? new URL(apiUrl).origin : undefined;
  const tags = arr(ticket.tags).map(str);
  return {
    system: 'zendesk',
    externalId: id,
    externalUrl: host ? `${host}/agent/tickets/${encodeURIComponent(id)}` : undefined,
    caseRef: id,
    subject: str(ticket.subject) ?? str(ticket.raw_subject),
    body: typeof ticket.description === 'string' ? ticket.description : undefined,
    createdAt: toIsoInstant(ticket.created_at),
    classifiers: [str(ticket.type), ...tags],
    status,
    complaintStatus: status ? STATUS[status] : undefined,
    priority: str(ticket.priority)?.toLowerCase(),
    contact: from ? { name: str(from.name), email: str(from.address) } : undefined,
  };
}

function isTicket(value: unknown): value is JsonRecord {
  return (
    isRecord(value) &&
    str(value.id) !== undefined &&
    ('description' in value || 'subject' in value) &&
    ('status' in value || 'via' in value)
  );
}

/** A CSAT rating with a comment is feedback of its own, about how the ticket was handled. */
function satisfactionFeedback(ticket: JsonRecord, record: CrmCase): FeedbackInputRaw | undefined {
  const rating = rec(ticket.satisfaction_rating);
  const comment = str(rating?.comment);
  const score = str(rating?.score);
  if (!rating || !comment || (score !== 'good' && score !== 'bad')) return undefined;
  return compact({
    channel: 'crm' as const,
    text: cleanText(comment),
    // Zendesk CSAT is a two-point scale: bad → 1, good → 5.
    rating: score === 'good' ? 5 : 1,
    receivedAt: toIsoInstant(ticket.updated_at),
    source: 'zendesk',
    externalId: `${record.externalId}:satisfaction:${str(rating.id) ?? 'latest'}`,
    details: compact({
      kind: 'crm' as const,
      system: 'zendesk' as const,
      externalId: `${record.externalId}:satisfaction:${str(rating.id) ?? 'latest'}`,
      externalUrl: record.externalUrl,
      status: record.status,
      subject: record.subject ? `Satisfaction rating: ${record.subject}`.slice(0, 2000) : 'Satisfaction rating',
    }),
  });
}

function mapTicket(ticket: JsonRecord, result: InboundResult): void {
  const record = zendeskCase(ticket);
  const main = crmFeedback(record);
  if ('skip' in main) result.skipped.push({ reason: main.skip, ref: record.externalId });
  else result.items.push(main);
  const satisfaction = satisfactionFeedback(ticket, record);
  if (satisfaction) result.items.push(satisfaction);
}

/** `ticket.comment_added`: only public comments by the end user are feedback; staff replies are skipped. */
function mapCommentEvent(envelope: JsonRecord, detail: JsonRecord, result: InboundResult): void {
  const comment = rec(rec(envelope.event)?.comment) ?? {};
  const author = rec(comment.author) ?? {};
  const commentId = str(comment.id) ?? str(envelope.id) ?? 'unknown';
  const record = zendeskCase(detail);
  const ref = `${record.externalId}:comment:${commentId}`;
  if (bool(author.is_staff) === true) {
    result.skipped.push({ reason: 'comment written by staff', ref });
    return;
  }
  if (bool(comment.is_public) === false) {
    result.skipped.push({ reason: 'private (internal) comment', ref });
    return;
  }
  const text = cleanText(typeof comment.body === 'string' ? comment.body : '');
  if (!text) {
    result.skipped.push({ reason: 'the comment has no text', ref });
    return;
  }
  const mapped = crmFeedback({
    ...record,
    externalId: ref,
    subject: undefined,
    body: text,
    createdAt: toIsoInstant(envelope.time) ?? toIsoInstant(detail.updated_at),
    contact: { name: str(author.name) },
  });
  if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref });
  else {
    // The comment belongs to the ticket's case: keep the ticket's subject in the crm details for context.
    if (mapped.details?.kind === 'crm' && record.subject) mapped.details.subject = record.subject;
    result.items.push(mapped);
  }
}

/**
 * Zendesk: a Tickets API ticket (`{ ticket }`, a bare ticket, or `{ tickets: [] }`), or an event-subscribed
 * webhook (`{ type: "zen:event-type:ticket.…", detail, event }`). A comment event becomes one item keyed
 * `{ticket}:comment:{id}` (caseRef = the ticket); any other ticket event re-maps the ticket itself so the
 * upsert on (zendesk, ticket id) refreshes its status.
 */
export function mapZendesk(body: unknown): InboundResult {
  const result: InboundResult = { items: [], skipped: [] };
  if (
    isRecord(body) &&
    typeof body.type === 'string' &&
    body.type.startsWith('zen:event-type:') &&
    isRecord(body.detail)
  ) {
    if (body.type.endsWith('.comment_added')) mapCommentEvent(body, body.detail, result);
    else if (isTicket(body.detail)) mapTicket(body.detail, result);
    else
      result.skipped.push({
        reason: `event ${body.type} carries no ticket`,
        ...(str(body.id) ? { ref: String(body.id) } : {}),
      });
    return result;
  }
  const tickets =
    isRecord(body) && isTicket(body.ticket)
      ? [body.ticket]
      : isRecord(body) && Array.isArray(body.tickets)
        ? body.tickets
        : [body];
  if (!tickets.some(isTicket)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'zendesk expects a ticket ({ ticket: { id, subject, description, … } }) or a ticket event webhook ({ type: "zen:event-type:ticket.…", detail, event })',
    );
  }
  for (const ticket of tickets) {
    if (isTicket(ticket)) mapTicket(ticket, result);
    else result.skipped.push({ reason: 'not a Zendesk ticket' });
  }
  return result;
}
