import type { ComplaintStatus } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { htmlToPlainText } from '../text.ts';
import { arr, bool, isRecord, type JsonRecord, num, rec, str } from '../values.ts';
import { crmFeedback, customSignals } from './crm.ts';
import type { InboundResult } from './types.ts';

const STATUS: Record<number, [string, ComplaintStatus]> = {
  2: ['open', 'received'],
  3: ['pending', 'investigating'],
  4: ['resolved', 'resolved'],
  5: ['closed', 'closed'],
};
const PRIORITY: Record<number, string> = { 1: 'low', 2: 'medium', 3: 'high', 4: 'urgent' };

function isTicket(value: unknown): value is JsonRecord {
  return (
    isRecord(value) &&
    num(value.id) !== undefined &&
    ('description' in value || 'description_text' in value || 'subject' in value) &&
    ('requester_id' in value || typeof value.status === 'number')
  );
}

/**
 * Freshdesk API v2 ticket (optionally `include=requester`), or an array of tickets. A ticket `type` naming a
 * complaint → `complaint`. Enumerations are integers and are turned into the documented labels.
 */
export function mapFreshdesk(body: unknown): InboundResult {
  const tickets = Array.isArray(body) ? body : [body];
  if (!tickets.some(isTicket)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'freshdesk expects an API v2 ticket ({ id, subject, description, status, priority, requester_id, … })',
    );
  }
  const result: InboundResult = { items: [], skipped: [] };
  for (const ticket of arr(tickets)) {
    if (!isTicket(ticket)) {
      result.skipped.push({ reason: 'not a Freshdesk ticket' });
      continue;
    }
    const id = String(num(ticket.id));
    const status = STATUS[num(ticket.status) ?? 0];
    const requester = rec(ticket.requester);
    const signals = customSignals(rec(ticket.custom_fields) ?? {});
    const plain =
      typeof ticket.description_text === 'string' && ticket.description_text.trim()
        ? ticket.description_text
        : undefined;
    const html = typeof ticket.description === 'string' ? ticket.description : undefined;
    const mapped = crmFeedback({
      system: 'freshdesk',
      externalId: id,
      caseRef: id,
      subject: str(ticket.subject),
      body: plain ?? (html ? htmlToPlainText(html) : undefined),
      createdAt: toIsoInstant(ticket.created_at),
      classifiers: [str(ticket.type), ...arr(ticket.tags).map(str)],
      status: status?.[0] ?? str(ticket.status),
      complaintStatus: status?.[1],
      priority: PRIORITY[num(ticket.priority) ?? 0],
      category: str(ticket.type),
      escalated: bool(ticket.is_escalated),
      rating: signals.rating,
      contact: requester
        ? {
            name: str(requester.name),
            email: str(requester.email),
            phone: str(requester.phone) ?? str(requester.mobile),
            consentContact: signals.consentContact,
          }
        : undefined,
    });
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: id });
    else result.items.push(mapped);
  }
  return result;
}
