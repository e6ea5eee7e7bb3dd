import type { ComplaintStatus } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { contactLanguage } from '../language.ts';
import { arr, bool, isRecord, type JsonRecord, rec, str } from '../values.ts';
import { crmFeedback, customSignals } from './crm.ts';
import type { InboundResult } from './types.ts';

function complaintStatus(status: string | undefined, closed: boolean | undefined): ComplaintStatus | undefined {
  if (closed) return 'closed';
  const value = status?.toLowerCase();
  if (!value) return undefined;
  if (value === 'new') return 'received';
  if (value === 'closed') return 'closed';
  if (/resolv/.test(value)) return 'resolved';
  return 'investigating';
}

function isCase(value: unknown): value is JsonRecord {
  if (!isRecord(value)) return false;
  const type = str(rec(value.attributes)?.type);
  return (type === 'Case' || (type === undefined && 'CaseNumber' in value)) && str(value.Id) !== undefined;
}

/** The contact's language from a custom picklist such as `Preferred_Language__c` ("Welsh"). */
function preferredLanguage(record: JsonRecord) {
  for (const [key, value] of Object.entries(record)) {
    if (/language/i.test(key) && key.endsWith('__c') && typeof value === 'string') return contactLanguage(value);
  }
  return undefined;
}

/**
 * Salesforce REST sObject `Case` (or a query result `{ records: [] }`). `Type`/`Reason` naming a complaint
 * → `complaint`; the citizen's own Web-to-Case/Email-to-Case details (`Supplied*`) are the contact.
 */
export function mapSalesforce(body: unknown): InboundResult {
  const cases = isCase(body) ? [body] : isRecord(body) && Array.isArray(body.records) ? body.records : [];
  if (!cases.some(isCase)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'salesforce expects a Case sObject ({ attributes: { type: "Case" }, Id, CaseNumber, Subject, Description, … })',
    );
  }
  const result: InboundResult = { items: [], skipped: [] };
  for (const record of arr(cases)) {
    if (!isCase(record)) {
      result.skipped.push({ reason: 'not a Salesforce Case' });
      continue;
    }
    const id = String(str(record.Id));
    const signals = customSignals(Object.fromEntries(Object.entries(record).filter(([key]) => key.endsWith('__c'))));
    const closed = bool(record.IsClosed);
    const mapped = crmFeedback({
      system: 'salesforce',
      externalId: id,
      caseRef: str(record.CaseNumber),
      subject: str(record.Subject),
      body: typeof record.Description === 'string' ? record.Description : undefined,
      createdAt: toIsoInstant(record.CreatedDate),
      classifiers: [str(record.Type), str(record.Reason)],
      status: str(record.Status),
      complaintStatus: complaintStatus(str(record.Status), closed),
      priority: str(record.Priority),
      category: str(record.Reason),
      escalated: bool(record.IsEscalated),
      resolvedAt: closed ? toIsoInstant(record.ClosedDate) : undefined,
      rating: signals.rating,
      contact: {
        name: str(record.SuppliedName),
        email: str(record.SuppliedEmail) ?? str(record.ContactEmail),
        phone: str(record.SuppliedPhone) ?? str(record.ContactPhone) ?? str(record.ContactMobile),
        language: preferredLanguage(record),
        consentContact: signals.consentContact,
      },
    });
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: id });
    else result.items.push(mapped);
  }
  return result;
}
