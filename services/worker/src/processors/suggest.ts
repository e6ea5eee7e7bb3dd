import { suggestActionsForFeedback, suggestFeedbackForAction } from '@closeloop/core';
import type { JobPayload } from '@closeloop/queue';
import type { WorkerDeps } from '../deps.ts';

/** Link suggestions for a newly analysed feedback item and/or a created or edited action. Idempotent. */
export function createSuggestProcessor(deps: Pick<WorkerDeps, 'database' | 'logger'>) {
  return async (payload: JobPayload<'suggest'>): Promise<void> => {
    const { db } = deps.database;
    let created = 0;
    if (payload.feedbackId) created += await suggestActionsForFeedback(db, payload.orgId, payload.feedbackId);
    if (payload.actionId) created += await suggestFeedbackForAction(db, payload.orgId, payload.actionId);
    if (created > 0) deps.logger.debug({ ...payload, created }, 'link suggestions stored');
  };
}
