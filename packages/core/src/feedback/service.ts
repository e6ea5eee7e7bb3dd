import {
  customerGroupBelongs,
  type Db,
  engagementBelongs,
  type FeedbackRow,
  getFeedback,
  insertContact,
  insertFeedback,
  insertFeedbackRows,
  type NewFeedbackRow,
  type Sealer,
  servicePointBelongs,
  uuidv7,
} from '@closeloop/db';
import { type Channel, ConflictError, type ContactInput, type FeedbackInput, ValidationError } from '@closeloop/domain';
import type { Logger } from '@closeloop/logger';
import { analyseJobs, analysePriority, type EnqueueOptions, type JobPayload, type JobQueue } from '@closeloop/queue';
import { createBatcher, createGroupRunner, type Settled } from '../batcher.ts';
import { organisationOf, withComplaintIntake } from '../complaints/intake.ts';
import { contactRow, feedbackRow, writeFeedbackRows } from './rows.ts';

export interface AcceptedFeedback {
  id: string;
  status: 'received';
  created: boolean;
}

/** Seals a contact into its own row; consent flags and language stay readable for the notify step. */
export async function storeContact(
  db: Db,
  sealer: Sealer,
  orgId: string,
  contact: ContactInput,
  fallbackLanguage: string,
) {
  return insertContact(db, contactRow(sealer, orgId, contact, fallbackLanguage));
}

