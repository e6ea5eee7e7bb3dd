import { type Db, findOrganisationById, nextCaseSequence, type Organisation } from '@closeloop/db';
import type { DetailsOf } from '@closeloop/domain';

export type ComplaintDetails = DetailsOf<'complaint'>;
export type OrgSettings = Organisation['settings'];

/** Used when an organisation has not set its own: 3 working days to acknowledge, 20 to resolve. */
export const DEFAULT_SLA = { acknowledgeDays: 3, resolveDays: 20 } as const;
export const DEFAULT_CASE_REF_PATTERN = 'CASE-{yyyy}-{seq:5}';

/** Adds working days (Monday to Friday, in UTC), keeping the time of day; from a weekend, counting starts on Monday. */
export function addWorkingDays(from: Date, days: number): Date {
  const at = new Date(from.getTime());
  let left = Math.max(0, Math.floor(days));
  while (left > 0) {
    at.setUTCDate(at.getUTCDate() + 1);
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}

/**
 * Formats a case reference: `{yyyy}`, `{yy}`, `{mm}`, `{dd}` (of the complaint's date, UTC) and `{seq}` or
 * `{seq:N}` (the organisation's sequence, zero-padded to N digits). A pattern without `{seq}` gets `-{seq}` added,
 * so references stay unique.
 */
export function formatCaseRef(pattern: string, seq: number, at: Date): string {
  const withSeq = /\{seq(?::\d+)?\}/.test(pattern) ? pattern : `${pattern}-{seq}`;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return withSeq
    .replace(/\{yyyy\}/g, String(at.getUTCFullYear()))
    .replace(/\{yy\}/g, pad(at.getUTCFullYear() % 100, 2))
    .replace(/\{mm\}/g, pad(at.getUTCMonth() + 1, 2))
    .replace(/\{dd\}/g, pad(at.getUTCDate(), 2))
    .replace(/\{seq(?::(\d+))?\}/g, (_m, width: string | undefined) => pad(seq, Math.min(Number(width ?? 1), 12)))
    .slice(0, 100);
}

export function slaOf(settings: OrgSettings | null | undefined): { acknowledgeDays: number; resolveDays: number } {
  const sla = settings?.sla;
  return {
    acknowledgeDays: sla?.acknowledgeDays ?? DEFAULT_SLA.acknowledgeDays,
    resolveDays: sla?.resolveDays ?? DEFAULT_SLA.resolveDays,
  };
}

/**
 * Complaint intake: a case reference from the organisation's pattern (unless the complaint brings one),
 * status `received`, and acknowledge/resolve due dates from its SLA policy in working days. Dates the
 * source system already set are kept.
 */
export async function complaintIntake(
  db: Db,
  org: { id: string; settings: OrgSettings | null },
  details: ComplaintDetails | undefined,
  receivedAt: Date,
): Promise<ComplaintDetails> {
  const base: ComplaintDetails = details ?? { kind: 'complaint', status: 'received' };
  const sla = slaOf(org.settings);
  const caseRef =
    base.caseRef ??
    formatCaseRef(
      org.settings?.caseRefPattern ?? DEFAULT_CASE_REF_PATTERN,
      await nextCaseSequence(db, org.id),
      receivedAt,
    );
  return {
    ...base,
    caseRef,
    status: base.status ?? 'received',
    acknowledgeDueAt: base.acknowledgeDueAt ?? addWorkingDays(receivedAt, sla.acknowledgeDays).toISOString(),
    resolveDueAt: base.resolveDueAt ?? addWorkingDays(receivedAt, sla.resolveDays).toISOString(),
  };
}

/** Applies complaint intake to a validated feedback input; other channels pass through unchanged. */
export async function withComplaintIntake<
  T extends { channel: string; receivedAt?: string | undefined; details?: unknown },
>(db: Db, org: { id: string; settings: OrgSettings | null }, input: T, now: Date): Promise<T> {
  if (input.channel !== 'complaint') return input;
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
  const details = await complaintIntake(db, org, input.details as ComplaintDetails | undefined, receivedAt);
  return { ...input, details };
}

/** The organisation's id and settings, read only when a complaint needs them. */
export async function organisationOf(db: Db, orgId: string): Promise<{ id: string; settings: OrgSettings | null }> {
  const org = await findOrganisationById(db, orgId);
  return { id: orgId, settings: org?.settings ?? null };
}
