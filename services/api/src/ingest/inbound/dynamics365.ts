import type { ComplaintStatus } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { isRecord, type JsonRecord, num, str } from '../values.ts';
import { crmFeedback } from './crm.ts';
import type { InboundResult } from './types.ts';

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const LOOKUP_TABLE = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const PRIORITY: Record<number, string> = { 1: 'High', 2: 'Normal', 3: 'Low' };
const STATUS: Record<number, string> = {
  1: 'In Progress',
  2: 'On Hold',
  3: 'Waiting for Details',
  4: 'Researching',
  5: 'Problem Solved',
  1000: 'Information Provided',
  6: 'Cancelled',
  2000: 'Merged',
};

/** The annotation label when the caller sent `Prefer: odata.include-annotations`, else the documented default. */
function label(record: JsonRecord, field: string, defaults: Record<number, string> = {}): string | undefined {
  const formatted = str(record[`${field}${FORMATTED}`]);
  if (formatted) return formatted;
  const code = num(record[field]);
  return code === undefined ? undefined : (defaults[code] ?? String(code));
}

/** statecode: 0 Active, 1 Resolved, 2 Cancelled; an active case that is on hold or researching is being investigated. */
function complaintStatus(state: number | undefined, status: number | undefined): ComplaintStatus | undefined {
  if (state === 1) return 'resolved';
  if (state === 2) return 'closed';
  if (state === 0) return status !== undefined && status >= 2 && status <= 4 ? 'investigating' : 'received';
  return undefined;
}

function isIncident(value: unknown): value is JsonRecord {
  return isRecord(value) && str(value.incidentid) !== undefined;
}

/** The Dataverse host of the record, from `@odata.context`, gives the record's page in the model-driven app. */
function recordUrl(record: JsonRecord, context: string | undefined): string | undefined {
  const source = str(record['@odata.context']) ?? context;
  if (!source || !URL.canParse(source)) return undefined;
  const origin = new URL(source).origin;
  return `${origin}/main.aspx?pagetype=entityrecord&etn=incident&id=${encodeURIComponent(String(record.incidentid))}`;
}

/**
 * Dataverse Web API `incident` (or a collection `{ value: [] }`), with or without OData annotations. A case
 * type (`casetypecode`) labelled as a complaint → `complaint`. `customersatisfactioncode` (1–5) is the rating.
 */
export function mapDynamics365(body: unknown): InboundResult {
  const incidents = isIncident(body) ? [body] : isRecord(body) && Array.isArray(body.value) ? body.value : [];
  if (!incidents.some(isIncident)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'dynamics365 expects a Dataverse incident ({ incidentid, ticketnumber, title, description, … }) or { value: [incidents] }',
    );
  }
  const context = isRecord(body) ? str(body['@odata.context']) : undefined;
  const result: InboundResult = { items: [], skipped: [] };
  for (const record of incidents) {
    if (!isIncident(record)) {
      result.skipped.push({ reason: 'not a Dataverse incident' });
      continue;
    }
    const id = String(record.incidentid);
    const satisfaction = num(record.customersatisfactioncode);
    const customerIsPerson = str(record[`_customerid_value${LOOKUP_TABLE}`]) !== 'account';
    const mapped = crmFeedback({
      system: 'dynamics365',
      externalId: id,
      externalUrl: recordUrl(record, context),
      caseRef: str(record.ticketnumber),
      subject: str(record.title),
      body: typeof record.description === 'string' ? record.description : undefined,
      createdAt: toIsoInstant(record.createdon),
      classifiers: [label(record, 'casetypecode')],
      status: label(record, 'statuscode', STATUS),
      complaintStatus: complaintStatus(num(record.statecode), num(record.statuscode)),
      priority: label(record, 'prioritycode', PRIORITY),
      category: str(record[`_subjectid_value${FORMATTED}`]),
      rating: satisfaction !== undefined && satisfaction >= 1 && satisfaction <= 5 ? satisfaction : undefined,
      contact: {
        name: customerIsPerson
          ? str(record[`_customerid_value${FORMATTED}`])
          : str(record[`_primarycontactid_value${FORMATTED}`]),
        email: str(record.emailaddress),
      },
    });
    if ('skip' in mapped) result.skipped.push({ reason: mapped.skip, ref: id });
    else result.items.push(mapped);
  }
  return result;
}