export function createFeedbackService(deps: { sealer: Sealer; queue: JobQueue; logger: Logger; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  async function checkReferences(db: Db, orgId: string, input: FeedbackInput): Promise<void> {
    const problems: { path: string; message: string }[] = [];
    const checks: Promise<void>[] = [];
    if (input.servicePointId) {
      checks.push(
        servicePointBelongs(db, orgId, input.servicePointId).then((ok) => {
          if (!ok) problems.push({ path: 'servicePointId', message: 'unknown service point' });
        }),
      );
    }
    if (input.customerGroupId) {
      checks.push(
        customerGroupBelongs(db, orgId, input.customerGroupId).then((ok) => {
          if (!ok) problems.push({ path: 'customerGroupId', message: 'unknown customer group' });
        }),
      );
    }
    if (input.engagementId) {
      checks.push(
        engagementBelongs(db, orgId, input.engagementId).then((ok) => {
          if (!ok) problems.push({ path: 'engagementId', message: 'unknown engagement' });
        }),
      );
    }
    await Promise.all(checks);
    if (problems.length > 0) throw new ValidationError('The feedback refers to records that do not exist', problems);
  }

  // Requests arriving within 2 ms share one queue round trip (BullMQ addBulk): under load this
  // removes most of the per-request Redis writes, at the cost of at most 2 ms of latency.
  const enqueueBatched = createBatcher<{ payload: JobPayload<'analyse'>; opts: EnqueueOptions }, true>(
    async (jobs) => {
      try {
        await deps.queue.enqueueBulk('analyse', jobs);
        return jobs.map(() => ({ ok: true as const, value: true as const }));
      } catch (error) {
        return jobs.map(() => ({ ok: false as const, error }));
      }
    },
    { maxSize: 200, maxWaitMs: 2 },
  );

  interface Grouped {
    row: NewFeedbackRow & { id: string; orgId: string; channel: Channel };
    requestId?: string;
  }

  /** One multi-row INSERT for the group; if it fails, row by row, so a bad row fails only its own request. */
  async function insertGroup(db: Db, items: Grouped[]): Promise<Settled<AcceptedFeedback>[]> {
    const accepted = (item: Grouped): Settled<AcceptedFeedback> => ({
      ok: true,
      value: { id: item.row.id, status: 'received', created: true },
    });
    let results: Settled<AcceptedFeedback>[];
    try {
      await insertFeedbackRows(
        db,
        items.map((i) => i.row),
      );
      results = items.map(accepted);
    } catch (groupError) {
      if (items.length === 1) return [{ ok: false, error: groupError }];
      results = [];
      for (const item of items) {
        try {
          await insertFeedback(db, item.row);
          results.push(accepted(item));
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
    }
    // Committed: one analyse job per organisation (and per ANALYSE_BATCH_MAX rows), not one per row.
    const committed = items.filter((_, i) => results[i]?.ok);
    if (committed.length > 0) {
      try {
        await deps.queue.enqueueBulk(
          'analyse',
          analyseJobs(
            committed.map((i) => i.row),
            committed[0]?.requestId,
          ),
        );
      } catch (error) {
        deps.logger.warn(
          { err: error, count: committed.length },
          'enqueue failed; the sweeper will pick this feedback up',
        );
      }
    }
    return results;
  }

  function groupable(input: FeedbackInput): boolean {
    return !input.contact && !input.externalId && input.channel !== 'complaint';
  }

  const groupRunners = new WeakMap<Db, (item: Grouped) => Promise<AcceptedFeedback>>();
  function groupRunnerOf(db: Db) {
    let runner = groupRunners.get(db);
    if (!runner) {
      // Two groups in flight: one is written while the next one gathers the requests that arrive meanwhile.
      runner = createGroupRunner<Grouped, AcceptedFeedback>((items) => insertGroup(db, items), {
        maxSize: 500,
        maxInFlight: 2,
      });
      groupRunners.set(db, runner);
    }
    return runner;
  }

  return {
    /**
     * Whether {@link storeGrouped} can take this input: a plain row, with no contact to seal, no external
     * id to upsert on and no complaint case reference to allocate.
     */
    groupable,

    /**
     * The hot path of single submissions: stores a plain row (see {@link groupable}) together with the
     * rows of concurrent requests, in one INSERT and one commit, then enqueues one analyse job for the
     * group. Resolves once the row is committed (and the job queued, unless the queue is down: then the
     * sweeper queues it). `db` must be the database, not a transaction.
     */
    async storeGrouped(db: Db, orgId: string, input: FeedbackInput, requestId?: string): Promise<AcceptedFeedback> {
      if (!groupable(input)) throw new Error('storeGrouped takes plain rows only; use store()');
      await checkReferences(db, orgId, input);
      const row = feedbackRow(orgId, uuidv7(now().getTime()), input, null, now());
      return groupRunnerOf(db)({
        row: { ...row, orgId, channel: input.channel },
        ...(requestId ? { requestId } : {}),
      });
    },

    /** Writes one feedback row (and its contact) in `db`, which may be a transaction. Does not enqueue. */
    async store(db: Db, orgId: string, received: FeedbackInput): Promise<AcceptedFeedback> {
      await checkReferences(db, orgId, received);
      const input =
        received.channel === 'complaint'
          ? await withComplaintIntake(db, await organisationOf(db, orgId), received, now())
          : received;
      if (input.externalId) {
        // Upsert by (source, externalId): shared with bulk and inbound so a repeat keeps a complaint's workflow.
        const [result] = await writeFeedbackRows(db, { sealer: deps.sealer, now }, orgId, [input], 'upsert');
        if (!result || result.erased) throw new ConflictError('feedback_erased', 'This feedback was erased');
        return { id: result.id, status: 'received', created: result.created };
      }
      const id = uuidv7(now().getTime());
      const contactId = input.contact
        ? await storeContact(db, deps.sealer, orgId, input.contact, input.language ?? 'en')
        : null;
      const row = feedbackRow(orgId, id, input, contactId, now());
      await insertFeedback(db, row);
      return { id, status: 'received', created: true };
    },

    /**
     * After commit: asks the worker to analyse. A queue outage is logged, not thrown; the sweeper
     * re-enqueues rows still `received` after the grace period (durability rule).
     */
    async enqueueAnalysis(
      orgId: string,
      feedbackId: string,
      channel: FeedbackInput['channel'],
      requestId?: string,
    ): Promise<boolean> {
      try {
        await enqueueBatched({
          payload: { orgId, feedbackId, ...(requestId ? { requestId: requestId.slice(0, 128) } : {}) },
          opts: { jobId: feedbackId, priority: analysePriority(channel) },
        });
        return true;
      } catch (error) {
        deps.logger.warn({ err: error, feedbackId }, 'enqueue failed; the sweeper will pick this feedback up');
        return false;
      }
    },

    get(db: Db, orgId: string, id: string): Promise<FeedbackRow | null> {
      return getFeedback(db, orgId, id);
    },
  };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
