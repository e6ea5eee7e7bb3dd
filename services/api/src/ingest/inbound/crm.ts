import type { ComplaintStatus, FeedbackInputRaw } from '@closeloop/domain';
import { buildContact, type ContactParts } from '../contact.ts';
import { normaliseRating } from '../rating.ts';
import { joinSubject } from '../text.ts';
import { compact, type JsonRecord, num } from '../values.ts';

export type CrmSystem = 'zendesk' | 'salesforce' | 'dynamics365' | 'hubspot' | 'freshdesk';
type Severity = 'low' | 'medium' | 'high' | 'critical';

/** What every CRM mapper extracts before the shared rules turn it into feedback. */
export interface CrmCase {
  system: CrmSystem;
  externalId: string;
  externalUrl?: string | undefined;
  caseRef?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  createdAt?: string | undefined;
  /** The record's type/category/reason/tags: any of them naming a complaint makes it a complaint. */
  classifiers: (string | undefined)[];
  status?: string | undefined;
  complaintStatus?: ComplaintStatus | undefined;
  priority?: string | undefined;
  category?: string | undefined;
  escalated?: boolean | undefined;
  resolvedAt?: string | undefined;
  rating?: number | undefined;
  language?: string | undefined;
  contact?: ContactParts | undefined;
}

export function isComplaint(classifiers: (string | undefined)[]): boolean {
  return classifiers.some((value) => value !== undefined && /complain|cwyn/i.test(value));
}

export function severityOf(priority: string | undefined): Severity | undefined {
  switch (priority?.trim().toLowerCase()) {
    case 'low':
      return 'low';
    case 'normal':
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    case 'urgent':
    case 'critical':
      return 'critical';
    default:
      return undefined;
  }
}

/** A CRM case → `complaint` when its type/category/reason/tags say so, else `crm`. Upsert key: (system, id). */
export function crmFeedback(record: CrmCase): FeedbackInputRaw | { skip: string } {
  const text = joinSubject(record.subject, record.body);
  if (!text) return { skip: 'the record has no subject or description' };
  const common = {
    text,
    rating: record.rating,
    language: record.language,
    receivedAt: record.createdAt,
    source: record.system,
    externalId: record.externalId,
    contact: record.contact ? buildContact(record.contact) : undefined,
  };
  if (isComplaint(record.classifiers)) {
    return compact({
      channel: 'complaint' as const,
      ...common,
      details: compact({
        kind: 'complaint' as const,
        caseRef: record.caseRef?.slice(0, 100),
        category: record.category?.slice(0, 200),
        severity: severityOf(record.priority),
        status: record.complaintStatus ?? 'received',
        resolvedAt: record.resolvedAt,
        escalated: record.escalated,
        system: record.system,
        externalId: record.externalId,
        externalUrl: record.externalUrl,
      }),
    });
  }
  return compact({
    channel: 'crm' as const,
    ...common,
    details: compact({
      kind: 'crm' as const,
      system: record.system,
      externalId: record.externalId,
      externalUrl: record.externalUrl,
      status: record.status?.slice(0, 100),
      priority: record.priority?.slice(0, 100),
      subject: record.subject?.slice(0, 2000),
    }),
  });
}

/**
 * Org-defined custom fields (`…__c`, `cf_…`) are read by name pattern only where the meaning is unambiguous:
 * a 1–5 (or 1–10) satisfaction score, and a consent-to-contact checkbox.
 */
export function customSignals(fields: JsonRecord): { rating?: number; consentContact?: boolean } {
  const out: { rating?: number; consentContact?: boolean } = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = key.toLowerCase();
    if (/satisf|csat|rating|score/.test(name) && !/sentiment/.test(name) && out.rating === undefined) {
      const score = num(value);
      if (score !== undefined && score >= 1 && score <= 5) out.rating = Math.round(score);
      else if (score !== undefined && score > 5 && score <= 10) out.rating = normaliseRating(score, 1, 10);
    }
    if (/consent/.test(name) && /contact/.test(name) && typeof value === 'boolean') out.consentContact = value;
  }
  return out;
}
