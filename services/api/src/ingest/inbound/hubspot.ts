import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { isRecord, type JsonRecord, rec, str } from '../values.ts';
import { crmFeedback } from './crm.ts';
import type { InboundResult } from './types.ts';

function isTicket(value: unknown): value is JsonRecord {
  const properties = isRecord(value) ? rec(value.properties) : undefined;
  return (
    properties !== undefined &&
    str((value as JsonRecord).id) !== undefined &&
    ('subject' in properties || 'content' in properties || 'hs_pipeline_stage' in properties)
  );
}

/**
 * HubSpot CRM v3 ticket (or a list/search page `{ results: [] }`). Every property is a string or null.
 * `hs_ticket_category` naming a complaint → `complaint`. Pipeline stages are ids whose labels need the
 * pipelines API, so the crm status is the raw stage id; a `closed_date` marks the case closed.
 */
export function mapHubspot(body: unknown): InboundResult {
  const tickets = isTicket(body) ? [body] : isRecord(body) && Array.isArray(body.results) ? body.results : [];
  if (!tickets.some(isTicket)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'hubspot expects a CRM v3 ticket ({ id, properties: { subject, content, hs_pipeline_stage, … } })',
    );
  }
  const result: InboundResult = { items: [], skipped: [] };
  for (const ticket of tickets) {
    if (!isTicket(ticket)) {
      result.skipped.push({ reason: 'not a HubSpot ticket' });
      continue;
    }
    const properties = rec(ticket.properties) ?? {};
    const id = String(str(ticket.id));
    const closedAt = toIsoInstant(properties.closed_date);
    const stage = str(properties.hs_pipeline_stage);
    const mapped = crmFeedback({
      system: 'hubspot',
      externalId: id,
      caseRef: id,
      subject: str(properties.subject),
      body: typeof properties.content === 'string' ? properties.content : undefined,
      createdAt: toIsoInstant(properties.createdate) ?? toIsoInstant(ticket.createdAt),
      classifiers: [str(properties.hs_ticket_category)],
      status: closedAt ? 'closed' : stage ? `pipeline ${str(properties.hs_pipeline) ?? '0'} stage ${stage}` : undefined,
      complaintStatus: closedAt ? 'closed' : 'received',
      priority: str(properties.hs_ticket_priority)?.toLowerCase(),
      category: str(properties.hs_ticket_category),
      resolvedAt: closedAt,
    });
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: id });
    else result.items.push(mapped);
  }
  return result;
}
