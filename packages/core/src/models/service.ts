import { type Db, insertAudit, queryRows, uuidv7 } from '@closeloop/db';
import { UnavailableError } from '@closeloop/domain';
import { type JobInfo, type JobQueue, QueueUnavailableError } from '@closeloop/queue';
import { sql } from 'drizzle-orm';

export interface LabelFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** One stored model version with its holdout evaluation figures; never the weights. */
export interface ModelVersionSummary {
  version: number;
  kind: string;
  active: boolean;
  trainedAt: Date;
  trainedOn: number;
  microF1: number | null;
  macroF1: number | null;
  exactMatch: number | null;
  holdout: number | null;
  previousMicroF1: number | null;
  labels: number | null;
  trainedMs: number | null;
  /** Per-label holdout figures, stored by retrains since they were added (null for older versions). */
  perLabel: Record<string, LabelFigures> | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function perLabelOf(v: unknown): Record<string, LabelFigures> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Record<string, LabelFigures> = {};
  for (const [label, figures] of Object.entries(v as Record<string, unknown>)) {
    if (typeof figures !== 'object' || figures === null) continue;
    const f = figures as Record<string, unknown>;
    out[label] = {
      precision: num(f.precision) ?? 0,
      recall: num(f.recall) ?? 0,
      f1: num(f.f1) ?? 0,
      support: num(f.support) ?? 0,
    };
  }
  return out;
}

/** The organisation's model versions, newest first (the model column is not read). */
export async function listModelVersions(db: Db, orgId: string, limit = 100): Promise<ModelVersionSummary[]> {
  const rows = await queryRows<{
    version: number;
    kind: string;
    active: boolean;
    createdAt: Date | string;
    trainedOn: number;
    metrics: Record<string, unknown> | null;
  }>(
    db,
    sql`select version, kind, active, created_at as "createdAt", trained_on as "trainedOn", metrics
        from model_versions where org_id = ${orgId}
        order by created_at desc, version desc limit ${limit}`,
  );
  return rows.map((r) => {
    const m = r.metrics ?? {};
    return {
      version: r.version,
      kind: r.kind,
      active: r.active,
      trainedAt: new Date(r.createdAt),
      trainedOn: r.trainedOn,
      microF1: num(m.micro_f1),
      macroF1: num(m.macro_f1),
      exactMatch: num(m.exact_match),
      holdout: num(m.holdout),
      previousMicroF1: num(m.previous_micro_f1),
      labels: num(m.labels),
      trainedMs: num(m.trained_ms),
      perLabel: perLabelOf(m.per_label),
    };
  });
}

export interface RetrainRequest {
  jobId: string;
  /** false when a retrain asked for earlier is still queued or running: its job is returned. */
  created: boolean;
  state: JobInfo['state'];
}

const PENDING: readonly JobInfo['state'][] = ['waiting', 'active', 'delayed'];

/**
 * Asks the worker to retrain the organisation's theme model now (`force`: even with fewer than the usual
 * number of new staff labels). While an earlier request's job is still queued or running, that job is
 * returned instead of queueing another. The request is audited as `model.retrain_requested`; the audit row
 * also records the job id, so the check works across api processes (serialised by an advisory lock).
 */
export async function requestRetrain(
  deps: { db: Db; queue: Pick<JobQueue, 'enqueue' | 'getJob'> },
  orgId: string,
  actor: { type: string; id: string | null },
  opts: { force?: boolean } = {},
): Promise<RetrainRequest> {
  const force = opts.force ?? true;
  try {
    return await queueRetrain(deps, orgId, actor, force);
  } catch (error) {
    if (error instanceof QueueUnavailableError) {
      throw new UnavailableError('queue_unavailable', 'The job queue is unavailable; retry shortly');
    }
    throw error;
  }
}

function queueRetrain(
  deps: { db: Db; queue: Pick<JobQueue, 'enqueue' | 'getJob'> },
  orgId: string,
  actor: { type: string; id: string | null },
  force: boolean,
): Promise<RetrainRequest> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`retrain-request:${orgId}`}))`);
    const [last] = await queryRows<{ jobId: string | null }>(
      tx,
      sql`select data->>'jobId' as "jobId" from audit_log
          where org_id = ${orgId} and action = 'model.retrain_requested'
          order by id desc limit 1`,
    );
    if (last?.jobId) {
      const job = await deps.queue.getJob('retrain', last.jobId);
      if (job && PENDING.includes(job.state)) return { jobId: job.id, created: false, state: job.state };
    }
    const jobId = `retrain-now-${orgId}-${uuidv7()}`;
    await deps.queue.enqueue('retrain', { orgId, force }, { jobId });
    await insertAudit(tx, {
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action: 'model.retrain_requested',
      entityType: 'model_version',
      entityId: 'themes',
      data: { jobId, force },
    });
    return { jobId, created: true, state: 'waiting' as const };
  });
}
