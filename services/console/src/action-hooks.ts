import { type ActionRow, publicationsOfAction } from '@closeloop/db';
import type { ConsoleContext } from './context.ts';

/**
 * What the API does after an action changes, done the same way from the console: contributors are
 * told once a finished (or declined) action is published, and open actions get feedback suggestions.
 * Job ids match the API's, so the two never send twice.
 */
export async function afterActionChange(ctx: ConsoleContext, orgId: string, action: ActionRow, statusChanged: boolean) {
  const { queue, logger, database } = ctx.deps;
  if (statusChanged && (action.status === 'done' || action.status === 'declined')) {
    const pubs = await publicationsOfAction(database.db, orgId, action.id);
    if (pubs.some((p) => p.publication.state === 'published')) {
      await queue
        .enqueue('notify', { orgId, actionId: action.id }, { jobId: `notify-${action.id}-${action.status}` })
        .catch((err: unknown) => logger.warn({ err, actionId: action.id }, 'notify enqueue failed'));
    }
  }
  if (action.status !== 'done' && action.status !== 'declined') {
    await queue
      .enqueue(
        'suggest',
        { orgId, actionId: action.id },
        { jobId: `suggest-a-${action.id}-${action.updatedAt.getTime()}` },
      )
      .catch((err: unknown) => logger.warn({ err, actionId: action.id }, 'suggest enqueue failed'));
  }
}
