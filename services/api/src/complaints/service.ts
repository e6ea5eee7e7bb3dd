import { addWorkingDays, type ComplaintDetails, organisationOf, slaOf } from '@closeloop/core';
import { type Db, type FeedbackRow, insertAudit, schema } from '@closeloop/db';
import { type ComplaintStatus, ConflictError, InvalidTransitionError, NotFoundError } from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';

const { feedback } = schema;

export const COMPLAINT_STEPS = ['acknowledge', 'investigate', 'resolve', 'close', 'escalate'] as const;
export type ComplaintStep = (typeof COMPLAINT_STEPS)[number];

export interface StepInput {
  note?: string | undefined;
  outcome?: string | undefined;
  upheld?: 'upheld' | 'partly_upheld' | 'not_upheld' | undefined;
  reason?: string | undefined;
}

/** received → acknowledged → investigating → resolved → closed; escalation reopens the investigation at the next stage. */
const FROM: Record<ComplaintStep, readonly ComplaintStatus[]> = {
  acknowledge: ['received'],
  investigate: ['acknowledged'],
  resolve: ['investigating'],
  close: ['resolved'],
  escalate: ['acknowledged', 'investigating', 'resolved'],
};

const TO: Record<ComplaintStep, ComplaintStatus> = {
  acknowledge: 'acknowledged',
  investigate: 'investigating',
  resolve: 'resolved',
  close: 'closed',
  escalate: 'investigating',
};

/** SLA breaches known at `now`: a due date passed before the step that meets it was taken. */
export function breaches(details: ComplaintDetails, now: Date): ('acknowledge' | 'resolve')[] {
  const found = new Set(details.slaBreached ?? []);
  const ackAt = details.acknowledgedAt ? new Date(details.acknowledgedAt) : now;
  if (details.acknowledgeDueAt && ackAt > new Date(details.acknowledgeDueAt)) found.add('acknowledge');
  const resolvedAt = details.resolvedAt ? new Date(details.resolvedAt) : now;
  if (details.resolveDueAt && resolvedAt > new Date(details.resolveDueAt)) found.add('resolve');
  return (['acknowledge', 'resolve'] as const).filter((b) => found.has(b));
}

/** Moves a complaint one step, in `db` (a transaction), with the row locked; records the SLA breach flags. */
export async function transitionComplaint(
  db: Db,
  orgId: string,
  id: string,
  step: ComplaintStep,
  input: StepInput,
  actor: { type: 'api_key' | 'staff'; id: string },
  now: Date,
): Promise<FeedbackRow> {
  const rows = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id)))
    .for('update')
    .limit(1);
  const row = rows[0];
  if (!row) throw new NotFoundError('feedback', id);
  if (row.erasedAt) throw new ConflictError('feedback_erased', 'This feedback was erased');
  if (row.channel !== 'complaint') {
    throw new ConflictError('not_a_complaint', `feedback ${id} is a ${row.channel} item, not a complaint`);
  }
  const current: ComplaintDetails =
    row.details?.kind === 'complaint' ? row.details : { kind: 'complaint', status: 'received' };
  const from = current.status ?? 'received';
  if (!FROM[step].includes(from)) throw new InvalidTransitionError('complaint', from, TO[step]);

  const at = now.toISOString();
  const next: ComplaintDetails = { ...current, status: TO[step] };
  if (step === 'acknowledge') next.acknowledgedAt = at;
  if (step === 'resolve') {
    next.resolvedAt = at;
    if (input.outcome !== undefined) next.outcome = input.outcome;
    if (input.upheld !== undefined) next.upheld = input.upheld;
  }
  if (step === 'escalate') {
    // The next stage gets a fresh resolve deadline from today; the earlier breach flags stay on record.
    const sla = slaOf((await organisationOf(db, orgId)).settings);
    next.escalated = true;
    next.escalationStage = Math.min((current.escalationStage ?? 1) + 1, 5);
    next.resolveDueAt = addWorkingDays(now, sla.resolveDays).toISOString();
    delete next.resolvedAt;
    delete next.upheld;
  }
  const flags = breaches(next, now);
  if (flags.length > 0) next.slaBreached = flags;

  const updated = await db
    .update(feedback)
    .set({ details: next, updatedAt: sql`now()` })
    .where(and(eq(feedback.orgId, orgId), eq(feedback.id, id)))
    .returning();
  await insertAudit(db, {
    orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: `complaint.${step}`,
    entityType: 'feedback',
    entityId: id,
    data: {
      from,
      to: next.status,
      ...(input.note ? { note: input.note } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(flags.length > 0 ? { slaBreached: flags } : {}),
    },
  });
  return updated[0] ?? row;
}
